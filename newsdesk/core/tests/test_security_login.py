"""Admin login throttling (issue 12, security): after AXES_FAILURE_LIMIT wrong passwords even
the right one is refused, from that address; another address is not; the address is the one
our proxies saw (core.http.client_ip), not one the client wrote."""

from __future__ import annotations

import pytest
from axes.helpers import get_lockout_message  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"
LOGIN_URLS = ["/admin/login/", "/django-admin/login/"]


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("desk", "desk@newsroom.test", PASSWORD)


def attempt(url: str, password: str, *, ip: str, forwarded_for: str | None = None):
    """One login from the connection `ip` (the proxy's, when X-Forwarded-For is given)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return Client(REMOTE_ADDR=ip).post(url, {"username": "desk", "password": password}, headers=headers)


def fail_until_locked(url: str, *, ip: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(url, "wrong", ip=ip)
        assert response.status_code in (200, 429)  # the form again; the last one is the lockout


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_after_the_limit_even_the_right_password_is_refused(editor, url: str) -> None:
    fail_until_locked(url, ip="198.51.100.7")
    response = attempt(url, PASSWORD, ip="198.51.100.7")
    assert response.status_code == 429
    assert response.content.decode() == str(get_lockout_message())
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_another_address_can_still_log_in(editor, url: str) -> None:
    fail_until_locked(url, ip="198.51.100.7")
    response = attempt(url, PASSWORD, ip="203.0.113.9")
    assert response.status_code == 302


def test_below_the_limit_the_right_password_works(editor) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt("/admin/login/", "wrong", ip="198.51.100.7").status_code == 200
    assert attempt("/admin/login/", PASSWORD, ip="198.51.100.7").status_code == 302


def test_behind_our_proxy_the_address_it_saw_counts_not_the_one_the_client_wrote(editor, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for number in range(settings.AXES_FAILURE_LIMIT):
        # The client writes a new address each time; our proxy appends the one it saw.
        forwarded = f"192.0.2.{number}, 198.51.100.7"
        attempt("/admin/login/", "wrong", ip=proxy, forwarded_for=forwarded)
    locked = attempt("/admin/login/", PASSWORD, ip=proxy, forwarded_for="192.0.2.200, 198.51.100.7")
    assert locked.status_code == 429
    # Another reader behind the same proxy is not locked out.
    other = attempt("/admin/login/", PASSWORD, ip=proxy, forwarded_for="203.0.113.9")
    assert other.status_code == 302
