"""The table `make bench` prints, and its verdict on the issue's targets (benchmarks/bench_web.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from benchmarks.loadtools import Result


class Measured(Protocol):
    name: str
    rows: dict[str, Result]


TARGETS = """targets: uncached article >= 300 req/s and >= 2.5x stock; uncached home >= 200 req/s;
cached article >= 5,000 req/s, ~2x stock cache middleware, p99 < 40 ms; behind nginx >= 0.85x
nginx static; stampede <= 1 render per process after a purge"""

ROWS = [
    "nginx static (baseline)",
    "cached article",
    "stock Wagtail cache middleware",
    "uncached article",
    "stock Wagtail uncached",
    "stock Wagtail uncached, 4 sync workers",
    "uncached home",
    "article behind nginx cache",
    "stampede renders",
]


def table(stacks: Sequence[Measured]) -> str:
    lines = [
        "| row | stack | req/s | p50 ms | p99 ms | x nginx static | notes |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for stack in stacks:
        baseline = stack.rows.get("nginx static (baseline)")
        for row in ROWS:
            result = stack.rows.get(row)
            if result is None:
                continue
            ratio = result.rate / baseline.rate if baseline else 0.0
            lines.append(
                f"| {row} | {stack.name} | {result.rate:,.0f} | {result.p50_ms:.2f} | "
                f"{result.p99_ms:.2f} | {ratio:.3f} | {result.note} |"
            )
    return "\n".join(lines)


def checks(stack: Measured) -> list[str]:
    rows = stack.rows

    def rate(name: str) -> float:
        return rows[name].rate if name in rows else 0.0

    uncached, stock_uncached = rate("uncached article"), rate("stock Wagtail uncached")
    stock_sync = rate("stock Wagtail uncached, 4 sync workers")
    cached, stock_cached = rate("cached article"), rate("stock Wagtail cache middleware")
    behind, static = rate("article behind nginx cache"), rate("nginx static (baseline)")
    p99 = rows["cached article"].p99_ms if "cached article" in rows else 0.0
    stampede = rows["stampede renders"].note if "stampede renders" in rows else ""
    worst = int(stampede.split("at most ")[1].split()[0]) if "at most " in stampede else 99

    def verdict(ok: bool) -> str:
        return "MET" if ok else "NOT MET"

    return [
        f"uncached article {uncached:,.0f} req/s, {uncached / max(stock_uncached, 1):.2f}x stock on the same "
        f"gthread workers: {verdict(uncached >= 300 and uncached >= 2.5 * stock_uncached)}",
        f"uncached article {uncached / max(stock_sync, 1):.2f}x stock on 4 sync workers (the issue's "
        f"table): {verdict(uncached >= 300 and uncached >= 2.5 * stock_sync)}",
        f"uncached home {rate('uncached home'):,.0f} req/s: {verdict(rate('uncached home') >= 200)}",
        f"cached article {cached:,.0f} req/s, {cached / max(stock_cached, 1):.2f}x stock cache middleware, "
        f"p99 {p99:.1f} ms: {verdict(cached >= 5000 and p99 < 40)}",
        f"behind nginx {behind / max(static, 1):.3f}x nginx static: {verdict(behind >= 0.85 * static)}",
        f"stampede: {stampede}: {verdict(worst <= 1)}",
    ]
