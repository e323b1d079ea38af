"""Newsroom views: who may see them, what they show, and that reader-facing text is escaped."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.models import GroupPagePermission, Locale

from newsdesk.analytics.models import ArticleDailyViews, ArticleViewTotal
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.readers import almaty_today

pytestmark = pytest.mark.django_db
REPORT_URL = "/admin/analytics/reports/most-viewed/"


def chart_url(page) -> str:
    return f"/admin/analytics/articles/{page.pk}/views/"


def login(client: Client, user) -> Client:
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return client


@pytest.fixture
def editor_of(homes, django_user_model):
    """A newsroom user who may edit pages of one edition only."""

    def make(code: str):
        group = Group.objects.create(name=f"Editors {code}")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group, page=homes[code], permission=Permission.objects.get(codename=codename)
            )
        user = django_user_model.objects.create_user(username=f"editor-{code}", password="x")
        user.groups.add(group)
        return user

    return make


@pytest.fixture
def story(seed_article):
    ru = seed_article.get_translation(Locale.objects.get(language_code="ru"))
    kk = seed_article.get_translation(Locale.objects.get(language_code="kk"))
    today = almaty_today()
    ArticleDailyViews.objects.create(
        article=seed_article, edition_id=seed_article.locale_id, day=today, views=40
    )
    ArticleViewTotal.objects.create(article=seed_article, views=40)
    ArticleDailyViews.objects.create(article=ru, edition_id=ru.locale_id, day=today, views=7)
    ArticleViewTotal.objects.create(article=ru, views=7)
    return {"en": seed_article, "ru": ru, "kk": kk}


class TestArticleChart:
    def test_shows_days_the_editions_count_and_the_storys_total(self, story, admin_user, client) -> None:
        response = login(client, admin_user).get(chart_url(story["en"]))
        assert response.status_code == 200
        html = response.content.decode()
        expected_story = 14557 + 40 + story["ru"].initial_view_count + 7 + story["kk"].initial_view_count
        assert "<dd data-edition-views>14597</dd>" in html
        assert f"<dd data-story-views>{expected_story}</dd>" in html
        assert html.count("<rect ") == 30
        assert f"<title>{almaty_today():%d.%m.%Y}: 40</title>" in html
        assert "Kazakh and Russian Presidents held a meeting" in html

    def test_anonymous_readers_are_sent_to_log_in(self, story, client) -> None:
        response = client.get(chart_url(story["en"]))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_users_without_admin_access_are_refused(self, story, client, django_user_model) -> None:
        user = django_user_model.objects.create_user(username="reader", password="x")
        response = login(client, user).get(chart_url(story["en"]))
        assert response.status_code in (302, 403)
        assert b"data-edition-views" not in response.content

    def test_an_editor_of_another_edition_is_refused(self, story, client, editor_of) -> None:
        user = editor_of("ru")
        assert login(client, user).get(chart_url(story["en"])).status_code in (302, 403)
        response = client.get(chart_url(story["ru"]))
        assert response.status_code == 200

    def test_pages_that_are_not_articles_have_no_chart(self, homes, admin_user, client) -> None:
        assert login(client, admin_user).get(chart_url(homes["en"])).status_code == 404
        assert client.get("/admin/analytics/articles/987654321/views/").status_code == 404

    def test_titles_are_escaped(self, sections, admin_user, client) -> None:
        article = article_publish(
            section=sections[("en", "culture")],
            title='<img src=x onerror="alert(1)"> Gallery',
            slug="gallery",
        )
        html = login(client, admin_user).get(chart_url(article)).content.decode()
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Gallery" in html
        assert '<img src=x onerror="alert(1)">' not in html

    def test_the_page_listing_offers_the_chart_to_editors_only(
        self, story, client, admin_user, editor_of
    ) -> None:
        section = story["en"].get_parent()
        listing = login(client, admin_user).get(f"/admin/pages/{section.pk}/").content.decode()
        assert chart_url(story["en"]) in listing
        header = client.get(f"/admin/pages/{story['en'].pk}/edit/").content.decode()
        assert chart_url(story["en"]) in header
        other = login(Client(), editor_of("ru"))
        assert chart_url(story["en"]) not in other.get(f"/admin/pages/{section.pk}/").content.decode()


class TestMostViewedReport:
    def test_lists_the_editions_most_viewed_with_counts(self, story, admin_user, client) -> None:
        response = login(client, admin_user).get(REPORT_URL, {"period": "week"})
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index("Kazakh and Russian Presidents held a meeting") < html.index(story["ru"].title)

    def test_an_editor_sees_only_their_edition(self, story, client, editor_of) -> None:
        response = login(client, editor_of("ru")).get(REPORT_URL, {"period": "month", "edition": "en"})
        assert response.status_code == 200
        html = response.content.decode()
        assert story["ru"].title in html
        assert "Kazakh and Russian Presidents held a meeting" not in html

    def test_csv_export(self, story, admin_user, client) -> None:
        response = login(client, admin_user).get(
            REPORT_URL, {"period": "day", "edition": "en", "export": "csv"}
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:5] == ["Article", "Edition", "Published (Almaty)", "Views in period", "Views in all"]
        assert rows[1][:5] == [
            "Kazakh and Russian Presidents held a meeting",
            "en",
            "2021-08-22 08:42",
            "40",
            "14597",
        ]
        assert len(rows) == 2

    def test_permission(self, story, client, django_user_model) -> None:
        assert client.get(REPORT_URL).status_code == 302
        nobody = django_user_model.objects.create_user(username="intern", password="x")
        nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
        response = login(client, nobody).get(REPORT_URL, {"export": "csv"})
        assert response.status_code in (302, 403)
        assert b"Kazakh" not in response.content

    def test_titles_are_escaped(self, sections, admin_user, client) -> None:
        article = article_publish(
            section=sections[("en", "world")], title="<b>Bold</b> & <script>x()</script>", slug="bold"
        )
        ArticleDailyViews.objects.create(
            article=article, edition_id=article.locale_id, day=date.today(), views=1
        )
        html = login(client, admin_user).get(REPORT_URL, {"period": "month"}).content.decode()
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;" in html
        assert "<script>x()</script>" not in html
