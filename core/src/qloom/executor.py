"""``Executor``: where work runs (here, in threads, in processes, on a cluster).

In the spirit of PennyLane's ``RemoteExec``: one small interface for every engine. Core
ships ``SerialExecutor``; plugins add thread, process and Dask executors.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["Executor", "SerialExecutor"]

T = TypeVar("T")


class Executor(ABC):
    """Runs functions somewhere and hands back ``concurrent.futures.Future`` objects.

    Attributes:
        persist: True when the workers outlive this executor (an existing cluster).
    """

    persist: bool = False

    @property
    @abstractmethod
    def size(self) -> int:
        """How many tasks can run at once."""

    @abstractmethod
    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Schedule ``fn(*args, **kwargs)``."""

    def map(self, fn: Callable[..., T], *iterables: Iterable[Any]) -> list[T]:
        """``fn`` over zipped iterables; results in input order (raises the first error)."""
        futures = [self.submit(fn, *args) for args in zip(*iterables, strict=True)]
        return [f.result() for f in futures]

    def starmap(self, fn: Callable[..., T], iterable: Iterable[Iterable[Any]]) -> list[T]:
        """``fn(*args)`` for each ``args``; results in input order."""
        return [f.result() for f in [self.submit(fn, *args) for args in iterable]]

    @abstractmethod
    def shutdown(self, wait: bool = True) -> None:
        """Release the workers (never a cluster this executor did not start)."""

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
    """Runs each task immediately in the calling thread: the default, and the reference."""

    def __init__(self) -> None:
        self._closed = False

    @property
    def size(self) -> int:
        return 1

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._closed:
            raise RuntimeError("cannot submit to an executor that was shut down")
        future: Future[T] = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller sees it through future.result()
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
