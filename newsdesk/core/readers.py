"""The reader's anonymous identity, shared by every anonymous endpoint (views, error reports).

Readers are told apart by sha256(daily salt + IP + user agent) (as Plausible and Umami do):
the salt is made for each Almaty day, kept in the database so every web process agrees on it,
and deleted when the day is over, so no IP address is stored and yesterday's hashes cannot
be linked to anyone. A stable keyed hash (HMAC with a fixed key) would instead link a reader's
visits forever; the daily salt is the private choice (issue 15, item 5).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone

from .http import client_ip, client_network
from .models import DailySalt
from .timezone import to_almaty

# Longer agents are cut before hashing: nothing that tells browsers apart sits past this.
MAX_USER_AGENT = 512
NETWORK_DIGITS = 16


@dataclass(frozen=True)
class Reader:
    hash: str
    day: date  # the Almaty day whose salt made the hash
    # The reader's network (`client_network`: IPv4 address, IPv6 /64) hashed with the same
    # salt, cut to 16 hex digits: per-network ceilings and flags name it, never the address.
    network: str = ""


def almaty_today(now: datetime | None = None) -> date:
    return to_almaty(now or timezone.now()).date()


_salts: dict[date, str] = {}
_salts_lock = threading.Lock()


def daily_salt(*, day: date) -> str:
    salt = _salts.get(day)
    if salt is None:
        row, _ = DailySalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})
        with _salts_lock:
            _salts.clear()  # keep only the current day's salt in memory
            _salts[day] = salt = row.salt
    return salt


def daily_salts_forget(*, today: date) -> int:
    """Delete the salts of finished days: their hashes become unlinkable."""
    with _salts_lock:
        for day in [d for d in _salts if d < today]:
            del _salts[day]
    deleted, _ = DailySalt.objects.filter(day__lt=today).delete()
    return deleted


def _digest(material: str) -> str:
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()


def reader_get(*, ip: str, user_agent: str, now: datetime | None = None) -> Reader:
    """The reader behind an address and user agent on the Almaty day of `now`."""
    day = almaty_today(now)
    salt = daily_salt(day=day)
    return Reader(
        hash=_digest(f"{salt}\x1f{ip}\x1f{user_agent[:MAX_USER_AGENT]}"),
        day=day,
        network=_digest(f"{salt}\x1fnetwork\x1f{client_network(ip)}")[:NETWORK_DIGITS],
    )


def reader_hash(*, ip: str, user_agent: str, now: datetime | None = None) -> str:
    """64 hex characters naming a reader for one Almaty day, never an address."""
    return reader_get(ip=ip, user_agent=user_agent, now=now).hash


def reader_from_request(request: HttpRequest, *, now: datetime | None = None) -> Reader:
    return reader_get(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""), now=now)
