"""Production settings that hold (issue 12, security): `check --deploy`, the headers every
response carries, cookies, and Django's admin switched off in production."""

from __future__ import annotations

import importlib
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import clear_url_caches

from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.pagecache.testing import PageCacheClient
from newsdesk.core.security import (
    ContentSecurityPolicyMiddleware,
    csp_directives_with_file_origins,
    permissions_policy_header,
)

ROOT = Path(__file__).resolve().parents[3]
PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": [
        "'self'",
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`manage.py` in a clean environment: production settings, a random key, a real host."""
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.kz",
        "CSRF_TRUSTED_ORIGINS": "https://news.example.kz",
        "PUBLIC_BASE_URL": "https://news.example.kz",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestDeployCheck:
    def test_production_settings_pass_check_deploy_with_no_warning(self) -> None:
        result = manage("check", "--deploy", "--fail-level", "WARNING")
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip() == "System check identified no issues (0 silenced)."
        assert "WARNING" not in result.stderr

    def test_an_operator_who_declines_preload_is_not_nagged_but_nothing_else_hides(self) -> None:
        result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="false")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "(1 silenced)" in result.stdout
        # Turning HTTPS off is not a decision the check keeps quiet about.
        result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="false")
        assert result.returncode != 0
        assert "security.W008" in result.stdout + result.stderr

    def test_production_defaults(self) -> None:
        code = (
            "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.DJANGO_ADMIN_ENABLED, s.DEBUG)"
        )
        result = manage("shell", "--verbosity", "0", "-c", code)
        assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True", "False", "False"]


@pytest.fixture
def production_like(settings):
    """What production.py sets, in this process (DEBUG is already off in tests)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"
    return settings


HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.mark.django_db
class TestHeaders:
    @pytest.fixture
    def article(self, sections):
        return article_publish(
            section=sections[("en", "economy")],
            title="Grain exports rise",
            paragraphs=["Grain exports rose."],
        )

    def test_a_public_page_carries_every_security_header(self, production_like, article) -> None:
        response = Client().get(article.url, headers=HTTPS)
        assert response.status_code == 200
        assert directives(response["Content-Security-Policy"]) == PUBLIC_POLICY
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]

    def test_plain_http_is_sent_to_https(self, production_like, article) -> None:
        response = Client().get(article.url)
        assert response.status_code == 301
        assert response["Location"] == f"https://testserver{article.url}"

    def test_the_load_balancers_probes_are_answered_over_http(self, production_like) -> None:
        response = Client().get("/healthz")
        assert response.status_code != 301

    @pytest.mark.parametrize("path", ["/en/", "ARTICLE", "/en/search/?q=grain", "/en/most-viewed/"])
    def test_public_pages_set_no_cookie(self, production_like, article, path: str) -> None:
        client = PageCacheClient()
        for _ in range(2):  # rendered, then (search aside) from the page cache
            response = client.get(article.url if path == "ARTICLE" else path, headers=HTTPS)
            assert response.status_code == 200
            assert not response.cookies
            assert "Set-Cookie" not in response
        assert (response.get("X-Cache") == "hit") is ("search" not in path)  # search pages: never stored

    def test_readers_editors_and_the_page_cache_get_the_strict_policy(self, production_like, article) -> None:
        reader, editor = PageCacheClient(), PageCacheClient()
        editor.force_login(get_user_model().objects.create_superuser("chief", "chief@newsroom.test", "x"))
        first = reader.get(article.url, headers=HTTPS)
        assert directives(first["Content-Security-Policy"]) == PUBLIC_POLICY
        # A signed-in editor (the userbar needs nothing inline) gets it too, past the cache...
        signed_in = editor.get(article.url, headers=HTTPS)
        assert "wagtail-userbar" in signed_in.content.decode()
        assert directives(signed_in["Content-Security-Policy"]) == PUBLIC_POLICY
        # ...and the reader who comes next, served from the page cache.
        again = reader.get(article.url, headers=HTTPS)
        assert again["X-Cache"] == "hit"
        assert directives(again["Content-Security-Policy"]) == PUBLIC_POLICY
        assert "Permissions-Policy" in again

    def test_the_admin_gets_its_own_policy(self, production_like) -> None:
        response = Client().get("/admin/login/", headers=HTTPS)
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'", "'unsafe-inline'", "'unsafe-eval'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'self'"]

    def test_session_and_csrf_cookies_are_secure_httponly_and_same_site(self, production_like) -> None:
        user = get_user_model().objects.create_superuser("chief", "chief@newsroom.test", "a-long-password-1")
        client = Client()
        login = client.get("/admin/login/", headers=HTTPS)
        csrf = login.cookies["csrftoken"]
        assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
        response = client.post(
            "/admin/login/", {"username": user.username, "password": "a-long-password-1"}, headers=HTTPS
        )
        assert response.status_code == 302
        session = response.cookies["sessionid"]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


