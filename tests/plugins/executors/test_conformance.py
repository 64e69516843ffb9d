"""The executor contract, checked on ``threads`` and ``processes`` alike.

Barriers are marker files (``Gates``), never sleeps. R-numbers are the promises of
RELIABILITY.md that a test shows.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from pathlib import Path

import pytest

import qloom
from qloom import worker
from qloom.errors import ConfigError, TaskCancelled, TaskTimeout
from qloom.executor import Executor, TaskOptions
from qloom_executors import ProcessExecutor, ThreadExecutor
from support import tasks, timing

KINDS = ("threads", "processes")
LIMIT = 20.0
"""Seconds any wait may take before the test fails instead of hanging."""


def test_submit_map_starmap_in_order(executor: Executor):
    assert executor.size == 2 and executor.persist is False
    assert executor.submit(tasks.square, 7).result(LIMIT) == 49
    assert executor.submit(pow, 2, exp=5).result(LIMIT) == 32
    assert executor.map(tasks.square, range(8)) == [i * i for i in range(8)]
    assert executor.starmap(pow, [(2, 3), (3, 2)]) == [8, 9]


def test_a_raising_task_runs_once_and_keeps_its_type(executor: Executor, tmp_path: Path):
    """R2: no retry by default; the error is the task's own."""
    calls = tmp_path / "calls"
    future = executor.submit(tasks.fail_until, str(calls), 5)
    with pytest.raises(ValueError, match="failure 1 of 5"):
        future.result(LIMIT)
    assert len(list(calls.iterdir())) == 1


def test_retries_are_opt_in(executor: Executor, tmp_path: Path):
    """R2: ``retries`` reruns a raising task; when they run out, its last error stands."""
    enough = tmp_path / "enough"
    future = executor.submit(tasks.fail_until, str(enough), 2, options=TaskOptions(retries=2))
    assert future.result(LIMIT) == 2
    assert len(list(enough.iterdir())) == 3

    short = tmp_path / "short"
    future = executor.submit(tasks.fail_until, str(short), 3, options=TaskOptions(retries=1))
    with pytest.raises(ValueError, match="failure 2 of 3"):
        future.result(LIMIT)
    assert len(list(short.iterdir())) == 2


def test_a_cancelled_queued_task_never_starts(executor: Executor, gates):
    """R4: cancelled while queued, it never starts and raises ``TaskCancelled``."""
    names = [f"busy{i}" for i in range(executor.size)]
    busy = [executor.submit(tasks.wait_for, gates.started(n), gates.release(n)) for n in names]
    gates.wait_started(*names)
    queued = executor.submit(tasks.wait_for, gates.started("queued"), gates.release("queued"))
    assert executor.cancel(queued, "not needed any more")
    with pytest.raises(TaskCancelled, match="not needed any more") as info:
        queued.result(LIMIT)
    assert info.value.reason == "not needed any more"
    assert not executor.cancel(queued)  # already settled
    gates.open(*names)
    assert [f.result(LIMIT) for f in busy] == ["released"] * len(names)
    # FIFO: had the cancelled task started, it would hold a worker forever (it is never
    # released) and this task, which needs every worker, could not run.
    everyone = TaskOptions(resources={"cpu": executor.size})
    assert executor.submit(tasks.square, 3, options=everyone).result(LIMIT) == 9
    assert not gates.has_started("queued")


def test_a_cancelled_running_task_frees_its_worker_within_2_s(executor: Executor, gates):
    """R4: every worker busy; cancel one task and a probe task still finishes within 2 s."""
    base = timing.baseline(executor)
    names = [f"busy{i}" for i in range(executor.size)]
    busy = [executor.submit(tasks.wait_for, gates.started(n), gates.release(n)) for n in names]
    gates.wait_started(*names)
    start = time.monotonic()
    assert executor.cancel(busy[0], "stop it")
    probe = executor.submit(tasks.square, 5)
    assert probe.result(LIMIT) == 25
    timing.assert_within(time.monotonic() - start, 2.0, base, "cancel to probe")
    with pytest.raises(TaskCancelled, match="stop it"):
        busy[0].result(0)
    assert not executor.cancel(probe)  # finished: nothing to cancel
    gates.open(*names)
    assert [f.result(LIMIT) for f in busy[1:]] == ["released"] * (len(names) - 1)


