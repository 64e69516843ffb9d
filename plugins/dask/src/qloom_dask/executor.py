"""``DaskExecutor``: qloom tasks on Dask distributed, a LocalCluster it starts or a scheduler.

Dask runs each attempt of a task under a key of its own. Around Dask, the executor adds
what the Executor contract asks and Dask lacks:

- tasks wait in the executor until a worker thread is free, so a queued task is never on
  a worker (cancelling it means it never starts) and a worker that dies takes only the
  tasks it was running;
- a running task is stopped by killing its worker process through the worker's nanny,
  which starts a fresh one (Dask's ``cancel`` leaves the task running);
- the LocalCluster it starts has ``spare_workers`` more worker processes than the executor
  fills: a killed worker's tasks go at once to a spare that has already imported qloom,
  while its nanny starts the replacement (1-2.5 s of imports);
- a worker that stops heartbeating for ``heartbeat_timeout`` is restarted by its nanny
  (Dask's ``worker-ttl``) and its task re-run as after a worker death;
- a result that cannot be serialised fails the task with ``SerializationError``;
- timeouts are watched from the moment the task reports ``RUNNING``;
- deaths of a task's workers are counted per task, against its ``max_worker_deaths``;
- unpicklable arguments are refused at submit, by name;
- queued requests travel in packs of up to ``pack`` per Dask task (``remote.run_pack``):
  one round trip for many small requests, each keeping its own key, status events,
  outcome, retries, timeout and cancel (a packed request is stopped at its checkpoint;
  its worker is killed only if it does not stop within ``PACK_STOP_GRACE``).

Dask is imported when an executor is built, not with this module: listing plugins must not
import it (``import distributed`` installs tblib's exception reducers process-wide).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from qloom.errors import ConfigError, TaskCancelled, TaskError, TaskTimeout, WorkerDied
from qloom.executor import Executor, TaskOptions, check_picklable, cpu_workers
from qloom.task_events import TaskEvents, error_line
from qloom_dask.failures import TaskFailure
from qloom_dask.supervisor import Stop, Supervisor
from qloom_dask.versions import check_versions

if TYPE_CHECKING:
    import distributed
    from distributed.scheduler import KilledWorker

__all__ = ["DaskExecutor"]

T = TypeVar("T")

_log = logging.getLogger("qloom.dask")

RESOURCES = {"cpu": "CPU", "mem": "MEM"}
"""qloom resource name -> the Dask worker resource it asks for."""

HEARTBEAT_TIMEOUT = 10.0
"""Default ``heartbeat_timeout``: seconds a LocalCluster worker may stay silent."""

DECLARE_HINT = 'start its workers with e.g. `dask worker ADDRESS --resources "CPU=1,MEM=4e9"`'

CAPACITY_TTL = 1.0
"""Seconds an existing cluster's thread count is trusted before it is asked again."""

REPLACED_WITHIN = 10.0
"""Seconds a killed worker's threads stay reserved for its replacement, at most."""

PACK = 10
"""Default ``pack``: requests per Dask task at most, measured (issue 19): one Dask round
trip costs 7.5 ms per request alone, 1.0 ms each in tens (``benchmarks/throughput``)."""

PACK_STOP_GRACE = 2.0
"""Seconds a stopped request of a pack has to reach a checkpoint before its worker is
killed (and the pack's other unfinished requests run again elsewhere)."""

_REMEMBERED = 10_000
"""How many stopped-before-seen tasks and killed workers are remembered."""


@dataclass(eq=False)
class _Task:
    """One submitted task, across its attempts; the executor's lock guards it."""

    key: str
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    options: TaskOptions
    resources: dict[str, float] | None
    future: Future[Any] = field(default_factory=Future)
    attempt: int = 0
    deaths: int = 0
    failures: int = 0
    dask_future: distributed.Future[Any] | None = None
    worker: str | None = None
    nanny: str | None = None
    pid: int | None = None
    threads: int = 1
    done: bool = False
    pack: _Pack | None = None  # the pack its current attempt runs in, if packed
    solo: bool = False  # was in a pack whose worker died: never packed again
    info: Any = None  # the TaskInfo the executor hooks saw at submit


@dataclass(eq=False)
class _Pack:
    """Requests sent to Dask as one task (``pack``); the executor's lock guards it."""

    key: str
    entries: list[tuple[_Task, int]]  # each request with the attempt it runs as here
    dask_future: distributed.Future[Any] | None = None
    running: str | None = None  # the request it runs now (from its ``RUNNING`` event)
    requeue: bool = False  # killed by the executor: its unfinished requests run again
    done: bool = False


