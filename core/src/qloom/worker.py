"""What a task sees inside a worker: which task it is, its status events, its stop checks.

Executors run each task inside ``running(key, timeout)``. The pipeline's pass hooks then
``emit`` ``RUNNING: <STAGE>`` and call ``checkpoint()`` before every pass, so a cancelled or
timed-out task stops at the next pass even where an executor cannot kill it (serial,
threads); process and Dask executors also kill the worker.

Status events go to a *sink*. In the submitting process that is ``dispatch``, which calls
every ``subscribe``-d callback. A worker process has its sink set by its executor (a queue,
Dask's event log), and the executor hands what arrives to ``dispatch`` on the client side.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qloom.errors import TaskCancelled, TaskTimeout
from qloom.hookspecs import hookimpl

if TYPE_CHECKING:
    from qloom.circuit import Circuit
    from qloom.passes import PassContext

__all__ = [
    "Sink",
    "checkpoint",
    "current_task",
    "dispatch",
    "emit",
    "request_stop",
    "running",
    "set_sink",
    "subscribe",
]

Sink = Callable[[str, str, "str | None"], None]
"""Receives ``(task_key, status, detail)``."""

_log = logging.getLogger("qloom.worker")


@dataclass(frozen=True)
class _Running:
    key: str
    timeout: float | None
    deadline: float | None
    sink: Sink | None


_current: ContextVar[_Running | None] = ContextVar("qloom_task", default=None)
_stops: dict[str, str] = {}
_subscribers: list[Sink] = []
_lock = threading.Lock()
_sink: Sink | None = None


def subscribe(callback: Sink) -> Callable[[], None]:
    """Call ``callback(key, status, detail)`` for every event reaching this process.

    Returns a function that unsubscribes it.
    """
    with _lock:
        _subscribers.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _subscribers:
                _subscribers.remove(callback)

    return unsubscribe


def dispatch(key: str, status: str, detail: str | None = None) -> None:
    """Hand one event to every subscriber of this process (a failing one is logged)."""
    with _lock:
        callbacks = list(_subscribers)
    for callback in callbacks:
        try:
            callback(key, status, detail)
        except Exception:  # one bad observer must not stop the task or the others
            _log.exception("status subscriber %r failed", callback)


def set_sink(sink: Sink | None) -> None:
    """Send this process's events to ``sink`` (``None``: to ``dispatch``, the default)."""
    global _sink
    _sink = sink


def emit(status: str, detail: str | None = None, key: str | None = None) -> None:
    """Report ``status`` for ``key`` (default: the task running in this context).

    It goes to the running task's own sink if its executor gave one, else to this
    process's sink, else to ``dispatch``.
    """
    run = _current.get()
    if key is None:
        if run is None:
            return
        key = run.key
    sink = run.sink if run is not None and run.sink is not None else _sink
    (sink or dispatch)(key, status, detail)


def current_task() -> str | None:
    """The key of the task running in this context, or ``None`` outside any task."""
    run = _current.get()
    return None if run is None else run.key


@contextmanager
def running(key: str, timeout: float | None = None, sink: Sink | None = None) -> Iterator[None]:
    """Run the body as task ``key``: it emits ``RUNNING``; ``checkpoint`` enforces ``timeout``.

    ``sink``, if given, receives the body's events instead of the process's sink (an
    executor running tasks in this process passes its own, to know which run they are of).
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    token = _current.set(_Running(key, timeout, deadline, sink))
    try:
        emit("RUNNING")
        checkpoint()
        yield
    finally:
        _current.reset(token)
        with _lock:
            _stops.pop(key, None)


def request_stop(key: str, reason: str) -> None:
    """Ask task ``key`` (running in this process) to stop at its next checkpoint."""
    with _lock:
        _stops[key] = reason


def checkpoint() -> None:
    """Raise if the current task was asked to stop or ran past its timeout.

    Raises:
        TaskCancelled: ``request_stop`` was called for it.
        TaskTimeout: its deadline has passed.
    """
    run = _current.get()
    if run is None:
        return
    reason = _stops.get(run.key)
    if reason is not None:
        raise TaskCancelled(reason, run.key)
    if run.deadline is not None and time.monotonic() > run.deadline:
        raise TaskTimeout(run.timeout or 0.0, run.key)


@hookimpl
def qloom_pass_started(stage: str, circuit: Circuit, context: PassContext) -> None:
    """Before each pass: stop if asked to, else report the stage being run."""
    if _current.get() is None:
        return
    checkpoint()
    emit(f"RUNNING: {stage}")
