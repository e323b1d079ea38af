"""The site under faults (issue 12): Redis stopped, eight SQLite writers, SIGTERM to web and worker.

Each test runs the deployed processes for real (gunicorn with ./gunicorn.conf.py, the
django-tasks `db_worker`, a redis-server of its own) on a copy of one migrated SQLite file,
and checks what readers and editors were told against what the database holds. Results
and figures: docs/operations-faults.md.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.utils.timezone import now as django_now

from conftest import IN_CI
from newsdesk.analytics.counters import ArticleRef, DatabaseCounter, Outcome, RedisCounter
from newsdesk.analytics.models import ArticleViewTotal
from newsdesk.articles.tests.factories import article_publish
from newsdesk.core.readers import Reader, reader_get

from .faults.load import ReaderLoad, Tally
from .faults.stack import (
    PY,
    ROOT,
    SETUP_SCRIPT,
    Gunicorn,
    PrivateRedis,
    database_copy,
    last_json,
    manage,
    private_redis,
    report,
    request,
    site_env,
    stored,
)


def _redis_server_or_skip() -> None:
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("redis-server is required under CI=true")
        pytest.skip("redis-server is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One migrated SQLite file with 9 live articles and an editor; each test copies it."""
    workdir = tmp_path_factory.mktemp("faults-template")
    database = workdir / "template.sqlite3"
    env = site_env(workdir, database=database)
    manage(env, "migrate", "--noinput", "-v0")
    created = last_json(manage(env, script=SETUP_SCRIPT))
    # Migrations enqueue rebuilds on the "bulk" queue; no test runs that queue's worker.
    return {"template": database, **created}


def _assert_counted_once(tally: Tally, views: dict[str, int]) -> None:
    """Every acknowledged view stored, none twice: what was stored beyond the acknowledged
    views can only be views whose answer never arrived or came back unconfirmed."""
    assert views["total"] == views["daily"]
    assert tally.counted <= views["total"] <= tally.counted + tally.lost + tally.unconfirmed, (tally, views)


# --- 1. Redis stopped ---------------------------------------------------------------------


def _reader(n: int) -> Reader:
    return reader_get(ip=f"10.9.0.{n}", user_agent="Mozilla/5.0 fault")


@pytest.mark.scale
@pytest.mark.django_db(transaction=True)
def test_a_hung_redis_never_gets_a_view_counted_twice(sections, tmp_path: Path) -> None:
    """Redis that stops answering mid-call (SIGSTOP) still runs the script once it wakes up.
    Counting that view in the database as well would count it twice, so it is answered
    "unconfirmed"; views sent while Redis is known to be down are counted in the database."""
    _redis_server_or_skip()
    article = article_publish(section=sections[("en", "politics")], title="Hung Redis")
    ref = article.pk
    target = ArticleRef(id=ref, edition_id=article.locale_id)
    with private_redis(tmp_path) as redis_server:
        counter = RedisCounter(
            url=redis_server.url,
            prefix="faults",
            repeat_seconds=1800,
            reader_max_views=60,
            fallback=DatabaseCounter(repeat_seconds=1800, reader_max_views=60),
        )
        now = django_now()
        assert counter.record(article=target, reader=_reader(1), now=now)[0] is Outcome.COUNTED
        redis_server.pause()
        try:
            started = time.monotonic()
            outcome, _ = counter.record(article=target, reader=_reader(2), now=now)
            waited = time.monotonic() - started
            assert outcome is Outcome.UNCONFIRMED
            # Redis is now skipped for a few seconds: the database counts, at once.
            started = time.monotonic()
            assert counter.record(article=target, reader=_reader(3), now=now)[0] is Outcome.COUNTED
            assert time.monotonic() - started < 0.5
        finally:
            redis_server.resume()
        deadline = time.monotonic() + 5
        while not redis_server.answers() and time.monotonic() < deadline:
            time.sleep(0.05)
        counter._down_until = 0.0  # as after RETRY_AFTER_SECONDS
        counter.flush()
        # Reader 1 and reader 2 (run by Redis when it woke up) through the flush, reader 3
        # through the database: three views, each once.
        assert ArticleViewTotal.objects.get(article_id=ref).views == 3
        assert waited < 2.0  # one socket timeout, no retries


