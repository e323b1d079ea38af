"""Streamed gzip/deflate decompression with a cap on the output: a bomb stops at the cap."""

from __future__ import annotations

import zlib

CHUNK = 64 * 1024


class DecompressError(ValueError):
    """The body is too large once decompressed, or broken; str(e) is one line."""


def _one_line(error: BaseException) -> str:
    return (" ".join(str(error).split()) or type(error).__name__)[:300]


def _finished(decompressor: zlib._Decompress) -> bool:
    return decompressor.eof


class CappedDecoder:
    """Streams gzip/deflate (or identity) content, refusing to produce more than `limit` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.encoding = encoding
        self.output = bytearray()
        self._head = b""  # what came before any output, to retry "deflate" as raw deflate
        self._z: zlib._Decompress | None
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding in ("", "identity"):
            self._z = None
        else:
            raise DecompressError(f"unsupported content encoding: {encoding[:40]}")

    def _room(self) -> int:
        return self.limit - len(self.output)

    def _too_large(self) -> DecompressError:
        return DecompressError(f"too large: more than {self.limit} bytes after decompression")

    def feed(self, data: bytes) -> None:
        if self._z is None:
            if len(data) > self._room():
                raise self._too_large()
            self.output += data
            return
        if not self.output and len(self._head) < CHUNK:
            self._head += data
        try:
            self._decompress(data)
        except zlib.error as error:
            if self.encoding == "deflate" and not self.output and len(self._head) < CHUNK:
                # Some servers send raw deflate (no zlib header) as "deflate".
                self.encoding = "raw deflate"
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                self.feed(self._head)
                return
            raise DecompressError(f"broken {self.encoding} content: {_one_line(error)}") from None

    def _decompress(self, data: bytes) -> None:
        assert self._z is not None
        pending = data
        while pending and not _finished(self._z):
            # Never ask for more than one byte past the cap: a bomb stops here.
            chunk = self._z.decompress(pending, self._room() + 1)
            if len(chunk) > self._room():
                raise self._too_large()
            self.output += chunk
            pending = self._z.unconsumed_tail
            if _finished(self._z) and self._z.unused_data.strip(b"\0") and self.encoding != "raw deflate":
                # Concatenated gzip members are one stream (RFC 1952, 2.2).
                pending = self._z.unused_data
                self._z = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in self.encoding else 15)

    def finish(self) -> bytes:
        if self._z is not None and not self._z.eof and not self.output:
            raise DecompressError(f"broken {self.encoding} content: truncated")
        return bytes(self.output)
