"""`manage.py syndication_ingest` against a live local feed server: JSON shape, exit codes."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from newsdesk.articles.models import ArticlePage
from newsdesk.wires.models import WireItem

from .desk_fixtures import WHEN, Entry, png_bytes, rss, serve, wire_for
from .feedserver import Redirect
from .html_checks import forbidden_constructs

pytestmark = pytest.mark.django_db

BODY = '<p>Markets <b>rose</b> <a href="https://x.example/">today</a>.</p><script>alert(1)</script>'


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("syndication_ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_url_dry_run_json_prints_one_object_with_the_tally_and_items(feed_server) -> None:
    url = serve(
        feed_server,
        "/rss",
        rss(
            [
                Entry("g-1", "Markets rise", BODY, link="https://p.example/1"),
                Entry("g-2", "Второй", "<p>Текст</p>", published=None),
            ]
        ),
    )
    out, err = run("--url", url, "--edition", "kk", "--dry-run", "--json")
    payload = json.loads(out)
    assert set(payload) == {"tally", "items", "dry_run"}
    assert payload["tally"] == {"found": 2, "created": 2, "updated": 0, "skipped": 0, "errors": 0}
    first, second = payload["items"]
    assert {"guid", "title", "published_at", "url", "body_html"} <= set(first)
    assert (
        first["guid"] == "g-1" and first["title"] == "Markets rise" and first["url"] == "https://p.example/1"
    )
    assert first["published_at"] == WHEN.isoformat()
    assert "<script" not in first["body_html"] and "<b>rose</b>" in first["body_html"]
    assert second["published_at"] is None and second["title"] == "Второй"
    assert len(err.strip().splitlines()) == 2  # the progress line and the total
    assert not ArticlePage.objects.filter(source__isnull=False).exists() and not WireItem.objects.exists()


@pytest.mark.parametrize("case", ["missing", "server error", "redirect loop", "not a feed"])
def test_a_feed_that_cannot_be_read_ends_in_one_line_and_a_non_zero_exit(feed_server, capsys, case) -> None:
    url = {
        "missing": feed_server.url("/missing"),
        "server error": serve(feed_server, "/500", b"oops", status=500, content_type="text/plain"),
        "redirect loop": feed_server.route("/loop", Redirect("/loop")),
        "not a feed": serve(feed_server, "/png", png_bytes(), content_type="image/png"),
    }[case]
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "syndication_ingest", "--url", url, "--dry-run", "--json"]).execute()
    captured = capsys.readouterr()
    assert exit_info.value.code != 0
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err


def test_an_unknown_edition_or_wire_is_one_line(feed_server) -> None:
    with pytest.raises(CommandError, match="unknown edition"):
        run("--url", feed_server.url("/x"), "--edition", "de")
    with pytest.raises(CommandError, match="no wire with id 999"):
        run("--wire", "999")


def test_wires_are_ingested_with_a_progress_line_each_and_a_tally(feed_server, sections) -> None:
    good = wire_for(sections=sections, url=serve(feed_server, "/a", rss([Entry("a-1", "One", BODY)])))
    bad = wire_for(sections=sections, url=feed_server.url("/gone"), partner="Trend")
    with pytest.raises(CommandError, match="404"):
        run("--json")
    assert WireItem.objects.filter(wire=good).count() == 1  # the bad wire did not stop the good one
    bad.refresh_from_db()
    assert bad.failures == 1 and "404" in bad.last_error

    out, err = run("--wire", str(good.pk), "--json")
    assert json.loads(out)["tally"]["skipped"] == 1
    assert f"wire {good.pk} (Kazinform: Kazinform en): found 1, created 0" in err

    out, err = run("--wire", str(good.pk), "--dry-run")
    assert out == "" and "[dry run]" in err and "total: found 1" in err


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(8)
    )
    + b']><rss version="2.0"><channel><title>&i;</title><item><title>&i;</title></item></channel></rss>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>&x;</title>'
    b"<description>&x;</description></item></channel></rss>"
)
HOSTILE_BODY = (
    '<p onclick="x()">Hi<script>alert(1)</script><iframe src="https://evil.example/"></iframe>'
    '<a href="javascript:alert(1)">j</a><img src="data:image/png;base64,AAAA"><style>p{}</style>'
    '<object data="x"></object><span style="color:red">css</span></p>'
)


@pytest.mark.parametrize(
    "body",
    [
        LAUGHS,
        XXE,
        rss([Entry("h-1", "Hostile", HOSTILE_BODY)]),
        rss([Entry("BAD-bad", "Invalid BAD bytes", "<p>x</p>")]).replace(b"BAD", b"\xff\xfe\xc0"),
        b"",
        b"<html><body><p>Not a feed</p></body></html>",
        "<rss version='2.0'><channel><item><title>Кириллица в cp1251</title></item></channel></rss>".encode(
            "cp1251"
        ),
    ],
    ids=["billion-laughs", "xxe", "hostile-html", "bad-bytes", "empty", "html-page", "undeclared-cp1251"],
)
def test_hostile_feeds_end_in_a_json_tally_or_one_line_never_a_traceback(feed_server, capsys, body) -> None:
    url = serve(feed_server, "/feed", body)
    try:
        ManagementUtility(["manage.py", "syndication_ingest", "--url", url, "--dry-run", "--json"]).execute()
    except SystemExit as exit_info:
        captured = capsys.readouterr()
        assert exit_info.code != 0 and captured.out == ""
        assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
        return
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert set(payload["tally"]) == {"found", "created", "updated", "skipped", "errors"}
    assert "Traceback" not in captured.err and "root:" not in captured.out
    for item in payload["items"]:
        assert forbidden_constructs(item["body_html"]) == []
        assert "root:" not in item["title"] + item["body_html"]  # no /etc/passwd