@pytest.mark.scale
@pytest.mark.slow
def test_redis_killed_pages_served_and_no_acknowledged_view_lost(site: dict, tmp_path: Path) -> None:
    """Kill -9 of Redis under beacon load: pages (cached and not) stay 200, beacons are
    answered, error reports are accepted (rate limits fall back to the database), and
    after Redis returns (from its append-only file) and a flush, every view acknowledged
    as counted is in the database once."""
    _redis_server_or_skip()
    database = database_copy(site["template"], tmp_path)
    with private_redis(tmp_path) as redis_server:
        env = site_env(tmp_path, database=database, redis_url=redis_server.url, PAGE_CACHE_SECONDS="600")
        server = Gunicorn(env, tmp_path / "gunicorn.log", workers=2, threads=4)
        server.start()
        try:
            urls = site["urls"]
            assert request(server.port, "GET", urls[0])[0] == 200  # rendered, stored in Redis
            assert request(server.port, "GET", urls[0])[0] == 200  # from the page cache
            load = ReaderLoad(server.port, site["ids"], threads=4).start()
            time.sleep(2)
            redis_server.kill()
            down_started = time.monotonic()
            pages = []
            for url in (urls[0], urls[1], "/en/", urls[0]):  # cached before, never cached, home
                started = time.monotonic()
                pages.append((request(server.port, "GET", url)[0], time.monotonic() - started))
            report_status, _ = request_report(server.port, site["ids"][0])
            time.sleep(max(0.0, 4 - (time.monotonic() - down_started)))
            during = load.tally.counted
            redis_server.start()  # same port, same append-only file
            time.sleep(7)  # past the counter's RETRY_AFTER_SECONDS: beacons go to Redis again
            tally = load.stop()
        finally:
            server.stop()
        flushed = manage(env, "analytics_flush", "-v1")
        views = stored(env)
    log = (tmp_path / "gunicorn.log").read_text()
    print(f"pages while Redis was down (status, seconds): {pages}; report {report_status}")
    print(f"beacons: {tally}; stored {views}; flush: {flushed.strip()}")
    assert [status for status, _ in pages] == [200, 200, 200, 200], log[-3000:]
    assert max(seconds for _, seconds in pages) < 3.0
    assert report_status == 202
    assert tally.server_errors == 0, tally.bodies_5xx[:3]
    assert tally.counted > during > 0  # counted before, while down, and after the return
    # django-redis logs each cache call it ignored ("Exception ignored", with a traceback);
    # what must not appear is a request that failed.
    assert "Internal Server Error" not in log, log[-3000:]
    print(f"cache errors ignored and logged: {log.count('Exception ignored')}")
    _assert_counted_once(tally, views)


def request_report(port: int, article: int) -> tuple[int, bytes]:
    return report(port, article, 999_999, "while Redis is down")


# --- 2. SQLite with eight concurrent writers ------------------------------------------------

EDITOR_SCRIPT = """
import json, time
from django.contrib.auth import get_user_model
from newsdesk.articles.models import ArticlePage
user = get_user_model().objects.get(username="editor")
page_id, seconds = PAGE_ID, SECONDS
deadline = time.monotonic() + seconds
published, errors, title = 0, [], ""
while time.monotonic() < deadline:
    page = ArticlePage.objects.get(pk=page_id).get_latest_revision_as_object()
    title = f"Edited {published}"
    page.title = title
    try:
        page.save_revision(user=user).publish(user=user)
        published += 1
    except Exception as exc:
        errors.append(repr(exc))
live = ArticlePage.objects.get(pk=page_id).title
print(json.dumps({"published": published, "errors": errors[:5], "last": title, "live": live}))
"""

TASKS_SCRIPT = """
import json
from django_tasks_db.models import DBTaskResult
rows = DBTaskResult.objects.filter(queue_name="default")
print(json.dumps({
    status: rows.filter(status=status).count() for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED")
}))
"""


def _script_process(env: dict[str, str], script: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log.open("ab"),
        text=True,
    )


