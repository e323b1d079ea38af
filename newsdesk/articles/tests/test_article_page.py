from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.timezone import format_almaty

SEED_URL = "/en/politics/kazakh-and-russian-presidents-held-a-meeting/"


@pytest.mark.django_db
class TestSeedArticle:
    def test_renders_what_the_seed_page_shows_in_its_order(self, seed_article, client: Client) -> None:
        response = client.get(SEED_URL)
        assert response.status_code == 200
        html = response.content.decode()
        html = html[html.index("<main") :]
        notice = (
            "This information may not be reproduced without reference to Kazakhstan Today. "
            "Copyright of materials of News Agency Kazakhstan Today."
        )
        parts = [
            "22.08.2021, 08:42",
            ">14557<",
            '<h1 class="article__title">Kazakh and Russian Presidents held a meeting</h1>',
            "Kazakh President Kassym-Jomart Tokayev who is on the working visit in Moscow",
            "The Kazakh President also pointed to the importance of interaction",
            'Source: <a href="https://www.inform.kz/" rel="noopener">Kazinform</a>',
            notice,
            "Found an error in the text?",
            "Select the error and press Ctrl + Enter at the same time.",
            "Relevant news",
            "Most viewed",
        ]
        positions = [html.find(part) for part in parts]
        assert -1 not in positions, [p for p, pos in zip(parts, positions, strict=True) if pos == -1]
        assert positions == sorted(positions)

    def test_every_seed_paragraph_is_in_the_body(self, seed_article) -> None:
        paragraphs = [block.value.source for block in seed_article.body]
        assert len(paragraphs) == 9
        assert paragraphs[0].startswith("<p>Kazakh President Kassym-Jomart Tokayev")
        assert seed_article.initial_view_count == 14557
        assert seed_article.source.name == "Kazinform"

    def test_source_line_is_in_the_editions_language(self, seed_article, client: Client) -> None:
        ru = seed_article.get_translation(_locale("ru"))
        html = client.get(ru.url).content.decode()
        assert "Источник: <a" in html
        assert "22.08.2021, 08:42" in html
        kk = seed_article.get_translation(_locale("kk"))
        assert "Дереккөз: <a" in client.get(kk.url).content.decode()

    def test_meta_tags(self, seed_article, client: Client) -> None:
        html = client.get(SEED_URL).content.decode()
        assert '<meta property="og:type" content="article">' in html
        assert '<link rel="canonical" href="http://127.0.0.1:8000' + SEED_URL + '">' in html
        assert '<meta name="description" content="Kazakh President Kassym-Jomart Tokayev' in html


def _locale(code: str):
    from wagtail.models import Locale

    return Locale.objects.get(language_code=code)


@pytest.mark.django_db
class TestAlmatyTime:
    def test_2021_is_utc_plus_6(self) -> None:
        assert format_almaty(datetime(2021, 8, 22, 2, 42, tzinfo=UTC)) == "22.08.2021, 08:42"

    def test_since_march_2024_is_utc_plus_5(self) -> None:
        assert format_almaty(datetime(2026, 11, 29, 7, 30, tzinfo=UTC)) == "29.11.2026, 12:30"

    @time_machine.travel(datetime(2026, 11, 29, 7, 30, tzinfo=UTC), tick=False)
    def test_article_published_now_shows_almaty_time(self, sections, client: Client) -> None:
        article = article_publish(section=sections[("en", "economy")], title="Fresh", published_at=None)
        assert article.published_at == datetime(2026, 11, 29, 7, 30, tzinfo=UTC)
        html = client.get(article.url).content.decode()
        assert '<time datetime="2026-11-29T12:30:00+05:00">29.11.2026, 12:30</time>' in html


@pytest.mark.django_db
def test_first_publication_stamps_the_date_and_keeps_it(sections) -> None:
    section = sections[("en", "world")]
    with time_machine.travel(datetime(2026, 1, 5, 6, 0, tzinfo=UTC), tick=False):
        article = article_publish(section=section, title="Stamped", published_at=None)
    with time_machine.travel(datetime(2026, 2, 1, 6, 0, tzinfo=UTC), tick=False):
        article.title = "Stamped, updated"
        article.save_revision().publish()
    article.refresh_from_db()
    assert article.published_at == datetime(2026, 1, 5, 6, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_article_without_source_has_no_source_line(sections, client: Client) -> None:
    article = article_publish(section=sections[("en", "sport")], title="Own reporting")
    assert "Source:" not in client.get(article.url).content.decode()
