"""The site as deployed, started for fault tests: a private Redis, gunicorn, the task worker.

Everything binds port 0 or a free port of its own and keeps its state under a temporary
directory; the shared Redis and PostgreSQL are never touched.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable

# Articles (3 per edition), an editor, and the table the fault tasks write to.
SETUP_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.home.services import edition_tree_ensure

homes = edition_tree_ensure()
ids = []
for code, home in homes.items():
    section = SectionPage.objects.child_of(home).get(slug="politics")
    for n in range(3):
        article = ArticlePage(
            title=f"Fault story {n} ({code})", slug=f"fault-{n}", locale_id=home.locale_id,
            published_at=timezone.now(), body=[("paragraph", "<p>Text of the fault story.</p>")],
        )
        section.add_child(instance=article)
        article.save_revision().publish()
        ids.append(article.pk)
get_user_model().objects.create_superuser("editor", "editor@example.com", "editor-password-1")
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE fault_marks (n INTEGER NOT NULL)")
print(json.dumps({"ids": ids, "urls": [ArticlePage.objects.get(pk=i).url for i in ids]}))
"""

COUNT_SCRIPT = """
import json
from django.db.models import Sum
from newsdesk.analytics.models import ArticleDailyViews, ArticleViewTotal
from newsdesk.corrections.models import ErrorReport
print(json.dumps({
    "total": ArticleViewTotal.objects.aggregate(s=Sum("views"))["s"] or 0,
    "daily": ArticleDailyViews.objects.aggregate(s=Sum("views"))["s"] or 0,
    "reports": ErrorReport.objects.count(),
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(workdir: Path, *, database: Path, redis_url: str = "", **extra: str) -> dict[str, str]:
    """The production settings with a throwaway key, a SQLite file and private caches."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_TEST_NAME"}
        and not key.startswith(("VIEW_COUNTER", "RATE_LIMIT", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings.production",
        DJANGO_SECRET_KEY="faults-only-" + uuid.uuid4().hex,
        SECURE_COOKIES="false",
        # Plain HTTP on 127.0.0.1: no proxy in front to say the reader came over HTTPS.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{database}",
        CACHE_DIR=str(workdir / "cache"),
        PAGE_CACHE_DIR=str(workdir / "pages"),
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        RELATED_EMBEDDER="newsdesk.editions.analysis.embeddings.NullEmbedder",
        TRUSTED_PROXY_COUNT="1",
        LOG_LEVEL="WARNING",
        SCHEDULER_INTERVAL_SECONDS="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, script: str | None = None, timeout: float = 300) -> str:
    if script is not None:
        args = ("shell", "-c", script)
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {args[0]} failed:\n{result.stderr[-4000:]}")
    return result.stdout


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def stored(env: dict[str, str]) -> dict[str, int]:
    return last_json(manage(env, script=COUNT_SCRIPT))


def database_copy(template: Path, workdir: Path) -> Path:
    target = workdir / "site.sqlite3"
    shutil.copyfile(template, target)
    return target


class PrivateRedis:
    """A redis-server of our own. Append-only with fsync on every write: the Redis counter
    needs persistence for "acknowledged means counted" to survive a Redis crash
    (docs/analytics.md), and this is the setting under which that holds."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "redis"
        self.dir.mkdir(exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--daemonize",
                "no",
            ],
            stdout=(self.dir / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"redis-server did not start; see {self.dir / 'redis.log'}")
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: a crash, nothing written on the way out."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def pause(self) -> None:
        """SIGSTOP: a Redis that accepts nothing and answers nothing (hung, or swapped out)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def private_redis(workdir: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Gunicorn:
    """gunicorn with ./gunicorn.conf.py (gthread), as `make run` starts it."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 2, threads: int = 4) -> None:
        self.env, self.log = env, log
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--graceful-timeout",
                "30",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        ready = 0
        while ready < 3:  # a few answers in a row: every worker has imported Django
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"gunicorn did not start; see {self.log}")
            try:
                status, _ = request(self.port, "GET", "/api/analytics/ping/")
            except OSError:
                status = 0
            ready = ready + 1 if status == 200 else 0
            if status != 200:
                time.sleep(0.3)

    def terminate(self) -> None:
        """SIGTERM to the master: graceful shutdown (stop accepting, finish what is running)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 60) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


def reader_headers(port: int, reader: int) -> dict[str, str]:
    """A reader of its own (its own address behind the one trusted proxy), on our page."""
    address = f"10.{(reader >> 16) & 255}.{(reader >> 8) & 255}.{reader & 255}"
    return {
        "Host": f"127.0.0.1:{port}",
        "User-Agent": BROWSER,
        "X-Forwarded-For": address,
        "Origin": f"http://127.0.0.1:{port}",
        "Sec-Fetch-Site": "same-origin",
        "Content-Type": "application/json",
    }


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {"User-Agent": BROWSER})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if connection is None:
            conn.close()


def beacon(
    port: int, article: int, reader: int, *, connection: http.client.HTTPConnection | None = None
) -> tuple[int, dict]:
    status, body = request(
        port,
        "POST",
        "/api/analytics/views/",
        body=json.dumps({"article": article}).encode(),
        headers=reader_headers(port, reader),
        connection=connection,
    )
    with suppress(ValueError):
        return status, json.loads(body)
    return status, {}


def report(port: int, article: int, reader: int, text: str) -> tuple[int, bytes]:
    payload = {"article": article, "selected_text": text, "comment": f"Report {text}"}
    return request(
        port,
        "POST",
        "/api/corrections/reports/",
        body=json.dumps(payload).encode(),
        headers=reader_headers(port, reader),
    )