def _worker(env: dict[str, str], log: Path, *, interval: str = "0.2") -> subprocess.Popen:
    return subprocess.Popen(
        [
            PY,
            "manage.py",
            "db_worker",
            "--queue-name",
            "default",
            "--interval",
            interval,
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _tasks(env: dict[str, str]) -> dict[str, int]:
    return last_json(manage(env, script=TASKS_SCRIPT))


@pytest.mark.slow
def test_eight_sqlite_writers_never_see_database_is_locked(site: dict, tmp_path: Path) -> None:
    """Six gunicorn workers taking beacons and error reports, an editor saving and
    publishing a page, and the task worker running what publishing enqueues: eight
    processes writing one SQLite file for ten seconds. No "database is locked", no 5xx,
    every acknowledged view, report, publication and task in the database."""
    database = database_copy(site["template"], tmp_path)
    env = site_env(tmp_path, database=database, VIEW_COUNTER_BACKEND="database")
    logs = {name: tmp_path / f"{name}.log" for name in ("gunicorn", "worker", "editor")}
    server = Gunicorn(env, logs["gunicorn"], workers=6, threads=4)
    server.start()
    worker = _worker(env, logs["worker"])
    try:
        load = ReaderLoad(server.port, site["ids"], threads=8, reports_every=4).start()
        editor = _script_process(
            env,
            EDITOR_SCRIPT.replace("PAGE_ID", str(site["ids"][1])).replace("SECONDS", "10"),
            log=logs["editor"],
        )
        edited = json.loads(editor.communicate(timeout=120)[0].strip().splitlines()[-1])
        tally = load.stop()
        deadline = time.monotonic() + 60
        while (tasks := _tasks(env))["READY"] + tasks["RUNNING"] and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        server.stop()
    views = stored(env)
    text = {name: path.read_text() for name, path in logs.items()}
    print(f"requests: {tally}; editor: {edited}; tasks: {tasks}; stored: {views}")
    for name, content in text.items():
        assert "database is locked" not in content, f"{name}: {content[-3000:]}"
        assert "Traceback" not in content, f"{name}: {content[-3000:]}"
    assert tally.server_errors == 0 and tally.lost == 0, (tally, tally.bodies_5xx[:3])
    assert tally.counted > 100 and tally.reports > 20
    assert views["total"] == views["daily"] == tally.counted
    assert views["reports"] == tally.reports
    assert edited["errors"] == [] and edited["published"] > 5
    assert edited["live"] == edited["last"]
    assert tasks["FAILED"] == tasks["READY"] == tasks["RUNNING"] == 0
    assert tasks["SUCCESSFUL"] >= edited["published"]  # each publication enqueues its refresh


# --- 3. SIGTERM to the web server and to the worker ------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("counter", ["database", "redis"])
def test_sigterm_to_gunicorn_under_beacon_load_loses_no_acknowledged_view(
    site: dict, tmp_path: Path, counter: str
) -> None:
    """A graceful stop (SIGTERM to the master) while beacons stream in: the requests being
    served finish, every view acknowledged as counted is in the database (after the flush
    on the Redis path), and gunicorn exits cleanly."""
    if counter == "redis":
        _redis_server_or_skip()
    database = database_copy(site["template"], tmp_path)
    redis_server = PrivateRedis(tmp_path)
    extra = {"VIEW_COUNTER_BACKEND": counter}
    if counter == "redis":
        redis_server.start()
    try:
        env = site_env(
            tmp_path, database=database, redis_url=redis_server.url if counter == "redis" else "", **extra
        )
        server = Gunicorn(env, tmp_path / "gunicorn.log", workers=2, threads=8)
        server.start()
        load = ReaderLoad(server.port, site["ids"], threads=16).start()
        time.sleep(3)
        server.terminate()
        exit_code = server.wait(timeout=60)
        time.sleep(0.5)
        tally = load.stop()
        flushed = manage(env, "analytics_flush", "-v1") if counter == "redis" else ""
        views = stored(env)
    finally:
        redis_server.stop()
    print(f"{counter}: {tally}; stored {views}; {flushed.strip()}")
    assert exit_code == 0
    assert tally.server_errors == 0, tally.bodies_5xx[:3]
    assert tally.counted > 50
    _assert_counted_once(tally, views)


@pytest.mark.slow
def test_sigterm_to_the_task_worker_loses_no_task(site: dict, tmp_path: Path) -> None:
    """SIGTERM to `db_worker` over and over while it runs tasks: a task that is running
    finishes before the worker exits, and the next worker takes the rest. No task is left
    running or failed, and every task marked successful did its work."""
    database = database_copy(site["template"], tmp_path)
    env = site_env(tmp_path, database=database)
    tasks_total = 40
    manage(
        env,
        script=(
            "from django_tasks_db.models import DBTaskResult\n"
            "from tests.faults.tasks import fault_mark_task\n"
            # Only this test's tasks: the refreshes the template's publications enqueued go.
            "DBTaskResult.objects.all().delete()\n"
            f"for n in range({tasks_total}): fault_mark_task.enqueue(n, 0.25)"
        ),
    )
    rng = random.Random(12)
    signals = 0
    log = tmp_path / "worker.log"
    for round_ in range(1, 40):
        worker = _worker(env, log, interval="0.1")
        # Once it has started (it logs so), the worker is mostly inside a task.
        deadline = time.monotonic() + 120
        while log.read_text().count("Starting worker") < round_ and worker.poll() is None:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        time.sleep(rng.uniform(0.5, 2.5))
        worker.send_signal(signal.SIGTERM)
        signals += 1
        assert worker.wait(timeout=60) == 0, log.read_text()[-3000:]
        if _tasks(env)["READY"] == 0:
            break
    result = last_json(
        manage(
            env,
            script=(
                "import json\n"
                "from django.db import connection\n"
                "from django_tasks_db.models import DBTaskResult\n"
                "c = connection.cursor()\n"
                "c.execute('SELECT n, COUNT(*) FROM fault_marks GROUP BY n')\n"
                "marks = dict(c.fetchall())\n"
                "done = [r.args_kwargs['args'][0] for r in DBTaskResult.objects.filter("
                "task_path__endswith='fault_mark_task', status='SUCCESSFUL')]\n"
                "print(json.dumps({'marks': len(marks), 'twice': sum(v > 1 for v in marks.values()),"
                " 'done_without_mark': sum(n not in marks for n in done), 'done': len(done)}))"
            ),
        )
    )
    tasks = _tasks(env)
    print(f"{signals} SIGTERMs; tasks {tasks}; {result}")
    assert tasks == {"READY": 0, "RUNNING": 0, "SUCCESSFUL": tasks_total, "FAILED": 0}
    assert result == {"marks": tasks_total, "twice": 0, "done_without_mark": 0, "done": tasks_total}
    assert signals > 2  # the worker really was stopped while it had work
