"""The documented limits of the ``threads`` executor: stopping a task is cooperative."""

from __future__ import annotations

import time

import pytest

from qloom.errors import ConfigError, TaskCancelled, TaskTimeout
from qloom.executor import TaskOptions
from qloom_executors import ThreadExecutor
from support import tasks, timing

LIMIT = 20.0
"""Seconds any wait may take before the test fails instead of hanging."""


def test_bad_settings_are_refused():
    with pytest.raises(ConfigError, match="at least 1 worker"):
        ThreadExecutor(0)


def test_cancel_settles_at_once_a_task_that_never_checks(gates):
    """The future raises ``TaskCancelled`` at once; the thread, and its slot, stay busy
    until the task returns, and what it returns is dropped."""
    with ThreadExecutor(workers=1) as executor:
        base = timing.baseline(executor)
        stuck = executor.submit(tasks.wait_unchecked, gates.started("s"), gates.release("s"))
        gates.wait_started("s")
        start = time.monotonic()
        assert executor.cancel(stuck, "no longer wanted")
        with pytest.raises(TaskCancelled, match="no longer wanted"):
            stuck.result(LIMIT)
        timing.assert_within(time.monotonic() - start, 2.0, base, "cancel to settled")
        probe = executor.submit(tasks.square, 3)
        gates.open("s")
        assert probe.result(LIMIT) == 9
        with pytest.raises(TaskCancelled):
            stuck.result(0)


def test_a_timeout_settles_at_once_a_task_that_never_checks(gates):
    with ThreadExecutor(workers=1) as executor:
        base = timing.baseline(executor)
        start = time.monotonic()
        stuck = executor.submit(
            tasks.wait_unchecked,
            gates.started("s"),
            gates.release("s"),
            options=TaskOptions(timeout=0.3),
        )
        with pytest.raises(TaskTimeout, match=r"timed out after 0\.3 s"):
            stuck.result(LIMIT)
        took = time.monotonic() - start
        assert took >= 0.3
        timing.assert_within(took, 2.0, base, "a 0.3 s timeout")
        gates.open("s")
        assert executor.submit(tasks.square, 4).result(LIMIT) == 16
