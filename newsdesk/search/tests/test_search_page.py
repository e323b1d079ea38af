"""The search page per edition (issue 5): inflections, filters, sorting, paging, snippets
and queries that must never break it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.search.engines import PostgresEngine, SearchQuery, SqliteEngine
from newsdesk.search.models import SearchDocument
from newsdesk.search.selectors import MAX_TERMS, search_terms

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def publish(section, title: str, text: str, days: int = 0, **fields):
    fields.setdefault("lead", "")
    return article_publish(
        section=section, title=title, paragraphs=[text], published_at=T0 + timedelta(days=days), **fields
    )


def search(client: Client, lang: str, **params: str):
    return client.get(f"/{lang}/search/", params)


@pytest.fixture(autouse=True)
def words_only(settings):
    # Publishing also runs relevant news; words alone keep these tests off the e5 model.
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"


@pytest.mark.django_db
class TestInflectedFormsMeet:
    def test_russian(self, sections, client: Client) -> None:
        article = publish(
            sections[("ru", "politics")],
            "Президент провёл встречу",
            "Глава государства встретился с министрами.",
        )
        response = search(client, "ru", q="президента")
        assert response.status_code == 200
        html = response.content.decode()
        assert article.url in html
        assert "<mark>Президент</mark> провёл встречу" in html

    def test_kazakh(self, sections, client: Client) -> None:
        article = publish(
            sections[("kk", "politics")],
            "Президент Мәскеуге барды",
            "Мемлекет басшысы Ресей президентімен кездесті.",
        )
        html = search(client, "kk", q="президентінің").content.decode()
        assert article.url in html
        assert "<mark>президентімен</mark>" in html
        # Latin-script Kazakh finds Cyrillic text.
        assert article.url in search(client, "kk", q="Prezidentınıñ").content.decode()

    def test_english(self, sections, client: Client) -> None:
        article = publish(sections[("en", "economy")], "Exports grew", "Wheat exporters shipped more grain.")
        assert article.url in search(client, "en", q="exporter export").content.decode()

    def test_an_edition_only_finds_its_own_articles(self, sections, client: Client) -> None:
        ru = publish(sections[("ru", "politics")], "Президент Токаев", "Текст.")
        kk = publish(sections[("kk", "politics")], "Президент Тоқаев", "Мәтін.")
        html = search(client, "kk", q="президент").content.decode()
        assert kk.url in html and ru.url not in html

    def test_unpublished_articles_leave_the_index(self, sections, client: Client) -> None:
        article = publish(sections[("en", "world")], "Volcano erupts", "Lava reached the village.")
        assert SearchDocument.objects.filter(pk=article.pk).exists()
        with committed():
            article.unpublish()
        assert not SearchDocument.objects.filter(pk=article.pk).exists()
        assert article.url not in search(client, "en", q="volcano").content.decode()


@pytest.mark.django_db
class TestSurnamesThatAreAlsoWords:
    """ "Токаев" is a known word to the dictionary (genitive plural of "токай"), "Токаева" an
    unknown one guessed as the surname: both must be one name to search."""

    @pytest.fixture
    def articles(self, sections):
        politics = sections[("ru", "politics")]
        oblique = publish(politics, "Послы у Токаева", "Верительные грамоты вручили Токаеву в Акорде.")
        nominative = publish(politics, "Токаев подписал закон", "Документ вступит в силу через десять дней.")
        return oblique, nominative

    @pytest.mark.parametrize("query", ["Токаев", "токаев", "Токаева", "токаеву"])
    def test_every_form_finds_every_form(self, query: str, articles, client: Client) -> None:
        oblique, nominative = articles
        html = search(client, "ru", q=query).content.decode()
        assert html.count('class="search-result"') == 2
        assert oblique.url in html and nominative.url in html
        assert "Послы у <mark>Токаева</mark>" in html
        assert "<mark>Токаев</mark> подписал закон" in html
        assert "вручили <mark>Токаеву</mark>" in html

    def test_the_name_with_another_word(self, articles, client: Client) -> None:
        oblique, nominative = articles
        html = search(client, "ru", q="токаев закон").content.decode()
        assert html.count('class="search-result"') == 1  # both words, not the any-word fallback
        assert nominative.url in html and oblique.url not in html

    def test_lower_case_common_word_is_not_a_surname(self, sections, client: Client) -> None:
        article = publish(sections[("ru", "society")], "Жители домов остались без света", "Авария.")
        html = search(client, "ru", q="дом").content.decode()
        assert article.url in html
        assert "Жители <mark>домов</mark> остались" in html

    def test_a_capitalised_common_word_keeps_its_common_reading(self, sections, client: Client) -> None:
        # "Штатов" is capitalised like a surname, but the index keeps "штат" beside "штатов".
        article = publish(
            sections[("ru", "politics")], "Визит в Вашингтон", "Делегация Соединенных Штатов прибыла."
        )
        html = search(client, "ru", q="штаты").content.decode()
        assert article.url in html
        assert "Соединенных <mark>Штатов</mark> прибыла" in html


def test_a_query_word_is_a_group_of_alternatives() -> None:
    assert search_terms(language="ru", text="Токаев токаев закона") == (("токай", "токаев"), ("закон",))
    words = " ".join(f"слово{n}" for n in range(MAX_TERMS + 5))
    assert len(search_terms(language="ru", text=words)) == MAX_TERMS


def test_engines_or_the_alternatives_and_and_the_words() -> None:
    query = SearchQuery(language="ru", terms=(("токай", "токаев"), ("закон",)))
    assert SqliteEngine.match(query) == 'language : "ru" AND (("токай" OR "токаев") AND ("закон"))'
    assert PostgresEngine.tsquery(query) == "('токай' | 'токаев') & ('закон')"
    any_word = SearchQuery(language="ru", terms=query.terms, match_all=False)
    assert SqliteEngine.match(any_word) == 'language : "ru" AND (("токай" OR "токаев") OR ("закон"))'
    assert PostgresEngine.tsquery(any_word) == "('токай' | 'токаев') | ('закон')"
    # Quoting stays, should a term ever hold a quote.
    odd = SearchQuery(language="en", terms=(('a"b', "c'd\\"),))
    assert SqliteEngine.match(odd) == 'language : "en" AND (("a""b" OR "c\'d\\"))'
    assert PostgresEngine.tsquery(odd) == "('a\"b' | 'c''d')"


@pytest.mark.django_db
class TestFiltersSortingPaging:
    @pytest.fixture
    def articles(self, sections):
        economy, sport = sections[("en", "economy")], sections[("en", "sport")]
        items = [
            publish(economy, f"Oil report {n:02d}", "Oil prices and oil output.", days=n) for n in range(12)
        ]
        items.append(publish(sport, "Oil money in football", "Clubs and oil sponsors.", days=20))
        return items

    def test_section_filter(self, articles, sections, client: Client) -> None:
        html = search(client, "en", q="oil", section=str(sections[("en", "sport")].pk)).content.decode()
        assert "1 article found" in html
        assert articles[-1].url in html

    def test_date_range_in_almaty_days(self, articles, client: Client) -> None:
        # T0 + 3 days is 2026-03-05 11:00 in Almaty; the range covers the 5th and 6th.
        html = search(client, "en", q="oil", date_from="2026-03-05", date_to="2026-03-06").content.decode()
        assert "2 articles found" in html
        assert articles[3].url in html and articles[4].url in html

    def test_date_sort_is_newest_first_and_pages_keep_the_query(self, articles, client: Client) -> None:
        first = search(client, "en", q="oil", sort="date").content.decode()
        assert "13 articles found" in first
        assert first.index(articles[-1].url) < first.index(articles[11].url) < first.index(articles[10].url)
        assert articles[0].url not in first  # 10 a page
        assert 'href="?q=oil&amp;sort=date&amp;page=2"' in first
        second = search(client, "en", q="oil", sort="date", page="2").content.decode()
        assert articles[0].url in second and articles[-1].url not in second
        assert "Page 2 of 2" in second

    def test_relevance_puts_the_title_match_first(self, articles, sections, client: Client) -> None:
        best = publish(sections[("en", "world")], "Football sponsors", "Money.", days=1)
        html = search(client, "en", q="football sponsors").content.decode()
        assert html.index(best.url) < html.index(articles[-1].url)

    def test_out_of_range_page_shows_the_last(self, articles, client: Client) -> None:
        response = search(client, "en", q="oil", page="99")
        assert response.status_code == 200
        assert "Page 2 of 2" in response.content.decode()
        assert search(client, "en", q="oil", page="abc").status_code == 200

    def test_counting_stops_at_the_cap(self, articles, client: Client, monkeypatch) -> None:
        monkeypatch.setattr("newsdesk.search.engines.COUNT_CAP", 5)
        monkeypatch.setattr("newsdesk.search.selectors.COUNT_CAP", 5)
        html = search(client, "en", q="oil").content.decode()
        assert "More than 5 articles found" in html
        assert html.count('class="search-result"') == 5

    def test_no_article_with_every_word_falls_back_to_any(self, articles, client: Client) -> None:
        html = search(client, "en", q="oil zeppelin").content.decode()
        assert "13 articles found" in html
        assert "no article has all the words" in html


@pytest.mark.django_db
class TestSnippets:
    def test_reader_text_is_escaped_before_marking(self, sections, client: Client) -> None:
        publish(
            sections[("en", "world")],
            "<script>alert(1)</script> Storm warning",
            "A &lt;b&gt;storm&lt;/b&gt; hit the coast. "
            + "Filler words here. " * 40
            + "The storm moved north.",
            slug="storm-warning",
        )
        html = search(client, "en", q="storm").content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Storm</mark> warning" in html
        assert "&lt;b&gt;<mark>storm</mark>&lt;/b&gt;" in html

    def test_long_text_is_cut_around_the_matches(self, sections, client: Client) -> None:
        publish(sections[("en", "world")], "Report", "Opening words. " * 50 + "The glacier melted fast.")
        html = search(client, "en", q="glacier").content.decode()
        snippet = html[html.index('class="search-result__snippet"') :]
        snippet = snippet[: snippet.index("</p>")]
        assert "… " in snippet and "<mark>glacier</mark> melted fast." in snippet
        assert len(snippet) < 400


@pytest.mark.django_db
class TestQueriesThatMustNotBreakThePage:
    @pytest.mark.parametrize(
        "query",
        [
            '"unclosed quote',
            "oil AND OR NOT",
            "NOT",
            "oil*",
            "(oil",
            "oil)) ((",
            "NEAR(oil price)",
            "oil:price",
            "language : ru",
            "-oil +price ^x",
            "'; DROP TABLE newsdesk_search_searchdocument; --",
            "***",
            "🛢️ oil",
        ],
    )
    def test_syntax_characters_are_only_text(self, query: str, sections, client: Client) -> None:
        publish(sections[("en", "economy")], "Oil price", "Oil.")
        response = search(client, "en", q=query)
        assert response.status_code == 200
        assert SearchDocument.objects.exists()

    def test_empty_query_shows_the_form_with_a_hint(self, client: Client, homes) -> None:
        for params in ({}, {"q": ""}, {"q": "   "}):
            response = search(client, "en", **params)
            assert response.status_code == 200
            assert "Type one or more words" in response.content.decode()

    def test_only_common_words(self, client: Client, homes) -> None:
        response = search(client, "en", q="the and of")
        assert response.status_code == 200
        assert "Nothing to search for" in response.content.decode()

    def test_too_long_query_is_refused_with_a_reason(self, client: Client, homes) -> None:
        response = search(client, "en", q="a" * 201)
        assert response.status_code == 400
        assert "The query is too long: at most 200 characters" in response.content.decode()
        assert search(client, "en", q="a" * 200).status_code == 200

    def test_nul_bytes_are_refused(self, client: Client, homes) -> None:
        response = search(client, "en", q="oil\x00price")
        assert response.status_code == 400
        assert "Null characters are not allowed." in response.content.decode()

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "oil", "date_from": "yesterday"},
            {"q": "oil", "date_from": "2026-02-30"},
            {"q": "oil", "date_from": "2026-03-10", "date_to": "2026-03-01"},
            {"q": "oil", "section": "999999"},
            {"q": "oil", "section": "x"},
            {"q": "oil", "sort": "random"},
        ],
    )
    def test_bad_filters_are_refused_with_a_reason(
        self, params: dict[str, str], client: Client, homes
    ) -> None:
        response = search(client, "en", **params)
        assert response.status_code == 400
        assert (
            'class="search-form__errors"' in response.content.decode()
            or "errorlist" in response.content.decode()
        )


@pytest.mark.django_db
def test_wagtail_backend_engine(settings, sections, client: Client) -> None:
    """SEARCH_ENGINE=wagtail goes through Wagtail's configured backend (the database backend
    here; OpenSearch in production when configured)."""
    settings.SEARCH_ENGINE = "wagtail"
    article = publish(sections[("en", "world")], "Glacier melted", "Ice.")
    html = search(client, "en", q="glacier").content.decode()
    assert article.url in html
    assert "<mark>Glacier</mark> melted" in html
