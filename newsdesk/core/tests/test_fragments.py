"""Fragments (issue 12): rendered once, reused until a change readers could see, across processes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory
from wagtail.models import Site

from newsdesk.articles.tests.factories import committed
from newsdesk.core import fragments


class Renders:
    """A render function that counts its calls and says which call made its output."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"render {self.calls}"


def get(render: Renders, *, vary: tuple = (1,), shared: bool = True) -> str:
    # A new request each time, as each reader's request reads the generation once.
    return fragments.fragment_get_or_set(
        "test", vary, render, request=RequestFactory().get("/en/"), shared=shared
    )


@pytest.fixture(autouse=True)
def empty_memo() -> None:
    fragments.memo.clear()


def test_a_fragment_is_rendered_once_per_generation_and_vary() -> None:
    render = Renders()
    assert get(render) == get(render) == "render 1"
    assert get(render, vary=(2,)) == "render 2"
    fragments.fragments_forget()
    assert get(render) == "render 3"


def test_another_process_sees_a_change_at_its_next_request() -> None:
    render = Renders()
    assert get(render) == "render 1"  # in this process's memo now
    # Another process bumps the shared generation; this process's memo is never asked for
    # the old key again.
    cache.incr(fragments.GENERATION_KEY)
    assert get(render) == "render 2"


def test_a_fragment_made_by_another_process_is_reused() -> None:
    render = Renders()
    assert get(render) == "render 1"
    fragments.memo.clear()  # a fresh process: only the shared cache has it
    assert get(render) == "render 1"
    assert get(Renders(), shared=False, vary=(3,)) == "render 1"


def test_nothing_is_reused_when_the_cache_cannot_tell_the_generation(settings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    render = Renders()
    assert [get(render), get(render)] == ["render 1", "render 2"]


def test_an_editors_preview_never_reads_nor_writes_fragments() -> None:
    render = Renders()
    request = RequestFactory().get("/en/")
    request.is_preview = True  # type: ignore[attr-defined]
    assert fragments.fragment_get_or_set("test", (1,), render, request=request) == "render 1"
    assert get(render) == "render 2"
    assert fragments.fragment_get_or_set("test", (1,), render, request=request) == "render 3"


def test_the_generation_is_read_once_per_request() -> None:
    render = Renders()
    request = RequestFactory().get("/en/")
    assert fragments.fragment_get_or_set("test", (1,), render, request=request) == "render 1"
    fragments.fragments_forget()  # during the request: it keeps the generation it started with
    assert fragments.fragment_get_or_set("test", (1,), render, request=request) == "render 1"
    assert get(render) == "render 2"


@pytest.mark.django_db
def test_a_change_bumps_the_generation_after_its_commit_and_a_rollback_does_not() -> None:
    site = Site.objects.get(is_default_site=True)
    before = fragments.fragments_generation()
    with committed():
        site.site_name = "Renamed"
        site.save()
        assert fragments.fragments_generation() == before  # not before the commit
    after = fragments.fragments_generation()
    assert after != before

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        site.save()
        raise RuntimeError("rolled back")
    assert fragments.fragments_generation() == after


@pytest.mark.django_db
def test_many_changes_in_one_transaction_bump_once(sections: dict) -> None:
    before = fragments.fragments_generation()
    assert isinstance(before, int)
    with committed():
        for section in list(sections.values())[:3]:
            section.save()
    assert fragments.fragments_generation() == before + 1


def test_another_release_never_reuses_the_last_ones_blocks(settings) -> None:
    """Blocks hold hashed static names and template markup: a deploy renders them anew."""
    render = Renders()
    try:
        settings.FRAGMENT_RELEASE = "release-1"
        fragments.fragments_release.cache_clear()
        assert get(render) == get(render) == "render 1"
        settings.FRAGMENT_RELEASE = "release-2"
        fragments.fragments_release.cache_clear()
        fragments.memo.clear()  # a new process: only the shared cache is left
        assert get(render) == "render 2"
    finally:
        settings.FRAGMENT_RELEASE = ""
        fragments.fragments_release.cache_clear()
