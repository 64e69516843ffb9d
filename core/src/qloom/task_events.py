"""One executor's task and worker lifecycle, turned into the ``qloom_task_*`` hook calls.

Every executor owns a ``TaskEvents`` and feeds it, in the submitting (client) process, what
it learns of its tasks, however they reach it:

- ``vet`` asks ``qloom_task_vet`` before anything is queued (a refusal raises
  ``TaskRefused``), ``submitted`` announces the queued task and follows its future;
- ``status`` takes one event of a task's status stream (``qloom.worker.emit``, relayed from
  a worker process or a Dask worker): ``RUNNING`` becomes ``qloom_task_started`` (with the
  worker and the attempt the executor knows), ``RUNNING: <STAGE>`` becomes
  ``qloom_task_stage_changed``; every event also goes on to ``qloom.worker.dispatch``;
- the settling of the task's future becomes ``qloom_task_finished``, ``_failed`` or
  ``_cancelled``, once per task, whichever thread settles it;
- ``retried`` and the ``worker_*`` methods are called where the executor decides them.

A hook implementation that raises is logged and never stops a task or the other plugins;
only ``qloom_task_vet`` (whose answer matters) lets its error reach ``submit``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qloom import worker
from qloom.errors import TaskCancelled, TaskRefused
from qloom.hooks import hooks
from qloom.tasks import TaskInfo

if TYPE_CHECKING:
    from qloom.tasks import TaskOptions

__all__ = ["RUNNING", "STAGE_PREFIX", "TaskEvents", "error_line"]

RUNNING = "RUNNING"
"""The status a task reports when an attempt starts."""

STAGE_PREFIX = "RUNNING: "
"""The prefix of the status a running task reports as it enters a stage."""

_log = logging.getLogger("qloom.task_events")


@dataclass
class _Tracked:
    """What the events of one task need to remember (guarded by ``TaskEvents._lock``)."""

    key: str
    attempt: int = 0
    started: float | None = None  # ``time.monotonic`` of its first start
    ended: bool = False


class TaskEvents:
    """Calls the executor hooks for the tasks and workers of one executor.

    Args:
        executor: the executor's registered name (``serial``, ``threads``, ``processes``,
            ``dask``), given to the hooks as ``TaskInfo.executor`` and ``executor``.
    """

    def __init__(self, executor: str) -> None:
        self.executor = executor
        self._lock = threading.Lock()
        self._tasks: dict[str, _Tracked] = {}

    # -- tasks ------------------------------------------------------------------------------

    def vet(self, fn: Callable[..., Any], options: TaskOptions) -> TaskInfo:
        """The ``TaskInfo`` of a task about to be queued, once no ``qloom_task_vet`` refuses it.

        Args:
            fn: the function the task runs.
            options: its ``TaskOptions``, with its key.

        Returns:
            what the hooks see of the task, for ``submitted``.

        Raises:
            TaskRefused: a plugin refused it; its reason is the plugin's answer.
        """
        info = TaskInfo(options.key or "", self.executor, _qualname(fn), options)
        reason = hooks().task_vet(info)
        if reason is not None:
            raise TaskRefused(reason, info.task_id)
        return info

    def submitted(self, info: TaskInfo, future: Future[Any]) -> None:
        """``info``'s task is queued: call ``qloom_task_submitted`` and follow ``future``.

        Call it before the task can start, so that ``submitted`` comes first.
        """
        tracked = _Tracked(info.task_id)
        with self._lock:
            self._tasks[tracked.key] = tracked
        _notify(hooks().task_submitted, info)
        future.add_done_callback(lambda f: self._ended(tracked, f))

    def status(
        self,
        key: str,
        status: str,
        detail: str | None = None,
        *,
        worker_id: str | None = None,
        attempt: int | None = None,
    ) -> None:
        """One status event of task ``key``, as ``qloom.worker.emit`` sent it.

        Args:
            worker_id: where it runs (the executor's name for the worker).
            attempt: the attempt it belongs to (counted from 1), if the executor counts them.
        """
        with self._lock:
            tracked = self._tasks.get(key)
            started = stage = None
            if tracked is not None and not tracked.ended:
                if status == RUNNING:
                    tracked.attempt = attempt if attempt is not None else tracked.attempt + 1
                    if tracked.started is None:
                        tracked.started = time.monotonic()
                    started = tracked.attempt
                elif status.startswith(STAGE_PREFIX):
                    stage = status[len(STAGE_PREFIX) :]
        if started is not None:
            _notify(hooks().task_started, key, worker_id, started)
        elif stage is not None:
            _notify(hooks().task_stage_changed, key, stage)
        worker.dispatch(key, status, detail)

    def sink(self, worker_id: str | None, attempt: int | None) -> worker.Sink:
        """A ``qloom.worker`` sink for a task run in this process (serial, threads)."""

        def send(key: str, status: str, detail: str | None) -> None:
            self.status(key, status, detail, worker_id=worker_id, attempt=attempt)

        return send

    def retried(self, key: str, attempt: int, reason: str) -> None:
        """Task ``key`` runs again as ``attempt`` (2 for the first retry), because ``reason``."""
        with self._lock:
            tracked = self._tasks.get(key)
            if tracked is None or tracked.ended:
                return
        _notify(hooks().task_retried, key, attempt, reason)

    def _ended(self, tracked: _Tracked, future: Future[Any]) -> None:
        with self._lock:
            if tracked.ended:
                return
            tracked.ended = True
            if self._tasks.get(tracked.key) is tracked:
                del self._tasks[tracked.key]
            since = tracked.started
        if future.cancelled():
            _notify(hooks().task_cancelled, tracked.key, "cancelled before it started")
            return
        error = future.exception()
        if error is None:
            wall = 0.0 if since is None else time.monotonic() - since
            _notify(hooks().task_finished, tracked.key, wall)
        elif isinstance(error, TaskCancelled):
            _notify(hooks().task_cancelled, tracked.key, error.reason)
        else:
            _notify(hooks().task_failed, tracked.key, error)

    # -- workers ----------------------------------------------------------------------------

    def worker_started(self, worker_id: str) -> None:
        """A worker of this executor is up and takes tasks."""
        _notify(hooks().worker_started, self.executor, worker_id)

    def worker_lost(self, worker_id: str, reason: str) -> None:
        """A worker of this executor died, was killed or left."""
        _notify(hooks().worker_lost, self.executor, worker_id, reason)

    def worker_replaced(self, old_worker_id: str, new_worker_id: str) -> None:
        """``new_worker_id`` took the place of the lost ``old_worker_id``."""
        _notify(hooks().worker_replaced, self.executor, old_worker_id, new_worker_id)


def error_line(error: BaseException, limit: int = 200) -> str:
    """``Type: message`` of ``error`` on one line, cut at ``limit`` characters (a reason)."""
    text = f"{type(error).__name__}: {error}".replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _qualname(fn: Callable[..., Any]) -> str:
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    return f"{module}.{name}" if module else name


def _notify(call: Callable[..., None], *args: Any) -> None:
    """Call one observer hook; a plugin that raises is logged, the executor goes on."""
    try:
        call(*args)
    except Exception:
        _log.exception("a task hook implementation failed in %s", call.__name__)
