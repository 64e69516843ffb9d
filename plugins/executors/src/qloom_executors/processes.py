"""``processes``: tasks in worker processes on this machine, each worker on its own.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker dies (every
queued task is lost) and cannot stop one running task. Here each of the ``workers``
*slots* is one process with its own pipe, and one dispatcher thread knows which process
runs which task:

- Tasks start in submission order (FIFO). A task asking for ``cpu=k`` holds ``ceil(k)``
  slots while it runs (on one process). ``mem`` is only checked against the machine's memory.
- A worker that dies is replaced at once; its task is rerun, on another slot when one is
  free, up to ``max_worker_deaths`` times, and then fails with ``WorkerDied``. No other
  task notices.
- ``spare_workers`` processes are started ahead of need and kept idle: a slot whose worker
  was killed or died is served at once by a spare that has already imported qloom (a fresh
  process takes 1-2.5 s to import it), and a new spare starts in the background.
- Every worker sends a heartbeat every ``heartbeat_interval`` seconds from a thread of its
  own; one silent for ``heartbeat_timeout`` seconds (stopped, hung in C code) is killed and
  handled as a worker death.
- A worker that dies before it is ready is restarted after a pause that doubles each time
  (``restart_backoff``); after ``max_start_failures`` such deaths in a row the executor
  gives up and fails every task with ``ExecutorError``, saying why.
- Workers exit when this process dies, even by SIGKILL (``_lifeline``).
- ``cancel`` of a running task and a timeout kill its process (a pass that never checks
  is stopped too), start a replacement and settle the future at once.
- Status events travel on the worker's pipe and are handed to the executor's
  ``TaskEvents`` in this process (the task hooks, then ``qloom.worker`` subscribers), on
  the dispatcher thread, before the task's future is settled. The worker hooks name a
  worker ``pid <n>``: started once it has imported qloom (spares included), lost when it
  dies or is killed, replaced by the process that takes its slot.
- Errors keep their type and ``__cause__`` chain; the worker's traceback is attached
  last in the chain as ``RemoteTraceback``.

Workers are started with ``spawn`` by default: tasks run in a fresh interpreter that
inherits the environment, ``sys.path`` and working directory. Functions must therefore be
importable by module and name, and arguments picklable (checked at submit).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import multiprocessing.util  # its exit handler must be registered before ours
import os
import pickle
import queue
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from qloom.errors import (
    ConfigError,
    ExecutorError,
    SerializationError,
    TaskCancelled,
    TaskError,
    TaskTimeout,
    WorkerDied,
)
from qloom.executor import Executor, TaskOptions, check_picklable
from qloom.task_events import TaskEvents, error_line
from qloom_executors._child import serve, unpack_error
from qloom_executors._common import (
    SHUTDOWN_REASON,
    settle_error,
    settle_result,
    slots_needed,
    start,
    worker_count,
)

__all__ = ["ProcessExecutor"]

T = TypeVar("T")

MAX_START_FAILURES = 10
"""Default of ``max_start_failures``: workers dying before they are ready, in a row (none
becoming ready in between), before the executor gives up."""

RESTART_BACKOFF = 0.1
"""Default of ``restart_backoff``: seconds before the first restart of a worker that died
while starting; the pause doubles with each failure in a row, up to ``MAX_BACKOFF``."""

MAX_BACKOFF = 5.0
"""Longest pause, in seconds, before restarting a worker that died while starting."""

HEARTBEAT_INTERVAL = 1.0
"""Default of ``heartbeat_interval``: seconds between two heartbeats of a worker."""

SILENT_BEATS = 10
"""``heartbeat_timeout`` defaults to this many heartbeat intervals."""

_log = logging.getLogger("qloom.executors")

STOP_GRACE = 5.0
"""Seconds an idle worker gets to exit on its own at shutdown before it is killed."""


@dataclass(eq=False)
class _Task:
    key: str
    options: TaskOptions
    payload: bytes
    slots: int
    future: Future[Any]
    attempts: int = 0
    failures: int = 0
    deaths: int = 0
    avoid: int | None = None  # the slot whose worker died under it
    runner: _Slot | None = None
    held: list[_Slot] = field(default_factory=list)
    deadline: float | None = None


@dataclass(eq=False)
class _Slot:
    """One worker process: serving slot ``index``, or a spare (``index`` None)."""

    index: int | None
    process: BaseProcess
    conn: Connection
    pid: int | None
    heard: float  # when it last sent anything (``time.monotonic``)
    ready: bool = False
    closed: bool = False
    exitcode: int | None = None
    task: _Task | None = None  # the task it runs or is held for


class ProcessExecutor(Executor):
    """Runs tasks in ``workers`` processes (default: one per CPU), started at once.

    Args:
        workers: how many tasks run at once; ``-1`` (or ``None``) one per CPU.
        start_method: ``multiprocessing`` start method of the workers.
        spare_workers: idle processes kept started, to replace a killed worker at once.
        heartbeat_interval: seconds between two heartbeats of each worker.
        heartbeat_timeout: seconds without a heartbeat after which a worker is killed and
            its task rerun (a worker death); default 10 intervals.
        max_start_failures: workers dying before they are ready, in a row, before the
            executor gives up.
        restart_backoff: seconds before restarting a worker that died while starting; it
            doubles with each such death in a row (at most 5 s).
        persist: keep the worker processes after ``shutdown`` (and after a ``with``
            block), which then only cancels the tasks queued or running (a running one's
            worker is replaced, as by ``cancel``); the executor takes new tasks again, on
            the same processes, until ``close()`` or interpreter exit.

    Raises:
        ConfigError: no such start method on this platform, fewer than 1 worker, or a
            setting out of range.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        start_method: str = "spawn",
        spare_workers: int = 1,
        heartbeat_interval: float = HEARTBEAT_INTERVAL,
        heartbeat_timeout: float | None = None,
        max_start_failures: int = MAX_START_FAILURES,
        restart_backoff: float = RESTART_BACKOFF,
        persist: bool = False,
    ) -> None:
        self._size = worker_count(workers, "processes")
        self.persist = persist
        self._spare_count = spare_workers
        self._beat = heartbeat_interval
        self._silence = (
            SILENT_BEATS * heartbeat_interval if heartbeat_timeout is None else heartbeat_timeout
        )
        self._max_start_failures = max_start_failures
        self._backoff = restart_backoff
        _check_settings(
            spare_workers, heartbeat_interval, self._silence, max_start_failures, restart_backoff
        )
        try:
            # Any: typeshed's BaseContext has no ``Process``; every concrete context does
            self._context: Any = multiprocessing.get_context(start_method)
        except ValueError as exc:
            raise ConfigError(
                f"unknown start method {start_method!r}; this platform has "
                f"{multiprocessing.get_all_start_methods()}"
            ) from exc
        self._lock = threading.Lock()
        self._commands: queue.SimpleQueue[tuple[str, _Task | None]] = queue.SimpleQueue()
        self._wake_reader, self._wake_writer = multiprocessing.Pipe(duplex=False)
        self._woken = False
        self._closed = False
        self._tasks: dict[Future[Any], _Task] = {}
        # owned by the dispatcher thread
        self._slots: list[_Slot] = []
        self._spares: list[_Slot] = []
        self._restarts: list[tuple[float, int | None]] = []  # (when, slot index or None)
        self._pending: deque[_Task] = deque()
        self._stopping = False
        self._start_failures = 0
        self._events = TaskEvents("processes")
        self._thread = threading.Thread(
            target=self._dispatch, name="qloom-processes-dispatcher", daemon=True
        )
        _register(self)
        self._thread.start()

    @property
    def size(self) -> int:
        return self._size

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until every worker and spare has started (imported qloom) and none is
        being restarted; False if that did not happen within ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._all_ready():
            if self._closed or (deadline is not None and time.monotonic() > deadline):
                return False
            time.sleep(0.01)
        return True

    def _all_ready(self) -> bool:
        with self._lock:  # a snapshot of the dispatcher's lists
            processes = list(self._slots) + list(self._spares)
            restarting = bool(self._restarts)
        return (
            not restarting
            and len(processes) == self._size + self._spare_count
            and all(p.ready and not p.closed for p in processes)
        )

    def submit(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> Future[T]:
        """Queue ``fn(*args, **kwargs)``.

        Raises:
            SerializationError: an argument (or ``fn``) cannot be sent to a worker.
            ConfigError: the task's resources can never be met here.
        """
        if self._closed:
            raise RuntimeError("cannot submit to an executor that was shut down")
        opts = (options or TaskOptions()).with_key()
        key = opts.key or ""
        slots = slots_needed(opts, self._size)
        info = self._events.vet(fn, opts)
        payload = _pack_call(key, fn, args, kwargs)
        future: Future[T] = Future()
        task = _Task(key, opts, payload, slots, future)
        self._tasks[future] = task
        future.add_done_callback(self._forget)
        self._events.submitted(info, future)
        try:
            self._post("submit", task)
        except RuntimeError:
            self._tasks.pop(future, None)
            settle_error(future, TaskCancelled(SHUTDOWN_REASON, key))
            raise
        return future

    def cancel(self, future: Future[Any], reason: str = "cancelled by the user") -> bool:
        """Settle the task's future with ``TaskCancelled`` now; kill its worker if it runs."""
        task = self._tasks.get(future)
        if task is None:
            return future.cancel()
        if not settle_error(future, TaskCancelled(reason, task.key)):
            return False
        with contextlib.suppress(RuntimeError):  # shut down: its worker is stopped anyway
            self._post("cancel", task)
        return True

    def shutdown(self, wait: bool = True) -> None:
        """Cancel every queued and running task and stop every worker process (with
        ``persist``: keep them, see ``close``).

        With ``wait``, returns once the processes and the dispatcher thread are gone.
        """
        if self.persist:
            for future in list(self._tasks):
                self.cancel(future, SHUTDOWN_REASON)
            return
        self._stop_workers(wait)

    def close(self) -> None:
        """Cancel every queued and running task and stop every worker, persisted or not."""
        self._stop_workers(wait=True)

    def _stop_workers(self, wait: bool) -> None:
        with contextlib.suppress(RuntimeError):  # already shut down
            self._post("stop", None)
        with self._lock:
            self._closed = True
        if wait and threading.current_thread() is not self._thread:
            self._thread.join()

    # ----------------------------------------------------------------- client side

    def _forget(self, future: Future[Any]) -> None:
        self._tasks.pop(future, None)

    def _post(self, command: str, task: _Task | None) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to an executor that was shut down")
            self._commands.put((command, task))
            if command == "stop":
                self._closed = True
            if not self._woken:
                self._woken = True
                self._wake_writer.send_bytes(b"")

    # ------------------------------------------------------------ dispatcher thread

    def _dispatch(self) -> None:
        failure: BaseException | None = None
        try:
            self._slots = [self._spawn(i) for i in range(self._size)]
            self._spares = [self._spawn(None) for _ in range(self._spare_count)]
            while not self._stopping:
                self._step()
        except BaseException as exc:  # a bug or a broken setup: no future may hang
            failure = exc
        finally:
            self._stop_all(failure)

    def _step(self) -> None:
        slots = [s for s in self._slots + self._spares if not s.closed]
        sentinels = {id(slot): slot.process.sentinel for slot in slots}
        watched: list[Any] = [self._wake_reader]
        for slot in slots:
            watched += [slot.conn, sentinels[id(slot)]]
        ready = wait(watched, self._time_left())
        if self._wake_reader in ready:
            self._take_commands()
        for slot in slots:
            # a slot closed during this step is skipped: a new sentinel may reuse the
            # number of the old one, which ``ready`` may hold
            if slot.closed:
                continue
            died = sentinels[id(slot)] in ready
            if died or slot.conn in ready:
                self._read(slot, died)
        self._expire()
        self._check_heartbeats()
        if not self._stopping:
            self._restart_due()
            self._pump()

    def _take_commands(self) -> None:
        with self._lock:
            self._woken = False
            while self._wake_reader.poll():
                self._wake_reader.recv_bytes()
        while True:
            try:
                command, task = self._commands.get_nowait()
            except queue.Empty:
                return
            if command == "submit" and task is not None:
                self._pending.append(task)
            elif command == "cancel" and task is not None and task.runner is not None:
                self._stop_task(task)
            elif command == "stop":
                self._stopping = True

    def _read(self, slot: _Slot, died: bool) -> None:
        """Handle what ``slot``'s worker sent; replace it if it has died."""
        if died:
            slot.process.join()  # it has exited: everything it sent is in the pipe
        try:
            while slot.conn.poll():
                self._handle(slot, slot.conn.recv())
        except (EOFError, OSError):
            died = True
        if died:
            self._lost(slot)

    def _handle(self, slot: _Slot, message: tuple[Any, ...]) -> None:
        kind = message[0]
        slot.heard = time.monotonic()
        if kind == "event":
            key, status, detail = message[1:]
            task = slot.task
            attempt = task.attempts if task is not None and task.key == key else None
            self._events.status(key, status, detail, worker_id=_name(slot), attempt=attempt)
        elif kind == "ready":
            slot.ready = True
            self._start_failures = 0
            self._events.worker_started(_name(slot))
        elif kind == "done":
            self._finish(slot, *message[1:])

    def _finish(self, slot: _Slot, key: str, ok: bool, blob: bytes) -> None:
        task = slot.task
        if task is None or task.runner is not slot or task.key != key:
            return
        self._release(task)
        if task.future.done():  # cancelled meanwhile
            return
        try:
            value = pickle.loads(blob) if ok else None
            error = None if ok else unpack_error(blob)
        except Exception as exc:  # e.g. its class cannot be imported here
            settle_error(task.future, exc)
            return
        if error is None:
            settle_result(task.future, value)
            return
        if (
            isinstance(error, Exception)
            and not isinstance(error, TaskError)
            and task.failures < task.options.retries
        ):
            task.failures += 1
            self._pending.appendleft(task)
            self._events.retried(task.key, task.attempts + 1, error_line(error))
            return
        settle_error(task.future, error)

    def _lost(self, slot: _Slot, reason: str | None = None) -> None:
        """``slot``'s worker died: replace it, rerun its task or fail it with ``WorkerDied``.

        One that died while starting is restarted after a pause (``_start_failed``).
        """
        _kill(slot)  # it has exited, or is exiting (its pipe is closed)
        _close(slot)
        if not slot.ready:
            self._start_failed(slot)
            return
        self._events.worker_lost(_name(slot), reason or f"it died (exit code {slot.exitcode})")
        if slot.index is None:  # a spare
            self._spares.remove(slot)
            self._spares.append(self._spawn(None))
            self._events.worker_replaced(_name(slot), _name(self._spares[-1]))
            return
        replacement = self._replace(slot)
        self._events.worker_replaced(_name(slot), _name(replacement))
        task = slot.task
        if task is None:
            return
        if task.runner is not slot:  # held for a task running on another slot
            task.held[task.held.index(slot)] = replacement
            replacement.task = task
            return
        self._release(task)
        if task.future.done():
            return
        task.deaths += 1
        if task.deaths > task.options.max_worker_deaths:
            settle_error(task.future, WorkerDied(task.key, task.attempts, f"pid {slot.pid}"))
        else:
            task.avoid = slot.index
            self._pending.appendleft(task)
            self._events.retried(task.key, task.attempts + 1, f"its worker {_name(slot)} died")

    def _pump(self) -> None:
        """Start queued tasks, oldest first, while enough ready workers are free."""
        while self._pending:
            task = self._pending[0]
            if task.future.done():
                self._pending.popleft()
                continue
            idle = [s for s in self._slots if s.ready and not s.closed and s.task is None]
            if len(idle) < task.slots:
                return
            self._pending.popleft()
            if task.attempts == 0 and not start(task.future):
                continue
            idle.sort(key=lambda s: s.index == task.avoid)
            self._run(task, idle[: task.slots])

    def _run(self, task: _Task, held: list[_Slot]) -> None:
        runner = held[0]
        for slot in held:
            slot.task = task
        task.runner, task.held = runner, held
        task.attempts += 1
        timeout = task.options.timeout
        task.deadline = None if timeout is None else time.monotonic() + timeout
        try:
            runner.conn.send((task.key, timeout, task.payload))
        except OSError:  # it died before it could take the task
            self._read(runner, died=True)

    def _start_failed(self, slot: _Slot) -> None:
        """A worker died before it was ready: restart it after a pause, or give up.

        Raises:
            ExecutorError: ``max_start_failures`` workers in a row died while starting.
        """
        self._start_failures += 1
        failures = self._start_failures
        if failures >= self._max_start_failures:
            raise ExecutorError(
                f"{failures} worker processes in a row died before they were ready (last: "
                f"pid {slot.pid}, exit code {slot.exitcode}); check that the program can "
                "be started with the executor's start method, or raise max_start_failures "
                f"(now {self._max_start_failures})"
            )
        pause = min(MAX_BACKOFF, self._backoff * 2 ** (failures - 1))
        _log.warning(
            "worker pid %s died while starting (exit code %s); restarting it in %.2f s",
            slot.pid,
            slot.exitcode,
            pause,
        )
        index = slot.index
        if index is None:
            self._spares.remove(slot)
        elif self._spares:  # a spare takes the slot now; the spare is what gets restarted
            spare = sorted(self._spares, key=lambda s: not s.ready)[0]
            self._spares.remove(spare)
            spare.index, self._slots[index], index = index, spare, None
        with self._lock:
            self._restarts.append((time.monotonic() + pause, index))

    def _restart_due(self) -> None:
        """Start the workers whose pause after a failed start is over."""
        now = time.monotonic()
        with self._lock:
            due = [r for r in self._restarts if r[0] <= now]
        for restart in due:
            _, index = restart
            if index is None:
                self._spares.append(self._spawn(None))
            else:
                self._slots[index] = self._spawn(index)
            with self._lock:
                self._restarts.remove(restart)

    def _check_heartbeats(self) -> None:
        """Kill and handle as dead every ready worker silent for ``heartbeat_timeout``."""
        now = time.monotonic()
        for slot in [s for s in self._slots + self._spares if s.ready and not s.closed]:
            if now - slot.heard <= self._silence:
                continue
            self._read(slot, died=False)  # what it sent may still be waiting in the pipe
            if slot.closed or time.monotonic() - slot.heard <= self._silence:
                continue
            _log.warning(
                "worker pid %s sent no heartbeat for %.1f s (heartbeat_timeout); killing it",
                slot.pid,
                now - slot.heard,
            )
            _kill(slot)
            self._lost(slot, f"no heartbeat for {now - slot.heard:.1f} s (heartbeat_timeout)")

    def _time_left(self) -> float | None:
        """Seconds until the dispatcher must look again without being woken."""
        deadlines = [s.task.deadline for s in self._slots if s.task and s.task.runner is s]
        known = [d for d in deadlines if d is not None]
        with self._lock:
            known += [when for when, _ in self._restarts]
        if any(not s.closed for s in self._slots + self._spares):
            known.append(time.monotonic() + self._beat)  # heartbeats are checked that often
        return None if not known else max(0.0, min(known) - time.monotonic())

    def _expire(self) -> None:
        now = time.monotonic()
        for slot in list(self._slots):
            task = slot.task
            if task is None or task.runner is not slot or task.deadline is None:
                continue
            if task.deadline <= now:
                settle_error(task.future, TaskTimeout(task.options.timeout or 0.0, task.key))
                self._stop_task(task)

    def _stop_task(self, task: _Task) -> None:
        """Kill the worker running ``task`` (already settled) and start a new one."""
        runner = task.runner
        if runner is None:
            return
        self._release(task)
        _kill(runner)
        _close(runner)
        self._events.worker_lost(_name(runner), f"killed to stop task {task.key}")
        if not self._stopping:
            self._events.worker_replaced(_name(runner), _name(self._replace(runner)))

    def _release(self, task: _Task) -> None:
        for slot in task.held:
            slot.task = None
        task.runner, task.held, task.deadline = None, [], None

    def _spawn(self, index: int | None) -> _Slot:
        parent, child = self._context.Pipe()
        name = "spare" if index is None else str(index)
        process = self._context.Process(
            target=serve, args=(child, os.getpid(), self._beat), name=f"qloom-processes-{name}"
        )
        process.start()
        child.close()
        return _Slot(index, process, parent, process.pid, time.monotonic())

    def _replace(self, slot: _Slot) -> _Slot:
        """A worker for ``slot``'s index: a spare (started earlier) if there is one, then a
        new spare in its place; otherwise a new process."""
        assert slot.index is not None
        spares = sorted(self._spares, key=lambda s: not s.ready)  # a ready one first
        if spares:
            replacement = spares[0]
            self._spares.remove(replacement)
            replacement.index = slot.index
            self._spares.append(self._spawn(None))
        else:
            replacement = self._spawn(slot.index)
        self._slots[slot.index] = replacement
        return replacement

    def _stop_all(self, failure: BaseException | None) -> None:
        """Settle every task left, stop every worker, close the pipes."""
        with self._lock:
            self._closed = True
        self._stopping = True
        with contextlib.suppress(Exception):  # the executor goes away whatever happens here
            self._take_commands()
        tasks = list(self._pending) + [s.task for s in self._slots if s.task is not None]
        tasks += list(self._tasks.values())
        for task in tasks:
            if failure is None:
                error: BaseException = TaskCancelled(SHUTDOWN_REASON, task.key)
            elif isinstance(failure, ExecutorError):
                error = ExecutorError(str(failure))
            else:
                error = ExecutorError(f"the process executor failed: {failure!r}")
                error.__cause__ = failure
            settle_error(task.future, error)
        self._pending.clear()
        with self._lock:
            self._restarts.clear()
        slots = [s for s in self._slots + self._spares if not s.closed]
        for slot in slots:
            if slot.ready and slot.task is None:
                try:
                    slot.conn.send(None)
                except OSError:
                    _kill(slot)
            else:
                _kill(slot)
        for slot in slots:
            slot.process.join(STOP_GRACE)
            if slot.process.is_alive():
                _kill(slot)
            _close(slot)
        self._wake_reader.close()
        with self._lock:
            self._wake_writer.close()


def _check_settings(
    spares: int, interval: float, silence: float, start_failures: int, backoff: float
) -> None:
    """Refuse settings out of range, naming the option.

    Raises:
        ConfigError: naming the option and the value given.
    """
    if isinstance(spares, bool) or not isinstance(spares, int) or spares < 0:
        raise ConfigError(f"spare_workers must not be negative, got {spares!r}")
    if not interval > 0:
        raise ConfigError(f"heartbeat_interval must be positive, got {interval!r}")
    if not silence > interval:
        raise ConfigError(
            f"heartbeat_timeout must be longer than heartbeat_interval ({interval:g} s), "
            f"got {silence!r}"
        )
    if start_failures < 1:
        raise ConfigError(f"max_start_failures must be at least 1, got {start_failures!r}")
    if not backoff >= 0:
        raise ConfigError(f"restart_backoff must not be negative, got {backoff!r}")


def _pack_call(
    key: str, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> bytes:
    """Pickle a call for a worker, or say which part of it cannot travel."""
    try:
        return pickle.dumps((fn, args, dict(kwargs)), pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        check_picklable(key, args, kwargs)
        name = getattr(fn, "__qualname__", repr(fn))
        raise SerializationError(
            key,
            f"fn ({name})",
            f"{type(exc).__name__}: {exc}; a worker process imports functions by module and "
            "name, so define them at module level",
        ) from exc


def _name(slot: _Slot) -> str:
    """The worker id the hooks see: ``pid <n>``."""
    return f"pid {slot.pid}"


def _kill(slot: _Slot) -> None:
    if slot.process.is_alive():
        slot.process.kill()
    slot.process.join()


def _close(slot: _Slot) -> None:
    if not slot.closed:
        slot.closed = True
        slot.exitcode = slot.process.exitcode
        slot.conn.close()
        slot.process.close()


_live: weakref.WeakSet[ProcessExecutor] = weakref.WeakSet()
_registered = False


def _register(executor: ProcessExecutor) -> None:
    """Shut down, at interpreter exit, executors the program left running.

    Runs before ``multiprocessing``'s own exit handler, which would wait forever for
    workers that are still waiting for tasks.
    """
    global _registered
    _live.add(executor)
    if not _registered:
        atexit.register(_shutdown_live)
        _registered = True


def _shutdown_live() -> None:
    for executor in list(_live):
        executor.close()
