"""The wire's items already stored, looked up by GUID or link once per poll (docs/wires.md)."""

from __future__ import annotations

import hashlib

from .items import WireItem as FeedItem
from .models import Wire, WireItem


def item_key(value: str) -> str:
    """SHA-256 of a GUID or link: they can be longer than an index allows."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest() if value else ""


class KnownItems:
    """The wire's items already stored that a feed's items may match (by GUID or link), read in
    a few queries per poll rather than one per item; items stored during the poll are added."""

    CHUNK = 400  # keys per query (SQLite's variable limit)

    def __init__(self, rows: list[WireItem]) -> None:
        self._by_key: dict[tuple[str, str], WireItem] = {}
        for row in sorted(rows, key=lambda row: row.pk, reverse=True):  # the first stored wins
            self.add(row)

    @classmethod
    def load(cls, *, wire: Wire | None, items: list[FeedItem]) -> KnownItems:
        if wire is None or not items:
            return cls([])
        guid_keys = sorted({item_key(item.guid) for item in items})
        url_keys = sorted({item_key(item.url) for item in items if item.url})
        rows: dict[int, WireItem] = {}
        for column, keys in (("guid_key", guid_keys), ("url_key", url_keys)):
            for start in range(0, len(keys), cls.CHUNK):
                chunk = keys[start : start + cls.CHUNK]
                found = WireItem.objects.filter(wire=wire, **{f"{column}__in": chunk}).select_related(
                    "article"
                )
                rows.update((row.pk, row) for row in found)
        return cls(list(rows.values()))

    def add(self, row: WireItem) -> None:
        self._by_key[("guid", row.guid_key)] = row
        if row.url_key:
            self._by_key[("url", row.url_key)] = row

    def find(self, item: FeedItem) -> WireItem | None:
        found = self._by_key.get(("guid", item_key(item.guid)))
        if found is None and item.url:
            found = self._by_key.get(("url", item_key(item.url)))
        return found
