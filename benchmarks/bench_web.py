"""Reader-facing speed of Newsdesk, measured with wrk against the real servers (issue 12).

For each stack (SQLite with file caches; PostgreSQL + Redis) it builds a fresh database with
the demo content, then measures, with `wrk -t2 -c50`, --seconds per row in 1-second slices
taken in turn with the rows they are compared with (all their servers up at once: the
cached group, then the uncached group), so that a noisy machine slows them alike:

- nginx static: the seed article's HTML, fetched once and served by nginx as a file (the
  baseline every row is divided by);
- cached article: the app's page-cache hit, gunicorn started as `make run` starts it
  (the Procfile's web line, gunicorn.conf.py, the dev settings), no proxy;
- uncached article / uncached home: the same server with nothing stored and no request
  coalescing (`UNCACHED`): every request renders, as the printed renders per request show;
- article behind nginx: deploy/nginx/newsdesk.conf run as written (benchmarks/nginx_conf.py
  swaps its marked addresses and paths), in front of the cached app;
- stampede: after each page-cache purge 50 readers ask for the article at once; renders per
  web process are counted (Wagtail's before_serve_page hook, benchmarks/loadtools.RenderLog);
- stock Wagtail 8, uncached and with Django's cache middleware: a minimal project written
  at bench time (benchmarks/stock_wagtail.py) with the same text and gunicorn workers.

    make bench                      # or: .venv/bin/python benchmarks/bench_web.py --seconds 10
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_report import TARGETS, checks, table  # noqa: E402
from benchmarks.loadtools import (  # noqa: E402
    Gunicorn,
    RenderLog,
    Result,
    burst,
    combined,
    fetch,
    gunicorn_conf_write,
    percentile_ms,
    wrk,
)
from benchmarks.nginx_conf import NginxProcess, Site, free_port, render, static_conf  # noqa: E402
from benchmarks.stock_wagtail import stock_env, stock_project_setup, stock_project_write  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
# Its own Redis database: the bench purges the page cache, never anything of anyone else's.
REDIS_SERVER = os.environ.get("BENCH_WEB_REDIS_URL", "redis://127.0.0.1:6379/14")
ARTICLE = "/en/politics/kazakh-and-russian-presidents-held-a-meeting/"
HOME = "/en/"
READERS = 50
WARM_UP_SECONDS = 2
SLICE_SECONDS = 1
ARTICLE_SCRIPT = """
import json
from newsdesk.articles.models import ArticlePage
page = ArticlePage.objects.get(locale__language_code="en", slug="kazakh-and-russian-presidents-held-a-meeting")
print(json.dumps({"title": page.title, "body": "".join(str(block.render()) for block in page.body)}))
"""
PURGER_SCRIPT = """
import sys
from django.utils.module_loading import import_string
purge = import_string("{purge}")
print("ready", flush=True)
for _line in sys.stdin:
    purge()
    print("done", flush=True)
"""
PURGE_ONCE = """
from django.utils.module_loading import import_string
import_string("{purge}")()
"""
# Every request renders: nothing is stored, and concurrent readers of one page do not share
# one render (coalescing would serve 50 connections from a few renders).
UNCACHED = {"PAGE_CACHE_SECONDS": "0", "PAGE_CACHE_STALE_SECONDS": "0", "PAGE_CACHE_COALESCE_SECONDS": "0"}


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def procfile_web_args(port: int) -> list[str]:
    """The Procfile's web command, as `make run` starts it."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            command = line.split(":", 1)[1].replace("${NEWSDESK_PORT}", str(port))
            return [str(ROOT / part) if part.startswith(".venv/") else part for part in shlex.split(command)]
    sys.exit("Procfile has no web line")


def redis_forget(prefixes: list[str]) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_SERVER)
    for prefix in prefixes:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])


