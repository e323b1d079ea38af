"""Hardened HTTP fetching of partner feeds (issue 11, "Fetching and parsing, hardened").

A partner's feed URL is text from outside: it may point into our own network (SSRF), answer
slowly forever, redirect in circles or send a gzip bomb. So, for every hop (docs/wires-fetch.md):

- http and https only, no credentials in the URL (URLs are shown and logged; credentials are not);
- the host is resolved once, every address is vetted (`addresses.address_refusal`), and the connection is
  made to the vetted address itself, so a second DNS answer cannot send us elsewhere (rebinding);
- connect and read timeouts, and a total deadline that bounds every single read, so a server that
  drips a byte a second fails at the deadline, headers included;
- at most `MAX_REDIRECTS` redirects, each one vetted again; credentials are sent only to the
  origin they were given for;
- the bytes received and the bytes decompressed are both capped, decompression is streamed
  (`decompress.CappedDecoder`).

http.client rather than urllib3 or requests: the socket is ours (`_DeadlineSocket`), so the
deadline holds for the status line, headers, chunked framing and body alike.
"""

from __future__ import annotations

import base64
import http.client
import io
import ipaddress
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from .addresses import IPAddress, address_refusal
from .decompress import CHUNK, CappedDecoder, DecompressError

DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/vnd.iptc.g2.newsitem+xml, "
    "application/vnd.iptc.g2.packageitem+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ALLOWED_SCHEMES = ("http", "https")


class FetchError(Exception):
    """The feed could not be fetched; str(e) is the one-line reason."""


@dataclass(frozen=True)
class FetchResult:
    status: int  # 200, or 304 (not modified: body b"")
    body: bytes  # decompressed, at most max_bytes
    url: str  # final URL after redirects
    content_type: str
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class _Limits:
    connect_timeout: float
    read_timeout: float
    deadline: float  # time.monotonic() value
    deadline_seconds: float
    max_compressed: int
    max_bytes: int


def user_agent() -> str:
    return f"Newsdesk-Wires/1.0 (+{settings.PUBLIC_BASE_URL})"


# --- Resolving, under the SSRF rule (addresses.py) -----------------------------------------


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}: {_one_line(error)}") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no address")
    return addresses


# getaddrinfo has no timeout of its own: it runs here, and the fetch waits for it only as long
# as its limits allow (a resolver that hangs keeps a thread of this small pool, not the fetch).
_DNS_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="wires-dns")


def _resolve_within(host: str, port: int, limits: _Limits) -> list[IPAddress]:
    remaining = limits.deadline - time.monotonic()
    if remaining <= 0:
        raise _DeadlineExceeded
    future = _DNS_POOL.submit(_resolve, host, port)
    try:
        return future.result(timeout=min(limits.connect_timeout, remaining))
    except FutureTimeoutError:
        future.cancel()
        raise FetchError(f"timed out: resolving {host} took more than {limits.connect_timeout:g} s") from None


def _vetted_addresses(host: str, port: int, limits: _Limits) -> list[IPAddress]:
    """Every address of the host, or FetchError if any of them is refused (a name that also
    resolves into our network is not a partner's)."""
    addresses = _resolve_within(host, port, limits)
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise FetchError(refusal)
    return addresses


# --- A socket that keeps the total deadline ---------------------------------------------------


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: socket.socket, limits: _Limits) -> None:
        self._sock = sock
        self._limits = limits

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        remaining = self._limits.deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlineExceeded
        self._sock.settimeout(min(self._limits.read_timeout, remaining))
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:
            if time.monotonic() >= self._limits.deadline:
                raise _DeadlineExceeded from None
            raise


class _DeadlineExceeded(Exception):
    pass


class _DeadlineSocket:
    """What http.client needs of a socket (sendall, makefile, close), every read bounded by the
    read timeout and by the time left before the deadline."""

    def __init__(self, sock: socket.socket, limits: _Limits) -> None:
        self._sock = sock
        self._limits = limits

    def sendall(self, data: bytes) -> None:
        remaining = self._limits.deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlineExceeded
        self._sock.settimeout(min(self._limits.read_timeout, remaining))
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._limits))

    def close(self) -> None:
        self._sock.close()


