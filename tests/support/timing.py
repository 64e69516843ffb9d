"""Timing bounds that hold on a loaded machine without going blind (RELIABILITY.md R16).

A promise such as "a cancelled task's worker takes new work within 2 s" is checked against
``max(2 s, FACTOR x baseline)``, the baseline being the time a no-op task takes on an idle,
warm worker of the same executor, measured in the same test just before. On an idle
machine the bound is the promise itself; on a loaded one it grows with the machine's pace,
never with what is measured. Failures print the measured figure, the bound and the baseline.
"""

from __future__ import annotations

import time
from typing import Any

from support import tasks

FACTOR = 10.0
"""How many idle round trips a bound may grow to on a slow machine."""


def baseline(executor: Any, limit: float = 60.0, rounds: int = 3) -> float:
    """Seconds the fastest of ``rounds`` no-op tasks takes on ``executor`` (submit to result),
    once every worker it has (spares included, where it keeps some) is started: the bounds
    are for a warm executor, not for one still replacing a worker an earlier test killed."""
    wait_ready = getattr(executor, "wait_ready", None)
    if wait_ready is not None:
        assert wait_ready(limit), f"the executor's workers did not all start within {limit} s"
    best = float("inf")
    for _ in range(rounds):
        began = time.monotonic()
        executor.submit(tasks.pid_of).result(limit)
        best = min(best, time.monotonic() - began)
    return best


def bound(promise: float, base: float) -> float:
    """The bound for ``promise`` seconds on a machine whose no-op round trip is ``base``."""
    return max(promise, FACTOR * base)


def assert_within(took: float, promise: float, base: float, what: str) -> None:
    """Fail, with the figures, unless ``took`` is under ``bound(promise, base)``."""
    limit = bound(promise, base)
    assert took < limit, (
        f"{what} took {took:.3f} s; bound {limit:.2f} s (the promise {promise:g} s, or "
        f"{FACTOR:g} idle round trips of {base:.3f} s)"
    )
