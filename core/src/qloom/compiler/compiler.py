"""``Compiler``: a service that transpiles many circuits on an executor and keeps the results.

In the spirit of BQSKit's ``Compiler`` and Qiskit Serverless jobs: ``submit`` returns at once
with a task, ``status`` says where it is (``RUNNING: ROUTING``), ``result`` waits for it,
``cancel`` stops it, and every task and result is kept in an SQLite store that a later
``Compiler(store=...)`` re-attaches to.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, overload

from qloom import worker
from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.compiler.checks import (
    check_circuits,
    check_count,
    check_plain,
    check_resources,
    check_seed,
    check_timeout,
)
from qloom.compiler.follow import TaskFollower
from qloom.compiler.handles import Batch, BatchError, CompileResult, Task, result_from_data
from qloom.compiler.store import TaskRecord, TaskStore
from qloom.compiler.wire import (
    circuit_from_data,
    circuit_to_data,
    encode_request,
    request_key,
)
from qloom.compiler.work import compile_request, plugin_versions
from qloom.config import PipelineLike, get_backend, get_executor, pipeline_for
from qloom.errors import ArgumentError, QloomError, StoreError, TaskCancelled, TaskRefused
from qloom.executor import Executor, TaskOptions
from qloom.hooks import hooks
from qloom.passes import derive_seed
from qloom.plugins import get_registry
from qloom.progress import batch_progress

__all__ = ["STORE_ENV", "Batch", "BatchError", "CompileResult", "Compiler", "Task"]

STORE_ENV = "QLOOM_STORE"
"""Names the store file used by ``Compiler(store=True)``."""


@dataclass
class _Live:
    """A task this Compiler submitted and is still tracking."""

    future: Future[dict[str, Any]] | None
    ended: threading.Event = field(default_factory=threading.Event)


TaskLike = Task | str


class Compiler:
    """Transpiles circuits on an executor, tracks each task, and stores what it produced.

    Args:
        executor: ``"serial"`` (default), ``"threads"``, ``"processes"``, ``"dask"``, or an
            ``Executor`` (which the Compiler then does not shut down).
        address: a running Dask scheduler (``tcp://host:8786``); ``None`` starts a local one.
        workers: how many workers to start.
        store: where tasks are kept: ``None`` in memory, a path for an SQLite file, or
            ``True`` for ``$QLOOM_STORE`` (default ``~/.cache/qloom/tasks.sqlite``).
        timeout: default per-task timeout in seconds.
        reuse: serve a request identical to a finished one (same circuit, backend,
            pipeline, seed and plugin versions) from the store instead of recompiling.
        progress: show a progress bar in ``compile``; ``None`` shows one on a terminal.
        executor_options: passed to the executor plugin.

    A URL in place of the executor (``Compiler("http://host:7472", token=...)``) gives a
    ``qloom.remote.RemoteCompiler`` with the same methods, whose tasks run on a
    ``qloom serve`` server: its arguments are ``token``, ``verify``, ``timeout``,
    ``request_timeout`` and ``progress``.

    Raises:
        ArgumentError: ``timeout`` or ``connect_timeout`` is not a finite number above 0.
        StoreError: the store file cannot be used (not a store, damaged, or newer).
    """

    def __new__(cls, executor: str | Executor = "serial", *args: Any, **kwargs: Any) -> Compiler:
        """A local Compiler, or the remote one for an ``http(s)://`` URL."""
        if cls is Compiler and isinstance(executor, str):
            from qloom.remote.http import is_server_url

            if is_server_url(executor):
                from qloom.remote.client import RemoteCompiler

                # Same methods, not a subclass: a RemoteCompiler runs nothing locally.
                return RemoteCompiler(executor, *args, **kwargs)  # type: ignore[return-value]
        return super().__new__(cls)

    def __init__(
        self,
        executor: str | Executor = "serial",
        *,
        address: str | None = None,
        workers: int | None = None,
        store: str | Path | bool | None = None,
        timeout: float | None = None,
        reuse: bool = True,
        progress: bool | None = None,
        **executor_options: Any,
    ) -> None:
        self.timeout = check_timeout("Compiler", "timeout", timeout)
        if "connect_timeout" in executor_options:
            connect = executor_options["connect_timeout"]
            check_timeout("Compiler", "connect_timeout", connect)
        self.store = TaskStore(_store_path(store))
        self.reuse = reuse
        self.progress = progress
        self.session = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._live: dict[str, _Live] = {}  # tasks submitted here that have not ended
        self._lock = threading.Lock()
        self._closed = False
        self._mark_interrupted()
        self._owns_executor = not isinstance(executor, Executor)
        if address is not None:
            executor_options["address"] = address
        if workers is not None:
            executor_options["workers"] = workers
        try:
            self.executor = get_executor(executor, **executor_options)
        except BaseException:
            self.store.close()
            raise
        self.executor_name = executor if isinstance(executor, str) else type(executor).__name__
        # its tasks' running statuses come from the executor hooks, like any plugin's
        self._follower = TaskFollower(self._is_live, self._on_running)
        self._hook_manager = get_registry().hook_manager()
        self._hook_manager.register(self._follower)
        # an executor written for qloom 0.1 only emits the raw status stream
        self._unsubscribe = worker.subscribe(self._follower.raw_event)

    # -- submitting -----------------------------------------------------------------------

    @overload
    def submit(
        self,
        circuit: Circuit,
        on: str | Backend | None = None,
        transpiler: PipelineLike | None = None,
        seed: int | None = None,
        *,
        padding: str | None = None,
        timeout: float | None = None,
        retries: int = 0,
        max_worker_deaths: int = 3,
        resources: Mapping[str, float] | None = None,
        backend_options: Mapping[str, Any] | None = None,
    ) -> Task: ...

    @overload
    def submit(
        self,
        circuit: Sequence[Circuit],
        on: str | Backend | None = None,
        transpiler: PipelineLike | None = None,
        seed: int | None = None,
        *,
        padding: str | None = None,
        timeout: float | None = None,
        retries: int = 0,
        max_worker_deaths: int = 3,
        resources: Mapping[str, float] | None = None,
        backend_options: Mapping[str, Any] | None = None,
    ) -> Batch: ...

    def submit(
        self,
        circuit: Circuit | Sequence[Circuit],
        on: str | Backend | None = None,
        transpiler: PipelineLike | None = None,
        seed: int | None = None,
        *,
        padding: str | None = None,
        timeout: float | None = None,
        retries: int = 0,
        max_worker_deaths: int = 3,
        resources: Mapping[str, float] | None = None,
        backend_options: Mapping[str, Any] | None = None,
    ) -> Task | Batch:
        """Queue the transpilation of a circuit (a ``Task``) or of a list (a ``Batch``).

        Args:
            circuit: a circuit, or a sequence of circuits.
            on: backend name (its ``name`` is what workers rebuild it from).
            transpiler: pipeline name, spec, ``Pipeline`` or ``Pass``; defaults to the
                backend's. Workers rebuild it from its spec with their own plugins.
            seed: root seed; ``None`` draws one (recorded in the result). In a batch,
                circuit ``i`` gets a seed derived from it, the same on every executor.
            padding: padding strategy override (``none``, ``before``, ``after``).
            timeout: seconds before the task is stopped (default: the Compiler's).
            retries: re-runs after the compilation raised (0: a failing pass fails once).
            max_worker_deaths: re-runs after the worker running it died.
            resources: ``{"cpu": n, "mem": bytes}``, mapped to the engine's own annotations.
            backend_options: options for the backend factory.

        Raises:
            ArgumentError: an argument out of range or of the wrong type (a negative seed,
                a timeout that is not a finite number above 0, ...), before anything is
                queued; it names the task (the circuit, or the batch) and the argument.
            TaskRefused: a ``qloom_task_vet`` hook refused the circuit (it never runs; it
                is kept in the store as ``FAILED``). In a batch, a refused circuit does not
                raise: its task ends ``FAILED`` with the ``TaskRefused`` (``result`` raises
                it) and the other circuits run.
            SerializationError: ``backend_options`` or the pipeline spec holds a value that
                is not plain JSON data (a numpy number, a set, NaN, ...).
        """
        self._check_open()
        circuit, task = check_circuits(circuit)
        seed = check_seed(task, seed)
        if padding is not None and not isinstance(padding, str):
            raise ArgumentError(task, "padding", repr(padding), "it is a name (or None)")
        backend_options = dict(backend_options or {})
        check_plain(task, "backend_options", backend_options)
        options = dict(
            padding=padding,
            timeout=self.timeout if timeout is None else check_timeout(task, "timeout", timeout),
            retries=check_count(task, "retries", retries),
            max_worker_deaths=check_count(task, "max_worker_deaths", max_worker_deaths),
            resources=check_resources(task, resources),
            backend_options=backend_options,
        )
        backend = get_backend(on, **backend_options)
        spec = pipeline_for(backend, transpiler).spec()
        check_plain(task, "transpiler", spec)
        # Workers rebuild the backend from the name it was asked by (a device file's path,
        # say), which its own ``name`` may not be.
        name = on if isinstance(on, str) else backend.name
        if isinstance(circuit, Circuit):
            return self._submit_one(circuit, name, spec, _seed(seed), None, options)
        batch_id = _new_id("batch")
        root = _seed(seed)
        tasks = tuple(
            self._submit_one(c, name, spec, _batch_seed(root, i), batch_id, options)
            for i, c in enumerate(circuit)
        )
        return Batch(batch_id, tasks)

    def _submit_one(
        self,
        circuit: Circuit,
        backend: str,
        spec: dict[str, Any],
        seed: int,
        parent: str | None,
        options: Mapping[str, Any],
    ) -> Task:
        request = {
            "circuit": circuit_to_data(circuit),
            "backend": backend,
            "backend_options": options["backend_options"],
            "pipeline": spec,
            "seed": seed,
            "padding": options["padding"],
        }
        encoded = encode_request(request)
        key = request_key(encoded, plugin_versions())
        task = Task(_new_id("task"), circuit.name)
        self.store.add(task.id, request, encoded, key, self.session, parent)
        self._announce(task.id, "QUEUED")
        earlier = self.store.done_with(key) if self.reuse else None
        if earlier is not None and earlier != task.id and self._serve_from_store(task.id, earlier):
            return task
        live = _Live(future=None)
        with self._lock:
            self._live[task.id] = live
        task_options = TaskOptions(
            key=task.id,
            timeout=options["timeout"],
            retries=options["retries"],
            max_worker_deaths=options["max_worker_deaths"],
            resources=options["resources"],
            labels={
                "num_qubits": circuit.num_qubits,
                "num_ops": len(circuit),
                "pipeline": spec.get("name"),
                "backend": backend,
                "batch": parent,
            },
        )
        try:
            future = self.executor.submit(compile_request, request, options=task_options)
        except TaskRefused as exc:
            self._end(task.id, None, exc)
            if parent is None:
                raise
            return task  # one refused circuit of a batch: the others still run
        except BaseException as exc:
            self._end(task.id, None, exc)
            raise
        live.future = future
        future.add_done_callback(functools.partial(self._end_future, task.id))
        return task

    def _serve_from_store(self, task_id: str, earlier: str) -> bool:
        """End ``task_id`` with the result of ``earlier``; False (compile it instead) when
        that row cannot be read back whole."""
        try:
            result, _ = self.store.outcome(earlier)
            if result is None:
                return False
            self._stored_result(earlier, result)
        except StoreError:
            return False
        served = {**result, "task_id": task_id, "executor": "store", "cached_from": earlier}
        self.store.finish(task_id, "DONE", served)
        self._announce(task_id, "DONE")
        return True

    # -- following ------------------------------------------------------------------------

    def status(self, task: TaskLike | Batch) -> str:
        """``QUEUED``, ``INITIALIZING`` (started: the worker builds the backend and the
        pipeline), ``RUNNING: <STAGE>``, ``DONE``, ``FAILED`` or ``CANCELLED``.

        For a batch: ``DONE`` when every task is, else a count per status.
        """
        if isinstance(task, Batch):
            counts: dict[str, int] = {}
            for record in self.store.records(parent=task.id):
                state = record.status.partition(":")[0]
                counts[state] = counts.get(state, 0) + 1
            if set(counts) == {"DONE"}:
                return "DONE"
            return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        return self.info(task).status

    def info(self, task: TaskLike) -> TaskRecord:
        """Everything the store knows of ``task`` (status, detail, times, owner)."""
        record = self.store.record(_id(task))
        if record is None:
            raise QloomError(f"no task {_id(task)} in the store at {self.store.path}")
        return record

    def tasks(
        self, status: str | None = None, batch: Batch | str | None = None
    ) -> list[TaskRecord]:
        """Past and present tasks of the store, oldest first (filtered by status prefix)."""
        parent = None if batch is None else str(batch)
        return self.store.records(status=status, parent=parent)

    def result(self, task: TaskLike, timeout: float | None = None) -> CompileResult:
        """Wait for ``task`` and return its result.

        Raises:
            StoreError: its row in the store is damaged (it says which column).
            TaskCancelled: it was cancelled.
            TaskTimeout: it ran out of time.
            WorkerDied: its worker kept dying.
            QloomError: the compilation's own error (``PassError`` with the original as
                ``__cause__``, ``BackendViolation``, ...).
            TimeoutError: ``timeout`` passed before it ended.
        """
        task_id = _id(task)
        record = self._wait(task_id, timeout)
        result, error = self.store.outcome(task_id)
        if record.status == "DONE":
            if result is None:
                raise StoreError(self.store.path, "it is DONE but its row holds no result", task_id)
            return self._stored_result(task_id, result)
        if error is None:
            error = (
                TaskCancelled(record.detail or "cancelled", task_id)
                if record.status == "CANCELLED"
                else QloomError(record.detail or f"task {task_id} {record.status}")
            )
        _restore_cause(error)
        raise error

    def _stored_result(self, task_id: str, data: Mapping[str, Any]) -> CompileResult:
        """The ``CompileResult`` of a stored result, or a ``StoreError`` saying it is damaged."""
        try:
            return result_from_data(task_id, data)
        except (LookupError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(
                self.store.path,
                f"column 'result' is not a result qloom wrote ({type(exc).__name__}: "
                f"{str(exc)[:200]})",
                task_id,
            ) from None

    def results(self, batch: Batch | Sequence[TaskLike]) -> list[CompileResult | BaseException]:
        """Wait for every task; each entry is its result, or the exception it ended with."""
        out: list[CompileResult | BaseException] = []
        for task in batch:
            try:
                out.append(self.result(task))
            except QloomError as exc:
                out.append(exc)
        return out

    def _wait(self, task_id: str, timeout: float | None) -> TaskRecord:
        deadline = None if timeout is None else time.monotonic() + timeout
        live = self._live.get(task_id)
        if live is not None and not live.ended.wait(timeout):
            raise TimeoutError(f"task {task_id} did not end within {timeout:g} s")
        while True:  # a task of another session sharing the store: watch the store
            record = self.info(task_id)
            if record.done:
                return record
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"task {task_id} did not end within {timeout:g} s")
            time.sleep(0.05)

    # -- blocking batch -------------------------------------------------------------------

    @overload
    def compile(
        self,
        circuits: Circuit,
        on: str | Backend | None = None,
        transpiler: PipelineLike | None = None,
        seed: int | None = None,
        *,
        errors: Literal["raise", "return"] = "raise",
        **options: Any,
    ) -> CompileResult: ...

    @overload
    def compile(
        self,
        circuits: Sequence[Circuit],
        on: str | Backend | None = None,
        transpiler: PipelineLike | None = None,
        seed: int | None = None,
        *,
        errors: Literal["raise", "return"] = "raise",
        **options: Any,
    ) -> list[CompileResult | BaseException]: ...

    def compile(
        self,
        circuits: Circuit | Sequence[Circuit],
        on: str | Backend | None = None,
        transpiler: PipelineLike | None = None,
        seed: int | None = None,
        *,
        errors: Literal["raise", "return"] = "raise",
        **options: Any,
    ) -> CompileResult | list[CompileResult | BaseException]:
        """Transpile one circuit or a list, wait, and return the results in input order.

        A list shows a progress bar on a terminal. Circuits that compile are never lost to
        ones that fail: with ``errors="raise"`` a ``BatchError`` carries every result; with
        ``errors="return"`` failed entries hold their exception.
        """
        if isinstance(circuits, Circuit):
            return self.result(self.submit(circuits, on, transpiler, seed, **options))
        circuits = list(circuits)
        with batch_progress(len(circuits), show=self.progress):
            batch = self.submit(circuits, on, transpiler, seed, **options)
            outcomes = self.results(batch)
        failed = {i: o for i, o in enumerate(outcomes) if isinstance(o, BaseException)}
        if failed and errors == "raise":
            kept = [None if isinstance(o, BaseException) else o for o in outcomes]
            raise BatchError(kept, failed)
        return outcomes

    # -- stopping -------------------------------------------------------------------------

    def cancel(self, task: TaskLike | Batch, reason: str = "cancelled by the user") -> bool:
        """Cancel a task (or every task of a batch): a queued one never starts, a running
        one is stopped. Returns False when there was nothing left to cancel."""
        if isinstance(task, Batch):
            return any([self.cancel(t, reason) for t in task.tasks])
        live = self._live.get(_id(task))
        if live is None or live.future is None:
            return False
        return self.executor.cancel(live.future, reason)

    def resubmit(self, task: TaskLike, **overrides: Any) -> Task:
        """Submit a stored task's request again (after it was interrupted, or failed).

        Raises:
            StoreError: the stored request is damaged.
        """
        self._check_open()
        request = {**self.store.request(_id(task)), **overrides}
        try:
            circuit = circuit_from_data(request["circuit"])
        except (LookupError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(
                self.store.path,
                f"column 'request' holds no circuit qloom can read ({type(exc).__name__}: "
                f"{str(exc)[:200]})",
                _id(task),
            ) from None
        return self.submit(
            circuit,
            request["backend"],
            request["pipeline"],
            request["seed"],
            padding=request.get("padding"),
            backend_options=request.get("backend_options"),
        )

    def close(self, wait: bool = True) -> None:
        """Cancel what is still queued or running, release the executor, close the store.

        An executor passed in by the caller, or a cluster given by address, is left running.
        """
        if self._closed:
            return
        self._closed = True
        with self._lock:
            pending = dict(self._live)
        for task_id in pending:
            self.cancel(task_id, "the Compiler was closed")
        if self._owns_executor:
            self.executor.shutdown(wait=wait)
        for task_id, live in pending.items():
            if not live.ended.wait(10.0):
                self.store.finish(task_id, "CANCELLED", detail="the Compiler was closed")
        self._unsubscribe()
        self._hook_manager.unregister(self._follower)
        self.store.close()

    def __enter__(self) -> Compiler:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- bookkeeping ----------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise QloomError("this Compiler was closed; open a new one to submit")

    def _is_live(self, task_id: str) -> bool:
        return task_id in self._live  # ours, and not ended

    def _on_running(self, task_id: str, status: str) -> None:
        if self.store.set_status(task_id, status):
            self._announce(task_id, status)

    def _announce(self, task_id: str, status: str, detail: str | None = None) -> None:
        hooks().task_status_changed(task_id, status, detail)

    def _end_future(self, task_id: str, future: Future[dict[str, Any]]) -> None:
        self._end(task_id, future, None)

    def _end(
        self, task_id: str, future: Future[dict[str, Any]] | None, error: BaseException | None
    ) -> None:
        """Record how a task ended; runs once per task, in whichever thread resolved it."""
        if future is not None:
            if future.cancelled():
                error = TaskCancelled("cancelled before it started", task_id)
            else:
                error = future.exception()
        if error is None and future is not None:
            result = dict(future.result())
            result["task_id"] = task_id
            result["executor"] = self.executor_name
            status, detail = "DONE", None
            self.store.finish(task_id, status, result)
        else:
            assert error is not None
            _restore_cause(error)
            if isinstance(error, TaskCancelled):
                status, detail = "CANCELLED", error.reason
            else:
                status, detail = "FAILED", f"{type(error).__name__}: {error}"
            self.store.finish(task_id, status, error=error, detail=detail)
        self._announce(task_id, status, detail)
        with self._lock:  # ended: the store answers for it from now on
            live = self._live.pop(task_id, None)
        self._follower.forget(task_id)
        if live is not None:
            live.ended.set()

    def _mark_interrupted(self) -> None:
        """Tasks left unfinished by a process that is gone can never end: say so."""
        host = socket.gethostname()
        for record in self.store.unfinished():
            owner_host, _, rest = record.owner.partition(":")
            try:
                pid = int(rest.partition(":")[0] or 0)
            except ValueError:  # not an owner qloom wrote: leave the row as it is
                continue
            if owner_host == host and not _alive(pid):
                self.store.finish(
                    record.id,
                    "FAILED",
                    detail=(
                        f"interrupted: the process that submitted it (pid {pid}) ended before "
                        "it finished; Compiler.resubmit(task) runs it again"
                    ),
                )


def _restore_cause(error: BaseException) -> None:
    """Put the worker's original cause back as ``__cause__`` (pickling drops it); what an
    executor chained there (its remote traceback) goes to the end of the chain."""
    cause = getattr(error, "remote_cause", None)
    if cause is None or error.__cause__ is cause:
        return
    previous = error.__cause__
    if previous is not None and cause.__cause__ is None:
        cause.__cause__ = previous
    error.__cause__ = cause


def _id(task: TaskLike) -> str:
    return task.id if isinstance(task, Task) else str(task)


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def _seed(seed: int | None) -> int:
    return secrets.randbits(63) if seed is None else int(seed)


def _batch_seed(root: int, index: int) -> int:
    return derive_seed(root, "batch", index)


def _store_path(store: str | Path | bool | None) -> str:
    if store is None or store is False:
        return ":memory:"
    if store is True:
        default = Path("~/.cache/qloom/tasks.sqlite").expanduser()
        return os.environ.get(STORE_ENV) or str(default)
    return str(store)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
