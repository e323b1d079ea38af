import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from newsdesk.articles.models import ArticlePage
from newsdesk.editions.models import Edition
from newsdesk.home.services import DEMO_CONTENT


def snapshot() -> tuple[int, int, int, list[str]]:
    return (
        Page.objects.count(),
        Revision.objects.count(),
        ArticlePage.objects.filter(live=True).count(),
        sorted(Edition.objects.values_list("name", flat=True)),
    )


@pytest.mark.django_db
def test_demo_loader_is_idempotent(homes) -> None:
    out = StringIO()
    call_command("home_load_demo", stdout=out)
    stories = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))["stories"]
    assert f"created {len(stories) * 3}, unchanged 0" in out.getvalue()
    first = snapshot()
    out = StringIO()
    call_command("home_load_demo", stdout=out)
    assert f"created 0, unchanged {len(stories) * 3}" in out.getvalue()
    assert snapshot() == first


@pytest.mark.django_db
def test_demo_content_is_alive_in_every_edition(homes) -> None:
    call_command("home_load_demo", stdout=StringIO())
    for code in ("ru", "kk", "en"):
        articles = ArticlePage.objects.published().in_edition(code)
        assert articles.count() >= 13
        sections = {a.get_parent().slug for a in articles}
        assert len(sections) >= 4
    seed = ArticlePage.objects.get(slug="kazakh-and-russian-presidents-held-a-meeting")
    translations = {p.locale.language_code for p in seed.get_translations(inclusive=True)}
    assert translations == {"ru", "kk", "en"}


@pytest.mark.django_db
def test_demo_content_never_overwrites_an_editors_change(homes) -> None:
    call_command("home_load_demo", stdout=StringIO())
    seed = ArticlePage.objects.get(slug="kazakh-and-russian-presidents-held-a-meeting")
    seed.title = "Edited by the desk"
    seed.save_revision().publish()
    call_command("home_load_demo", stdout=StringIO())
    seed.refresh_from_db()
    assert seed.title == "Edited by the desk"


@pytest.mark.django_db
def test_malformed_demo_file_fails_with_one_line(homes, tmp_path) -> None:
    bad = tmp_path / "stories.json"
    bad.write_text('{"stories": [{"key": "x"}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="demo content is malformed: story 1: missing section"):
        call_command("home_load_demo", "--file", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="demo content file is missing"):
        call_command("home_load_demo", "--file", str(tmp_path / "nope.json"), stdout=StringIO())
    assert ArticlePage.objects.count() == 0