class _VettedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to `host` that connects to the already vetted `addresses`."""

    def __init__(
        self, host: str, port: int, *, https: bool, addresses: list[IPAddress], limits: _Limits
    ) -> None:
        super().__init__(host, port, timeout=limits.connect_timeout)
        self._https = https
        self._addresses = addresses
        self._limits = limits

    def connect(self) -> None:
        last_error: OSError | None = None
        for address in self._addresses:
            remaining = self._limits.deadline - time.monotonic()
            if remaining <= 0:
                raise _DeadlineExceeded
            try:
                raw = socket.create_connection(
                    (str(address), self.port), timeout=min(self._limits.connect_timeout, remaining)
                )
            except OSError as error:
                last_error = error
                continue
            try:
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock: socket.socket = raw
                if self._https:
                    context = ssl.create_default_context()
                    sock = context.wrap_socket(raw, server_hostname=self.host)
            except BaseException:
                raw.close()
                raise
            self.sock = _DeadlineSocket(sock, self._limits)
            return
        raise last_error or OSError("no address to connect to")


# --- fetch ------------------------------------------------------------------------------------


def _one_line(error: BaseException | str) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]


def _limits(max_bytes: int | None) -> _Limits:
    deadline_seconds = float(settings.WIRES_FETCH_DEADLINE)
    return _Limits(
        connect_timeout=float(settings.WIRES_FETCH_CONNECT_TIMEOUT),
        read_timeout=float(settings.WIRES_FETCH_READ_TIMEOUT),
        deadline=time.monotonic() + deadline_seconds,
        deadline_seconds=deadline_seconds,
        max_compressed=int(settings.WIRES_FETCH_MAX_COMPRESSED_BYTES),
        max_bytes=int(max_bytes if max_bytes is not None else settings.WIRES_FETCH_MAX_BYTES),
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        return parts.scheme, (parts.hostname or "").lower(), parts.port
    except ValueError:  # _checked_url says why, in its own words
        return "", "", None


def _checked_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, request path) of an acceptable URL, or FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchError(f"invalid URL: {_one_line(error)}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchError(f"refused: only http and https URLs are fetched, not {scheme or 'no scheme'!r}")
    if parts.username is not None or parts.password is not None:
        raise FetchError("refused: credentials in the URL (set the wire's HTTP credentials instead)")
    host = parts.hostname or ""
    if not host:
        raise FetchError("invalid URL: no host")
    if any(ord(char) < 33 for char in url.strip()):
        raise FetchError("invalid URL: control characters or spaces")
    if port is None:
        port = 443 if scheme == "https" else 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path


def _read_body(response: http.client.HTTPResponse, limits: _Limits) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > limits.max_compressed:
        raise FetchError(f"too large: {int(length)} bytes announced, the limit is {limits.max_compressed}")
    encoding = (response.getheader("Content-Encoding") or "").strip().lower()
    try:
        decoder = CappedDecoder(encoding, limits.max_bytes)
    except DecompressError as error:
        raise FetchError(str(error)) from None
    received = 0
    while True:
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > limits.max_compressed:
            raise FetchError(f"too large: more than {limits.max_compressed} bytes received")
        try:
            decoder.feed(chunk)
        except DecompressError as error:
            raise FetchError(str(error)) from None
    try:
        return decoder.finish()
    except DecompressError as error:
        raise FetchError(str(error)) from None


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    auth: tuple[str, str] | None = None,
    max_bytes: int | None = None,
    accept: str = DEFAULT_ACCEPT,
) -> FetchResult:
    """GET a partner's feed under every limit above. Raises FetchError with a one-line reason.

    `auth` (basic) is sent only to the first URL's origin, never written to a message or log.
    """
    limits = _limits(max_bytes)
    first_origin = _origin(url)
    current = url.strip()
    seen: list[str] = []
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            scheme, host, port, path = _checked_url(current)
            addresses = _vetted_addresses(host, port, limits)
            headers = {
                "User-Agent": user_agent(),
                "Accept": accept,
                "Accept-Encoding": "gzip, deflate",
                "Connection": "close",
            }
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            if auth is not None and _origin(current) == first_origin:
                token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
                headers["Authorization"] = f"Basic {token}"
            connection = _VettedConnection(
                host, port, https=scheme == "https", addresses=addresses, limits=limits
            )
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                status = response.status
                if status in REDIRECT_STATUSES:
                    location = response.getheader("Location") or ""
                    if not location:
                        raise FetchError(f"HTTP {status} redirect without a Location")
                    seen.append(current)
                    current = urljoin(current, location.strip())
                    continue
                if status == 304:
                    return FetchResult(
                        status=304,
                        body=b"",
                        url=current,
                        content_type=response.getheader("Content-Type") or "",
                        etag=response.getheader("ETag") or etag,
                        last_modified=response.getheader("Last-Modified") or last_modified,
                    )
                if status != 200:
                    raise FetchError(f"HTTP {status} {_one_line(response.reason or '')}".strip())
                body = _read_body(response, limits)
                return FetchResult(
                    status=200,
                    body=body,
                    url=current,
                    content_type=response.getheader("Content-Type") or "",
                    etag=response.getheader("ETag") or "",
                    last_modified=response.getheader("Last-Modified") or "",
                )
            finally:
                connection.close()
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
    except _DeadlineExceeded:
        raise FetchError(f"timed out: no complete answer within {limits.deadline_seconds:g} s") from None
    except FetchError:
        raise
    except TimeoutError:
        raise FetchError(f"timed out: no answer within the {limits.read_timeout:g} s read timeout") from None
    except ssl.SSLError as error:
        raise FetchError(f"TLS error: {_one_line(error)}") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise FetchError(f"connection failed: {type(error).__name__}: {_one_line(error)}") from None
