"""Periodic job (settings.PERIODIC_JOBS): forget rate-limit windows that are over."""

from . import rate_limits_prune as _prune


def rate_limits_prune() -> str:
    return f"rate limit counters pruned: {_prune()}"
