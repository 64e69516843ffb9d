"""Task functions for executor and Compiler tests.

They live in an importable module so spawned processes and Dask workers can load them by
name. Barriers are marker files, not sleeps: a task announces it started by creating a
file and blocks until another file appears.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from qloom import worker

POLL = 0.005


def square(x: int) -> int:
    return x * x


def pid_of(_: object = None) -> int:
    return os.getpid()


def fail(message: str) -> None:
    raise ValueError(message)


def fail_until(marker_dir: str, failures: int) -> int:
    """Raise the first ``failures`` times it is called (counted with files); then return."""
    folder = Path(marker_dir)
    folder.mkdir(parents=True, exist_ok=True)
    calls = len(list(folder.glob("call-*")))
    (folder / f"call-{calls}-{os.getpid()}-{threading.get_ident()}").touch()
    if calls < failures:
        raise ValueError(f"failure {calls + 1} of {failures}")
    return calls


def wait_for(started: str, release: str, limit: float = 60.0) -> str:
    """Touch ``started``, then wait (checking for a stop between polls) until ``release``."""
    Path(started).touch()
    deadline = time.monotonic() + limit
    while not Path(release).exists():
        worker.checkpoint()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{release} never appeared")
        time.sleep(POLL)
    return "released"


def hang(started: str) -> None:
    """Touch ``started`` and never return, never checking for a stop (a stuck pass)."""
    Path(started).touch()
    while True:
        time.sleep(0.05)


def die(started: str | None = None, code: int = 13) -> None:
    """Kill the worker process running it (a segfault, an OOM kill)."""
    if started:
        Path(started).touch()
    os._exit(code)


def die_once(marker: str, value: int) -> int:
    """Kill its worker the first time (marker file absent), return ``value`` after that."""
    path = Path(marker)
    if not path.exists():
        path.touch()
        os._exit(13)
    return value


def count_attempts(marker_dir: str) -> None:
    """Record an attempt with a file, then kill the worker: every attempt dies."""
    folder = Path(marker_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"attempt-{len(list(folder.iterdir()))}-{os.getpid()}").touch()
    os._exit(13)


def emit_stages(stages: list[str]) -> list[str]:
    """Report each stage as the running task's status, as the pass hooks do."""
    for stage in stages:
        worker.emit(f"RUNNING: {stage}")
    return stages


def touch(path: str) -> str:
    """Create ``path`` (a barrier another task or the test waits for); return it."""
    Path(path).touch()
    return path


def wait_for_file(path: str, limit: float = 10.0) -> str:
    """Return once ``path`` exists; ``TimeoutError`` after ``limit`` seconds (a barrier)."""
    deadline = time.monotonic() + limit
    while not Path(path).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(POLL)
    return path


def pid_when_all_in(folder: str, count: int, limit: float = 60.0) -> int:
    """This worker's pid, once ``count`` workers have checked in to ``folder`` (so that
    ``count`` such tasks on ``count`` workers run one on each, whatever the load)."""
    Path(folder, str(os.getpid())).touch()
    deadline = time.monotonic() + limit
    while len(os.listdir(folder)) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return os.getpid()


def square_when(started: str, release: str, x: int) -> int:
    """``wait_for(started, release)``, then ``x * x``: a task whose end the test decides."""
    wait_for(started, release)
    return x * x


def wait_unchecked(started: str, release: str, limit: float = 60.0) -> str:
    """As ``wait_for``, but never checking for a stop: a pass that ignores cancellation."""
    Path(started).touch()
    deadline = time.monotonic() + limit
    while not Path(release).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{release} never appeared")
        time.sleep(POLL)
    return "released"


def fail_chained(message: str) -> None:
    """Raise ``RuntimeError(message)`` from a ``ValueError``, as a pass error wraps its cause."""
    try:
        int("not a number")
    except ValueError as exc:
        raise RuntimeError(message) from exc


def fail_unpicklable(message: str) -> None:
    """Raise an error that cannot be pickled (it holds a lock), so cannot leave its process."""
    error = ValueError(message)
    error.lock = threading.Lock()  # type: ignore[attr-defined]
    raise error


def fail_portable(message: str) -> None:
    """Raise what a Compiler worker raises: a ``PassError`` from a ``ZeroDivisionError``, made
    portable (``remote_traceback`` and ``remote_cause`` ride along as state)."""
    from qloom.compiler.work import portable_error
    from qloom.errors import PassError

    try:
        try:
            _ = 1 / 0
        except ZeroDivisionError as exc:
            raise PassError("optimizers:faulty", None, message) from exc
    except PassError as exc:
        raise portable_error(exc) from None


def hang_once(marker: str, value: int) -> int:
    """The first time (``marker`` absent): write this process's pid to ``marker`` and hang
    without checking for a stop; after that, return ``value`` (a worker that went silent)."""
    path = Path(marker)
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.write_text(str(os.getpid()))
        partial.replace(path)  # the pid appears whole
        while True:
            time.sleep(0.05)
    return value


def hang_with_pid(started: str) -> None:
    """As ``hang``, but ``started`` holds the worker's pid (written whole)."""
    partial = Path(started).with_suffix(".partial")
    partial.write_text(str(os.getpid()))
    partial.replace(started)
    while True:
        time.sleep(0.05)


def unpicklable_result() -> threading.Lock:
    """Return a value that cannot be pickled, so cannot come back from a worker process."""
    return threading.Lock()


def serve_after_start_failures(*args: object) -> None:
    """A worker process's entry point that dies at once (before it is ready) for the first
    ``$QLOOM_TEST_START_FAILURES`` starts counted in ``$QLOOM_TEST_START_DIR``, then serves.

    Each start claims the next free number with an exclusive create, so starts that run at
    the same time still count exactly.
    """
    from qloom_executors._child import serve

    folder = Path(os.environ["QLOOM_TEST_START_DIR"])
    failures = int(os.environ["QLOOM_TEST_START_FAILURES"])
    number = 0
    while True:
        try:
            (folder / f"start-{number}").touch(exist_ok=False)
            break
        except FileExistsError:
            number += 1
    if number < failures:
        os._exit(3)
    serve(*args)  # type: ignore[arg-type]


def dask_key(x: int) -> tuple[int, str]:
    """``x`` and the key of the Dask task running it (a pack's key when it was packed)."""
    from distributed import get_worker

    return x, str(get_worker().get_current_task())


def fail_on_multiples(x: int, of: int = 3) -> int:
    """``x`` squared, or ``ValueError`` when ``x`` is a multiple of ``of``."""
    if x % of == 0:
        raise ValueError(f"{x} is a multiple of {of}")
    return x * x


def offset_by(x: int, *, offset: int = 0, scale: int = 1) -> int:
    """``(x + offset) * scale``: keyword arguments that ``map`` passes to every call."""
    return (x + offset) * scale


def thread_name(_: object = None) -> str:
    """The name of the thread running it (which pool thread took the task)."""
    return threading.current_thread().name
