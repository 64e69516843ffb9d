"""``Executor``: where work runs (here, in threads, in processes, on a cluster).

In the spirit of PennyLane's ``RemoteExec`` and of ``concurrent.futures``: one small
interface for every engine. Core ships ``SerialExecutor``; plugins add ``threads``,
``processes`` (``qloom-executors``) and ``dask`` (``qloom-dask``).

Every executor runs a task through ``call_as_task`` on the worker side, so the task's
status events and its stop checks (``qloom.worker``) work the same everywhere.
"""

from __future__ import annotations

import os
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
    "cpu_workers",
    "new_key",
]

T = TypeVar("T")


def cpu_workers(workers: int | None, kind: str, default: int | None = None) -> int:
    """The worker count ``workers`` asks for: ``-1`` means one per CPU (BQSKit's
    ``num_workers=-1``), ``None`` means ``default`` (itself one per CPU when ``None``).

    Raises:
        ConfigError: naming the option, for 0, anything below -1, or a non-integer.
    """
    if workers is None:
        workers = -1 if default is None else default
    if isinstance(workers, bool) or not isinstance(workers, int) or workers == 0 or workers < -1:
        raise ConfigError(
            f"workers={workers!r}: the {kind} executor needs at least 1 worker, or -1 for one "
            "per CPU"
        )
    return (os.cpu_count() or 1) if workers == -1 else workers


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
        persist: True when the workers outlive ``shutdown``: an existing cluster, or a pool
            built with ``persist=True``, which ``shutdown`` (and leaving a ``with`` block)
            only empties and ``close`` ends.
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

    def map(
        self,
        fn: Callable[..., T],
        *iterables: Iterable[Any],
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> list[T]:
        """``fn(*args, **kwargs)`` for each ``args`` of the zipped ``iterables``, each as a
        task; results in input order (the first error is raised).

        As PennyLane's ``RemoteExec.map``: ``kwargs`` are passed to every call. ``options``
        is reserved, as in ``submit``: it is the ``TaskOptions`` of every task (each gets a
        key of its own; a ``key`` given there is refused), never a keyword of ``fn``.

        Raises:
            ValueError: the iterables have different lengths.
            ConfigError: ``options`` names a key (keys must be unique per task).
        """
        return self.starmap(fn, zip(*iterables, strict=True), options=options, **kwargs)

    def starmap(
        self,
        fn: Callable[..., T],
        iterable: Iterable[Iterable[Any]],
        *,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> list[T]:
        """``fn(*args, **kwargs)`` for each ``args`` of ``iterable``, each as a task;
        results in input order (the first error is raised).

        ``kwargs`` are passed to every call; ``options`` is reserved as in ``map``.
        """
        return [f.result() for f in self.submit_many(fn, iterable, options=options, **kwargs)]

    def submit_many(
        self,
        fn: Callable[..., T],
        iterable: Iterable[Iterable[Any]],
        *,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> list[Future[T]]:
        """Submit ``fn(*args, **kwargs)`` for each ``args``: one future per call, in order.

        What ``map`` and ``starmap`` build on. An executor that can run several small
        calls in one unit of work (``dask``'s ``pack``) overrides it; each call still has
        its own key, future, timeout and cancel.

        Raises:
            ConfigError: ``options`` names a key.
        """
        if options is not None and options.key is not None:
            raise ConfigError(
                f"options.key={options.key!r} would be shared by every task of the map; "
                "leave it None (each task gets a key of its own)"
            )
        return [self.submit(fn, *args, options=options, **kwargs) for args in iterable]

    @abstractmethod
    def shutdown(self, wait: bool = True) -> None:
        """Release the workers (never a cluster this executor did not start).

        Tasks still queued or running are cancelled with ``TaskCancelled``.
        """

    def close(self) -> None:
        """End the workers for good, persisted or not (never a cluster this executor did
        not start). The base version calls ``shutdown``."""
        self.shutdown()

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
