"""The lateness banner in Chromium: on an admin page other than the dashboard, a stopped
scheduler and workers show as warnings in Wagtail's message area."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stopped_scheduler_shows_on_every_admin_page(
    live_server: Any, page_in_browser: Any, django_user_model
):
    django_user_model.objects.create_superuser(username="ops-chief", password="ops-chief-pass", email="")
    page = page_in_browser
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "ops-chief")
    page.fill("input[name=password]", "ops-chief-pass")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(live_server.url + "/admin/account/")  # no dashboard panel here: only the banner
    warning = page.locator(".messages li.warning", has_text="The scheduler")
    warning.wait_for(timeout=10_000)
    assert "has never reported" in warning.inner_text()
    assert page.locator(".messages li.warning", has_text="“bulk” queue").count() == 1