class TestPolicyPieces:
    def test_a_cdn_for_static_and_media_joins_self_where_files_load(self) -> None:
        result = csp_directives_with_file_origins(
            {"default-src": ["'self'"], "script-src": ["'self'"], "img-src": ["'self'", "data:"]},
            static_url="https://static.example.kz/s/",
            media_url="//media.example.kz/m/",
        )
        assert result["script-src"] == ["'self'", "https://static.example.kz"]
        assert result["style-src"] == ["'self'", "https://static.example.kz"]
        assert result["img-src"] == [
            "'self'",
            "data:",
            "https://static.example.kz",
            "https://media.example.kz",
        ]
        assert "connect-src" not in result

    def test_local_files_add_nothing(self) -> None:
        base = {"default-src": ["'self'"], "img-src": ["'self'"]}
        assert csp_directives_with_file_origins(base, static_url="/static/", media_url="/media/") == base

    def test_the_middleware_reads_the_storage_settings(self, settings) -> None:
        settings.MEDIA_URL = "https://cdn.example.kz/media/"
        middleware = ContentSecurityPolicyMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
        assert middleware.public_config is not None
        assert "https://cdn.example.kz" in middleware.public_config["img-src"]
        assert "https://cdn.example.kz" not in middleware.public_config["script-src"]

    def test_headers_built_once_still_honour_a_views_own_policy(self) -> None:
        """The middleware keeps the header of each of its two policies; a view's @csp_update
        changes its own response only, and a nonce asked for is in the header."""
        from django.http import HttpResponse
        from django.test import RequestFactory

        answers: list[HttpResponse] = []
        middleware = ContentSecurityPolicyMiddleware(lambda request: answers.pop())

        def header(path: str, *, update: dict | None = None, nonce: bool = False) -> str:
            response = HttpResponse("ok")
            if update is not None:
                response._csp_update = update  # type: ignore[attr-defined]  # what @csp_update sets
            answers.append(response)
            request = RequestFactory().get(path)
            middleware.process_request(request)
            if nonce:
                str(request.csp_nonce)  # type: ignore[attr-defined]  # a template asked for it
            return middleware(request)["Content-Security-Policy"]

        public = header("/en/")
        assert directives(public) == PUBLIC_POLICY and header("/en/") == public
        admin = header("/admin/login/")
        assert "'unsafe-inline'" in directives(admin)["script-src"] and header("/admin/") == admin
        widened = header("/en/", update={"img-src": ["https://photos.example.kz"]})
        assert "https://photos.example.kz" in directives(widened)["img-src"]
        assert header("/en/") == public  # the update stayed with its response
        assert header("/en/", nonce=True) == public  # the site's policy names no nonce

    def test_permissions_policy_header(self) -> None:
        assert (
            permissions_policy_header({"camera": [], "fullscreen": ["self"]})
            == "camera=(), fullscreen=(self)"
        )


@pytest.fixture
def urls_with(settings) -> Iterator[object]:
    """Reload the root URLconf under the settings a test sets, and put it back afterwards."""
    import newsdesk.urls

    def load(**values: object) -> None:
        for name, value in values.items():
            setattr(settings, name, value)
        importlib.reload(newsdesk.urls)
        clear_url_caches()

    yield load
    settings.DJANGO_ADMIN_ENABLED = True
    importlib.reload(newsdesk.urls)
    clear_url_caches()


@pytest.mark.django_db
class TestDjangoAdmin:
    def test_off_it_is_not_there(self, urls_with, admin_client: Client) -> None:
        urls_with(DJANGO_ADMIN_ENABLED=False)
        response = admin_client.get("/django-admin/", follow=True)
        assert response.status_code == 404
        assert Client().get("/django-admin/login/", follow=True).status_code == 404

    def test_on_it_is_there(self, urls_with, admin_client: Client) -> None:
        urls_with(DJANGO_ADMIN_ENABLED=True)
        assert admin_client.get("/django-admin/").status_code == 200
        assert Client().get("/django-admin/login/").status_code == 200