class Stack:
    """One database and cache arrangement, its servers and its rows."""

    def __init__(self, name: str, workdir: Path, base_env: dict[str, str], args: argparse.Namespace) -> None:
        self.name, self.args = name, args
        self.dir = workdir / name.replace("+", "-")
        self.dir.mkdir()
        self.rows: dict[str, Result] = {}
        self.cleanups: list[Callable[[], None]] = []
        self.env = dict(base_env, CACHE_DIR=str(self.dir / "cache"), PAGE_CACHE_DIR=str(self.dir / "pages"))
        tag = uuid.uuid4().hex[:8]
        if name == "sqlite":
            self.env["DATABASE_URL"] = f"sqlite:///{self.dir / 'newsdesk.sqlite3'}"
            self.stock_database: dict[str, object] = {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(self.dir / "stock.sqlite3"),
            }
            self.stock_cache: dict[str, object] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
            return
        db, stock_db = f"bench_web_{tag}", f"bench_web_stock_{tag}"
        for database in (db, stock_db):
            subprocess.run(
                ["psql", f"{PG_SERVER}/postgres", "-qc", f"CREATE DATABASE {database}"], check=True
            )
            self.cleanups.append(lambda d=database: self._drop(d))  # type: ignore[misc]
        self.env.update(
            DATABASE_URL=f"{PG_SERVER}/{db}",
            REDIS_URL=REDIS_SERVER,
            VIEW_COUNTER_REDIS_PREFIX=f"bench-web-{tag}:views",
            RATE_LIMIT_REDIS_PREFIX=f"bench-web-{tag}:rl",
        )
        self.stock_database = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": stock_db,
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": 5432,
            "CONN_MAX_AGE": 60,  # as Newsdesk's: the code is compared, not the connection setting
        }
        self.stock_cache = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_SERVER,
            "KEY_PREFIX": f"bench-stock-{tag}",
        }
        self.cleanups.append(
            lambda: redis_forget(["nd:", "nd-pages:", f"bench-web-{tag}", f"bench-stock-{tag}"])
        )

    @staticmethod
    def _drop(database: str) -> None:
        subprocess.run(
            ["psql", f"{PG_SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"],
            check=False,
            capture_output=True,
        )

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            cleanup()

    def measure_together(self, rows: dict[str, tuple[str, RenderLog | None]]) -> None:
        """The rows' URLs in turn, SLICE_SECONDS each, until every row had --seconds: the
        servers are all up, and whatever else loads the machine falls on every row alike,
        so the ratios between rows hold on a noisy machine (one row after the other, a
        neighbour's burst could halve one of them)."""
        for url, _renders in rows.values():
            fetch(url)  # the first request fills the cache
            # The same short warm-up for every row (each process's and thread's first
            # requests), unmeasured, as wrk's own guide advises.
            wrk(url, seconds=WARM_UP_SECONDS)
        slices: dict[str, list[Result]] = {row: [] for row in rows}
        rendered = dict.fromkeys(rows, 0)
        for _ in range(max(1, round(self.args.seconds / SLICE_SECONDS))):
            for row, (url, renders) in rows.items():
                before = renders.counts() if renders else {}
                slices[row].append(wrk(url, seconds=SLICE_SECONDS))
                if renders is not None:
                    rendered[row] += sum(renders.since(before).values())
        for row, (_url, renders) in rows.items():
            result = combined(slices[row])
            if renders is not None:
                # Proof that a "cached" row hit the cache and an "uncached" one rendered.
                result.note = f"{rendered[row] / max(result.requests, 1):.2f} renders per request"
            self.rows[row] = result
            print(
                f"  {row:<38} {result.rate:>9.0f} req/s  p50 {result.p50_ms:6.2f} ms  "
                f"p99 {result.p99_ms:7.2f} ms  errors {result.errors}  {result.note}"
            )

    @contextmanager
    def app(self, **extra_env: str) -> Iterator[str]:
        port = free_port()
        env = dict(self.env, **extra_env)
        conf, self.renders = gunicorn_conf_write(self.dir, ROOT / "gunicorn.conf.py")
        server = Gunicorn(
            [*procfile_web_args(port), "-c", str(conf)],
            cwd=ROOT,
            env=env,
            log=self.dir / "gunicorn.log",
        )
        base = f"http://127.0.0.1:{port}"
        server.start(base + "/api/analytics/ping/")
        try:
            yield base
        finally:
            server.stop()

    def run(self, static_root: Path) -> None:
        print(f"\n{self.name}: preparing the database and the demo content")
        manage(self.env, "migrate", "--noinput", "-v0")
        manage(self.env, "home_load_demo")
        # What `make run`'s workers do after the demo is loaded (relevant-news lists, search
        # documents): without it every article would take the relevant-news fallback path.
        manage(self.env, "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
        article = json.loads(manage(self.env, "shell", "-c", ARTICLE_SCRIPT).strip().splitlines()[-1])
        stock = self.stock_prepare(article)
        with self.app() as base:
            _, _, html = fetch(base + ARTICLE)
            static_dir = self.dir / "static-baseline"
            static_dir.mkdir()
            (static_dir / "article.html").write_bytes(html)
            with ExitStack() as servers:
                static = servers.enter_context(self.nginx_static(static_dir))
                proxied = servers.enter_context(self.behind_nginx(base, static_root))
                stock_cached = servers.enter_context(self.stock_server(stock, "1", self.gunicorn_workers()))
                self.measure_together(
                    {
                        "nginx static (baseline)": (static, None),
                        "cached article": (base + ARTICLE, self.renders),
                        "stock Wagtail cache middleware": (stock_cached, None),
                        "article behind nginx cache": (proxied, self.renders),
                    }
                )
            self.stampede(base)
        # What the cached server stored would be served by the next one: start from empty.
        manage(self.env, "shell", "-c", PURGE_ONCE.format(purge=self.args.purge))
        with self.app(**UNCACHED) as base, ExitStack() as servers:
            stock_plain = servers.enter_context(self.stock_server(stock, "0", self.gunicorn_workers()))
            # The issue's own table measured stock Wagtail this way; shown beside the fairer row.
            stock_sync = servers.enter_context(
                self.stock_server(stock, "0", ["--workers=4", "--worker-class=sync"])
            )
            self.measure_together(
                {
                    "uncached article": (base + ARTICLE, self.renders),
                    "stock Wagtail uncached": (stock_plain, None),
                    "stock Wagtail uncached, 4 sync workers": (stock_sync, None),
                    "uncached home": (base + HOME, self.renders),
                }
            )

    @contextmanager
    def nginx_static(self, root: Path) -> Iterator[str]:
        port = free_port()
        nginx = NginxProcess(self.dir / "nginx-static", static_conf(root, port))
        url = f"http://127.0.0.1:{port}/article.html"
        nginx.start(url)
        try:
            yield url
        finally:
            nginx.stop()

    @contextmanager
    def behind_nginx(self, base: str, static_root: Path) -> Iterator[str]:
        site = Site(
            upstreams=[base.removeprefix("http://")],
            port=free_port(),
            purge_port=free_port(),
            cache_dir=self.dir / "nginx-cache",
            static_root=static_root,
            media_root=self.dir / "media",
        )
        nginx = NginxProcess(self.dir / "nginx-proxy", render(site))
        url = f"http://127.0.0.1:{site.port}{ARTICLE}"
        nginx.start(url)
        try:
            fetch(url)
            _, headers, _ = fetch(url)
            if headers.get("X-Cache-Status") != "HIT":
                print(f"  (nginx answered X-Cache-Status: {headers.get('X-Cache-Status')}, not HIT)")
            yield url
        finally:
            nginx.stop()

    def stampede(self, base: str) -> None:
        """Purge, then READERS readers at once; renders counted per web process."""
        purger = subprocess.Popen(
            [PY, "manage.py", "shell", "-c", PURGER_SCRIPT.format(purge=self.args.purge)],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert purger.stdin is not None and purger.stdout is not None
        for _ in range(50):  # the shell may first say what it imported
            line = purger.stdout.readline()
            if not line or line.strip() == "ready":
                break
        if line.strip() != "ready":
            sys.exit("the purge helper did not start")
        latencies: list[float] = []
        worst, rounds, spent = 0, 0, 0.0
        outcomes: Counter[str] = Counter()
        deadline = time.monotonic() + self.args.seconds
        while rounds < 3 or time.monotonic() < deadline:
            purger.stdin.write("purge\n")
            purger.stdin.flush()
            purger.stdout.readline()
            before = self.renders.counts()
            started = time.perf_counter()
            seconds, heads = burst(base + ARTICLE, READERS)
            for head in heads:
                outcome = re.search(rb"(?im)^X-Cache: *(\S+)", head)
                outcomes[outcome[1].decode() if outcome else "none"] += 1
            spent += time.perf_counter() - started
            latencies.extend(seconds)
            time.sleep(0.2)  # the render log is appended after the answer
            per_process = self.renders.since(before)
            worst = max(worst, *per_process.values(), 0)
            rounds += 1
        purger.stdin.close()
        purger.wait(timeout=30)
        result = Result(
            len(latencies) / spent,
            percentile_ms(latencies, 0.5),
            percentile_ms(latencies, 0.99),
            len(latencies),
            note=f"{rounds} purges x {READERS} readers: at most {worst} render(s) per process "
            f"(X-Cache: {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))})",
        )
        self.rows["stampede renders"] = result
        print(
            f"  {'stampede renders':<30} {result.rate:>9.0f} req/s  p50 {result.p50_ms:6.2f} ms  "
            f"p99 {result.p99_ms:7.2f} ms  {result.note}"
        )

    def stock_prepare(self, article: dict[str, str]) -> tuple[Path, dict[str, str], str]:
        """The stock Wagtail project with the article: its directory, environment and path."""
        project = stock_project_write(self.dir / "stock")
        env = stock_env(self.env, database=self.stock_database, cache=self.stock_cache)
        path = stock_project_setup(project, env, title=article["title"], body_html=article["body"])
        return project, env, path

    @contextmanager
    def stock_server(
        self, stock: tuple[Path, dict[str, str], str], cache: str, workers: list[str]
    ) -> Iterator[str]:
        project, env, path = stock
        port = free_port()
        server = Gunicorn(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "stock_site.wsgi",
                *workers,
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=project,
            env=dict(env, STOCK_CACHE=cache),
            log=self.dir / f"stock-{port}.log",
        )
        url = f"http://127.0.0.1:{port}{path}"
        server.start(url)
        try:
            yield url
        finally:
            server.stop()

    @staticmethod
    def gunicorn_workers() -> list[str]:
        """Newsdesk's workers (gunicorn.conf.py with this environment), for the stock project."""
        import runpy

        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        return [
            f"--workers={conf['workers']}",
            f"--worker-class={conf['worker_class']}",
            f"--threads={conf['threads']}",
            f"--keep-alive={conf['keepalive']}",
        ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=12, help="wrk duration per row (default 12)")
    parser.add_argument("--only", choices=["sqlite", "postgres+redis"], help="run one stack only")
    parser.add_argument(
        "--purge",
        default="newsdesk.core.services.page_cache_purge",
        help="dotted path of the callable that empties the page cache (stampede row)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("nginx") is None:
        sys.exit("wrk and nginx are needed: make bench-tools")

    workdir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_TEST_NAME"}
    }
    base_env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings.dev",  # `make run`'s settings
        DJANGO_SECRET_KEY="bench-only-" + uuid.uuid4().hex,
        PUBLIC_BASE_URL="http://127.0.0.1",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="ERROR",
    )
    print(
        f"bench on {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; wrk -t2 -c{READERS} "
        f"-d{args.seconds:g}s per row; work files under {workdir}"
    )
    manage(base_env, "collectstatic", "--noinput", "-v0")
    stacks: list[Stack] = []
    try:
        for name in ("sqlite", "postgres+redis"):
            if args.only not in (None, name):
                continue
            stack = Stack(name, workdir, base_env, args)
            stacks.append(stack)
            try:
                stack.run(workdir / "static")
            finally:
                stack.close()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end\n")
    print(table(stacks))
    print()
    print(TARGETS)
    for stack in stacks:
        for line in checks(stack):
            print(f"  {stack.name}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
