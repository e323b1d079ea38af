"""The same story in the other editions: suggestions and the translator's one-click link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import translation
from wagtail.models import GroupPagePermission, Page

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.tests.factories import article_publish, committed
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.related.models import TranslationSuggestion
from newsdesk.related.services import TranslationLinkError, translation_link_confirm

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
LIST_URL = "/admin/related/translations/"


def publish(section, title: str, text: str, **fields) -> ArticlePage:
    fields.setdefault("lead", "")
    return article_publish(section=section, title=title, paragraphs=[text], published_at=T0, **fields)


@pytest.fixture
def story(sections):
    """An English story, its Kazakh version (not linked) and an unrelated Kazakh article."""
    en = publish(
        sections[("en", "politics")],
        "Tokayev and Putin met in Moscow",
        "Kassym-Jomart Tokayev met Vladimir Putin in Moscow on 22 August; they signed 12 agreements worth 4.5 billion.",
    )
    kk = publish(
        sections[("kk", "politics")],
        "Тоқаев пен Путин Мәскеуде кездесті",
        "Қасым-Жомарт Тоқаев 22 тамызда Мәскеуде Владимир Путинмен кездесті; 4.5 миллиард тұратын 12 келісімге қол қойылды.",
    )
    other = publish(
        sections[("kk", "politics")],
        "Астанада жаңа мектеп ашылды",
        "Астанада 600 оқушыға арналған мектеп ашылды, деп хабарлады әкімдік.",
    )
    return en, kk, other


def suggestion_for(article: ArticlePage, language: str) -> list[int]:
    return list(
        TranslationSuggestion.objects.filter(article=article, language=language)
        .order_by("-score")
        .values_list("candidate_id", flat=True)
    )


@pytest.mark.django_db
class TestSuggestions:
    def test_the_true_version_is_suggested_first_in_both_directions(self, story) -> None:
        en, kk, other = story
        assert suggestion_for(kk, "en")[0] == en.pk
        # The English article was published first, with no Kazakh candidates yet; the Kazakh
        # publication refreshed nothing there, so recompute it by publishing again.
        with committed():
            en.save_revision().publish()
        assert suggestion_for(en, "kk")[0] == kk.pk

    def test_linked_stories_get_no_more_suggestions(self, story) -> None:
        en, kk, _other = story
        translation_link_confirm(article=en, candidate=kk)
        kk.refresh_from_db()
        with committed():
            kk.save_revision().publish()
        assert suggestion_for(kk, "en") == []
        assert not TranslationSuggestion.objects.filter(article=en, candidate=kk).exists()

    def test_a_story_linked_in_a_third_edition_is_still_offered(self, story, sections) -> None:
        en, kk, _other = story
        ru = publish(
            sections[("ru", "politics")],
            "Токаев и Путин встретились в Москве",
            "Касым-Жомарт Токаев встретился с Владимиром Путиным в Москве 22 августа; подписано 12 соглашений на 4.5 млрд.",
        )
        translation_link_confirm(article=kk, candidate=ru)
        with committed():
            en.save_revision().publish()
        suggested = suggestion_for(en, "kk") + suggestion_for(en, "ru")
        assert kk.pk in suggested and ru.pk in suggested
        translation_link_confirm(article=en, candidate=kk)  # joins the whole story: kk and ru
        assert {p.pk for p in ArticlePage.objects.get(pk=en.pk).get_translations()} == {kk.pk, ru.pk}

    def test_confirm_links_and_survives_the_next_publish(self, story) -> None:
        en, kk, _other = story
        translation_link_confirm(article=en, candidate=kk)
        kk = ArticlePage.objects.get(pk=kk.pk)
        assert kk.translation_key == en.translation_key
        with committed():
            kk.save_revision().publish()  # the revision carries the new key
        assert ArticlePage.objects.get(pk=kk.pk).translation_key == en.translation_key
        assert {p.pk for p in en.get_translations()} == {kk.pk}

    def test_confirming_purges_the_cached_pages(
        self, story, client: Client, django_capture_on_commit_callbacks
    ) -> None:
        en, kk, _other = story
        client = PageCacheClient()  # read through the page cache, as gunicorn's requests are
        kk_link = f'hreflang="kk" href="http://testserver{kk.url}"'
        assert kk_link not in client.get(en.url).content.decode()  # now cached without it
        assert client.get(en.url)["X-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            translation_link_confirm(article=en, candidate=kk)
        assert kk_link in client.get(en.url).content.decode()

    def test_conflict_is_refused_and_changes_nothing(self, story, sections) -> None:
        en, kk, other = story
        translation_link_confirm(article=en, candidate=kk)
        before = ArticlePage.objects.get(pk=other.pk).translation_key
        with translation.override("en"), pytest.raises(TranslationLinkError, match="already the"):
            translation_link_confirm(article=en, candidate=other)
        assert ArticlePage.objects.get(pk=other.pk).translation_key == before


def editor_of(code: str, homes, django_user_model):
    """A user who may edit pages of one edition only."""
    user = django_user_model.objects.create_user(username=f"editor-{code}", password="pw")
    group = Group.objects.create(name=f"Editors {code}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=homes[code],
            permission=Permission.objects.get(codename=codename, content_type__app_label="wagtailcore"),
        )
    user.groups.add(group)
    return user


@pytest.mark.django_db
class TestAdminView:
    def test_anonymous_is_sent_to_login(self, story, client: Client) -> None:
        assert client.get(LIST_URL).status_code == 302
        suggestion = TranslationSuggestion.objects.first()
        assert suggestion is not None
        response = client.post(f"{LIST_URL}{suggestion.pk}/confirm/")
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert (
            ArticlePage.objects.get(pk=suggestion.candidate_id).translation_key
            != suggestion.article.translation_key
        )

    def test_user_without_editions_is_refused(self, story, client: Client, django_user_model) -> None:
        user = django_user_model.objects.create_user(username="reader", password="pw")
        group = Group.objects.create(name="Admin access only")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        user.groups.add(group)
        client.force_login(user)
        # Wagtail's admin turns PermissionDenied into a redirect to the dashboard with a message.
        refused = client.get(LIST_URL)
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
        suggestion = TranslationSuggestion.objects.first()
        assert suggestion is not None
        refused = client.post(f"{LIST_URL}{suggestion.pk}/confirm/")
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
        assert (
            ArticlePage.objects.get(pk=suggestion.candidate_id).translation_key
            != suggestion.article.translation_key
        )

    def test_editor_of_one_edition_cannot_link_into_another(
        self, story, homes, client: Client, django_user_model
    ) -> None:
        en, kk, _other = story
        client.force_login(editor_of("en", homes, django_user_model))
        suggestion = TranslationSuggestion.objects.filter(article=kk, candidate=en).first()
        assert suggestion is not None
        # Neither listed nor confirmable: the Kazakh page is outside this editor's editions.
        assert f"{suggestion.pk}/confirm/" not in client.get(LIST_URL).content.decode()
        assert client.post(f"{LIST_URL}{suggestion.pk}/confirm/").status_code == 404
        assert (
            ArticlePage.objects.get(pk=en.pk).translation_key
            != ArticlePage.objects.get(pk=kk.pk).translation_key
        )

    def test_get_does_not_confirm(self, story, admin_client: Client) -> None:
        suggestion = TranslationSuggestion.objects.first()
        assert suggestion is not None
        assert admin_client.get(f"{LIST_URL}{suggestion.pk}/confirm/").status_code == 405

    def test_one_click_confirms(self, story, admin_client: Client) -> None:
        en, kk, _other = story
        suggestion = TranslationSuggestion.objects.get(article=kk, candidate=en)
        page = admin_client.get(f"{LIST_URL}?article={kk.pk}").content.decode()
        assert f'action="{LIST_URL}{suggestion.pk}/confirm/?article={kk.pk}"' in page
        response = admin_client.post(f"{LIST_URL}{suggestion.pk}/confirm/?article={kk.pk}", follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["success"]
        assert (
            ArticlePage.objects.get(pk=kk.pk).translation_key
            == ArticlePage.objects.get(pk=en.pk).translation_key
        )

    def test_conflict_shows_a_message(self, story, admin_client: Client) -> None:
        en, kk, other = story
        translation_link_confirm(article=en, candidate=kk)
        suggestion = TranslationSuggestion.objects.create(
            article=en, candidate=other, language="kk", score=0.5
        )
        response = admin_client.post(f"{LIST_URL}{suggestion.pk}/confirm/", follow=True)
        messages = list(response.context["messages"])
        assert [m.level_tag for m in messages] == ["error"]
        assert kk.title in str(messages[0]) and en.title in str(messages[0])
        assert ArticlePage.objects.get(pk=other.pk).translation_key != en.translation_key

    def test_titles_are_escaped(self, sections, admin_client: Client) -> None:
        evil = "<img src=x onerror=alert(1)>"
        en = publish(
            sections[("en", "world")],
            f"{evil} Tokayev in Moscow 2026",
            "Tokayev Moscow 2026.",
            slug="evil-en",
        )
        kk = publish(
            sections[("kk", "world")], f"{evil} Тоқаев Мәскеуде 2026", "Тоқаев Мәскеу 2026.", slug="evil-kk"
        )
        assert TranslationSuggestion.objects.filter(article=kk, candidate=en).exists()
        html = admin_client.get(LIST_URL).content.decode()
        assert evil not in html
        assert "&lt;img src=x onerror=alert(1)&gt; Tokayev in Moscow 2026" in html
        suggestion = TranslationSuggestion.objects.get(article=kk, candidate=en)
        followed = admin_client.post(f"{LIST_URL}{suggestion.pk}/confirm/", follow=True).content.decode()
        assert evil not in followed

    def test_page_header_links_to_the_article_suggestions(self, story, admin_client: Client) -> None:
        _en, kk, _other = story
        html = admin_client.get(f"/admin/pages/{kk.pk}/edit/").content.decode()
        assert f"{LIST_URL}?article={kk.pk}" in html


@pytest.mark.django_db
def test_pages_in_other_trees_are_not_touched(story) -> None:
    en, kk, _other = story
    translation_link_confirm(article=en, candidate=kk)
    assert Page.objects.filter(translation_key=en.translation_key).count() == 2
