"""The HTML-aware rewrite of a Kazakh page into Latin (issue 13): what changes and what never does."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from newsdesk.editions.latin_html import html_to_latin, is_kazakh_language
from newsdesk.editions.latin_xml import feed_to_latin

ORIGIN = "https://news.example.kz"


def latin(html: str) -> str:
    return html_to_latin(html, origins=[ORIGIN])


def test_text_nodes_change_markup_does_not() -> None:
    html = '<p class="lead" id="x">Қазақстан <b>Президенті</b><br/>бүгін</p>'
    assert latin(html) == '<p class="lead" id="x">Qazaqstan <b>Prezidentı</b><br/>bügın</p>'


@pytest.mark.parametrize("attribute", ["title", "alt", "aria-label", "placeholder"])
def test_human_attributes_change(attribute: str) -> None:
    assert latin(f'<img src="/a.jpg" {attribute}="Сурет">') == f'<img src="/a.jpg" {attribute}="Suret">'


def test_other_attributes_and_urls_never_change() -> None:
    html = '<img src="/media/сурет.jpg" data-caption="сурет" class="қ"><input value="Іздеу" name="q">'
    assert latin(html) == html


def test_description_and_og_meta_change_og_url_does_not() -> None:
    html = (
        '<meta name="description" content="Қысқаша"><meta property="og:title" content="Тақырып">'
        f'<meta property="og:url" content="{ORIGIN}/kk/а/"><meta name="robots" content="Қ">'
    )
    assert latin(html) == (
        '<meta name="description" content="Qysqaşa"><meta property="og:title" content="Taqyryp">'
        f'<meta property="og:url" content="{ORIGIN}/kk/а/"><meta name="robots" content="Қ">'
    )


def test_links_to_kazakh_pages_move_to_latin_others_stay() -> None:
    html = (
        '<a href="/kk/politics/">Саясат</a><a href="/ru/">Русский</a>'
        f'<a href="{ORIGIN}/kk/">Басты</a><a href="https://other.kz/kk/">Басқа</a>'
        '<form action="/kk/search/"><button formaction="/kk/x/">Іздеу</button></form>'
    )
    assert latin(html) == (
        '<a href="/kk-latn/politics/">Saiasat</a><a href="/ru/">Russkii</a>'
        f'<a href="{ORIGIN}/kk-latn/">Basty</a><a href="https://other.kz/kk/">Basqa</a>'
        '<form action="/kk-latn/search/"><button formaction="/kk-latn/x/">Izdeu</button></form>'
    )


def test_canonical_hreflang_and_the_script_switch_keep_their_urls() -> None:
    html = (
        f'<link rel="canonical" href="{ORIGIN}/kk/a/">'
        f'<link rel="alternate" hreflang="kk-Cyrl" href="{ORIGIN}/kk/a/">'
        '<a href="/kk/a/" data-script="cyrl" lang="kk-Cyrl">Кирилл</a>'
    )
    assert latin(html) == html


def test_html_lang_and_kazakh_lang_attributes_say_latin() -> None:
    html = '<html lang="kk"><a href="/kk/" hreflang="kk" lang="kk">Қазақша</a></html>'
    assert (
        latin(html)
        == '<html lang="kk-Latn"><a href="/kk-latn/" hreflang="kk" lang="kk-Latn">Qazaqşa</a></html>'
    )


def test_code_script_style_and_comments_never_change() -> None:
    html = (
        "<p>Мысал: <code>Қ = &quot;қ&quot;</code> <kbd>Ctrl+Қ</kbd></p>"
        '<script>const a = "Қазақ"; if (a < b) {}</script><style>p::before{content:"Қ"}</style>'
        "<!-- Қазақ --><p>Соңы</p>"
    )
    assert latin(html) == (
        "<p>Mysal: <code>Қ = &quot;қ&quot;</code> <kbd>Ctrl+Қ</kbd></p>"
        '<script>const a = "Қазақ"; if (a < b) {}</script><style>p::before{content:"Қ"}</style>'
        "<!-- Қазақ --><p>Soñy</p>"
    )


def test_marked_spans_and_other_languages_stay_nested_ones_too() -> None:
    html = (
        '<p>Ол <span translate="no">Нұр <span>Отан</span> партиясы</span> туралы айтты: '
        '<q lang="ru">Всё <b>будет</b> хорошо</q>, <span lang="en">OK</span> деді. '
        '<span lang="kk-Cyrl">Кирилл</span> <span lang="kk">Латын</span></p>'
    )
    assert latin(html) == (
        '<p>Ol <span translate="no">Нұр <span>Отан</span> партиясы</span> turaly aitty: '
        '<q lang="ru">Всё <b>будет</b> хорошо</q>, <span lang="en">OK</span> dedı. '
        '<span lang="kk-Cyrl">Кирилл</span> <span lang="kk-Latn">Latyn</span></p>'
    )


def test_links_inside_kept_elements_still_move() -> None:
    assert (
        latin('<span lang="ru"><a href="/kk/a/">тут</a></span>')
        == '<span lang="ru"><a href="/kk-latn/a/">тут</a></span>'
    )


def test_json_ld_values_that_are_words_change_keys_and_urls_never() -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "Тоқаев </script> сапары",
        "url": f"{ORIGIN}/kk/a/",
        "inLanguage": "kk",
        "author": [{"@type": "Person", "name": "Асқар"}],
        "Қ": "датасы",
    }
    body = json.dumps(data, ensure_ascii=False).replace("<", "\\u003C").replace(">", "\\u003E")
    out = latin(f'<script type="application/ld+json">{body}</script>')
    inner = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', out, re.S)
    assert inner is not None and "</script>" not in inner.group(1)
    assert json.loads(inner.group(1)) == {
        "@type": "NewsArticle",
        "headline": "Toqaev </script> sapary",
        "url": f"{ORIGIN}/kk/a/",
        "inLanguage": "kk-Latn",
        "author": [{"@type": "Person", "name": "Asqar"}],
        "Қ": "датасы",  # not a key we know as words: left alone
    }


def test_json_data_blocks_change_their_values_not_their_keys() -> None:
    out = latin('<script type="application/json" id="s">{"сәлем": "Жіберу", "n": 3}</script>')
    assert out == '<script type="application/json" id="s">{"сәлем": "Jıberu", "n": 3}</script>'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Қ < 3", "<p>Q < 3"),
        ("<", "<"),
        ("<p title='Қ>", "<p title='Q>"),  # an unclosed quote: no tag, so text
        ("<!-- Қ", "<!-- Қ"),
        ("<span lang=ru>Қ", "<span lang=ru>Қ"),  # never closed: kept to the end
        ("</p>Қ<br/>", "</p>Q<br/>"),
    ],
)
def test_malformed_input_is_kept_and_read_as_a_browser_would(html: str, expected: str) -> None:
    assert latin(html) == expected


def test_is_kazakh_language() -> None:
    assert is_kazakh_language("kk") and is_kazakh_language("KK-kz") and is_kazakh_language("kk-Latn")
    assert not is_kazakh_language("kk-Cyrl") and not is_kazakh_language("ru") and not is_kazakh_language("")


class _TextCollector(HTMLParser):
    """Python's own tokenizer: the reference for which text is text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.texts: list[str] = []
        self.raw = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.raw += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.raw -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.raw and data.strip():
            self.texts.append(data)


