"""What readers see after a change, with every page's fragments reused (issue 12).

Pages are read once to render their fragments, then the change is made (committed, the task
worker NOT running: tasks are only queued) and the very next uncached read must show it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from newsdesk.analytics.models import ArticleDailyViews
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.core.timezone import to_almaty
from newsdesk.corrections.services import correction_note_create, correction_note_unpublish
from newsdesk.editions.models import Edition

pytestmark = pytest.mark.django_db

QUEUED_ONLY = {
    "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "bulk"]}
}


@pytest.fixture(autouse=True)
def worker_not_running(settings) -> Iterator[None]:
    settings.TASKS = QUEUED_ONLY
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    yield


def read(client: Client, url: str) -> str:
    """The page as a reader who misses the page cache gets it (fragments are reused)."""
    caches["pages"].clear()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def story(sections: dict) -> ArticlePage:
    return article_publish(section=sections[("en", "politics")], title="Parliament passes the budget")


def test_an_edition_renamed_shows_at_once(story: ArticlePage, client: Client) -> None:
    assert "Agency Wire" not in read(client, story.url)
    edition = Edition.objects.get(locale__language_code="en")
    with committed():
        edition.name = "Agency Wire"
        edition.copyright_notice = "Reprints need the Agency Wire's consent."
        edition.save()
    html = read(client, story.url)
    assert 'content="Agency Wire"' in html  # og:site_name, in the OpenGraph fragment
    assert "Reprints need the Agency Wire&#x27;s consent." in html  # the article's own fragment
    assert "Agency Wire" in read(client, "/en/")


def test_a_new_revision_shows_at_once_on_its_page_and_the_front_page(
    story: ArticlePage, client: Client
) -> None:
    read(client, story.url)
    read(client, "/en/")
    story.title = "Parliament rejects the budget"
    with committed():
        story.save_revision().publish()
    html = read(client, story.url)
    assert '<h1 class="article__title">Parliament rejects the budget</h1>' in html
    assert '<meta property="og:title" content="Parliament rejects the budget">' in html
    assert '"headline":"Parliament rejects the budget"' in html
    front = read(client, "/en/")
    assert "Parliament rejects the budget" in front
    assert "Parliament passes the budget" not in front


def test_a_new_section_shows_in_every_pages_navigation(
    story: ArticlePage, homes: dict, client: Client
) -> None:
    assert "Science" not in read(client, story.url)
    with committed():
        section = SectionPage(title="Science", slug="science", locale=homes["en"].locale)
        homes["en"].add_child(instance=section)
        section.save_revision().publish()
    assert 'href="/en/science/">Science</a>' in read(client, story.url)


def test_a_correction_note_shows_and_goes_at_once(story: ArticlePage, client: Client) -> None:
    read(client, story.url)
    with committed():
        note = correction_note_create(article=story, text="The vote was on Tuesday.", user=None)
    assert "The vote was on Tuesday." in read(client, story.url)
    with committed():
        correction_note_unpublish(note=note)
    assert "The vote was on Tuesday." not in read(client, story.url)


def test_the_navigation_marks_only_the_section_being_read(
    sections: dict, story: ArticlePage, client: Client
) -> None:
    politics = sections[("en", "politics")]
    assert 'href="/en/politics/" aria-current="page"' in read(client, politics.url)
    assert 'aria-current="page"' not in read(client, story.url)
    assert 'href="/en/economy/" aria-current="page"' in read(client, sections[("en", "economy")].url)
    assert 'href="/en/politics/" aria-current="page"' not in read(client, sections[("en", "economy")].url)


def test_most_viewed_marks_only_the_article_being_read(sections: dict, client: Client) -> None:
    politics = sections[("en", "politics")]
    popular = article_publish(section=politics, title="Popular story")
    other = article_publish(section=politics, title="Unread story")
    ArticleDailyViews.objects.create(
        article=popular, edition_id=popular.locale_id, day=to_almaty(timezone.now()).date(), views=50
    )
    marked = f'<li class="is-current"><a href="{popular.url}">'
    assert marked in read(client, popular.url)
    assert marked not in read(client, other.url)
    assert f'<li><a href="{popular.url}">' in read(client, other.url)
    assert marked in read(client, popular.url)
