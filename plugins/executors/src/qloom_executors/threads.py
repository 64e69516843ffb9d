"""``threads``: tasks on a pool of threads in this process.

Nothing is pickled; each task's status events go straight to the executor's
``TaskEvents`` (the task hooks, then ``qloom.worker`` subscribers), the worker being named
by the pool thread running it. Tasks start in submission order (FIFO); a task asking for
``cpu=k`` holds ``k`` threads.

Threads cannot be killed, so stopping a running task is cooperative:

- ``cancel`` and a timeout settle the task's future at once (``TaskCancelled``,
  ``TaskTimeout``); the task itself stops at its next ``qloom.worker.checkpoint()``, which
  the pipeline calls before every pass (a timeout is also enforced there).
- Until then its thread stays busy and keeps its slot: a pass that never checks runs to
  its end, holding the slot so that queued tasks wait; its result is then dropped.
  ``shutdown(wait=True)`` waits for such a pass too.
- A task cannot lose its worker short of the whole process dying, so ``max_worker_deaths``
  never applies. ``mem`` is only checked against the machine's memory, not enforced.
- The GIL: pure-Python passes share one core; NumPy-heavy ones release it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from qloom import worker
from qloom.errors import TaskCancelled, TaskError, TaskTimeout
from qloom.executor import Executor, TaskOptions, call_as_task
from qloom.task_events import TaskEvents, error_line
from qloom_executors._common import (
    SHUTDOWN_REASON,
    settle_error,
    settle_result,
    slots_needed,
    start,
    worker_count,
)

__all__ = ["ThreadExecutor"]

T = TypeVar("T")


@dataclass(eq=False)
class _Task:
    key: str
    options: TaskOptions
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    slots: int
    future: Future[Any]
    running: bool = False  # inside fn: a stop request can reach it
    attempt: int = 0
    failures: int = 0
    timer: threading.Timer | None = field(default=None, repr=False)


class ThreadExecutor(Executor):
    """Runs tasks on ``workers`` threads (default: one per CPU).

    Args:
        workers: how many tasks run at once; ``-1`` (or ``None``) one per CPU.
        thread_name_prefix: names of the pool's threads, for debuggers and leak checks.
        persist: keep the threads after ``shutdown`` (and after a ``with`` block), which
            then only cancels the tasks queued or running; the executor takes new tasks
            again, on the same threads, until ``close()``.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        thread_name_prefix: str = "qloom-threads",
        persist: bool = False,
    ) -> None:
        self._size = worker_count(workers, "threads")
        self.persist = persist
        self._pool = ThreadPoolExecutor(self._size, thread_name_prefix=thread_name_prefix)
        self._lock = threading.RLock()
        self._pending: deque[_Task] = deque()
        self._free = self._size
        self._tasks: dict[Future[Any], _Task] = {}
        self._timers: set[threading.Timer] = set()
        self._closed = False
        self._events = TaskEvents("threads")

    @property
    def size(self) -> int:
        return self._size

    def submit(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> Future[T]:
        opts = (options or TaskOptions()).with_key()
        slots = slots_needed(opts, self._size)
        if self._closed:
            raise RuntimeError("cannot submit to an executor that was shut down")
        info = self._events.vet(fn, opts)
        future: Future[T] = Future()
        task = _Task(opts.key or "", opts, fn, args, kwargs, slots, future)
        self._events.submitted(info, future)
        with self._lock:
            if self._closed:
                settle_error(future, TaskCancelled(SHUTDOWN_REASON, task.key))
                raise RuntimeError("cannot submit to an executor that was shut down")
            self._tasks[future] = task
            future.add_done_callback(self._forget)
            self._pending.append(task)
            self._pump()
        return future

    def cancel(self, future: Future[Any], reason: str = "cancelled by the user") -> bool:
        """Settle the task's future with ``TaskCancelled`` now; a running task is asked to stop.

        It stops at its next ``checkpoint()``; until then it keeps its thread.
        """
        task = self._tasks.get(future)
        if task is None:
            return future.cancel()
        # settled outside the lock: the future's callbacks may use this executor
        if not settle_error(future, TaskCancelled(reason, task.key)):
            return False
        self._stop(task, reason)
        with self._lock:
            self._pump()  # a cancelled task at the head of the queue no longer blocks it
        return True

    def shutdown(self, wait: bool = True) -> None:
        """Cancel every queued and running task, then stop the threads (with ``persist``:
        keep them, see ``close``).

        With ``wait``, returns once every thread has ended: a task that never reaches a
        ``checkpoint()`` is waited for.
        """
        if self.persist:
            self._cancel_all()
            return
        self._stop_threads(wait)

    def close(self) -> None:
        """Cancel every queued and running task and stop the threads, persisted or not."""
        self._stop_threads(wait=True)

    def _cancel_all(self) -> None:
        """Cancel every queued and running task; the threads stay."""
        with self._lock:
            tasks = list(self._tasks.values())
        for task in tasks:
            self.cancel(task.future, SHUTDOWN_REASON)

    def _stop_threads(self, wait: bool) -> None:
        with self._lock:
            self._closed = True
            self._pending.clear()
            tasks = list(self._tasks.values())
            timers = list(self._timers)
        for task in tasks:
            if settle_error(task.future, TaskCancelled(SHUTDOWN_REASON, task.key)):
                self._stop(task, SHUTDOWN_REASON)
        for timer in timers:
            timer.cancel()
        self._pool.shutdown(wait=wait, cancel_futures=True)
        if wait:
            for timer in timers:
                timer.join()

    def _stop(self, task: _Task, reason: str) -> None:
        """Ask ``task`` to stop at its next checkpoint if it is inside its function.

        Its future is already settled, so it cannot start another attempt.
        """
        with self._lock:
            if task.running:
                worker.request_stop(task.key, reason)

    def _forget(self, future: Future[Any]) -> None:
        self._tasks.pop(future, None)

    def _pump(self) -> None:
        """Start queued tasks, oldest first, while enough threads are free (lock held)."""
        while self._pending and not self._closed:
            task = self._pending[0]
            if task.future.done():
                self._pending.popleft()
                continue
            if task.slots > self._free:
                return
            self._pending.popleft()
            if not start(task.future):
                continue
            self._free -= task.slots
            self._pool.submit(self._run, task)

    def _run(self, task: _Task) -> None:
        """Run one task in a pool thread, with its retries; settle its future."""
        try:
            while True:
                with self._lock:
                    if task.future.done():
                        return
                    task.attempt += 1
                    task.running = True
                    self._watch(task)
                sink = self._events.sink(threading.current_thread().name, task.attempt)
                try:
                    result = call_as_task(
                        task.key, task.options.timeout, self._body, (task,), {}, sink
                    )
                except TaskError as exc:  # cancelled or timed out: never retried
                    settle_error(task.future, exc)
                except Exception as exc:
                    if task.failures < task.options.retries:
                        task.failures += 1
                        self._events.retried(task.key, task.attempt + 1, error_line(exc))
                        continue
                    settle_error(task.future, exc)
                except BaseException as exc:  # as ThreadPoolExecutor: it goes to the future
                    settle_error(task.future, exc)
                else:
                    settle_result(task.future, result)
                finally:
                    self._unwatch(task)
                return
        finally:
            with self._lock:
                self._free += task.slots
                self._pump()

    def _body(self, task: _Task) -> Any:
        try:
            return task.fn(*task.args, **task.kwargs)
        finally:
            with self._lock:  # still inside ``worker.running``: stop requests are cleared
                task.running = False

    def _watch(self, task: _Task) -> None:
        """Start the timer that settles the future when the attempt runs out of time."""
        timeout = task.options.timeout
        if timeout is None:
            return
        timer = threading.Timer(timeout, self._expire, (task, task.attempt))
        timer.name = f"qloom-threads-timeout-{task.key}"
        timer.daemon = True
        task.timer = timer
        self._timers.add(timer)
        timer.start()

    def _unwatch(self, task: _Task) -> None:
        with self._lock:
            task.running = False  # also when it was stopped before its function began
            timer, task.timer = task.timer, None
            if timer is not None:
                self._timers.discard(timer)
        if timer is not None:
            timer.cancel()
            timer.join()  # outside the lock: a timer that fired may be waiting for it

    def _expire(self, task: _Task, attempt: int) -> None:
        with self._lock:
            if task.attempt != attempt or not task.running:
                return
        settle_error(task.future, TaskTimeout(task.options.timeout or 0.0, task.key))
