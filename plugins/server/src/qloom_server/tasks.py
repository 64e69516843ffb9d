"""The server's tasks: a ``qloom.Compiler`` on the server's executor and store, per user.

Statuses are the Compiler's (``QUEUED``, ``INITIALIZING``, ``RUNNING: <STAGE>``, ``DONE``,
``FAILED``, ``CANCELLED``); every change is also written to the task's log.

Restart: only one server may use a store (an exclusive lock beside it). On start, tasks a
previous server left unfinished (it was killed, or stopped while they ran) are submitted
again from their stored plain-data request, under the same public id, at most
``max_requeues`` times; past that they stay ``FAILED`` with the reason. None is lost and
none is run twice at the same time.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from typing import IO, Any

from qloom import qasm2
from qloom.circuit import Circuit
from qloom.compiler import Batch, Compiler, Task, TaskRecord, TaskStore
from qloom.compiler.wire import circuit_from_data
from qloom.errors import QloomError, StoreError
from qloom.failures import error_to_data
from qloom.hookspecs import hookimpl
from qloom.plugins import get_registry
from qloom_server.config import ServerConfig
from qloom_server.db import Database
from qloom_server.errors import ApiError, qloom_error_body
from qloom_server.files import Files
from qloom_server.inputs import backend_name, check_backend_options, read_circuit
from qloom_server.ledger import Ledger, Owned
from qloom_server.models import (
    CancelOut,
    CompiledOut,
    LogLine,
    LogsOut,
    ResultOut,
    SubmitIn,
    SubmitOut,
    TaskOut,
    TaskRef,
)

__all__ = ["TaskService"]

_PENDING_CAP = 10_000  # status events buffered for tasks not yet in the ledger


class TaskService:
    """Submit, follow, cancel and read back users' tasks.

    Raises:
        QloomError: another server holds the store.
        StoreError: the store cannot be used.
    """

    def __init__(self, config: ServerConfig, db: Database, files: Files) -> None:
        self.config = config
        self.limits = config.limits
        self.files = files
        self.ledger = Ledger(db)
        self._lock_file = _lock_store(Path(db.path))
        probe = TaskStore(db.path)
        left = {record.id for record in probe.unfinished()}
        probe.close()
        self._submit_lock = threading.Lock()
        self._pending: dict[str, list[tuple[float, str, str]]] = {}
        self._pending_lock = threading.Lock()
        self._written: set[str] = set()
        self.compiler = Compiler(
            config.executor,
            address=config.address,
            workers=config.workers,
            store=db.path,
            reuse=False,  # a result cached from another user's task would reveal it exists
            progress=False,
        )
        self.store = self.compiler.store
        self._events = _Events(self)
        get_registry().hook_manager().register(self._events)
        self.requeued = self._recover(left)

    # -- submitting ---------------------------------------------------------------------

    def submit(self, user: str, body: SubmitIn) -> SubmitOut:
        """Queue one circuit (a task) or several (a batch) for ``user``."""
        count = len(body.circuits)
        if count > self.limits.max_circuits:
            raise ApiError(
                413,
                "TooManyCircuits",
                f"{count} circuits in one request; the limit is {self.limits.max_circuits}",
            )
        circuits, operations = [], 0
        for i, entry in enumerate(body.circuits):
            circuit = read_circuit(
                user, self.files, entry.qasm, entry.file, entry.name, f"circuits[{i}]",
                self.limits.qasm,
            )  # fmt: skip
            operations += len(circuit)
            if operations > self.limits.qasm.max_operations:
                raise ApiError(
                    413,
                    "TooManyOperations",
                    f"the circuits of this request have over {self.limits.qasm.max_operations} "
                    f"operations together (at circuits[{i}])",
                )
            circuits.append(circuit)
        backend = backend_name(body.backend)
        batch = body.batch if body.batch is not None else count > 1
        with self._submit_lock:
            queued = self.ledger.unfinished_count(user)
            if queued + count > self.limits.max_queued:
                raise ApiError(
                    429,
                    "QueueFull",
                    f"you have {queued} tasks not yet ended; the limit is {self.limits.max_queued}",
                    headers={"Retry-After": "5"},
                )
            try:
                out = self._submit(body, circuits, backend, batch)
            except QloomError as exc:
                with self._pending_lock:
                    self._pending.clear()
                error = qloom_error_body(exc)["error"]
                raise ApiError(400, error.pop("type"), error.pop("message"), **error) from None
            tasks = out.tasks if isinstance(out, Batch) else (out,)
            batch_id = out.id if isinstance(out, Batch) else None
            for task, entry in zip(tasks, body.circuits, strict=True):
                options = {"timeout": body.timeout, "result_file": entry.result_file}
                self.ledger.add(task.id, user, batch_id, options)
                self._flush(task.id)
            with self._pending_lock:  # only a submission buffers: what is left is no task's
                self._pending.clear()
        for task in tasks:
            self._after_end(task.id)
        return SubmitOut(batch=batch_id, tasks=[self._ref(t) for t in tasks])

    def _submit(
        self, body: SubmitIn, circuits: list[Circuit], backend: str | None, batch: bool
    ) -> Task | Batch:
        return self.compiler.submit(
            circuits if batch else circuits[0],
            backend,
            body.pipeline,
            body.seed,
            padding=body.padding,
            timeout=self._timeout(body.timeout),
            backend_options=check_backend_options(body.backend_options),
        )

    def _timeout(self, asked: float | None) -> float:
        """A task's timeout: the one asked for, at most the server's limit."""
        limit = self.limits.max_task_seconds
        return limit if asked is None else min(asked, limit)

    def _ref(self, task: Task) -> TaskRef:
        record = self.store.record(task.id)
        return TaskRef(id=task.id, status=record.status if record else "QUEUED")

    # -- reading ------------------------------------------------------------------------

    def owned(self, user: str, task_id: str) -> Owned:
        """``user``'s task, or a 404 (also for another user's)."""
        owned = self.ledger.owned(user, task_id)
        if owned is None:
            raise ApiError(404, "NotFound", f"no task {task_id[:80]!r}")
        return owned

    def info(self, user: str, task_id: str) -> TaskOut:
        """What the server knows of one task."""
        return self._out(self.owned(user, task_id))

    def list(
        self, user: str, status: str | None, batch: str | None, after: str | None, limit: int
    ) -> list[TaskOut]:
        """``user``'s tasks, oldest first."""
        return [self._out(o) for o in self.ledger.mine(user, status, batch, after, limit)]

    def _record(self, owned: Owned) -> TaskRecord:
        record = self.store.record(owned.current)
        if record is None:  # the core row was removed by hand
            raise ApiError(404, "NotFound", f"task {owned.id!r} is gone from the store")
        return record

    def _out(self, owned: Owned) -> TaskOut:
        record = self._record(owned)
        return TaskOut(
            id=owned.id,
            name=record.name,
            backend=record.backend,
            pipeline=record.pipeline,
            status=record.status,
            detail=record.detail,
            created=owned.created,
            started=record.started,
            finished=record.finished,
            batch=owned.batch,
            attempts=owned.attempts,
        )

    def result(self, user: str, task_id: str, wait: float) -> ResultOut:
        """The task's result (or how it failed), waiting up to ``wait`` seconds.

        Raises:
            ApiError: 409 while it has not ended.
        """
        owned = self.owned(user, task_id)
        deadline = time.monotonic() + min(max(wait, 0.0), self.limits.max_wait)
        while True:
            owned = self.owned(user, task_id)  # a restart may have moved it
            record = self._record(owned)
            if record.done or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        if not record.done:
            raise ApiError(
                409, "NotFinished", f"task {task_id} is {record.status}", status=record.status
            )
        try:
            data, error = self.store.outcome(owned.current)
        except StoreError as exc:
            return ResultOut(status="FAILED", error=qloom_error_body(exc)["error"])
        if record.status == "DONE" and data is not None:
            return ResultOut(status="DONE", result=_compiled(owned.id, data))
        detail = {"type": record.status, "message": record.detail or record.status}
        return ResultOut(
            status=record.status, error=error_to_data(error) if error is not None else detail
        )

    def cancel(self, user: str, task_id: str) -> CancelOut:
        """Stop the task (a queued one never starts, a running one's worker is freed)."""
        owned = self.owned(user, task_id)
        cancelled = self.compiler.cancel(owned.current, "cancelled by its owner")
        if cancelled:
            self.ledger.log(owned.id, "INFO", "cancel requested by its owner")
        return CancelOut(cancelled=cancelled, status=self._record(owned).status)

    def logs(self, user: str, task_id: str) -> LogsOut:
        """The task's log lines."""
        owned = self.owned(user, task_id)
        lines = self.ledger.logs(owned.id)
        return LogsOut(lines=[LogLine(time=t, level=lv, message=m) for t, lv, m in lines])

    # -- events -------------------------------------------------------------------------

    def on_status(self, core_id: str, status: str, detail: str | None) -> None:
        """A core task changed status: log it (buffered until the ledger knows the task)."""
        level = "ERROR" if status == "FAILED" else "INFO"
        message = status if not detail else f"{status}: {detail}"
        owned = self.ledger.by_current(core_id)
        with self._pending_lock:
            # Buffered while the task's earlier lines wait to be flushed too, so its log
            # keeps their order (QUEUED before INITIALIZING) whichever thread runs first.
            if owned is None or core_id in self._pending:
                if len(self._pending) < _PENDING_CAP or core_id in self._pending:
                    self._pending.setdefault(core_id, []).append((time.time(), level, message))
                return
        self.ledger.log(owned.id, level, message)
        if status in ("DONE", "FAILED", "CANCELLED"):
            self._after_end(owned.id)

    def _flush(self, task_id: str) -> None:
        self._flush_as(task_id, task_id)

    def _after_end(self, task_id: str) -> None:
        """Once a task is done, write its result file if it asked for one (once)."""
        owned = self.ledger.by_current(task_id) or self._by_id(task_id)
        if owned is None or not owned.options.get("result_file"):
            return
        record = self.store.record(owned.current)
        if record is None or record.status != "DONE":
            return
        with self._pending_lock:
            if owned.id in self._written:
                return
            self._written.add(owned.id)
        name = owned.options["result_file"]
        try:
            data, _ = self.store.outcome(owned.current)
            assert data is not None
            text = qasm2.dumps(circuit_from_data(data["circuit"]))
            self.files.write(owned.user, name, text.encode())
            self.ledger.log(owned.id, "INFO", f"result written to file {name!r}")
        except (ApiError, QloomError, OSError, AssertionError) as exc:
            self.ledger.log(owned.id, "ERROR", f"result file {name!r} not written: {exc}")

    def _by_id(self, task_id: str) -> Owned | None:
        rows = self.ledger.db.query("SELECT user FROM server_tasks WHERE id = ?", (task_id,))
        return self.ledger.owned(rows[0][0], task_id) if rows else None

    # -- restart ------------------------------------------------------------------------

    def _recover(self, left: set[str]) -> int:
        """Re-queue the tasks a previous server left unfinished; return how many."""
        count = 0
        for owned in self.ledger.to_requeue(left):
            reason = "the server stopped before it finished"
            if owned.attempts > self.config.max_requeues:
                detail = f"interrupted {owned.attempts} times by server restarts; not re-queued"
                self.store.finish(owned.current, "FAILED", detail=detail)
                self.ledger.settle(owned.id)
                self.ledger.log(owned.id, "ERROR", detail)
                continue
            try:
                new = self._resubmit(owned)
            except (QloomError, LookupError, TypeError, ValueError) as exc:
                detail = f"{reason}, and it could not be re-queued: {exc}"
                self.store.finish(owned.current, "FAILED", detail=detail)
                self.ledger.settle(owned.id)
                self.ledger.log(owned.id, "ERROR", detail)
                continue
            self.store.finish(owned.current, "FAILED", detail=f"{reason}; re-queued as {new}")
            self.ledger.move(owned.id, new.id)
            self.ledger.log(
                owned.id, "WARNING", f"{reason}; re-queued (attempt {owned.attempts + 1})"
            )
            self._flush_as(new.id, owned.id)
            self._after_end(owned.id)  # it may have ended while its lines were buffered
            self._after_end(new.id)  # it may have ended before it was moved
            count += 1
        return count

    def _resubmit(self, owned: Owned) -> Task:
        request = self.store.request(owned.current)
        circuit = circuit_from_data(request["circuit"])
        return self.compiler.submit(
            circuit,
            request["backend"],
            request["pipeline"],
            request["seed"],
            padding=request.get("padding"),
            timeout=self._timeout(owned.options.get("timeout")),
            backend_options=request.get("backend_options"),
        )

    def _flush_as(self, core_id: str, task_id: str) -> None:
        """Write the lines buffered for core task ``core_id`` to task ``task_id``'s log;
        under the lock, so a status arriving meanwhile is written after them."""
        with self._pending_lock:
            for when, level, message in self._pending.pop(core_id, []):
                self.ledger.log(task_id, level, message, when)

    def close(self) -> None:
        """Stop: tasks not yet ended are flagged to be re-queued by the next server."""
        self.ledger.mark_unfinished_for_requeue()
        get_registry().hook_manager().unregister(self._events)
        self.compiler.close(wait=False)
        self._lock_file.close()


