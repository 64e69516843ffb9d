"""What only the ``processes`` executor can promise: killing, replacing and pickling."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
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
from support import tasks, timing

LIMIT = 20.0
"""Seconds any wait may take before the test fails instead of hanging."""

TESTS = Path(__file__).resolve().parents[2]


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
    base = timing.baseline(shared_processes)
    stuck = shared_processes.submit(tasks.hang, gates.started("stuck"))
    busy = shared_processes.submit(tasks.wait_for, gates.started("busy"), gates.release("busy"))
    gates.wait_started("stuck", "busy")
    start = time.monotonic()
    assert shared_processes.cancel(stuck, "stuck for good")
    assert shared_processes.submit(tasks.square, 8).result(LIMIT) == 64
    timing.assert_within(time.monotonic() - start, 2.0, base, "cancel to probe")
    with pytest.raises(TaskCancelled, match="stuck for good"):
        stuck.result(0)
    gates.open("busy")
    assert busy.result(LIMIT) == "released"


def test_a_hung_task_is_killed_after_its_timeout(shared_processes: ProcessExecutor, gates):
    """R5: "timed out after T s", though the task never checks; its worker is replaced."""
    base = timing.baseline(shared_processes)
    start = time.monotonic()
    hung = shared_processes.submit(
        tasks.hang, gates.started("hung"), options=TaskOptions(timeout=0.5)
    )
    with pytest.raises(TaskTimeout, match=r"timed out after 0\.5 s"):
        hung.result(LIMIT)
    timed_out = time.monotonic()
    assert timed_out - start >= 0.5
    timing.assert_within(timed_out - start, 2.5, base, "a 0.5 s timeout")
    everyone = TaskOptions(resources={"cpu": 2})  # needs the replaced worker too
    assert shared_processes.submit(tasks.square, 2, options=everyone).result(LIMIT) == 4
    timing.assert_within(time.monotonic() - timed_out, 2.0, base, "timeout to probe")


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
    """Workers dying before they are ready are not retried forever: after
    ``max_start_failures`` in a row the tasks fail with ``ExecutorError`` naming the option,
    and nothing is left running."""
    children = set(multiprocessing.active_children())
    monkeypatch.setattr(processes, "serve", tasks.fail)  # each worker raises at once
    with ProcessExecutor(workers=2, max_start_failures=3, restart_backoff=0.01) as executor:
        future = executor.submit(tasks.square, 3)
        with pytest.raises(
            ExecutorError, match=r"3 worker processes in a row died before they were ready"
        ) as info:
            future.result(LIMIT)
        assert "raise max_start_failures (now 3)" in str(info.value)
        with pytest.raises(RuntimeError, match="shut down"):
            executor.submit(tasks.square, 3)
    assert set(multiprocessing.active_children()) <= children


# -- hardening (issue 16, points 11-15) ----------------------------------------------------

def test_a_cancelled_slot_is_served_at_once_by_a_warm_spare(gates):
    """R4 (issue 16 #11): the probe submitted after a cancel runs in a worker that was
    already started (no re-import) and finishes within 2 s of the cancel call, or within
    10 round trips of an idle worker when the machine is slower than that."""
    with ProcessExecutor(workers=1) as executor:
        assert executor.wait_ready(LIMIT)
        base = timing.baseline(executor)
        stuck = executor.submit(tasks.hang, gates.started("stuck"))
        gates.wait_started("stuck")
        assert executor.wait_ready(LIMIT)  # the spare is warm
        warm = {p.pid for p in multiprocessing.active_children()}
        began = time.monotonic()
        assert executor.cancel(stuck, "make room")
        probe = executor.submit(tasks.pid_of)
        pid = probe.result(LIMIT)
        took = time.monotonic() - began
    assert pid in warm, "the probe ran in a freshly started worker, not the warm spare"
    timing.assert_within(took, 2.0, base, "cancel to probe")


def _pid_in(path: Path) -> int:
    tasks.wait_for_file(str(path), LIMIT)
    return int(path.read_text())


def _gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie counts as gone: it runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def test_a_silent_worker_is_killed_and_its_task_rerun(tmp_path: Path):
    """R5 (issue 16 #12): a stopped worker (SIGSTOP, no task timeout) misses its heartbeats;
    it is killed and replaced, and its task rerun as after a worker death (R1)."""
    marker = tmp_path / "pid"
    with ProcessExecutor(workers=1, heartbeat_interval=0.1, heartbeat_timeout=1.0) as executor:
        future = executor.submit(tasks.hang_once, str(marker), 5)
        pid = _pid_in(marker)
        try:
            os.kill(pid, signal.SIGSTOP)
            assert future.result(LIMIT) == 5
            assert _gone(pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_silent_worker_counts_as_a_death_of_its_task(tmp_path: Path):
    """R1 (issue 16 #12): with ``max_worker_deaths=0`` the silent worker's task fails."""
    marker = tmp_path / "pid"
    with ProcessExecutor(workers=1, heartbeat_interval=0.1, heartbeat_timeout=1.0) as executor:
        future = executor.submit(
            tasks.hang_once, str(marker), 5, options=TaskOptions(key="mute", max_worker_deaths=0)
        )
        pid = _pid_in(marker)
        try:
            os.kill(pid, signal.SIGSTOP)
            with pytest.raises(WorkerDied, match="task mute") as info:
                future.result(LIMIT)
            assert info.value.last_worker == f"pid {pid}"
            assert executor.submit(tasks.square, 3).result(LIMIT) == 9
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_heartbeat_settings_are_checked():
    with pytest.raises(ConfigError, match="heartbeat_interval must be positive"):
        ProcessExecutor(1, heartbeat_interval=0)
    with pytest.raises(ConfigError, match=r"heartbeat_timeout .* longer than heartbeat_interval"):
        ProcessExecutor(1, heartbeat_interval=1.0, heartbeat_timeout=0.5)
    with pytest.raises(ConfigError, match="max_start_failures must be at least 1"):
        ProcessExecutor(1, max_start_failures=0)
    with pytest.raises(ConfigError, match="spare_workers must not be negative"):
        ProcessExecutor(1, spare_workers=-1)


def test_workers_killed_while_starting_are_restarted_with_backoff(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """Issue 16 #13: four starts in a row die before they are ready (the old executor gave
    up after three); starts are retried with a growing pause and every task completes."""
    monkeypatch.setenv("QLOOM_TEST_START_DIR", str(tmp_path))
    monkeypatch.setenv("QLOOM_TEST_START_FAILURES", "4")
    monkeypatch.setattr(processes, "serve", tasks.serve_after_start_failures)
    with ProcessExecutor(workers=2, restart_backoff=0.05) as executor:
        assert executor.map(tasks.square, range(6)) == [i * i for i in range(6)]
        assert executor.submit(tasks.square, 7).result(LIMIT) == 49
    assert len(list(tmp_path.glob("start-*"))) >= 4 + 1  # four died, at least one served


def test_a_killed_client_takes_its_workers_with_it(tmp_path: Path):
    """Issue 16 #14: a client SIGKILLed while its worker runs a hung pass leaves no worker."""
    started = tmp_path / "started"
    script = (
        "import multiprocessing, sys, time\n"
        "from qloom_executors import ProcessExecutor\n"
        "from support import tasks\n"
        "if __name__ == '__main__':\n"
        "    ex = ProcessExecutor(workers=1)\n"
        f"    ex.submit(tasks.hang_with_pid, {str(started)!r})\n"
        f"    tasks.wait_for_file({str(started)!r}, 60)\n"
        "    ex.wait_ready(60)\n"
        "    print(*[p.pid for p in multiprocessing.active_children()], flush=True)\n"
        "    time.sleep(600)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), *sys.path]))
    client = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True
    )
    workers: list[int] = []
    try:
        assert client.stdout is not None
        workers = [int(pid) for pid in client.stdout.readline().split()]
        assert _pid_in(started) in workers
        client.kill()
        client.wait(LIMIT)
        deadline = time.monotonic() + LIMIT
        while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [pid for pid in workers if not _gone(pid)]
        assert not left, f"workers {left} outlived their killed client"
    finally:
        client.kill()
        client.communicate()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_an_unpicklable_result_is_a_serialization_error(shared_processes: ProcessExecutor):
    """Issue 16 #15 (as on Dask): the error names the task and says it was the result."""
    future = shared_processes.submit(tasks.unpicklable_result, options=TaskOptions(key="lockout"))
    with pytest.raises(SerializationError, match=r"task lockout: its result \(lock\)") as info:
        future.result(LIMIT)
    assert info.value.task_id == "lockout"
