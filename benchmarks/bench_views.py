"""View beacon throughput and exactness on the real server (issue 3).

Starts gunicorn (2 workers, gthread) on a free 127.0.0.1 port against a fresh database with
30 articles, and drives it with 64 keep-alive HTTP/1.1 connections for a fixed time:

1. the ceiling: GET /api/analytics/ping/, a Django view through the same middleware that
   touches no database;
2. the beacon: POST /api/analytics/views/, every request from a distinct simulated reader,
   spread over the articles. The server runs as in production behind one proxy (nginx,
   TRUSTED_PROXY_COUNT=1), so each reader has an address of its own in X-Forwarded-For and
   one of a few common browsers' user agents;

first on SQLite with the database counter, then on PostgreSQL + Redis with the Redis counter
and the scheduler flushing every second. Then both again while a gunicorn worker (and on the
scale path the flusher) is killed with SIGKILL (and comes back) several times.

It prints beacons/s, p50 and p99 latency, errors, the beacon/ceiling ratio, and exactness:
views stored in the database after the last flush == beacons acknowledged as counted. In the
kill run a view whose answer was lost with its worker may be stored without being
acknowledged, so there it checks acknowledged <= stored <= acknowledged + lost answers.

    make bench-views            # or: .venv/bin/python benchmarks/bench_views.py --seconds 20
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_SERVER = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
CONNECTIONS = 64
WORKERS = 2
# The server runs with ./gunicorn.conf.py as `make run` does; its thread count, for the report.
GUNICORN_THREADS = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"]
TARGETS = {"sqlite": 0.5, "postgres+redis": 0.7}

SETUP_SCRIPT = """
import json
from django.utils import timezone
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.home.services import edition_tree_ensure

homes = edition_tree_ensure()
ids = []
for code, home in homes.items():
    section = SectionPage.objects.child_of(home).get(slug="politics")
    for n in range(10):
        article = ArticlePage(
            title=f"Benchmark story {n} ({code})", slug=f"bench-{n}", locale_id=home.locale_id,
            published_at=timezone.now(), initial_view_count=1000 * n,
            body=[("paragraph", "<p>Text.</p>")],
        )
        section.add_child(instance=article)
        article.save_revision().publish()
        ids.append(article.pk)
print(json.dumps(ids))
"""

COUNT_SCRIPT = """
import json
from django.db.models import Sum
from newsdesk.analytics.models import ArticleDailyViews, ArticleViewTotal
print(json.dumps({
    "total": ArticleViewTotal.objects.aggregate(s=Sum("views"))["s"] or 0,
    "daily": ArticleDailyViews.objects.aggregate(s=Sum("views"))["s"] or 0,
}))
"""


@dataclass
class Load:
    seconds: float = 0.0
    sent: int = 0
    ok: int = 0
    not_ok: int = 0
    socket_errors: int = 0
    server_cpu: float = 0.0  # CPU seconds the gunicorn workers spent
    client_cpu: float = 0.0  # CPU seconds this load generator spent
    latencies: list[float] = field(default_factory=list)

    def add(self, other: Load) -> None:
        self.seconds += other.seconds
        self.sent += other.sent
        self.ok += other.ok
        self.not_ok += other.not_ok
        self.socket_errors += other.socket_errors
        self.server_cpu += other.server_cpu
        self.client_cpu += other.client_cpu
        self.latencies.extend(other.latencies)

    @property
    def answered(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.not_ok + self.socket_errors

    def cpu_ms(self, seconds: float) -> float:
        return seconds * 1000 / self.answered if self.answered else 0.0

    def percentile_ms(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str, script: str | None = None) -> str:
    if script is not None:
        args = ("shell", "-c", script)
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                GUNICORN,  # with ./gunicorn.conf.py, as `make run` starts it
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--keep-alive",
                "30",
                "--backlog",
                "512",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/api/analytics/ping/", timeout=2
                ) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn did not start; see {self.log}")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]

    def workers_cpu(self) -> float:
        """CPU seconds (user + system) used so far by the current workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