class _Events:
    """The hook implementation through which the service hears of its tasks."""

    def __init__(self, service: TaskService) -> None:
        self._service = service

    @hookimpl
    def qloom_task_status_changed(self, task_id: str, status: str, detail: str | None) -> None:
        """Log every status change of the server's tasks."""
        self._service.on_status(task_id, status, detail)

    @hookimpl
    def qloom_task_retried(self, task_id: str, attempt: int, reason: str) -> None:
        """Log a retry (its worker died)."""
        self._service.on_status(task_id, f"RETRY {attempt}", reason)


def _compiled(task_id: str, data: dict[str, Any]) -> CompiledOut:
    circuit = circuit_from_data(data["circuit"])
    metadata = {k: v for k, v in data.items() if k not in ("circuit", "layout")}
    metadata["task_id"] = task_id
    try:
        qasm: str | None = qasm2.dumps(circuit)
    except QloomError:  # not expressible in OpenQASM 2: ``circuit`` still holds it
        qasm = None
    return CompiledOut(qasm=qasm, circuit=data["circuit"], layout=data["layout"], metadata=metadata)


def _lock_store(path: Path) -> IO[str]:
    """Hold an exclusive lock beside the store while this server runs (released by the
    kernel if it is killed)."""
    lock = open(str(path) + ".lock", "w")  # noqa: SIM115 - held for the server's life
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise QloomError(
            f"another qloom server is using the store {path}; stop it or pass another --store"
        ) from None
    lock.write(str(os.getpid()))
    lock.flush()
    return lock
