"""Executors kept between uses: what ``get_executor(name, persist=True, ...)`` hands out.

Starting workers costs 0.6-1.4 s (processes, a Dask LocalCluster); a program that opens
one ``Compiler`` or ``with get_executor(...)`` block after another pays it each time.
With ``persist=True`` the first call builds the executor with ``persist=True`` (its
``shutdown`` then keeps the workers) and every later call with the same name and options
gets a new *lease* on that same executor: its own handle, whose ``shutdown`` (or the end
of its ``with`` block) cancels only the tasks submitted through it, so two leases in use
at once never cancel each other's work. The workers end with ``close()`` on any lease,
``close_persistent()``, or at interpreter exit.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any, TypeVar

from qloom.executor import Executor, TaskOptions

__all__ = ["Lease", "close_persistent", "persistent"]

T = TypeVar("T")

SHUTDOWN_REASON = "executor shut down"

_pools: dict[tuple[str, str], Executor] = {}
_lock = threading.Lock()
_at_exit = False


class Lease(Executor):
    """One user's handle on a persisted executor (see the module docstring).

    Attributes other than the Executor interface (``client``, ``wait_ready``, ``address``,
    ...) are those of the shared executor, which ``pool`` also gives.
    """

    persist = True

    def __init__(self, pool: Executor) -> None:
        self.pool = pool
        self._mine: set[Future[Any]] = set()
        self._lock = threading.Lock()
        self._closed = False

    @property
    def size(self) -> int:
        return self.pool.size

    def submit(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> Future[T]:
        self._check_open()
        return self._track(self.pool.submit(fn, *args, options=options, **kwargs))

    def submit_many(
        self,
        fn: Callable[..., T],
        iterable: Iterable[Iterable[Any]],
        *,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> list[Future[T]]:
        self._check_open()
        futures = self.pool.submit_many(fn, iterable, options=options, **kwargs)
        return [self._track(f) for f in futures]

    def cancel(self, future: Future[Any], reason: str = "cancelled by the user") -> bool:
        return self.pool.cancel(future, reason)

    def shutdown(self, wait: bool = True) -> None:
        """Cancel the tasks of this lease still queued or running; the workers stay."""
        with self._lock:
            self._closed = True
            mine = list(self._mine)
        for future in mine:
            self.pool.cancel(future, SHUTDOWN_REASON)

    def close(self) -> None:
        """End the shared executor's workers, for every lease on it."""
        self.shutdown()
        _drop(self.pool)
        self.pool.close()

    def __getattr__(self, name: str) -> Any:
        if name == "pool":  # not set yet: no recursion through ``self.pool``
            raise AttributeError(name)
        return getattr(self.pool, name)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("cannot submit through a lease that was shut down")

    def _track(self, future: Future[T]) -> Future[T]:
        with self._lock:
            self._mine.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._mine.discard(future)


def persistent(name: str, options: dict[str, Any], build: Callable[[], Executor]) -> Lease:
    """A new lease on the persisted executor ``name`` built with ``options`` (built now by
    ``build`` if there is none, or if the last one was closed)."""
    global _at_exit
    key = (name, repr(sorted(options.items())))
    with _lock:
        pool = _pools.get(key)
        if pool is None:
            pool = build()
            _pools[key] = pool
            if not _at_exit:
                atexit.register(close_persistent)
                _at_exit = True
    return Lease(pool)


def close_persistent() -> None:
    """Close every persisted executor ``get_executor`` kept (also run at interpreter exit)."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


def _drop(pool: Executor) -> None:
    with _lock:
        for key in [k for k, v in _pools.items() if v is pool]:
            del _pools[key]
