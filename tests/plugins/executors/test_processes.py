"""What only the ``processes`` executor can promise: killing, replacing and pickling."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from qloom.errors import (
    ConfigError,
    ExecutorError,
    RemoteError,
    SerializationError,
    TaskCancelled,
    TaskTimeout,
    WorkerDied,
)
from qloom.executor import TaskOptions
from qloom_executors import ProcessExecutor, processes
from qloom_executors._child import RemoteTraceback
from support import tasks

LIMIT = 20.0
"""Seconds any wait may take before the test fails instead of hanging."""


def test_tasks_run_in_worker_processes(shared_processes: ProcessExecutor):
    pids = set(shared_processes.map(tasks.pid_of, range(6)))
    assert os.getpid() not in pids
    assert 1 <= len(pids) <= 2


def test_bad_settings_are_refused():
    with pytest.raises(ConfigError, match="unknown start method 'teleport'"):
        ProcessExecutor(1, start_method="teleport")
    with pytest.raises(ConfigError, match="at least 1 worker"):
        ProcessExecutor(0)


def test_a_cancelled_task_that_never_checks_is_killed(shared_processes: ProcessExecutor, gates):
    """R4: a pass stuck without checkpoints is stopped; its worker takes work within 2 s."""
    stuck = shared_processes.submit(tasks.hang, gates.started("stuck"))
    busy = shared_processes.submit(tasks.wait_for, gates.started("busy"), gates.release("busy"))
    gates.wait_started("stuck", "busy")
    start = time.monotonic()
    assert shared_processes.cancel(stuck, "stuck for good")
    assert shared_processes.submit(tasks.square, 8).result(LIMIT) == 64
    assert time.monotonic() - start < 2.0
    with pytest.raises(TaskCancelled, match="stuck for good"):
        stuck.result(0)
    gates.open("busy")
    assert busy.result(LIMIT) == "released"


def test_a_hung_task_is_killed_after_its_timeout(shared_processes: ProcessExecutor, gates):
    """R5: "timed out after T s", though the task never checks; its worker is replaced."""
    start = time.monotonic()
    hung = shared_processes.submit(
        tasks.hang, gates.started("hung"), options=TaskOptions(timeout=0.5)
    )
    with pytest.raises(TaskTimeout, match=r"timed out after 0\.5 s"):
        hung.result(LIMIT)
    timed_out = time.monotonic()
    assert 0.5 <= timed_out - start < 2.5
    everyone = TaskOptions(resources={"cpu": 2})  # needs the replaced worker too
    assert shared_processes.submit(tasks.square, 2, options=everyone).result(LIMIT) == 4
    assert time.monotonic() - timed_out < 2.0


def test_a_poison_task_fails_with_worker_died_and_no_other_result_is_lost(
    shared_processes: ProcessExecutor, gates, tmp_path: Path
):
    """R1, R3: a task killing every worker it runs on is tried 1 + max_worker_deaths
    times, on a new worker each time; a running and ten queued innocent tasks all end
    with their serial values."""
    keeper = shared_processes.submit(
        tasks.square_when, gates.started("keeper"), gates.release("keeper"), 12
    )
    gates.wait_started("keeper")
    attempts = tmp_path / "attempts"
    before = [shared_processes.submit(tasks.square, i) for i in range(5)]
    poison = shared_processes.submit(
        tasks.count_attempts, str(attempts), options=TaskOptions(key="poison")
    )
    after = [shared_processes.submit(tasks.square, i) for i in range(5, 10)]
    with pytest.raises(WorkerDied) as info:
        poison.result(LIMIT)
    gates.open("keeper")
    assert keeper.result(LIMIT) == 144
    assert [f.result(LIMIT) for f in before + after] == [i * i for i in range(10)]
    died = info.value
    assert died.task_id == "poison"
    assert died.attempts == TaskOptions().max_worker_deaths + 1 == 4
    assert died.last_worker.startswith("pid ")
    files = sorted(p.name for p in attempts.iterdir())
    assert len(files) == 4
    assert len({name.rsplit("-", 1)[1] for name in files}) == 4  # four different workers
    assert died.last_worker == f"pid {max(files).rsplit('-', 1)[1]}"


def test_a_worker_that_dies_once_is_replaced_and_its_task_rerun(
    shared_processes: ProcessExecutor, tmp_path: Path
):
    """R1: one death is survived by default; with ``max_worker_deaths=0`` it is final."""
    marker = tmp_path / "died"
    assert shared_processes.submit(tasks.die_once, str(marker), 7).result(LIMIT) == 7
    assert marker.exists()
    never_again = TaskOptions(max_worker_deaths=0)
    future = shared_processes.submit(
        tasks.die_once, str(tmp_path / "again"), 7, options=never_again
    )
    with pytest.raises(WorkerDied) as info:
        future.result(LIMIT)
    assert info.value.attempts == 1


def test_an_unpicklable_argument_is_refused_at_submit(shared_processes: ProcessExecutor):
    """R9: the error names the task and the argument; nothing was sent."""
    lock = threading.Lock()
    with pytest.raises(SerializationError, match=r"task locked: argument #1 \(lock\)") as info:
        shared_processes.submit(pow, 2, lock, options=TaskOptions(key="locked"))
    assert info.value.task_id == "locked"
    with pytest.raises(SerializationError, match=r"argument 'stages' \(lock\)"):
        shared_processes.submit(tasks.emit_stages, stages=lock)
    with pytest.raises(SerializationError, match=r"argument fn \(.*<lambda>\).*module level"):
        shared_processes.submit(lambda: 1)


def test_errors_keep_their_type_cause_and_remote_traceback(shared_processes: ProcessExecutor):
    """R2: the error's ``__cause__`` chain survives the trip; the worker's traceback ends it."""
    future = shared_processes.submit(tasks.fail_chained, "pass 'routers:sabre' failed")
    with pytest.raises(RuntimeError, match="routers:sabre") as info:
        future.result(LIMIT)
    cause = info.value.__cause__
    assert isinstance(cause, ValueError) and "invalid literal" in str(cause)
    remote = cause.__cause__
    assert isinstance(remote, RemoteTraceback)
    assert "fail_chained" in remote.text and "RuntimeError" in remote.text


def test_an_error_that_cannot_travel_becomes_a_remote_error(shared_processes: ProcessExecutor):
    future = shared_processes.submit(tasks.fail_unpicklable, "holds a lock")
    with pytest.raises(RemoteError, match=r"builtins\.ValueError: holds a lock"):
        future.result(LIMIT)


def test_workers_that_cannot_start_fail_every_task(monkeypatch: pytest.MonkeyPatch):
    """Workers dying before they are ready are not retried forever: the tasks fail with
    ``ExecutorError`` and nothing is left running."""
    children = set(multiprocessing.active_children())
    monkeypatch.setattr(processes, "serve", tasks.fail)  # each worker raises at once
    with ProcessExecutor(workers=2) as executor:
        future = executor.submit(tasks.square, 3)
        with pytest.raises(ExecutorError, match="keep dying before they are ready"):
            future.result(LIMIT)
        with pytest.raises(RuntimeError, match="shut down"):
            executor.submit(tasks.square, 3)
    assert set(multiprocessing.active_children()) <= children
