"""A real HTTP server on 127.0.0.1 (port 0) that serves the feeds a test writes, honest or hostile.

    with FeedServer() as server:
        server.route("/rss", Static(body, "application/rss+xml"))
        fetch(server.url("/rss"))

Each route is a callable given the request handler; the helpers below cover what partners'
servers do wrong: redirects, slow drips, gzip bombs, conditional GET, errors.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Static:
    """A fixed answer; with `etag`/`last_modified`, a conditional GET gets a 304."""

    body: bytes
    content_type: str = "application/xml"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    gzip: bool = False

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        if (self.etag and handler.headers.get("If-None-Match") == self.etag) or (
            self.last_modified and handler.headers.get("If-Modified-Since") == self.last_modified
        ):
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        body = gzip.compress(self.body) if self.gzip else self.body
        handler.send_response(self.status)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Content-Length", str(len(body)))
        if self.gzip:
            handler.send_header("Content-Encoding", "gzip")
        if self.etag:
            handler.send_header("ETag", self.etag)
        if self.last_modified:
            handler.send_header("Last-Modified", self.last_modified)
        for name, value in self.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)


@dataclass
class Redirect:
    location: str
    status: int = 302

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(self.status)
        handler.send_header("Location", self.location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@dataclass
class Drip:
    """Headers at once, then the body one byte every `interval` seconds (a slowloris feed)."""

    body: bytes
    interval: float = 1.0
    headers_too: bool = False  # drip the status line and headers as well

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            f"Content-Length: {len(self.body)}\r\n\r\n"
        ).encode()
        data = head + self.body if self.headers_too else self.body
        if not self.headers_too:
            handler.wfile.write(head)
            handler.wfile.flush()
        try:
            for byte in data:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(self.interval)
        except OSError:
            return  # the client gave up, as it should


@dataclass
class GzipBomb:
    """`size` zero bytes, gzip-compressed (10 MB of zeros is ~10 KB on the wire)."""

    size: int = 200 * 1024 * 1024
    encoding: str = "gzip"

    def __post_init__(self) -> None:
        compressor = (
            zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            if self.encoding == "gzip"
            else zlib.compressobj(9)
        )
        block = b"\0" * (1024 * 1024)
        parts = [compressor.compress(block) for _ in range(self.size // len(block))]
        self.payload = b"".join(parts) + compressor.flush()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Encoding", self.encoding)
        handler.send_header("Content-Length", str(len(self.payload)))
        handler.end_headers()
        handler.wfile.write(self.payload)


@dataclass
class Endless:
    """A body that never ends (chunked, no length): only the size cap stops it."""

    chunk: bytes = b"<item>" + b"x" * 65536 + b"</item>"

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            for _ in range(100_000):
                handler.wfile.write(f"{len(self.chunk):x}\r\n".encode() + self.chunk + b"\r\n")
        except OSError:
            return


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.requests.append((self.path, dict(self.headers.items())))
        route = self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "9")
            self.end_headers()
            self.wfile.write(b"not found")
            return
        route(self)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._server = _Server((host, 0), _Handler)
        self._server.routes = {}
        self._server.requests = []
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        return self._server.requests

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, handler: Route) -> str:
        self._server.routes[path] = handler
        return self.url(path)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
