"""The view beacon and its pixel, through the configured counter backend (the database on the
embedded stack, Redis on the scale path)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from wagtail.models import Locale

from newsdesk.analytics import views
from newsdesk.analytics.selectors import article_view_count
from newsdesk.analytics.services import REASON_BOT, REASON_PREFETCH
from newsdesk.articles.tests.factories import article_publish

from .conftest import BEACON_URL, CHROME, FIREFOX, SAFARI, beacon

pytestmark = pytest.mark.django_db
SEED_URL = "/en/politics/kazakh-and-russian-presidents-held-a-meeting/"


class TestCounting:
    def test_the_seed_page_shows_its_imported_count_before_anyone_reads_it(
        self, seed_article, client
    ) -> None:
        html = client.get(SEED_URL).content.decode()
        assert "<span data-view-count>14557</span>" in html
        assert article_view_count(article=seed_article) == 14557

    def test_distinct_readers_are_counted_and_the_answer_has_the_fresh_count(
        self, seed_article, client
    ) -> None:
        first = beacon(client, seed_article.pk, user_agent=CHROME, ip="203.0.113.1")
        assert first.status_code == 200
        assert first.json() == {
            "article": seed_article.pk,
            "counted": True,
            "reason": "counted",
            "views": 14558,
        }
        # Same address, other browser: another reader (a household, an office).
        second = beacon(client, seed_article.pk, user_agent=FIREFOX, ip="203.0.113.1")
        third = beacon(client, seed_article.pk, user_agent=CHROME, ip="198.51.100.2")
        assert [second.json()["views"], third.json()["views"]] == [14559, 14560]
        assert article_view_count(article=seed_article) == 14560

    def test_a_reader_re_reading_is_not_counted_again(self, seed_article, client) -> None:
        assert beacon(client, seed_article.pk).json()["counted"] is True
        again = beacon(client, seed_article.pk)
        assert again.status_code == 200
        assert again.json() == {
            "article": seed_article.pk,
            "counted": False,
            "reason": "repeat",
            "views": 14558,
        }
        assert article_view_count(article=seed_article) == 14558

    @pytest.mark.parametrize(
        "user_agent",
        [
            "",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
            "python-requests/2.32.3",
            "curl/8.5.0",
        ],
    )
    def test_bots_and_headless_browsers_are_not_counted(self, seed_article, client, user_agent: str) -> None:
        response = beacon(client, seed_article.pk, user_agent=user_agent)
        assert response.status_code == 200
        assert response.json()["counted"] is False
        assert response.json()["reason"] == REASON_BOT
        assert response.json()["views"] == 14557
        assert article_view_count(article=seed_article) == 14557

    @pytest.mark.parametrize(
        "header",
        [
            {"HTTP_SEC_PURPOSE": "prefetch"},
            {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
            {"HTTP_PURPOSE": "prefetch"},
            {"HTTP_X_MOZ": "prefetch"},
            {"HTTP_X_PURPOSE": "preview"},
        ],
    )
    def test_prefetch_and_prerender_are_not_counted(self, seed_article, client, header: dict) -> None:
        response = beacon(client, seed_article.pk, **header)
        assert response.json()["reason"] == REASON_PREFETCH
        assert article_view_count(article=seed_article) == 14557

    def test_each_edition_counts_its_own_readers(self, seed_article, client) -> None:
        ru = seed_article.get_translation(Locale.objects.get(language_code="ru"))
        beacon(client, seed_article.pk)
        beacon(client, ru.pk)
        beacon(client, ru.pk, user_agent=SAFARI)
        assert article_view_count(article=seed_article) == 14558
        assert article_view_count(article=ru) == ru.initial_view_count + 2

    def test_a_reader_has_a_cap_on_views_per_window(self, sections, client, settings) -> None:
        settings.ANALYTICS_READER_MAX_VIEWS = 3
        articles = [article_publish(section=sections[("en", "sport")], title=f"Match {n}") for n in range(4)]
        statuses = [beacon(client, a.pk).status_code for a in articles]
        assert statuses == [200, 200, 200, 429]
        capped = beacon(client, articles[3].pk)
        assert capped.json()["reason"] == "rate_limited"
        assert capped.json()["counted"] is False
        assert [article_view_count(article=a) for a in articles] == [1, 1, 1, 0]
        # Another reader is not affected.
        assert beacon(client, articles[3].pk, user_agent=FIREFOX).json()["counted"] is True


class TestRejected:
    def test_unknown_article(self, homes, client) -> None:
        response = beacon(client, 987654321)
        assert response.status_code == 404
        assert response.json() == {
            "error": "not_found",
            "message": views.ERROR_NOT_FOUND,
            "article": 987654321,
        }

    def test_unpublished_article(self, sections, client) -> None:
        article = article_publish(section=sections[("en", "world")], title="Withdrawn")
        assert beacon(client, article.pk).json()["counted"] is True
        article.unpublish()
        response = beacon(client, article.pk)
        assert response.status_code == 404
        assert response.json()["message"] == views.ERROR_NOT_FOUND
        assert article_view_count(article=article) == 1

    def test_a_page_that_is_not_an_article(self, sections, client) -> None:
        response = beacon(client, sections[("en", "world")].pk)
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("body", "error"),
        [
            (b"", views.ERROR_BAD_JSON),
            (b"{not json", views.ERROR_BAD_JSON),
            (b"\xff\xfe", views.ERROR_BAD_JSON),
            (b"[1, 2]", views.ERROR_BAD_JSON),
            (b"123", views.ERROR_BAD_JSON),
            (b"{}", views.ERROR_ARTICLE_ID),
            (b'{"article": "12"}', views.ERROR_ARTICLE_ID),
            (b'{"article": 1.5}', views.ERROR_ARTICLE_ID),
            (b'{"article": true}', views.ERROR_ARTICLE_ID),
            (b'{"article": 0}', views.ERROR_ARTICLE_ID),
            (b'{"article": -4}', views.ERROR_ARTICLE_ID),
            (b'{"article": null}', views.ERROR_ARTICLE_ID),
            (b'{"article": 99999999999999999999999}', views.ERROR_ARTICLE_ID),
            (b'{"article": 1e400}', views.ERROR_ARTICLE_ID),
        ],
    )
    def test_malformed_beacons_get_400_with_a_reason(self, homes, client, body: bytes, error: str) -> None:
        response = client.post(BEACON_URL, data=body, content_type="application/json", HTTP_USER_AGENT=CHROME)
        assert response.status_code == 400
        assert response.json() == {"error": views.CODES[error], "message": error}

    def test_a_declared_length_over_the_cap_is_refused_before_reading(self, homes, rf) -> None:
        class Unread:
            def read(self, *args: object) -> bytes:
                raise AssertionError("the body was read")

        request = rf.post(BEACON_URL, data=b"{}", content_type="application/json")
        request.META["CONTENT_LENGTH"] = str(views.MAX_BODY + 1)
        request._stream = Unread()
        response = views.view_beacon(request)
        assert response.status_code == 413
        assert json.loads(response.content) == {"error": "too_large", "message": views.ERROR_TOO_LARGE}

    def test_an_oversized_body_is_refused(self, homes, client) -> None:
        body = json.dumps({"article": 1, "padding": "x" * 2000})
        response = client.post(BEACON_URL, data=body, content_type="application/json")
        assert response.status_code == 413
        assert response.json() == {"error": "too_large", "message": views.ERROR_TOO_LARGE}

    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_wrong_method(self, homes, client, method: str) -> None:
        response = getattr(client, method)(BEACON_URL)
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        assert response.json() == {"error": "method_not_allowed", "message": views.ERROR_METHOD}

    @pytest.mark.parametrize(
        "headers",
        [
            {"HTTP_ORIGIN": "https://evil.example"},
            {"HTTP_ORIGIN": "null"},
            {"HTTP_SEC_FETCH_SITE": "cross-site"},
            {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        ],
    )
    def test_cross_site_beacons_are_refused(self, seed_article, client, headers: dict) -> None:
        response = beacon(client, seed_article.pk, **headers)
        assert response.status_code == 403
        assert response.json() == {"error": "cross_site", "message": views.ERROR_CROSS_SITE}
        assert article_view_count(article=seed_article) == 14557

    def test_same_origin_beacons_from_a_browser_are_counted(self, seed_article, client) -> None:
        response = beacon(
            client, seed_article.pk, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin"
        )
        assert response.json()["counted"] is True

    def test_answers_are_never_cached(self, seed_article, client) -> None:
        for response in (beacon(client, seed_article.pk), beacon(client, 987654321), client.get(BEACON_URL)):
            assert "no-store" in response["Cache-Control"]


class TestPixel:
    def url(self, article_id: int) -> str:
        return f"/api/analytics/views/pixel/{article_id}.gif"

    def test_the_no_script_pixel_counts_once_per_reader(self, seed_article, client) -> None:
        response = client.get(self.url(seed_article.pk), HTTP_USER_AGENT=FIREFOX)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif"
        assert response.content.startswith(b"GIF89a")
        assert "no-store" in response["Cache-Control"]
        client.get(self.url(seed_article.pk), HTTP_USER_AGENT=FIREFOX)
        assert article_view_count(article=seed_article) == 14558

    def test_bots_prefetch_and_other_sites_get_the_image_and_count_nothing(
        self, seed_article, client
    ) -> None:
        client.get(self.url(seed_article.pk), HTTP_USER_AGENT="Googlebot-Image/1.0")
        client.get(self.url(seed_article.pk), HTTP_USER_AGENT=CHROME, HTTP_SEC_PURPOSE="prefetch")
        embedded = client.get(
            self.url(seed_article.pk), HTTP_USER_AGENT=CHROME, HTTP_SEC_FETCH_SITE="cross-site"
        )
        assert embedded.status_code == 200
        assert article_view_count(article=seed_article) == 14557

    def test_unknown_article_and_wrong_method(self, homes, client) -> None:
        assert client.get(self.url(987654321), HTTP_USER_AGENT=CHROME).status_code == 404
        assert client.post(self.url(1)).status_code == 405

    def test_a_post_gets_405_not_the_csrf_failure_page(self, seed_article) -> None:
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(self.url(seed_article.pk), HTTP_USER_AGENT=CHROME)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert article_view_count(article=seed_article) == 14557

    @pytest.mark.parametrize("article_id", [views.MAX_ID + 1, 10**30])
    def test_an_id_past_any_article_is_404(self, homes, client, article_id: int) -> None:
        response = client.get(self.url(article_id), HTTP_USER_AGENT=CHROME)
        assert response.status_code == 404
        assert response["Content-Type"] == "image/gif"


class TestArticleMarkup:
    def test_the_page_carries_the_beacon_and_no_per_reader_token(self, seed_article, client: Client) -> None:
        response = client.get(SEED_URL)
        html = response.content.decode()
        assert (
            f'data-view-beacon data-article="{seed_article.pk}" data-endpoint="/api/analytics/views/"' in html
        )
        assert 'src="/static/analytics/view-beacon.js"' in html
        assert (
            f'<noscript><img class="view-pixel" src="/api/analytics/views/pixel/{seed_article.pk}.gif"'
            in html
        )
        assert "csrfmiddlewaretoken" not in html
        assert not response.cookies

    def test_editors_previews_carry_no_beacon(self, seed_article, rf) -> None:
        from django.contrib.auth.models import AnonymousUser

        request = rf.get(SEED_URL)
        request.user = AnonymousUser()
        response = seed_article.make_preview_request(request)
        html = (
            response.render().content.decode() if hasattr(response, "render") else response.content.decode()
        )
        assert "<span data-view-count>14557</span>" in html
        assert "data-view-beacon" not in html
        assert "view-beacon.js" not in html
        assert "/pixel/" not in html


@pytest.mark.parametrize("method", ["TRACE", "POST", "PUT", "DELETE"])
def test_the_health_check_answers_only_get_and_head(client, method: str) -> None:
    response = client.generic(method, "/api/analytics/ping/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.get("/api/analytics/ping/").json() == {"ok": True}
