"""Fixtures of the qloom-dask tests: one shared LocalCluster executor, a CLI-started cluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qloom_dask import DaskExecutor

TESTS = Path(__file__).resolve().parents[2]
DASK_CLI = Path(sys.executable).with_name("dask")
START_LIMIT = 60.0


@pytest.fixture(scope="module")
def executor() -> Iterator[DaskExecutor]:
    """A 2-worker LocalCluster executor shared by the tests that leave it whole."""
    with DaskExecutor(workers=2) as ex:
        yield ex


@pytest.fixture
def local(executor: DaskExecutor) -> DaskExecutor:
    """The shared executor, with its two workers and its spare up (an earlier test may kill
    one)."""
    assert executor.wait_ready(START_LIMIT)
    return executor


@pytest.fixture
def cli_cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and a worker started with Dask's own CLI; yields the scheduler address.

    The worker has a nanny (the CLI's default) and sees ``support.tasks``.
    """
    scheduler_file = tmp_path / "scheduler.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    common = ["--scheduler-file", str(scheduler_file), "--no-dashboard"]
    scheduler = subprocess.Popen(
        [str(DASK_CLI), "scheduler", "--host", "127.0.0.1", "--port", "0", *common],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [str(DASK_CLI), "worker", "--nworkers", "1", "--nthreads", "1", *common],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield _scheduler_address(scheduler_file, scheduler)
        assert scheduler.poll() is None, "the scheduler must outlive the executor"
    finally:
        for process in (worker, scheduler):  # the worker first: it would wait for a scheduler
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _scheduler_address(scheduler_file: Path, scheduler: subprocess.Popen[bytes]) -> str:
    """The address the scheduler wrote to its file, once it has written it whole."""
    deadline = time.monotonic() + START_LIMIT
    while True:
        assert scheduler.poll() is None, "the dask scheduler exited"
        try:
            return str(json.loads(scheduler_file.read_text())["address"])
        except (FileNotFoundError, json.JSONDecodeError):
            assert time.monotonic() < deadline, "the dask scheduler never wrote its file"
            time.sleep(0.05)
