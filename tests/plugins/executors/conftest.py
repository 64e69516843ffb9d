"""Executors under test and file barriers for the tasks they run.

One process executor is shared by the tests of a module (starting workers costs ~0.5 s
each); tests that need a fresh one, or count processes, build their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qloom.executor import Executor
from qloom_executors import ProcessExecutor, ThreadExecutor
from support import tasks

KINDS = ("threads", "processes")
LIMIT = 20.0
"""Seconds any wait in these tests may take before the test fails instead of hanging."""


class Gates:
    """Marker files under one folder: ``started(name)`` is touched by a task when it starts,
    ``release(name)`` lets it finish. Every release is opened at the end of the test."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._releases: set[Path] = set()

    def started(self, name: str) -> str:
        return str(self.folder / f"{name}.started")

    def release(self, name: str) -> str:
        path = self.folder / f"{name}.release"
        self._releases.add(path)
        return str(path)

    def has_started(self, name: str) -> bool:
        return Path(self.started(name)).exists()

    def wait_started(self, *names: str) -> None:
        for name in names:
            tasks.wait_for_file(self.started(name), LIMIT)

    def open(self, *names: str) -> None:
        for name in names:
            Path(self.release(name)).touch()

    def open_all(self) -> None:
        for path in list(self._releases):
            path.touch()


@pytest.fixture
def gates(tmp_path: Path) -> Iterator[Gates]:
    barriers = Gates(tmp_path / "gates")
    try:
        yield barriers
    finally:
        barriers.open_all()  # a failed test leaves no task blocked for the next one


@pytest.fixture(scope="module")
def shared_processes() -> Iterator[ProcessExecutor]:
    """A two-worker process executor reused across tests (it must survive each of them)."""
    executor = ProcessExecutor(workers=2)
    try:
        yield executor
    finally:
        executor.shutdown()


@pytest.fixture
def fresh() -> Iterator[Callable[..., Executor]]:
    """Builds new executors (``fresh("threads", workers=1)``), all shut down at the end."""
    made: list[Executor] = []

    def build(kind: str, workers: int = 2) -> Executor:
        made.append(ThreadExecutor(workers) if kind == "threads" else ProcessExecutor(workers))
        return made[-1]

    yield build
    for executor in made:
        executor.shutdown()


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def executor(kind: str, request: pytest.FixtureRequest) -> Iterator[Executor]:
    """A two-worker executor of each kind: a fresh thread one, the shared process one."""
    if kind == "processes":
        yield request.getfixturevalue("shared_processes")
        return
    with ThreadExecutor(workers=2) as fresh:
        yield fresh
