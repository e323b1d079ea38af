"""Load for `make bench`: wrk runs, a stampede of concurrent readers, and the servers under test."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WRK = "wrk"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Result:
    rate: float  # requests per second
    p50_ms: float
    p99_ms: float
    requests: int = 0
    errors: int = 0  # socket errors and non-2xx/3xx answers
    note: str = ""


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        raise ValueError(f"wrk latency {text!r}")
    return float(match[1]) * UNITS[match[2]]


def wrk_parse(output: str) -> Result:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rate and p50 and p99 and total):
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx[1]) if non_2xx else 0
    return Result(float(rate[1]), _ms(p50[1]), _ms(p99[1]), int(total[1]), errors)


def wrk(url: str, *, seconds: float, threads: int = 2, connections: int = 50) -> Result:
    """`wrk -t2 -c50 -d<seconds>s --timeout 10s --latency <url>`: a slow answer is a latency,
    not a socket error dropped from the percentiles (wrk's default timeout is 2 s)."""
    duration = f"-d{max(1, round(seconds))}s"
    command = [WRK, f"-t{threads}", f"-c{connections}", duration, "--timeout", "10s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return wrk_parse(output)


def combined(slices: list[Result]) -> Result:
    """One row from its wrk slices: requests over the time they took; p50 and p99 are the
    slices' own, weighted by their requests (wrk gives percentiles, not the latencies)."""
    requests = sum(part.requests for part in slices)
    seconds = sum(part.requests / part.rate for part in slices if part.rate)
    weight = max(requests, 1)
    return Result(
        requests / seconds if seconds else 0.0,
        sum(part.p50_ms * part.requests for part in slices) / weight,
        sum(part.p99_ms * part.requests for part in slices) / weight,
        requests,
        sum(part.errors for part in slices),
    )


def fetch(url: str, *, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers.items()), response.read()


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, *, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited; see {log}:\n{log.read_text()[-3000:]}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url} did not answer; see {log}")


class Gunicorn:
    """A gunicorn started in its own session, stopped with SIGTERM (SIGKILL after 30 s)."""

    def __init__(self, args: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> None:
        self.args, self.cwd, self.env, self.log = args, cwd, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready_url: str) -> None:
        self.process = subprocess.Popen(
            self.args,
            cwd=self.cwd,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(ready_url, self.process, self.log)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


async def _one_get(host: str, port: int, path: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    await reader.read()
    writer.close()
    return time.perf_counter() - started, head


def burst(url: str, readers: int) -> tuple[list[float], list[bytes]]:
    """`readers` GETs of one URL sent at the same moment, each on its own connection."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80

    async def main() -> list[tuple[float, bytes]]:
        return await asyncio.gather(*(_one_get(host, port, parts.path) for _ in range(readers)))

    answers = asyncio.run(main())
    return [seconds for seconds, _ in answers], [head for _, head in answers]


def percentile_ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


class RenderLog:
    """Counts renders per web process: the bench's gunicorn config appends one line to
    `<dir>/renders.<pid>` in Wagtail's `before_serve_page` hook, which runs only when a
    page is rendered (a page-cache hit answers before it)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def counts(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for path in self.directory.glob("renders.*"):
            found[int(path.suffix[1:])] = len(path.read_bytes().splitlines())
        return found

    def since(self, before: dict[int, int]) -> dict[int, int]:
        now = self.counts()
        return {pid: n - before.get(pid, 0) for pid, n in now.items() if n - before.get(pid, 0)}


GUNICORN_CONF = """# Written by benchmarks/bench_web.py: ./gunicorn.conf.py as `make run` uses it, plus a
# render counter (benchmarks/loadtools.RenderLog).
import os, runpy
globals().update({{k: v for k, v in runpy.run_path({conf!r}).items() if not k.startswith("__")}})

def post_worker_init(worker):
    from wagtail import hooks

    path = os.path.join({renders!r}, f"renders.{{os.getpid()}}")

    def count_render(page, request, serve_args, serve_kwargs):
        with open(path, "a") as log:
            log.write(request.path + "\\n")

    hooks.register("before_serve_page", count_render)
"""


def gunicorn_conf_write(workdir: Path, project_conf: Path) -> tuple[Path, RenderLog]:
    renders = workdir / "renders"
    renders.mkdir(exist_ok=True)
    conf = workdir / "gunicorn_bench.py"
    conf.write_text(GUNICORN_CONF.format(conf=str(project_conf), renders=str(renders)))
    return conf, RenderLog(renders)
