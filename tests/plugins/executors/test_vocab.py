"""The executor vocabulary users know (issue 19): ``map``/``starmap`` keyword arguments,
``workers=-1`` for one worker per CPU, and ``persist`` keeping a pool between uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

import qloom
from qloom import pools
from qloom.errors import ConfigError, TaskCancelled
from qloom_executors import ProcessExecutor, ThreadExecutor
from support import require_distribution, tasks

KINDS = ("threads", "processes")
LIMIT = 20.0
CLASSES = {"threads": ThreadExecutor, "processes": ProcessExecutor}


def pids(executor: qloom.Executor, count: int = 8) -> set[int]:
    """The worker pids that ran ``count`` tasks (both workers, once started)."""
    return set(executor.map(tasks.pid_of, range(count)))


@pytest.mark.parametrize("kind", KINDS)
def test_map_and_starmap_pass_keyword_arguments(kind: str) -> None:
    with CLASSES[kind](workers=2) as ex:
        assert ex.map(tasks.offset_by, range(5), offset=2, scale=10) == [
            (i + 2) * 10 for i in range(5)
        ]
        assert ex.starmap(tasks.offset_by, [(1,), (2,)], scale=-1) == [-1, -2]


@pytest.mark.parametrize("kind", KINDS)
def test_minus_one_workers_is_one_per_cpu(kind: str) -> None:
    with qloom.get_executor(kind, workers=-1) as ex:
        assert ex.size == (os.cpu_count() or 1)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bad", [0, -2])
def test_zero_or_below_minus_one_workers_is_a_config_error(kind: str, bad: int) -> None:
    with pytest.raises(ConfigError, match=rf"workers={bad}: the {kind} executor needs at least 1"):
        CLASSES[kind](workers=bad)


def every_worker_pid(executor: qloom.Executor, folder: Path) -> set[int]:
    """The pids of both workers: two tasks that wait for each other run one on each."""
    folder.mkdir()
    return set(executor.map(tasks.pid_when_all_in, [str(folder)] * 2, count=2))


def test_a_persisted_process_pool_keeps_its_workers_across_with_blocks(tmp_path: Path) -> None:
    """The same worker pids before and after ``shutdown``; ``close`` ends them."""
    ex = ProcessExecutor(workers=2, persist=True)
    try:
        with ex:
            ex.wait_ready(LIMIT)
            before = every_worker_pid(ex, tmp_path / "before")
        with ex:
            after = every_worker_pid(ex, tmp_path / "after")
        assert before == after and len(before) == 2
    finally:
        ex.close()
    with pytest.raises(RuntimeError, match="shut down"):
        ex.submit(tasks.square, 2)
    assert not any(_alive(pid) for pid in before)


def test_a_pool_not_persisted_gets_new_workers() -> None:
    with ProcessExecutor(workers=2) as ex:
        ex.wait_ready(LIMIT)
        before = pids(ex)
    with ProcessExecutor(workers=2) as ex:
        assert not pids(ex) & before


def test_get_executor_persist_reuses_the_pool_and_a_lease_cancels_only_its_tasks(
    gates: Any,
) -> None:
    try:
        first = qloom.get_executor("processes", workers=2, persist=True)
        second = qloom.get_executor("processes", workers=2, persist=True)
        assert isinstance(first, pools.Lease) and first.pool is second.pool
        first.wait_ready(LIMIT)  # the pool's own methods are reachable through a lease
        blocked = first.submit(tasks.wait_for, gates.started("a"), gates.release("a"))
        other = second.submit(tasks.wait_for, gates.started("b"), gates.release("b"))
        gates.wait_started("a", "b")
        first.shutdown()  # cancels its own task, not the other lease's
        with pytest.raises(TaskCancelled, match="executor shut down"):
            blocked.result(timeout=LIMIT)
        gates.open("b")
        assert other.result(timeout=LIMIT) == "released"
        with second:
            kept = pids(second)
        third = qloom.get_executor("processes", workers=2, persist=True)
        assert isinstance(third, pools.Lease) and third.pool is second.pool
        assert pids(third) == kept
        third.close()
        assert not any(_alive(pid) for pid in kept)
    finally:
        pools.close_persistent()


def test_a_persisted_thread_pool_keeps_its_threads(gates: Any) -> None:
    ex = ThreadExecutor(workers=1, persist=True, thread_name_prefix="qloom-kept")
    try:
        with ex:
            name = ex.submit(tasks.thread_name).result(timeout=LIMIT)
            running = ex.submit(tasks.wait_for, gates.started("t"), gates.release("t"))
            gates.wait_started("t")
        with pytest.raises(TaskCancelled, match="executor shut down"):
            running.result(timeout=0)
        gates.open("t")
        with ex:
            assert ex.submit(tasks.thread_name).result(timeout=LIMIT) == name
    finally:
        ex.close()


def _alive(pid: int) -> bool:
    """The process runs (a zombie left for its parent to reap counts as ended)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


BELL = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n'


@pytest.mark.parametrize("kind", KINDS)
def test_the_compile_command_takes_minus_one_workers_and_refuses_zero(
    kind: str, tmp_path: Path
) -> None:
    require_distribution("qloom-sim-numpy")  # the default backend compiled for
    (tmp_path / "bell.qasm").write_text(BELL)
    command = [sys.executable, "-m", "qloom", "compile", "bell.qasm", "--executor", kind]
    command += ["--no-progress", "--workers"]
    ok = subprocess.run([*command, "-1"], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "1 compiled, 0 failed" in ok.stdout
    bad = subprocess.run([*command, "0"], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 1
    assert f"workers=0: the {kind} executor needs at least 1 worker, or -1" in bad.stderr


def test_compilers_asking_for_a_persisted_pool_share_its_workers() -> None:
    """``Compiler(..., persist=True)`` closes its lease, not the pool: the next one reuses it."""
    from qloom import Circuit, Compiler

    require_distribution("qloom-sim-numpy")
    bell = Circuit(2).h(0).cx(0, 1)
    try:
        with Compiler("processes", workers=1, persist=True, reuse=False) as first:
            first.compile([bell], "numpy", "identity", 1)
            pool = first.executor.pool
            before = pids(pool, 2)
        with Compiler("processes", workers=1, persist=True, reuse=False) as second:
            assert second.executor.pool is pool
            assert second.compile([bell], "numpy", "identity", 1)[0].circuit == bell
            assert pids(second.executor, 2) == before
    finally:
        pools.close_persistent()
    assert not any(_alive(pid) for pid in before)
