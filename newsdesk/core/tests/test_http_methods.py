"""Readers' pages answer GET, HEAD and OPTIONS; the rest is a 405 with `Allow` (issue 15, item 4)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from newsdesk.articles.tests.factories import article_publish

pytestmark = pytest.mark.django_db

READ_ONLY = "GET, HEAD, OPTIONS"


@pytest.fixture(autouse=True)
def words_only(settings):
    settings.RELATED_EMBEDDER = "newsdesk.editions.analysis.embeddings.NullEmbedder"


@pytest.fixture
def article(sections):
    return article_publish(
        section=sections[("en", "economy")], title="Grain exports rise", paragraphs=["Grain."]
    )


def public_paths(article) -> list[str]:
    return [article.url, article.get_parent().url, "/en/", "/en/search/?q=grain", "/en/most-viewed/"]


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "POST", "CONNECT", "PROPFIND"])
def test_other_methods_are_refused_on_public_pages(client: Client, article, method: str) -> None:
    for path in public_paths(article):
        response = client.generic(method, path)
        assert response.status_code == 405, (method, path)
        assert response["Allow"] == READ_ONLY
        assert b"<html" not in response.content.lower()  # not the page (TRACE rendered it)


def test_options_lists_only_what_is_allowed(client: Client, article) -> None:
    for path in public_paths(article):
        response = client.options(path)
        assert response.status_code == 200
        assert response["Allow"] == READ_ONLY
        assert response.content == b""


def test_reading_still_works(client: Client, article) -> None:
    for path in public_paths(article):
        assert client.get(path).status_code == 200
        assert client.head(path).status_code == 200


def test_the_public_error_form_takes_a_post(client: Client, article) -> None:
    path = f"/en/report-error/?article={article.pk}"
    assert client.options(path)["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert client.post(path, {}).status_code == 400  # the form's answer, not the method's
    assert client.generic("TRACE", path).status_code == 405


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/analytics/views/", "POST"),
        ("/api/corrections/reports/", "POST"),
    ],
)
def test_json_endpoints_keep_their_own_methods(client: Client, path: str, allowed: str) -> None:
    response = client.generic("TRACE", path)
    assert response.status_code == 405
    assert allowed in response["Allow"]
    assert "GET" not in response["Allow"]


@pytest.fixture
def wsgi_server() -> Iterator[str]:
    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server: WSGIServer = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_trace_over_real_http(wsgi_server: str) -> None:
    """The method check needs no database: a TRACE is refused before any page is looked up."""
    connection = http.client.HTTPConnection(wsgi_server, timeout=5)
    connection.request("TRACE", "/en/", headers={"Cookie": "sessionid=secret"})
    response = connection.getresponse()
    body = response.read()
    assert response.status == 405
    assert response.getheader("Allow") == READ_ONLY
    assert b"secret" not in body