BROWSERS = [
    BROWSER,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
]


class LoadGenerator:
    """HTTP/1.1 keep-alive over asyncio streams, CONNECTIONS at once, nothing else.

    Every beacon comes from a reader of its own (a user agent nobody else sends) and gets its
    answer before the connection sends the next one; when time is up each connection waits
    for its last answer, so "sent" and "answered" can be compared exactly.
    """

    def __init__(self, port: int, articles: list[int]) -> None:
        self.port = port
        self.articles = articles
        self.host = f"127.0.0.1:{port}"
        self.ping_request = (
            f"GET /api/analytics/ping/ HTTP/1.1\r\nHost: {self.host}\r\nUser-Agent: {BROWSER}\r\n\r\n"
        ).encode()
        self.network = random.randrange(1, 224)
        self.readers = itertools.count(1)  # never the same reader twice, across runs

    def beacon_request(self, reader: int, article: int) -> bytes:
        """A beacon from reader number `reader`: its own address (a run has its own /8, so
        no two runs share readers), one of the common browsers."""
        address = f"{self.network}.{(reader >> 16) & 255}.{(reader >> 8) & 255}.{reader & 255}"
        body = b'{"article": %d}' % article
        head = (
            f"POST /api/analytics/views/ HTTP/1.1\r\nHost: {self.host}\r\n"
            f"User-Agent: {BROWSERS[reader % len(BROWSERS)]}\r\nX-Forwarded-For: {address}\r\n"
            f"Content-Type: application/json\r\n"
            f"Origin: http://{self.host}\r\nSec-Fetch-Site: same-origin\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    async def _connection(self, number: int, mode: str, deadline: float, load: Load) -> None:
        import asyncio

        sent = 0
        stream = None
        while time.perf_counter() < deadline:
            if stream is None:
                try:
                    stream = await asyncio.open_connection("127.0.0.1", self.port)
                except OSError:
                    load.socket_errors += 1
                    await asyncio.sleep(0.05)
                    continue
            reader, writer = stream
            sent += 1
            if mode == "ping":
                request = self.ping_request
            else:
                reader_id = next(self.readers)
                request = self.beacon_request(reader_id, self.articles[reader_id % len(self.articles)])
            started = time.perf_counter()
            load.sent += 1
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                at = head.index(b"Content-Length: ") + 16
                body = await reader.readexactly(int(head[at : head.index(b"\r\n", at)]))
            except (OSError, asyncio.IncompleteReadError, ValueError):
                load.socket_errors += 1  # the answer was lost (a killed worker)
                writer.close()
                stream = None
                continue
            load.latencies.append(time.perf_counter() - started)
            if head.startswith(b"HTTP/1.1 200") and (mode == "ping" or b'"counted": true' in body):
                load.ok += 1
            else:
                load.not_ok += 1
        if stream is not None:
            stream[1].close()

    def run(self, mode: str, seconds: float) -> Load:
        import asyncio

        load = Load()

        async def main() -> None:
            deadline = time.perf_counter() + seconds
            started = time.perf_counter()
            await asyncio.gather(*(self._connection(n, mode, deadline, load) for n in range(CONNECTIONS)))
            load.seconds = time.perf_counter() - started

        asyncio.run(main())
        return load


def measure(server: Server, generator: LoadGenerator, mode: str, seconds: float) -> Load:
    """One run, with the CPU time the workers and the generator spent on it."""
    server_before, client_before = server.workers_cpu(), time.process_time()
    load = generator.run(mode, seconds)
    load.server_cpu = server.workers_cpu() - server_before
    load.client_cpu = time.process_time() - client_before
    return load


def interleaved(server: Server, generator: LoadGenerator, seconds: int) -> tuple[Load, Load]:
    """Ceiling and beacon in alternating 2.5-second slices: other load on the machine then
    weighs on both alike and the ratio stays honest."""
    ceiling, beacons = Load(), Load()
    slices = max(1, round(seconds / 2.5))
    for _ in range(slices):
        ceiling.add(measure(server, generator, "ping", seconds / slices))
        beacons.add(measure(server, generator, "beacon", seconds / slices))
    return ceiling, beacons


def stored_views(env: dict[str, str]) -> dict[str, int]:
    return json.loads(manage(env, script=COUNT_SCRIPT).strip().splitlines()[-1])


def start_scheduler(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "core_scheduler"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def report_load(name: str, load: Load) -> None:
    print(
        f"  {name:<8} {load.rate:9.1f} req/s   p50 {load.percentile_ms(0.5):7.2f} ms   "
        f"p99 {load.percentile_ms(0.99):8.2f} ms   sent {load.sent}   answered {load.answered}   "
        f"errors {load.errors} (non-OK answers {load.not_ok}, socket {load.socket_errors})"
    )
    if load.server_cpu:
        print(
            f"  {'':<8} CPU per request: gunicorn workers {load.cpu_ms(load.server_cpu):.3f} ms, "
            f"load generator {load.cpu_ms(load.client_cpu):.3f} ms"
        )


def stack_env(base: dict[str, str], stack: str, workdir: Path) -> tuple[dict[str, str], str | None]:
    env = dict(base)
    if stack == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.sqlite3'}"
        env["VIEW_COUNTER_BACKEND"] = "database"
        env.pop("REDIS_URL", None)
        return env, None
    db_name = f"bench_views_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    subprocess.run(["psql", f"{PG_SERVER}/postgres", "-qc", f"CREATE DATABASE {db_name}"], check=True)
    env["DATABASE_URL"] = f"{PG_SERVER}/{db_name}"
    env["REDIS_URL"] = REDIS_SERVER
    env["VIEW_COUNTER_BACKEND"] = "redis"
    env["VIEW_COUNTER_REDIS_PREFIX"] = f"bench-{uuid.uuid4().hex[:8]}"
    return env, db_name


def redis_forget(env: dict[str, str]) -> None:
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    for pattern in (f"{env['VIEW_COUNTER_REDIS_PREFIX']}:*", "nd:*", "nd-pages:*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])


def run_stack(stack: str, base_env: dict[str, str], seconds: int, workdir: Path, kill: bool) -> bool:
    env, db_name = stack_env(base_env, stack, workdir)
    logs = workdir / f"{stack}{'-kill' if kill else ''}.log"
    server: Server | None = None
    scheduler: subprocess.Popen | None = None
    try:
        manage(env, "migrate", "--noinput", "-v0")
        articles = json.loads(manage(env, script=SETUP_SCRIPT).strip().splitlines()[-1])
        server = Server(env, free_port(), logs)
        server.start()
        if stack != "sqlite":
            scheduler = start_scheduler(env, logs)
        generator = LoadGenerator(server.port, articles)
        print(
            f"\n{stack}{' with kill -9' if kill else ''}: gunicorn {WORKERS} workers x {GUNICORN_THREADS} threads (gthread), "
            f"{CONNECTIONS} keep-alive connections, {seconds} s"
        )
        generator.run("ping", 3)  # warm-up: both workers load the URLconf and connect
        if not kill:
            ceiling, beacons = interleaved(server, generator, seconds)
            report_load("ceiling", ceiling)
            report_load("beacon", beacons)
        else:
            beacons, scheduler = run_with_kills(server, env, logs, seconds, generator, scheduler)
            report_load("beacon", beacons)
        if scheduler is not None:
            scheduler.send_signal(signal.SIGTERM)
            scheduler.wait(timeout=30)
            scheduler = None
        manage(env, "analytics_flush", "-v0")  # whatever the last tick left in Redis
        stored = stored_views(env)
        acked = beacons.ok
        if not kill:
            ratio = beacons.rate / ceiling.rate if ceiling.rate else 0.0
            exact = stored["total"] == stored["daily"] == acked == beacons.sent and beacons.errors == 0
            target = TARGETS[stack]
            print(
                f"  ratio    {ratio:.2f} of the ceiling (target >= {target})   {'MET' if ratio >= target else 'NOT MET'}"
            )
            print(
                f"  exact    distinct readers sent {beacons.sent}, acknowledged as counted {acked}, "
                f"stored total {stored['total']}, daily rows {stored['daily']}, errors {beacons.errors}   "
                f"{'EXACT' if exact else 'NOT EXACT'}"
            )
            return exact and ratio >= target
        lost = beacons.sent - beacons.answered
        exact = acked <= stored["total"] <= acked + lost and stored["total"] == stored["daily"]
        print(
            f"  killed   sent {beacons.sent}, acknowledged {acked}, answers lost with killed workers {lost}, "
            f"stored total {stored['total']}, daily rows {stored['daily']}   "
            f"{'EVERY ACKNOWLEDGED VIEW STORED, NONE TWICE' if exact else 'LOST OR DOUBLED'}"
        )
        return exact
    finally:
        if scheduler is not None and scheduler.poll() is None:
            scheduler.kill()
        if server is not None:
            server.stop()
        if db_name is not None:
            redis_forget(env)
            subprocess.run(
                ["psql", f"{PG_SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"],
                check=False,
                capture_output=True,
            )


def run_with_kills(
    server: Server,
    env: dict[str, str],
    logs: Path,
    seconds: int,
    generator: LoadGenerator,
    scheduler: subprocess.Popen | None,
) -> tuple[Load, subprocess.Popen | None]:
    """Beacons for `seconds` while, every 3 to 4.5 seconds, a gunicorn worker and the
    flusher get SIGKILL (the gunicorn master starts a new worker; we restart the flusher)."""
    import threading

    stop = threading.Event()
    kills = {"workers": 0, "flushers": 0}
    current = {"scheduler": scheduler}

    def killer() -> None:
        rng = random.Random(3)
        # A new worker needs a few seconds to import Django; kill again once it serves.
        while not stop.wait(rng.uniform(3.0, 4.5)):
            workers = server.worker_pids()
            if workers:
                os.kill(rng.choice(workers), signal.SIGKILL)
                kills["workers"] += 1
            flusher = current["scheduler"]
            if flusher is not None:
                os.kill(flusher.pid, signal.SIGKILL)
                flusher.wait()
                kills["flushers"] += 1
                current["scheduler"] = start_scheduler(env, logs)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        load = generator.run("beacon", seconds)
    finally:
        stop.set()
        thread.join()
    print(
        f"  kill -9  {kills['workers']} gunicorn workers, {kills['flushers']} flushers (each one restarted)"
    )
    return load, current["scheduler"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20, help="length of each measured run (default 20)")
    parser.add_argument("--only", choices=["sqlite", "postgres+redis", "kill"], help="run one part only")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-views-"))
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_TEST_NAME"}
    }
    base_env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings.production",
        DJANGO_SECRET_KEY="bench-only-" + uuid.uuid4().hex,
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on this machine (docs/security.md)
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CACHE_DIR=str(workdir / "cache"),
        PAGE_CACHE_DIR=str(workdir / "pages"),
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        SCHEDULER_INTERVAL_SECONDS="1",
        LOG_LEVEL="ERROR",
        TRUSTED_PROXY_COUNT="1",
    )
    print(
        f"bench-views on {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before starting "
        f"(other work on the machine slows both measurements; the ratio is taken from interleaved slices); "
        f"logs under {workdir}"
    )
    results = []
    try:
        if args.only in (None, "sqlite"):
            results.append(run_stack("sqlite", base_env, args.seconds, workdir, kill=False))
        if args.only in (None, "postgres+redis"):
            results.append(run_stack("postgres+redis", base_env, args.seconds, workdir, kill=False))
        if args.only in (None, "kill"):
            for stack in ("sqlite", "postgres+redis"):
                print(f"\nkill run ({stack}):", end="")
                results.append(run_stack(stack, base_env, args.seconds, workdir, kill=True))
    finally:
        if all(results):
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    print("all targets met, counts exact" if all(results) else "SOME TARGETS NOT MET (see above)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
