"""Fixtures of the wires tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .feedserver import FeedServer


@pytest.fixture
def feed_server(settings: Any) -> Iterator[FeedServer]:
    """A live feed server on 127.0.0.1 (port 0), which the fetcher may reach in tests."""
    settings.WIRES_ALLOW_PRIVATE_NETWORKS = True
    with FeedServer() as server:
        yield server
