"""Relevant news: computed on publish, pins and exclusions, unpublish and delete (issue 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import ArticlePage, ArticleRelatedExclusion, ArticleRelatedPin
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.related.models import ArticleVector, RelatedArticle
from newsdesk.related.selectors import article_list_related

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

WHEAT = [
    "Kazakhstan wheat exports to China rose after the harvest; grain traders expect record wheat shipments.",
    "Grain exporters shipped more wheat by rail; the wheat harvest in Kostanay beat forecasts.",
    "The wheat price fell as grain stocks grew, traders said; exports of wheat to Iran resumed.",
]
FOOTBALL = [
    "Astana beat Kairat 2-1 in the football league; the striker scored twice in the second half.",
    "The national football team named its squad for the league match; the coach picked a new striker.",
]


def publish(section, title: str, text: str, days: int = 0, **fields) -> ArticlePage:
    fields.setdefault("lead", "")
    return article_publish(
        section=section, title=title, paragraphs=[text], published_at=T0 + timedelta(days=days), **fields
    )


def related_ids(article: ArticlePage) -> list[int]:
    return list(
        RelatedArticle.objects.filter(article=article).order_by("rank").values_list("related_id", flat=True)
    )


@pytest.fixture
def stories(sections):
    economy, sport = sections[("en", "economy")], sections[("en", "sport")]
    wheat_titles = ["Wheat exports grow", "Record grain harvest", "Wheat price falls"]
    football_titles = ["Astana beat Kairat", "Football squad named"]
    wheat = [
        publish(economy, title, text, days=n)
        for n, (title, text) in enumerate(zip(wheat_titles, WHEAT, strict=True))
    ]
    football = [
        publish(sport, t, text, days=n)
        for n, (t, text) in enumerate(zip(football_titles, FOOTBALL, strict=True))
    ]
    return wheat, football


@pytest.mark.django_db
class TestComputedOnPublish:
    def test_publishing_stores_a_vector_and_a_ranked_list(self, stories) -> None:
        wheat, football = stories
        vector = ArticleVector.objects.get(pk=wheat[0].pk)
        assert vector.language == "en"
        assert vector.terms["wheat"] == 3 + 2  # title weight, then the body's two
        assert vector.terms["china"] == 1
        ids = related_ids(wheat[0])
        assert set(ids[:2]) == {wheat[1].pk, wheat[2].pk}
        assert wheat[0].pk not in ids
        scores = list(
            RelatedArticle.objects.filter(article=wheat[0]).order_by("rank").values_list("score", flat=True)
        )
        assert scores == sorted(scores, reverse=True)

    def test_a_new_article_enters_the_lists_of_older_ones(self, stories, sections) -> None:
        wheat, football = stories
        assert related_ids(football[0])[0] == football[1].pk
        newer = publish(
            sections[("en", "sport")],
            "Football final",
            "The football final: Astana and Kairat meet; the striker and the coach.",
            days=5,
        )
        assert related_ids(football[0])[0] == newer.pk or newer.pk in related_ids(football[0])[:2]

    def test_other_editions_never_mix(self, stories, sections) -> None:
        wheat, _football = stories
        ru = publish(sections[("ru", "economy")], "Пшеница", "Экспорт пшеницы wheat wheat wheat вырос.")
        assert ru.pk not in related_ids(wheat[0])
        assert all(a.locale_id == ru.locale_id for a in article_list_related(article=ru))

    def test_the_page_shows_the_list_in_order(self, stories, client: Client) -> None:
        wheat, _football = stories
        html = client.get(wheat[0].url).content.decode()
        block = html[html.index('class="block related-news"') :]
        positions = [block.find(ArticlePage.objects.get(pk=pk).title) for pk in related_ids(wheat[0])]
        assert -1 not in positions and positions == sorted(positions)

    def test_reading_the_list_is_two_light_queries(self, stories, django_assert_num_queries) -> None:
        # The ids (the block's fragment key, on every article read), then the teasers (only
        # when the block is rendered); the demo's stories have no photos to prefetch.
        wheat, _football = stories
        article = ArticlePage.objects.get(pk=wheat[0].pk)
        with django_assert_num_queries(2):
            related = article_list_related(article=article)
        assert [a.pk for a in related] == related_ids(wheat[0])[:5]

    def test_article_page_query_count_is_pinned(self, stories, client: Client) -> None:
        """The related block costs the article page exactly one query, whatever the list's
        length (the whole page's count is pinned in home/tests/test_query_counts.py)."""
        wheat, football = stories
        RelatedArticle.objects.filter(article=football[0]).exclude(rank=0).delete()  # a one-item list
        counts = {}
        for article in (wheat[0], football[0]):
            client.get(article.url)  # warm Wagtail's site and locale caches
            caches["pages"].clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(article.url).status_code == 200
            related = [q["sql"] for q in captured.captured_queries if "related_relatedarticle" in q["sql"]]
            assert len(related) == 1
            counts[article.pk] = len(captured.captured_queries)
        assert RelatedArticle.objects.filter(article=wheat[0]).count() == 4
        assert counts[wheat[0].pk] == counts[football[0].pk]


@pytest.mark.django_db
class TestEditorChoices:
    def test_pins_come_first_in_order_and_exclusions_never_show(self, stories) -> None:
        wheat, football = stories
        article = ArticlePage.objects.get(pk=wheat[0].pk)
        article.related_pins.add(ArticleRelatedPin(target=football[1]))
        article.related_pins.add(ArticleRelatedPin(target=football[0]))
        article.related_exclusions.add(ArticleRelatedExclusion(target=wheat[1]))
        with committed():
            article.save_revision().publish()
        ids = related_ids(article)
        assert ids[:2] == [football[1].pk, football[0].pk]
        assert wheat[1].pk not in ids
        assert wheat[2].pk in ids
        assert [a.pk for a in article_list_related(article=article)][:2] == ids[:2]

    def test_a_pinned_article_that_goes_offline_disappears(self, stories) -> None:
        wheat, football = stories
        article = ArticlePage.objects.get(pk=wheat[0].pk)
        article.related_pins.add(ArticleRelatedPin(target=football[0]))
        with committed():
            article.save_revision().publish()
        with committed():
            football[0].unpublish()
        assert football[0].pk not in [a.pk for a in article_list_related(article=article)]
        assert football[0].pk not in related_ids(article)

    def test_choices_outside_the_edition_or_self_are_refused(self, stories, sections) -> None:
        from django.core.exceptions import ValidationError

        wheat, _football = stories
        ru = publish(sections[("ru", "economy")], "Пшеница", "Экспорт пшеницы вырос.")
        article = ArticlePage.objects.get(pk=wheat[0].pk)
        with pytest.raises(ValidationError):
            ArticleRelatedPin(page=article, target=ru).clean()
        with pytest.raises(ValidationError):
            ArticleRelatedExclusion(page=article, target=article).clean()


@pytest.mark.django_db
class TestUnpublishAndDelete:
    def test_unpublish_removes_it_and_refills_the_lists(self, stories) -> None:
        wheat, football = stories
        assert wheat[1].pk in related_ids(wheat[0])
        with committed():
            wheat[1].unpublish()
        assert not ArticleVector.objects.filter(pk=wheat[1].pk).exists()
        assert not RelatedArticle.objects.filter(article=wheat[1]).exists()
        ids = related_ids(wheat[0])
        assert wheat[1].pk not in ids
        assert len(ids) == 3  # the other wheat story and both football stories

    def test_republish_brings_it_back(self, stories) -> None:
        wheat, _football = stories
        with committed():
            wheat[1].unpublish()
        with committed():
            wheat[1].save_revision().publish()
        assert wheat[1].pk in related_ids(wheat[0])[:2]

    def test_delete_refills_the_lists(self, stories) -> None:
        wheat, _football = stories
        doomed = wheat[1].pk
        with committed():
            ArticlePage.objects.get(pk=doomed).delete()
        ids = related_ids(wheat[0])
        assert doomed not in ids
        assert len(ids) == 3

    def test_fallback_before_anything_is_computed(self, stories) -> None:
        wheat, _football = stories
        RelatedArticle.objects.all().delete()
        listed = article_list_related(article=ArticlePage.objects.get(pk=wheat[0].pk))
        # The latest of the same section.
        assert [a.pk for a in listed] == [wheat[2].pk, wheat[1].pk]


@pytest.mark.django_db
def test_edit_recomputes(stories) -> None:
    wheat, football = stories
    article = ArticlePage.objects.get(pk=wheat[2].pk)
    article.title = "Football and the striker"
    article.body = [("paragraph", "<p>" + FOOTBALL[0] + " " + FOOTBALL[1] + "</p>")]
    with committed():
        article.save_revision().publish()
    assert set(related_ids(article)[:2]) == {football[0].pk, football[1].pk}


@pytest.mark.django_db
def test_editor_pins_through_the_page_editor(stories, admin_client: Client) -> None:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    wheat, football = stories
    data = nested_form_data(
        {
            "title": wheat[0].title,
            "slug": wheat[0].slug,
            "lead": "",
            "body": streamfield([("paragraph", rich_text(f"<p>{WHEAT[0]}</p>"))]),
            "tags": "",
            "published_at": "2026-03-02 11:00",
            "initial_view_count": "0",
            "comments": inline_formset([]),
            "related_pins": inline_formset([{"target": football[1].pk, "ORDER": "1"}]),
            "related_exclusions": inline_formset([{"target": wheat[1].pk, "ORDER": "1"}]),
            "action-publish": "publish",
        }
    )
    with committed():
        response = admin_client.post(f"/admin/pages/{wheat[0].pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    ids = related_ids(wheat[0])
    assert ids[0] == football[1].pk
    assert wheat[1].pk not in ids