def test_same_text_nodes_as_pythons_html_parser() -> None:
    """Differential check of the tokenizer on varied markup: the Latin page has exactly the
    reference parser's text nodes, transliterated, and the same tags."""
    html = (
        "<!DOCTYPE html><html lang='kk'><head><title>Бас бет</title></head><body>"
        '<div class="a" data-x=\'1 > 0\'>Бір <a href="/kk/" title="Екі > бір">екі</a></div>'
        "<ul><li>үш<li>төрт</ul><table><tr><td>бес</td></tr></table>"
        '<p>алты<img alt="жеті" src=/x.png>сегіз &amp; тоғыз&nbsp;он</p>'
        "<script>var s = '<p>Қ</p>';</script></body></html>"
    )
    before, after = _TextCollector(), _TextCollector()
    before.feed(html)
    after.feed(latin(html))
    from newsdesk.editions.analysis import kazakh_to_latin

    assert after.texts == [kazakh_to_latin(text) for text in before.texts]
    tags = re.compile(r"<[a-z!/][^>]*>")
    assert len(tags.findall(latin(html))) == len(tags.findall(html))


def test_feed_words_and_links_change_guids_do_not() -> None:
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Жаңалықтар</title>'
        f'<link>{ORIGIN}/kk/</link><atom:link href="{ORIGIN}/kk/feeds/rss/" rel="self"/><language>kk</language>'
        f"<item><title>Тоқаев</title><link>{ORIGIN}/kk/a/</link><guid>{ORIGIN}/kk/a/</guid>"
        "<description>&lt;p&gt;Мәтін &lt;span lang=&quot;ru&quot;&gt;текст&lt;/span&gt;&lt;/p&gt;</description>"
        "<category>Саясат</category></item></channel></rss>"
    )
    assert feed_to_latin(feed, origins=[ORIGIN]) == (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Jañalyqtar</title>'
        f'<link>{ORIGIN}/kk-latn/</link><atom:link href="{ORIGIN}/kk-latn/feeds/rss/" rel="self"/>'
        "<language>kk-Latn</language>"
        f"<item><title>Toqaev</title><link>{ORIGIN}/kk-latn/a/</link><guid>{ORIGIN}/kk/a/</guid>"
        '<description>&lt;p&gt;Mätın &lt;span lang="ru"&gt;текст&lt;/span&gt;&lt;/p&gt;</description>'
        "<category>Saiasat</category></item></channel></rss>"
    )
