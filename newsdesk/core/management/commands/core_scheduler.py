import importlib
import logging
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def load_job(path: str) -> Callable[[], Any]:
    module_name, _, attr = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise CommandError(f"periodic job {path!r} cannot be imported: {exc}") from exc


class Command(BaseCommand):
    help = (
        "Run the newsroom's periodic jobs (scheduled publishing and expiry, counter flushes) "
        "every SCHEDULER_INTERVAL_SECONDS until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        jobs = [(path, load_job(path)) for path in settings.PERIODIC_JOBS]
        self._running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            self._running = False

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        interval = settings.SCHEDULER_INTERVAL_SECONDS
        while self._running:
            started = time.monotonic()
            for path, job in jobs:
                close_old_connections()
                try:
                    result = job()
                except Exception:
                    logger.exception("periodic job %s failed", path)
                    continue
                if result and options["verbosity"] > 1:
                    self.stdout.write(f"{path}: {str(result).strip()}")
            if once:
                return
            while self._running and time.monotonic() - started < interval:
                time.sleep(0.5)