def test_random_cancels_lose_no_other_result(executor: Executor, gates):
    """R3, R4: cancel a seeded random half of 30 tasks, queued or running; the rest all
    finish with their own value and the executor keeps working."""
    rng = random.Random(1234)
    count = 30
    names = [f"t{i}" for i in range(count)]
    futures = [
        executor.submit(tasks.square_when, gates.started(n), gates.release(n), i)
        for i, n in enumerate(names)
    ]
    doomed = set(rng.sample(range(count), count // 2))
    when = {i: rng.choice(["at once", "in turn", "once running"]) for i in sorted(doomed)}
    for i, moment in when.items():
        if moment == "at once":
            assert executor.cancel(futures[i], f"stress {i}")
    for i, name in enumerate(names):
        if i not in doomed:
            gates.open(name)
        elif when[i] == "in turn":  # queued or running, whichever it is by now
            assert executor.cancel(futures[i], f"stress {i}")
        elif when[i] == "once running":
            gates.wait_started(name)
            assert executor.cancel(futures[i], f"stress {i}")
    for i, future in enumerate(futures):
        if i in doomed:
            with pytest.raises(TaskCancelled, match=f"stress {i}$"):
                future.result(LIMIT)
        else:
            assert future.result(LIMIT) == i * i
    ran = {i for i in doomed if gates.has_started(names[i])}
    assert ran and doomed - ran  # some were cancelled while running, some while queued
    assert executor.submit(tasks.square, 9).result(LIMIT) == 81


def test_a_task_past_its_timeout_is_stopped(executor: Executor, gates):
    """R5: it fails with "timed out after T s" and its worker takes new work."""
    base = timing.baseline(executor)
    start = time.monotonic()
    late = executor.submit(
        tasks.wait_for,
        gates.started("late"),
        gates.release("late"),
        options=TaskOptions(timeout=0.5),
    )
    with pytest.raises(TaskTimeout, match=r"timed out after 0\.5 s") as info:
        late.result(LIMIT)
    took = time.monotonic() - start
    assert took >= 0.5
    timing.assert_within(took, 2.5, base, "a 0.5 s timeout")
    assert info.value.seconds == 0.5
    others = TaskOptions(resources={"cpu": executor.size})  # needs the stopped worker too
    assert executor.submit(tasks.square, 6, options=others).result(LIMIT) == 36


def test_status_events_reach_subscribers_before_the_result(executor: Executor):
    seen: list[tuple[str, str, str | None]] = []
    unsubscribe = worker.subscribe(lambda key, status, detail: seen.append((key, status, detail)))
    key = f"stages-{type(executor).__name__}"
    try:
        future = executor.submit(
            tasks.emit_stages, ["place", "route"], options=TaskOptions(key=key)
        )
        assert future.result(LIMIT) == ["place", "route"]
        statuses = [status for k, status, _ in seen if k == key]
    finally:
        unsubscribe()
    assert statuses == ["RUNNING", "RUNNING: place", "RUNNING: route"]


def test_resources_that_can_never_be_met_are_refused_at_submit(executor: Executor):
    with pytest.raises(ConfigError, match=r"needs cpu=3 but this executor has only 2"):
        executor.submit(tasks.square, 1, options=TaskOptions(resources={"cpu": 3}))
    with pytest.raises(ConfigError, match=r"needs mem=\d+ bytes but this machine has"):
        executor.submit(tasks.square, 1, options=TaskOptions(resources={"mem": 2.0**62}))
    fits = TaskOptions(resources={"cpu": 1.5, "mem": 1e6})
    assert executor.submit(tasks.square, 4, options=fits).result(LIMIT) == 16


def test_a_task_holds_as_many_workers_as_cpus_it_asks_for(executor: Executor, gates):
    """A ``cpu=2`` task has both workers: the task that would release it cannot run until
    it gives up on its own (``wait_for``'s 0.5 s limit)."""
    wide = executor.submit(
        tasks.wait_for,
        gates.started("wide"),
        gates.release("wide"),
        0.5,
        options=TaskOptions(resources={"cpu": 2}),
    )
    gates.wait_started("wide")
    opener = executor.submit(tasks.touch, gates.release("wide"))
    with pytest.raises(TimeoutError, match="never appeared"):
        wide.result(LIMIT)
    assert opener.result(LIMIT) == gates.release("wide")


@pytest.mark.parametrize("kind", KINDS)
def test_shutdown_cancels_tasks_in_flight_and_leaves_nothing_behind(kind: str, gates, fresh):
    """R7: running and queued tasks raise ``TaskCancelled``; no process or thread is left."""
    children = set(multiprocessing.active_children())
    threads = set(threading.enumerate())
    executor = fresh(kind)
    watched = TaskOptions(timeout=LIMIT)  # its timeout is watched (by a thread, for threads)
    running = [
        executor.submit(tasks.wait_for, gates.started("a"), gates.release("a")),
        executor.submit(tasks.wait_for, gates.started("b"), gates.release("b"), options=watched),
    ]
    queued = [executor.submit(tasks.square, i) for i in range(3)]
    gates.wait_started("a", "b")
    executor.shutdown()
    for future in running + queued:
        with pytest.raises(TaskCancelled, match="executor shut down"):
            future.result(0)
    assert set(multiprocessing.active_children()) <= children
    assert set(threading.enumerate()) <= threads
    with pytest.raises(RuntimeError, match="shut down"):
        executor.submit(tasks.square, 1)
    executor.shutdown()  # a second time does nothing


@pytest.mark.parametrize(
    ("name", "cls"), [("threads", ThreadExecutor), ("processes", ProcessExecutor)]
)
def test_found_by_name(name: str, cls: type[Executor]):
    with qloom.get_executor(name, workers=2) as executor:
        assert isinstance(executor, cls)
        assert executor.size == 2
