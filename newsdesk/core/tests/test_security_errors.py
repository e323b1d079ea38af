"""Error pages leak nothing (issue 12, security): with DEBUG off, a 400, 403, 404 or 500 shows
no stack trace, exception text, setting, path or version, whatever the view raised.

Uses this module as a test-only URLconf: views that raise, then the whole site's routes.
"""

from __future__ import annotations

import platform
import re

import django
import pytest
import wagtail
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_protect

from newsdesk.urls import urlpatterns as site_urlpatterns

# Written into every exception raised below: none of it may reach the reader.
CANARY = "canary-7f3a"


def secret_detail() -> str:
    return f"{CANARY} {settings.SECRET_KEY} {settings.BASE_DIR} {settings.DATABASES['default']['NAME']}"


def raise_500(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(secret_detail())


def raise_403(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(secret_detail())


def raise_400(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(secret_detail())


def raise_404(request: HttpRequest) -> HttpResponse:
    raise Http404(secret_detail())


@csrf_protect
def protected_form(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("test-errors/500/", raise_500),
    path("test-errors/403/", raise_403),
    path("test-errors/400/", raise_400),
    # Public paths take no POST (core.middleware.PublicMethodsMiddleware); /api/ ones may.
    path("api/test-errors/form/", protected_form),
    *i18n_patterns(path("test-errors/404/", raise_404)),  # before Wagtail's catch-all
    *site_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# What a leaking page shows: a traceback, frames, settings, paths, versions, the exception.
LEAKS = [
    "Traceback",
    'File "',
    "site-packages",
    "SECRET_KEY",
    "DEBUG",
    "settings",
    "Django",
    "Wagtail",
    "Python",
    "Exception",
    "Error:",
    django.get_version(),
    wagtail.__version__,
    platform.python_version(),
]


def assert_leaks_nothing(body: str) -> None:
    for needle in [*LEAKS, CANARY, settings.SECRET_KEY, str(settings.BASE_DIR), "/newsdesk/"]:
        assert needle not in body, f"the error page shows {needle!r}"
    # No path of this machine (/home/..., /work/..., /usr/...) in any form.
    assert not re.search(r"/(?:home|work|usr|tmp|opt|srv|var/lib)/", body)


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/test-errors/500/", 500, "Server error"),
        ("/test-errors/403/", 403, "Forbidden"),
        ("/test-errors/400/", 400, "Bad request"),
    ],
)
def test_a_view_that_raises_shows_a_plain_page(client: Client, url: str, status: int, heading: str) -> None:
    assert settings.DEBUG is False
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert_leaks_nothing(body)
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("url", ["/en/test-errors/404/", "/en/no-such-story/", "/en/politics/no-such-story/"])
def test_not_found_shows_the_site_page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    body = response.content.decode()
    assert 'class="site-header"' in body  # the reader's own page, with the site's navigation
    assert_leaks_nothing(body)


def test_an_unknown_host_is_a_plain_400(client: Client, settings) -> None:
    settings.ALLOWED_HOSTS = ["news.example.kz"]
    response = client.get("/en/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert_leaks_nothing(response.content.decode())


def test_a_form_without_its_csrf_token_is_a_plain_403() -> None:
    response = Client(enforce_csrf_checks=True).post("/api/test-errors/form/", {"a": "b"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>Forbidden</h1>" in body
    assert "CSRF" not in body and "Referer" not in body
    assert_leaks_nothing(body)
