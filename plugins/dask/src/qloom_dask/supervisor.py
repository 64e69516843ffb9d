"""A thread that stops tasks the hard way and watches their deadlines, off callers' threads.

``cancel`` and the Dask callbacks must return at once (one of them runs on Dask's event
loop), while a hard stop talks to the scheduler and to a nanny; the supervisor does that.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Stop", "Supervisor"]

_log = logging.getLogger("qloom.dask")


@dataclass(frozen=True, eq=False)
class Stop:
    """Stop one attempt: cancel its Dask future and, if it was seen running, its worker.

    Attributes:
        key: the task; reason: why it is stopped; dask_future: its current attempt, if
        submitted; worker, nanny, pid, threads: the address of the worker running it, of
        that worker's nanny, the worker's process id and thread count (once it reported
        ``RUNNING``).
    """

    key: str
    reason: str
    dask_future: Any = None
    worker: str | None = None
    nanny: str | None = None
    pid: int | None = None
    threads: int = 1


class Supervisor:
    """Runs ``stop_many(stops)`` and timed calls on its own thread, in order.

    Args:
        name: the thread's name.
        stop_many: performs a batch of stops (talks to Dask; may take a moment).
    """

    def __init__(self, name: str, stop_many: Callable[[list[Stop]], None]) -> None:
        self._stop_many = stop_many
        self._cond = threading.Condition()
        self._stops: list[Stop] = []
        self._deadlines: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def stop(self, stop: Stop) -> None:
        """Queue a hard stop."""
        with self._cond:
            self._stops.append(stop)
            self._cond.notify()

    def at(self, deadline: float, call: Callable[[], None]) -> None:
        """Run ``call()`` at ``deadline`` (``time.monotonic`` seconds) unless closed by then."""
        with self._cond:
            heapq.heappush(self._deadlines, (deadline, next(self._order), call))
            self._cond.notify()

    def soon(self, call: Callable[[], None]) -> None:
        """Run ``call()`` on the supervisor's thread, next."""
        self.at(time.monotonic(), call)

    def close(self) -> None:
        """Carry out the stops already queued, drop the timed calls, end the thread."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not (self._stops or self._closing or self._due()):
                    wait = self._deadlines[0][0] - time.monotonic() if self._deadlines else None
                    self._cond.wait(wait)
                expired = []
                while not self._closing and self._due():
                    expired.append(heapq.heappop(self._deadlines)[2])
                stops, self._stops = self._stops, []
                closing = self._closing
            for call in expired:
                try:
                    call()
                except Exception:  # one failed call must not end the supervision
                    _log.exception("supervisor call %r failed", call)
            if stops:
                try:
                    self._stop_many(stops)
                except Exception:  # keep supervising; the tasks' futures have already failed
                    _log.exception("could not stop tasks %s", [s.key for s in stops])
            if closing:
                with self._cond:
                    if not self._stops:
                        return

    def _due(self) -> bool:
        return bool(self._deadlines) and self._deadlines[0][0] <= time.monotonic()
