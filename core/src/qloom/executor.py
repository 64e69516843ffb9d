"""``Executor``: where work runs (here, in threads, in processes, on a cluster).

In the spirit of PennyLane's ``RemoteExec`` and of ``concurrent.futures``: one small
interface for every engine. Core ships ``SerialExecutor``; plugins add ``threads``,
``processes`` (``qloom-executors``) and ``dask`` (``qloom-dask``).

Every executor runs a task through ``call_as_task`` on the worker side, so the task's
status events and its stop checks (``qloom.worker``) work the same everywhere.
"""

from __future__ import annotations

import pickle
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from types import TracebackType
from typing import Any, TypeVar

from qloom import worker
from qloom.errors import ConfigError, SerializationError, TaskError
from qloom.task_events import TaskEvents, error_line
from qloom.tasks import TaskInfo, TaskOptions, new_key

__all__ = [
    "Executor",
    "SerialExecutor",
    "TaskInfo",
    "TaskOptions",
    "call_as_task",
    "check_picklable",
    "new_key",
]

T = TypeVar("T")

def call_as_task(
    key: str,
    timeout: float | None,
    fn: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    sink: worker.Sink | None = None,
) -> T:
    """Run ``fn(*args, **kwargs)`` as task ``key``: what every executor runs on a worker.

    ``sink`` receives the task's status events (default: the process's sink).
    """
    with worker.running(key, timeout, sink):
        return fn(*args, **kwargs)


def check_picklable(key: str | None, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Refuse, before submitting, an argument that cannot travel to another process.

    Raises:
        SerializationError: naming the task and the argument (position or keyword).
    """
    named = [(f"#{i}", a) for i, a in enumerate(args)] + [(f"'{k}'", v) for k, v in kwargs.items()]
    for name, value in named:
        try:
            pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise SerializationError(
                key, f"{name} ({type(value).__name__})", f"{type(exc).__name__}: {exc}"
            ) from exc


class Executor(ABC):
    """Runs functions somewhere and hands back ``concurrent.futures.Future`` objects.

    A future of a task that was cancelled raises ``TaskCancelled``, one that ran out of
    time ``TaskTimeout``, one whose worker kept dying ``WorkerDied``; otherwise it holds the
    function's result or exception.

    Attributes:
        persist: True when the workers outlive this executor (an existing cluster).
    """

    persist: bool = False

    @property
    @abstractmethod
    def size(self) -> int:
        """How many tasks can run at once."""

    @abstractmethod
    def submit(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> Future[T]:
        """Schedule ``fn(*args, **kwargs)`` as one task, run as ``options`` say."""

    def cancel(self, future: Future[Any], reason: str = "cancelled by the user") -> bool:
        """Stop a task: a queued one never starts, a running one is stopped.

        Returns False when the task had already finished. The base version can only
        cancel queued tasks; executors that can stop running ones override it.
        """
        return future.cancel()

    def map(self, fn: Callable[..., T], *iterables: Iterable[Any]) -> list[T]:
        """``fn`` over zipped iterables; results in input order (raises the first error)."""
        futures = [self.submit(fn, *args) for args in zip(*iterables, strict=True)]
        return [f.result() for f in futures]

    def starmap(self, fn: Callable[..., T], iterable: Iterable[Iterable[Any]]) -> list[T]:
        """``fn(*args)`` for each ``args``; results in input order."""
        return [f.result() for f in [self.submit(fn, *args) for args in iterable]]

    @abstractmethod
    def shutdown(self, wait: bool = True) -> None:
        """Release the workers (never a cluster this executor did not start).

        Tasks still queued or running are cancelled with ``TaskCancelled``.
        """

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()


class SerialExecutor(Executor):
    """Runs each task at submit, in the calling thread: the default, and the reference.

    Timeouts are checked between passes (nothing here can interrupt a pass); a task is
    finished before ``cancel`` could reach it.
    """

    def __init__(self, workers: int | None = None) -> None:
        if workers not in (None, 1):
            raise ConfigError(f"the serial executor has exactly 1 worker, not {workers}")
        self._closed = False
        self._events = TaskEvents("serial")

    @property
    def size(self) -> int:
        return 1

    def submit(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> Future[T]:
        if self._closed:
            raise RuntimeError("cannot submit to an executor that was shut down")
        opts = (options or TaskOptions()).with_key()
        key = opts.key or ""
        info = self._events.vet(fn, opts)
        future: Future[T] = Future()
        self._events.submitted(info, future)
        future.set_running_or_notify_cancel()
        here = threading.current_thread().name
        for attempt in range(1, opts.retries + 2):
            sink = self._events.sink(here, attempt)
            try:
                result = call_as_task(key, opts.timeout, fn, args, kwargs, sink)
            except TaskError as exc:  # stopped, not failed: never retried
                future.set_exception(exc)
                break
            except BaseException as exc:  # the caller sees it through future.result()
                if attempt > opts.retries or not isinstance(exc, Exception):
                    future.set_exception(exc)
                    break
                self._events.retried(key, attempt + 1, error_line(exc))
            else:
                future.set_result(result)
                break
        return future

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