_Where = tuple[str, "str | None", "int | None", int]
"""Where a task runs: its worker's address, that worker's nanny, process id and threads."""


@dataclass(frozen=True)
class _Reserved:
    """Threads of a killed worker, kept free for its replacement (no new task goes to the
    busy workers meanwhile: Dask would queue it behind their tasks)."""

    threads: int
    nanny: str
    worker: str


class DaskExecutor(Executor):
    """Runs tasks on Dask distributed.

    With no ``address`` it starts a LocalCluster of ``workers`` worker processes, each
    under a nanny (so a stuck task's worker can be replaced) and declaring the resources
    ``CPU`` (its threads) and ``MEM`` (its memory limit); ``shutdown`` closes it. With an
    ``address`` it connects to that scheduler (``persist`` is True) and ``shutdown`` only
    closes its client.

    Worker deaths are counted per task: the LocalCluster fails a task as soon as its worker
    dies (Dask's ``allowed-failures`` 0) and the executor re-runs it while the task's
    ``max_worker_deaths`` allows. An existing cluster keeps its own ``allowed-failures``
    (Dask's default is 3): each ``KilledWorker`` it reports counts as that many + 1 deaths.

    Status events travel as Dask events on a topic of this executor and become the task
    hooks (then ``qloom.worker`` subscribers) on the Dask client's event-loop thread, so
    those must be quick. The worker hooks name a worker by its address; they follow the
    scheduler's ``add-worker``/``remove-worker`` events, and a worker whose nanny starts a
    new one is ``replaced`` by it.

    Attributes:
        address: the scheduler's address.
        persist: True when connected to an existing cluster (it outlives the executor), or
            built with ``persist=True`` (``shutdown`` keeps the workers, ``close`` ends them).
        packs_sent: how many packs (Dask tasks of several requests) were sent so far.

    Args:
        workers: worker processes of the LocalCluster (default 2; ``-1``: one per CPU);
            not with ``address``.
        address: scheduler to connect to, e.g. ``"tcp://10.0.0.5:8786"``.
        threads_per_worker: threads (parallel tasks) per worker of the LocalCluster.
        connect_timeout: seconds to reach ``address`` before ``ExecutorConnectionError``.
        processes: worker processes under nannies (True) or threads of this process
            (False: a running task can then only stop at its next checkpoint).
        spare_workers: worker processes the LocalCluster starts beyond ``workers``, kept
            for the tasks of a killed worker (default 1 with ``processes``, else 0).
        heartbeat_timeout: seconds a LocalCluster worker may go without a heartbeat before
            its nanny restarts it (Dask's ``distributed.scheduler.worker-ttl``, which
            Dask never lets fall below 10 heartbeats: 5 s on a small cluster); default 10.
        pack: at most this many queued requests sent to Dask as one task (1: never
            packed). Each keeps its own key, future, status events, timeout, retries and
            cancel; see ``docs/plugin-reference/dask.md``. Requests asking for resources
            are never packed.
        persist: keep the client (and the LocalCluster started here) after ``shutdown``
            (and after a ``with`` block), which then only cancels the tasks in flight; the
            executor takes new tasks again, on the same workers, until ``close()`` or
            interpreter exit.
        **cluster_options: passed on to ``distributed.LocalCluster`` (which passes what it
            does not take itself to each Nanny and Worker); any other name is refused with
            an ``OptionError``.

    Raises:
        ExecutorConnectionError: nothing answered at ``address`` within the timeout.
        VersionMismatch: a worker has another version of qloom, a qloom plugin, or Dask.
        ConfigError: contradictory options.
    """

    def __init__(
        self,
        workers: int | None = None,
        address: str | None = None,
        threads_per_worker: int = 1,
        connect_timeout: float = 10.0,
        processes: bool = True,
        spare_workers: int | None = None,
        heartbeat_timeout: float | None = None,
        pack: int = PACK,
        persist: bool = False,
        **cluster_options: Any,
    ) -> None:
        from qloom_dask.cluster import check_cluster_options

        check_cluster_options(DaskExecutor, cluster_options)
        if threads_per_worker < 1:
            raise ConfigError(f"threads_per_worker must be at least 1, not {threads_per_worker}")
        if workers is not None:
            workers = cpu_workers(workers, "dask")
        local_only = (workers, spare_workers, heartbeat_timeout) != (None, None, None)
        if address is not None and (local_only or cluster_options):
            raise ConfigError(
                "workers, spare_workers, heartbeat_timeout and cluster options configure a "
                f"LocalCluster; they cannot apply to the existing cluster at {address}"
            )
        if isinstance(pack, bool) or not isinstance(pack, int) or pack < 1:
            raise ConfigError(f"pack must be a whole number of at least 1, got {pack!r}")
        self._pack = pack
        self.packs_sent = 0
        if spare_workers is None:
            spare_workers = 1 if processes and address is None else 0
        if heartbeat_timeout is None:
            heartbeat_timeout = HEARTBEAT_TIMEOUT
        if spare_workers < 0:
            raise ConfigError(f"spare_workers must not be negative, not {spare_workers}")
        if not heartbeat_timeout > 0:
            raise ConfigError(f"heartbeat_timeout must be positive, not {heartbeat_timeout}")
        token = uuid.uuid4().hex[:8]
        self._token = token
        self._topic = f"qloom-status-{token}"
        self._lock = threading.Lock()
        self._tasks: dict[str, _Task] = {}
        self._by_future: dict[Future[Any], _Task] = {}
        self._waiting: deque[_Task] = deque()
        self._active = 0
        self._stopped: OrderedDict[str, tuple[int, _Pack | None]] = OrderedDict()
        self._killed: OrderedDict[str, None] = OrderedDict()
        self._reserved: dict[int, _Reserved] = {}
        self._reservations = itertools.count()
        self._closed = False
        self._events = TaskEvents("dask")
        self._workers: dict[str, str | None] = {}  # address -> nanny, as the hooks know them
        self._lost: dict[str, str] = {}  # nanny -> its lost worker, until a new one is up
        self._cluster: distributed.LocalCluster | None = None
        self._declared: list[dict[str, float]] = []
        self._capacity = (workers or 2) * threads_per_worker
        self._capacity_at = -CAPACITY_TTL
        self._spare_threads = spare_workers * threads_per_worker
        self._expected_workers = (workers or 2) + spare_workers
        import distributed

        from qloom_dask.cluster import connect_client, start_cluster

        self._keep = persist
        if address is None:
            self.persist = persist
            self._cluster, declared = start_cluster(
                self._expected_workers,
                threads_per_worker,
                processes,
                cluster_options,
                heartbeat_timeout,
            )
            self._declared = [declared]
            try:
                self._client = distributed.Client(self._cluster, set_as_default=False)
            except BaseException:
                self._cluster.close()
                raise
            address = str(self._cluster.scheduler_address)
        else:
            self.persist = True
            self._client = connect_client(address, connect_timeout)
        self.address = address
        self._supervisor = Supervisor(f"qloom-dask-{token}", self._hard_stop)
        try:
            check_versions(self._client)
            self._client.subscribe_topic(self._topic, self._on_event)
            self._client.subscribe_topic("all", self._on_cluster_event)
        except BaseException:
            self._supervisor.close()
            self._close_client()
            raise
        self._supervisor.soon(self._look_at_workers)  # those up before the subscription

    @property
    def size(self) -> int:
        return self._threads()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until every worker of the LocalCluster, spares included, is up (for an
        existing cluster: one worker); False if not within ``timeout`` seconds."""
        wanted = self._expected_workers if self._cluster is not None else 1
        try:
            self._client.wait_for_workers(wanted, timeout=timeout)
        except TimeoutError:
            return False
        return True

    @property
    def client(self) -> distributed.Client:
        """The Dask client (to look at the cluster; submit through the executor)."""
        return self._client

    def submit(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> Future[T]:
        task = self._task(fn, args, kwargs, options)
        self._enqueue([task])
        return task.future

    def submit_many(
        self,
        fn: Callable[..., T],
        iterable: Iterable[Iterable[Any]],
        *,
        options: TaskOptions | None = None,
        **kwargs: Any,
    ) -> list[Future[T]]:
        """Queue ``fn(*args, **kwargs)`` for each ``args`` at once, so that they can be
        packed (``pack``); one future per call, in order."""
        if options is not None and options.key is not None:  # one key for many: refused
            return super().submit_many(fn, iterable, options=options, **kwargs)
        tasks = [self._task(fn, tuple(args), kwargs, options) for args in iterable]
        self._enqueue(tasks)
        return [task.future for task in tasks]

    def _task(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        options: TaskOptions | None,
    ) -> _Task:
        """A new task, checked (picklable arguments, resources the cluster has)."""
        if self._closed:
            raise RuntimeError("cannot submit to a dask executor that was shut down")
        opts = (options or TaskOptions()).with_key()
        key = opts.key or ""
        check_picklable(key, args, kwargs)
        task = _Task(key, fn, args, dict(kwargs), opts, self._dask_resources(key, opts))
        task.info = self._events.vet(fn, opts)  # a hook may refuse it (TaskRefused)
        return task

    def _enqueue(self, tasks: list[_Task]) -> None:
        """Queue ``tasks`` together, then start what the free threads can take."""
        with self._lock:
            for task in tasks:
                if task.key in self._tasks:
                    raise ConfigError(
                        f"a task with key {task.key!r} is already running on this executor"
                    )
            for task in tasks:
                task.future.set_running_or_notify_cancel()  # only ``cancel`` may stop it
                self._tasks[task.key] = task
                self._by_future[task.future] = task
        for task in tasks:
            self._events.submitted(task.info, task.future)
        with self._lock:
            self._waiting.extend(tasks)
        self._pump()

    def cancel(self, future: Future[Any], reason: str = "cancelled by the user") -> bool:
        """Stop a task: a queued one never starts, a running one's worker is replaced.

        The future raises ``TaskCancelled(reason)`` at once; the worker's nanny starts a
        fresh worker process, which takes new work well within 2 s on one machine.
        """
        with self._lock:
            task = self._by_future.get(future)
        if task is None:
            return False
        return self._stop(task, TaskCancelled(reason, task.key))

    def shutdown(self, wait: bool = True) -> None:
        """Cancel what is in flight, then close the client (and the cluster if started here).

        Workers of an existing cluster that run tasks of this executor are replaced by
        their nannies, so that cluster is left idle; it is never shut down. ``wait`` is
        accepted for the interface: shutting down always waits for both.
        """
        if self._keep:
            with self._lock:
                tasks = list(self._tasks.values())
            for task in tasks:
                self._stop(task, TaskCancelled("executor shut down", task.key))
            return
        self.close()

    def close(self) -> None:
        """Cancel what is in flight, close the client and the LocalCluster started here,
        persisted or not (an existing cluster is never shut down)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            tasks = list(self._tasks.values())
            packs = {id(t.pack): t.pack for t in tasks if t.pack is not None and not t.pack.done}
        for task in tasks:
            self._stop(task, TaskCancelled("executor shut down", task.key))
        for pack in packs.values() if self._cluster is None else ():
            # an existing cluster outlives us: its workers running packs are replaced, as for
            # unpacked tasks (stops at checkpoints would come too late)
            self._supervisor.stop(self._pack_stop(pack, "executor shut down"))
        self._supervisor.close()
        self._close_client()

    def _pack_stop(self, pack: _Pack, reason: str) -> Stop:
        """A hard stop of ``pack``: cancel its Dask future, kill its worker once known."""
        with self._lock:
            seen = [t for t, _ in pack.entries if t.worker is not None]
            if not seen:
                return Stop(pack.key, reason, pack.dask_future)
            last = seen[-1]
            return Stop(
                pack.key, reason, pack.dask_future, last.worker, last.nanny, last.pid, last.threads
            )

    # -- attempts ------------------------------------------------------------------------

    def _pump(self) -> None:
        """Submit waiting tasks to Dask while worker threads are free."""
        threads = self._threads()
        starting = []
        with self._lock:
            # spare threads stand in for reserved ones: a killed worker's slot is served now
            reserved = sum(r.threads for r in self._reserved.values())
            capacity = min(threads, threads + self._spare_threads - reserved)
            while self._waiting and self._active < capacity and not self._closed:
                task = self._waiting.popleft()
                if task.done:
                    continue
                group = [task, *self._packable(task, capacity - self._active)]
                for member in group:
                    member.attempt += 1
                    member.worker, member.nanny, member.pid = None, None, None
                    member.pack = None
                self._active += 1
                starting.append([(member, member.attempt) for member in group])
        for entries in starting:
            if len(entries) == 1:
                self._submit_attempt(*entries[0])
            else:
                self._submit_pack(entries)

    def _packable(self, first: _Task, free: int) -> list[_Task]:
        """Under the lock, a request just taken from the queue: the queued requests to send
        with it, at most ``pack`` in all and no more than spreading the queue over the
        ``free`` threads needs (so packing never leaves a thread idle)."""
        if self._pack == 1 or first.resources is not None or first.solo:
            return []
        size = min(self._pack, -(-(len(self._waiting) + 1) // max(1, free)))
        group: list[_Task] = []
        while self._waiting and len(group) < size - 1:
            head = self._waiting[0]
            if head.done:
                self._waiting.popleft()
                continue
            if head.resources is not None or head.solo:
                break
            group.append(self._waiting.popleft())
        return group

    def _submit_attempt(self, task: _Task, attempt: int) -> None:
        from qloom_dask import remote

        try:
            dask_future = self._client.submit(
                remote.run_task,
                (self._topic, attempt),
                task.key,
                task.options.timeout,
                task.fn,
                task.args,
                task.kwargs,
                key=f"{task.key}-{self._token}-{attempt}",
                pure=False,
                retries=0,
                resources=task.resources,
            )
        except Exception as exc:  # e.g. the client is closing: the task cannot run
            with self._lock:
                self._active -= 1
            self._finish(task, error=exc)
            return
        with self._lock:
            stopped = task.done or task.attempt != attempt
            if not stopped:
                task.dask_future = dask_future
        if stopped:  # stopped while this attempt was being submitted
            self._supervisor.stop(Stop(task.key, "stopped", dask_future))
        dask_future.add_done_callback(lambda f: self._on_done(task, attempt, f))

    def _on_done(self, task: _Task, attempt: int, dask_future: distributed.Future[Any]) -> None:
        """Dask's callback thread: an attempt ended; finish the task or try again."""
        with self._lock:
            self._active -= 1
            current = not task.done and task.attempt == attempt
        self._pump()  # the freed thread first: fetching the outcome takes a round trip
        if current:
            self._outcome(task, dask_future)

    def _outcome(self, task: _Task, dask_future: distributed.Future[Any]) -> None:
        try:
            if dask_future.status == "finished":
                self._finish(task, result=dask_future.result())
                return
            if dask_future.status != "error":
                self._finish(task, error=TaskCancelled("Dask cancelled it", task.key))
                return
            error = dask_future.exception()
            trace = dask_future.traceback()
        except Exception as exc:  # the client closed under us: the result is out of reach
            self._finish(task, error=TaskCancelled(f"lost its Dask future: {exc}", task.key))
            return
        if isinstance(error, TaskFailure):
            error = error.restore()
        if trace is not None:
            error = error.with_traceback(trace)
        from distributed.scheduler import KilledWorker

        if isinstance(error, KilledWorker):
            self._worker_died(task, error)
            return
        self._failed(task, error)

    def _failed(self, task: _Task, error: BaseException) -> None:
        """``task``'s attempt raised ``error``: run it again if its retries allow, or fail it."""
        with self._lock:
            again = (
                isinstance(error, Exception)
                and not isinstance(error, TaskError)
                and task.failures < task.options.retries
            )
            if again:
                task.failures += 1
                self._waiting.appendleft(task)
        if again:
            self._events.retried(task.key, task.attempt + 1, error_line(error))
            self._pump()
        else:
            self._finish(task, error=error)

    # -- packs ---------------------------------------------------------------------------

    def _submit_pack(self, entries: list[tuple[_Task, int]]) -> None:
        """Send ``entries`` to Dask as one task (``remote.run_pack``)."""
        from qloom_dask import remote

        first, attempt = entries[0]
        pack = _Pack(f"pack-{first.key}-{self._token}-{attempt}", entries)
        requests = [(t.key, a, t.options.timeout, t.fn, t.args, t.kwargs) for t, a in entries]
        with self._lock:  # before it can start: its events find their pack
            self.packs_sent += 1
            for task, attempt in entries:
                if not task.done and task.attempt == attempt:
                    task.pack = pack
        try:
            dask_future = self._client.submit(
                remote.run_pack, self._topic, requests, key=pack.key, pure=False, retries=0
            )
        except Exception as exc:  # e.g. the client is closing: the requests cannot run
            with self._lock:
                self._active -= 1
            for task, _ in entries:
                self._finish(task, error=exc)
            return
        with self._lock:
            pack.dask_future = dask_future
        dask_future.add_done_callback(lambda f: self._on_pack_done(pack, f))

    def _on_pack_done(self, pack: _Pack, dask_future: distributed.Future[Any]) -> None:
        """Dask's callback thread: a pack ended; settle, retry or rerun each request."""
        with self._lock:
            self._active -= 1
            pack.done = True
            current = [(t, a) for t, a in pack.entries if not t.done and t.attempt == a]
            requeue = pack.requeue
            if requeue:  # killed by the executor for one stuck request: not the others' fault
                self._waiting.extendleft(reversed([t for t, _ in current]))
        if requeue:
            for task, attempt in current:
                why = "its pack's worker was replaced to stop another request"
                self._events.retried(task.key, attempt + 1, why)
        self._pump()
        if requeue or not current:
            return
        try:
            if dask_future.status == "finished":
                outcomes = dask_future.result()
            elif dask_future.status == "error":
                outcomes = None
                error = dask_future.exception()
            else:
                outcomes, error = None, TaskCancelled("Dask cancelled it", pack.key)
        except Exception as exc:  # the client closed under us: the results are out of reach
            for task, _ in current:
                self._finish(task, error=TaskCancelled(f"lost its Dask future: {exc}", task.key))
            return
        if outcomes is None:
            from distributed.scheduler import KilledWorker

            if isinstance(error, KilledWorker):
                self._pack_died(pack, current, error)
                return
            for task, _ in current:
                self._finish(task, error=error)
            return
        index = {id(t): i for i, (t, _) in enumerate(pack.entries)}
        for task, _ in current:
            ok, value = outcomes[index[id(task)]]
            if ok:
                self._finish(task, result=value)
            else:
                self._failed(task, value.restore() if isinstance(value, TaskFailure) else value)

    def _pack_died(
        self, pack: _Pack, current: list[tuple[_Task, int]], error: KilledWorker
    ) -> None:
        """The worker of ``pack`` died while running one of its requests.

        Requests run in pack order and their ``RUNNING`` events arrive in that order, but
        the dying one's event may be lost with its worker: the culprit is the last request
        seen running *or one after it*. The death is therefore charged to that request and
        to every unfinished one after it (all of them when none was seen), never to the
        requests before it, which had finished; and every request of the pack runs alone
        from then on, so a request that kills its worker is charged on every attempt and
        its neighbours at most once.
        """
        with self._lock:
            keys = [t.key for t, _ in pack.entries]
            first = keys.index(pack.running) if pack.running in keys else 0
            charged = [t for t, _ in current if keys.index(t.key) >= first]
            innocent = [t for t, _ in current if keys.index(t.key) < first]
            for task, _ in current:
                task.solo = True
            self._waiting.extendleft(reversed(innocent))
        for task in innocent:
            self._events.retried(task.key, task.attempt + 1, "its pack's worker died")
        for task in charged:
            self._worker_died(task, error)
        if innocent:
            self._pump()

    def _soft_stop(self, key: str, reason: str, where: _Where | None, pack: _Pack) -> None:
        """The supervisor's thread: stop packed request ``key`` without killing its worker:
        skipped if it has not started, asked to stop at its next checkpoint if it runs; a
        request still running ``PACK_STOP_GRACE`` s later has its worker killed."""
        from qloom_dask import remote

        try:
            self._client.run(
                remote.stop_early,
                key,
                reason,
                workers=None if where is None else [where[0]],
                on_error="return",
            )
        except Exception:  # the worker is gone: so is the request
            _log.debug("could not reach the worker of %s", key, exc_info=True)
        if where is not None:
            deadline = time.monotonic() + PACK_STOP_GRACE
            self._supervisor.at(deadline, partial(self._stuck, key, reason, pack, where))

    def _stuck(self, key: str, reason: str, pack: _Pack, where: _Where) -> None:
        """Kill the worker of ``pack`` (at ``where``) if it still runs stopped request
        ``key``; the pack's other unfinished requests then run again (not counted as worker
        deaths)."""
        with self._lock:
            if pack.done or pack.running != key or pack.dask_future is None:
                return
            pack.requeue = True
            stop = Stop(pack.key, reason, pack.dask_future, *where)
        self._supervisor.stop(stop)

    def _worker_died(self, task: _Task, error: KilledWorker) -> None:
        last = str(getattr(error.last_worker, "address", error.last_worker))
        with self._lock:
            if last not in self._killed:  # a worker we killed is not the task's fault
                task.deaths += error.allowed_failures + 1
            again = task.deaths <= task.options.max_worker_deaths
            if again:
                self._waiting.appendleft(task)
        if again:
            self._events.retried(task.key, task.attempt + 1, f"its worker {last} died")
            self._pump()
        else:
            self._finish(task, error=WorkerDied(task.key, task.deaths, last))

    def _finish(self, task: _Task, result: Any = None, error: BaseException | None = None) -> None:
        with self._lock:
            if task.done:
                return
            self._forget(task)
        if error is None:
            task.future.set_result(result)
        else:
            task.future.set_exception(error)

    def _stop(self, task: _Task, error: TaskError, attempt: int | None = None) -> bool:
        """Fail ``task`` with ``error`` now; the supervisor then stops its attempt."""
        with self._lock:
            if task.done or (attempt is not None and attempt != task.attempt):
                return False
            pack = task.pack
            if pack is not None:  # its worker runs other requests: stop this one alone
                at = None if task.worker is None else self._where(task)
                soft = partial(self._soft_stop, task.key, str(error), at, pack)
                if task.worker is None:
                    _remember(self._stopped, task.key, (task.attempt, pack))
                self._forget(task)
                task.future.set_exception(error)
                self._supervisor.soon(soft)
                return True
            stop = None
            if task.dask_future is not None:
                where = (task.worker, task.nanny, task.pid, task.threads)
                stop = Stop(task.key, str(error), task.dask_future, *where)
            if task.attempt and task.worker is None:  # may start unseen: stop it if it does
                _remember(self._stopped, task.key, (task.attempt, None))
            self._forget(task)
        task.future.set_exception(error)
        if stop is not None:
            self._supervisor.stop(stop)
        return True

    @staticmethod
    def _where(task: _Task) -> _Where:
        return (task.worker or "", task.nanny, task.pid, task.threads)

    def _forget(self, task: _Task) -> None:
        """Under the lock: ``task`` is over."""
        task.done = True
        task.dask_future = None
        self._tasks.pop(task.key, None)
        self._by_future.pop(task.future, None)

    def _expire(self, task: _Task, attempt: int) -> None:
        self._stop(task, TaskTimeout(task.options.timeout or 0.0, task.key), attempt)

    # -- events (Dask's event loop: never block here) --------------------------------------

    def _on_event(self, event: tuple[float, Mapping[str, Any]]) -> None:
        """A status event from a worker: note where a task runs, then dispatch it."""
        _, message = event
        owner, attempt = message["task"], message["attempt"]
        starts = message["status"] == "RUNNING" and message["key"] == owner
        where = (message["worker"], message["nanny"], message["pid"], message["threads"])
        live = late = False
        packed: _Pack | None = None
        with self._lock:
            task = self._tasks.get(owner)
            if task is not None and task.attempt == attempt and not task.done:
                live = True
                if starts:
                    task.worker, task.nanny, task.pid, task.threads = where
                    if task.pack is not None:
                        task.pack.running = owner
                    if task.options.timeout is not None:
                        deadline = time.monotonic() + task.options.timeout
                        self._supervisor.at(deadline, partial(self._expire, task, attempt))
            elif starts and self._stopped.get(owner, (0, None))[0] == attempt:
                packed = self._stopped.pop(owner)[1]
                late = True
                if packed is not None:
                    packed.running = owner
        if late and packed is not None:  # a request of a pack: stop it alone, as in _stop
            self._supervisor.soon(
                partial(self._soft_stop, owner, "started after it was stopped", where, packed)
            )
        elif late:
            self._supervisor.stop(Stop(owner, "started after it was stopped", None, *where))
        if live:
            self._events.status(
                message["key"],
                message["status"],
                message["detail"],
                worker_id=message["worker"],
                attempt=attempt,
            )

    # -- hard stops (the supervisor's thread) ----------------------------------------------

    def _hard_stop(self, stops: list[Stop]) -> None:
        """Cancel the attempts' Dask futures, then replace (or ask) the workers running them.

        A worker under a nanny is first held by the scheduler (no new task goes to it), then
        its nanny kills its process and starts a fresh one; its threads stay reserved until
        then. Asking the worker to close instead would wait for the stuck task's thread. A
        worker without a nanny is asked to stop the task at its next checkpoint.
        """
        from qloom_dask import remote

        client = self._client
        running = {s.worker: s for s in stops if s.worker is not None}
        killed = {w: s for w, s in running.items() if s.nanny and s.pid is not None}
        for address in killed:
            try:
                client.run_on_scheduler(remote.hold_worker, address)
            except Exception:  # holding only spares innocent tasks a detour
                _log.debug("could not hold worker %s", address, exc_info=True)
        reserved = {}
        with self._lock:
            for address, stop in killed.items():
                _remember(self._killed, address, None)
                reserved[address] = number = next(self._reservations)
                self._reserved[number] = _Reserved(stop.threads, stop.nanny or "", address)
                deadline = time.monotonic() + REPLACED_WITHIN
                self._supervisor.at(deadline, partial(self._release, [number]))
        futures = [s.dask_future for s in stops if s.dask_future is not None]
        if futures:
            client.cancel(futures, reason="stopped by qloom")
        for address, stop in running.items():
            if address in killed:
                self._kill(address, stop.pid, reserved[address])
            else:
                try:
                    client.run(
                        remote.request_stop,
                        stop.key,
                        stop.reason,
                        workers=[address],
                        on_error="return",
                    )
                except Exception:  # the worker is gone: so is the task
                    _log.debug("could not reach worker %s", address, exc_info=True)

    def _kill(self, address: str, pid: int | None, reservation: int) -> None:
        """Have the nanny of the worker at ``address`` kill its process ``pid``."""
        from qloom_dask import remote

        try:
            outcome = self._client.run(
                remote.kill_worker_process, pid, workers=[address], nanny=True, on_error="return"
            )
            done = outcome.get(address) is True
        except Exception as exc:
            done, outcome = False, exc
        if not done:  # gone already, or not a process of that nanny: let it work again
            _log.warning("could not kill worker %s: %s", address, outcome)
            with contextlib.suppress(Exception):
                self._client.run_on_scheduler(remote.hold_worker, address, hold=False)
            self._release([reservation])

    def _on_cluster_event(self, event: tuple[float, Any]) -> None:
        """Dask's event loop: a scheduler event; a new worker may replace a killed one."""
        _, message = event
        if not isinstance(message, Mapping):
            return
        if message.get("action") == "add-worker":
            self._supervisor.soon(self._look_at_workers)
            with self._lock:
                waiting = bool(self._reserved)
            if waiting:
                self._supervisor.soon(self._check_replacements)
        elif message.get("action") == "remove-worker" and "worker" in message:
            gone = str(message["worker"])
            expected = bool(message.get("expected"))
            self._supervisor.soon(partial(self._worker_left, gone, expected))

    def _look_at_workers(self) -> None:
        """The supervisor's thread: announce workers new to the hooks (and whom they replace)."""
        if self._closed:
            return
        try:
            workers = self._client.scheduler_info()["workers"]
        except Exception:  # closing, or the scheduler is gone: the next event asks again
            _log.debug("could not list the workers", exc_info=True)
            return
        for address, info in workers.items():
            if address in self._workers:
                continue
            nanny = info.get("nanny")
            self._workers[address] = nanny
            self._events.worker_started(address)
            old = self._lost.pop(nanny, None) if nanny else None
            if old is not None:
                self._events.worker_replaced(old, address)

    def _worker_left(self, address: str, expected: bool) -> None:
        """The supervisor's thread: a worker the hooks know left the cluster."""
        if address not in self._workers:
            return
        nanny = self._workers.pop(address)
        with self._lock:
            killed = address in self._killed
        if killed:
            reason = "killed to stop a task (its nanny starts a new one)"
        elif expected:
            reason = "it was retired or closed"
        else:
            reason = "it died or stopped answering the scheduler"
        self._events.worker_lost(address, reason)
        if nanny:
            self._lost[nanny] = address

    def _check_replacements(self) -> None:
        """Release the threads of killed workers whose nannies started a new worker."""
        workers = self._client.scheduler_info()["workers"]
        back = {(info.get("nanny"), address) for address, info in workers.items()}
        with self._lock:
            replaced = [
                number
                for number, r in self._reserved.items()
                if any(nanny == r.nanny and address != r.worker for nanny, address in back)
            ]
        self._release(replaced)

    def _release(self, numbers: list[int]) -> None:
        with self._lock:
            for number in numbers:
                self._reserved.pop(number, None)
        self._pump()

    # -- capacity and resources ----------------------------------------------------------

    def _threads(self) -> int:
        """Worker threads of the cluster (an existing one is asked at most every second)."""
        fresh = time.monotonic() - self._capacity_at < CAPACITY_TTL
        if self._cluster is not None or self._closed or fresh:
            return self._capacity
        try:
            self._capacity = max(1, sum(self._client.nthreads().values()))
            self._capacity_at = time.monotonic()
        except Exception:  # keep the last count; the next call asks again
            _log.debug("could not count the workers' threads", exc_info=True)
        return self._capacity

    def _dask_resources(self, key: str, options: TaskOptions) -> dict[str, float] | None:
        """The Dask resources ``options`` ask for; refused if no worker could give them."""
        wanted = {RESOURCES[name]: float(amount) for name, amount in options.resources.items()}
        if not wanted:
            return None
        if not any(_fits(wanted, offer) for offer in self._declared):
            info = self._client.scheduler_info()
            self._declared = [dict(w.get("resources") or {}) for w in info["workers"].values()]
        if any(_fits(wanted, offer) for offer in self._declared):
            return wanted
        missing = sorted(n for n in wanted if not any(n in offer for offer in self._declared))
        if missing:
            raise ConfigError(
                f"task {key} asks for {dict(options.resources)} but no worker of the Dask "
                f"cluster at {self.address} declares {missing}; {DECLARE_HINT}"
            )
        raise ConfigError(
            f"task {key} asks for {wanted} but no single worker of the Dask cluster at "
            f"{self.address} has that much (its workers declare {self._declared})"
        )

    def _close_client(self) -> None:
        for topic in (self._topic, "all"):
            try:
                self._client.unsubscribe_topic(topic)
            except Exception:  # closing anyway
                _log.debug("could not unsubscribe from %s", topic, exc_info=True)
        try:
            self._client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()


def _fits(wanted: Mapping[str, float], offer: Mapping[str, float]) -> bool:
    return all(offer.get(name, 0.0) >= amount for name, amount in wanted.items())


def _remember(memory: OrderedDict[str, Any], key: str, value: Any) -> None:
    memory[key] = value
    while len(memory) > _REMEMBERED:
        memory.popitem(last=False)
