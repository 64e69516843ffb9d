"""The executor hooks on ``threads`` and ``processes``: what a plugin sees of each task and
worker, in this (the submitting) process. Waits are on the recorder, never sleeps."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from qloom.errors import TaskCancelled, TaskRefused
from qloom.executor import Executor, TaskOptions
from qloom_executors import ProcessExecutor
from support import tasks
from support.task_hooks import (
    RefuseOver,
    assert_rerun_after_its_worker_died,
    recording,
    registered,
)

LIMIT = 20.0


def _started(task_id: str):
    return lambda events: any(e[0] == "task_started" and e[1]["task_id"] == task_id for e in events)


def _worker_id_ok(kind: str, worker_id: str | None) -> bool:
    if kind == "threads":
        return bool(worker_id) and worker_id.startswith("qloom-threads")
    return bool(worker_id) and worker_id.startswith("pid ") and worker_id[4:].isdigit()


def test_submitted_started_stages_finished(executor: Executor, kind: str):
    key = f"hooks-stages-{kind}"
    with recording() as seen:
        future = executor.submit(
            tasks.emit_stages,
            ["place", "route"],
            options=TaskOptions(key=key, labels={"num_qubits": 2}),
        )
        assert future.result(LIMIT) == ["place", "route"]
        seen.wait_for(lambda ev: ("task_finished", key) in [(n, e.get("task_id")) for n, e in ev])
    assert seen.names(key) == [
        "task_submitted",
        "task_started",
        "task_stage_changed",
        "task_stage_changed",
        "task_finished",
    ]
    events = seen.of(key)
    info = events[0][1]["task"]
    assert info.executor == kind and info.function == "support.tasks.emit_stages"
    assert info.labels == {"num_qubits": 2}
    started = events[1][1]
    assert started["attempt"] == 1 and _worker_id_ok(kind, started["worker_id"]), started
    assert [e[1]["stage"] for e in events[2:4]] == ["place", "route"]


def test_failed_and_retried_then_finished(executor: Executor, kind: str, tmp_path: Path):
    with recording() as seen:
        failing = executor.submit(tasks.fail, "nope", options=TaskOptions(key=f"fail-{kind}"))
        flaky = executor.submit(
            tasks.fail_until,
            str(tmp_path / "calls"),
            1,
            options=TaskOptions(key=f"flaky-{kind}", retries=1),
        )
        with pytest.raises(ValueError, match="nope"):
            failing.result(LIMIT)
        assert flaky.result(LIMIT) == 1
        seen.wait_for(lambda ev: any(n == "task_finished" for n, _ in ev))
        seen.wait_for(lambda ev: any(n == "task_failed" for n, _ in ev))
    assert seen.names(f"fail-{kind}") == ["task_submitted", "task_started", "task_failed"]
    assert isinstance(seen.of(f"fail-{kind}")[-1][1]["error"], ValueError)
    assert seen.names(f"flaky-{kind}") == [
        "task_submitted",
        "task_started",
        "task_retried",
        "task_started",
        "task_finished",
    ]
    events = seen.of(f"flaky-{kind}")
    assert events[2][1]["attempt"] == 2
    assert events[2][1]["reason"] == "ValueError: failure 1 of 1"
    assert [e[1]["attempt"] for e in events if e[0] == "task_started"] == [1, 2]


def test_cancelled_running_task(executor: Executor, kind: str, gates):
    key = f"cancel-{kind}"
    with recording() as seen:
        future = executor.submit(
            tasks.wait_for, gates.started(key), gates.release(key), options=TaskOptions(key=key)
        )
        seen.wait_for(_started(key))
        assert executor.cancel(future, "changed my mind")
        with pytest.raises(TaskCancelled):
            future.result(LIMIT)
    assert seen.names(key) == ["task_submitted", "task_started", "task_cancelled"]
    assert seen.of(key)[-1][1]["reason"] == "changed my mind"


def test_a_vet_hook_refuses_at_submit_and_nothing_runs(
    executor: Executor, kind: str, tmp_path: Path
):
    marker = tmp_path / "ran"
    with registered(RefuseOver(10)), recording() as seen:
        with pytest.raises(TaskRefused, match="11 qubits is over this site's limit of 10"):
            executor.submit(
                tasks.touch,
                str(marker),
                options=TaskOptions(key=f"big-{kind}", labels={"num_qubits": 11}),
            )
        assert executor.submit(tasks.square, 5).result(LIMIT) == 25
    assert seen.of(f"big-{kind}") == [] and not marker.exists()


def test_a_killed_worker_is_lost_replaced_and_its_task_retried(gates):
    """R1 seen through the hooks: ``os.kill`` of the worker running a task."""
    with recording() as seen, ProcessExecutor(workers=1, spare_workers=1) as executor:
        assert isinstance(executor, ProcessExecutor) and executor.wait_ready(LIMIT)
        key = "victim"
        future = executor.submit(
            tasks.wait_for, gates.started(key), gates.release(key), options=TaskOptions(key=key)
        )
        seen.wait_for(_started(key))
        victim = seen.of(key)[1][1]["worker_id"]
        os.kill(int(victim.split()[1]), signal.SIGKILL)
        seen.wait_for(lambda ev: any(n == "task_retried" for n, _ in ev))
        gates.open(key)
        assert future.result(LIMIT) == "released"
        seen.wait_for(lambda ev: any(n == "task_finished" for n, _ in ev))
    workers = seen.workers()
    lost = [e[1] for e in workers if e[0] == "worker_lost"]
    replaced = [e[1] for e in workers if e[0] == "worker_replaced"]
    assert lost[0]["worker_id"] == victim and lost[0]["executor"] == "processes"
    assert "died" in lost[0]["reason"]
    assert replaced[0]["old"] == victim and replaced[0]["new"] != victim
    started_ids = {e[1]["worker_id"] for e in workers if e[0] == "worker_started"}
    assert victim in started_ids and replaced[0]["new"] in started_ids
    assert assert_rerun_after_its_worker_died(seen, key, victim) == replaced[0]["new"]
