"""``RemoteCompiler``: the ``Compiler`` API against a ``qloom serve`` server.

``qloom.Compiler("http://host:7472", token=...)`` makes one, so code moves from a laptop to
a shared server by changing one argument. Circuits travel as OpenQASM 2, pipelines as
their JSON specs; results come back as a real ``CompileResult`` (the circuit, rebuilt from
qloom's lossless circuit data, with its layout), and a task's error as the qloom error
type it ended with (``PassError`` with its cause, ``TaskCancelled``, ...).
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, overload

from qloom import qasm2
from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.compiler.handles import Batch, BatchError, CompileResult, Task, result_from_data
from qloom.compiler.store import TaskRecord
from qloom.config import PipelineLike, get_pipeline
from qloom.errors import ArgumentError, QloomError, RemoteError, TaskCancelled
from qloom.hooks import hooks
from qloom.progress import batch_progress
from qloom.remote.errors import qloom_error
from qloom.remote.files import RemoteFiles, ServerFile
from qloom.remote.http import Connection, Verify
from qloom.remote.sessions import RemoteSession

__all__ = ["MAX_WAIT", "RemoteCompiler"]

MAX_WAIT = 30.0
"""Seconds one result request waits on the server (its long-poll limit); longer waits
are several requests."""

_PAGE = 1000
CircuitLike = Circuit | ServerFile
TaskLike = Task | str


class RemoteCompiler:
    """A Compiler whose tasks run on a ``qloom serve`` server.

    Args:
        url: ``http://host:7472`` or ``https://...``.
        token: your bearer token (``qloom serve token create NAME`` on the server);
            ``None`` reads ``$QLOOM_TOKEN``.
        verify: HTTPS: ``True`` (system authorities), a CA file path, or ``False``.
        timeout: default per-task timeout in seconds, sent with each task.
        request_timeout: seconds to wait for the server to connect and answer a request.
        progress: show a progress bar in ``compile``; ``None`` shows one on a terminal.

    Raises:
        ArgumentError: the URL or a timeout is not valid.
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        verify: Verify = True,
        timeout: float | None = None,
        request_timeout: float = 30.0,
        progress: bool | None = None,
    ) -> None:
        if timeout is not None and not (
            isinstance(timeout, int | float) and 0 < timeout < float("inf")
        ):
            raise ArgumentError("Compiler", "timeout", repr(timeout), "it is seconds > 0")
        self.connection = Connection(url, token, verify, request_timeout)
        self.url = self.connection.url
        self.timeout = timeout
        self.progress = progress
        self.files = RemoteFiles(self.connection)
        self._closed = False

    def __repr__(self) -> str:
        return f"RemoteCompiler({self.url!r})"

    def health(self) -> dict[str, Any]:
        """The server's ``/v1/health``: its status, qloom version and executor."""
        answer: dict[str, Any] = self.connection.json("GET", "/v1/health")
        return answer

    # -- submitting -----------------------------------------------------------------------

    @overload
    def submit(
        self,
        circuit: CircuitLike,
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
        result_file: str | None = None,
    ) -> Task: ...

    @overload
    def submit(
        self,
        circuit: Sequence[CircuitLike],
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
        result_file: str | None = None,
    ) -> Batch: ...

    def submit(
        self,
        circuit: CircuitLike | Sequence[CircuitLike],
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
        result_file: str | None = None,
    ) -> Task | Batch:
        """Queue a circuit (a ``Task``) or a list (a ``Batch``) on the server.

        Arguments are the local ``Compiler.submit``'s; a circuit may also be one of your
        uploaded files (``compiler.files.upload(...)`` returns one). ``on`` is sent by
        name, the pipeline as its spec. ``result_file`` (one circuit) names a file of yours
        the server writes the transpiled QASM to. The server runs each task once:
        ``retries``, ``max_worker_deaths`` and ``resources`` other than their defaults are
        refused.

        Raises:
            ArgumentError: an argument the server cannot take, before anything is sent.
            QasmError: the server could not read a circuit (file, line and column).
            ServerError: another refusal (413 over a limit, 429 your queue is full).
        """
        self._check_open()
        single = isinstance(circuit, Circuit | ServerFile)
        items: list[Any] = [circuit] if single else list(circuit)  # type: ignore[arg-type]
        where = "submit"
        if not items:
            raise ArgumentError(where, "circuit", "[]", "it is a circuit or a non-empty list")
        for name, value, default in (
            ("retries", retries, 0),
            ("max_worker_deaths", max_worker_deaths, 3),
            ("resources", resources, None),
        ):
            if value != default:
                raise ArgumentError(
                    where, name, repr(value), f"a server task takes the default ({default!r})"
                )
        if result_file is not None and not single:
            raise ArgumentError(where, "result_file", repr(result_file), "it is for one circuit")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ArgumentError(where, "seed", repr(seed), "it is an integer >= 0")
        timeout = self.timeout if timeout is None else timeout
        body: dict[str, Any] = {
            "circuits": [_circuit_entry(c, i, result_file) for i, c in enumerate(items)],
            "backend": on.name if isinstance(on, Backend) else on,
            "backend_options": dict(backend_options or {}),
            "pipeline": _pipeline_spec(transpiler),
            "seed": seed,
            "padding": padding,
            "timeout": timeout,
            "batch": not single,
        }
        answer = self.connection.json("POST", "/v1/tasks", json_body=body, expect=(202,))
        names = [c.name for c in items]
        tasks = tuple(Task(t["id"], n) for t, n in zip(answer["tasks"], names, strict=True))
        if single:
            return tasks[0]
        return Batch(str(answer["batch"]), tasks)

    # -- following ------------------------------------------------------------------------

    def status(self, task: TaskLike | Batch) -> str:
        """``QUEUED``, ``INITIALIZING``, ``RUNNING: <STAGE>``, ``DONE``, ``FAILED`` or
        ``CANCELLED``; for a batch, ``DONE`` when every task is, else a count per status."""
        if isinstance(task, Batch):
            counts: dict[str, int] = {}
            for record in self.tasks(batch=task):
                state = record.status.partition(":")[0]
                counts[state] = counts.get(state, 0) + 1
            if set(counts) == {"DONE"}:
                return "DONE"
            return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        return self.info(task).status

    def info(self, task: TaskLike) -> TaskRecord:
        """What the server knows of ``task`` (status, detail, times, batch).

        Raises:
            NotFoundError: no task of yours has that id.
        """
        return self._record(self.connection.json("GET", f"/v1/tasks/{_quoted(task)}"))

    def tasks(
        self, status: str | None = None, batch: Batch | str | None = None
    ) -> list[TaskRecord]:
        """Your tasks on the server, oldest first (filtered by status and batch)."""
        return list(self._pages(status, None if batch is None else str(batch)))

    def _pages(self, status: str | None, batch: str | None) -> Iterator[TaskRecord]:
        after = None
        while True:
            query = {"status": status, "batch": batch, "after": after, "limit": _PAGE}
            page = self.connection.json("GET", "/v1/tasks", query=query)["tasks"]
            yield from (self._record(t) for t in page)
            if len(page) < _PAGE:
                return
            after = page[-1]["id"]

    def _record(self, data: Mapping[str, Any]) -> TaskRecord:
        return TaskRecord(
            id=data["id"],
            name=data.get("name"),
            backend=data["backend"],
            pipeline=data["pipeline"],
            status=data["status"],
            detail=data.get("detail"),
            created=data["created"],
            started=data.get("started"),
            finished=data.get("finished"),
            owner=self.url,
            parent=data.get("batch"),
        )

    def logs(self, task: TaskLike) -> list[dict[str, Any]]:
        """The task's log on the server: every status it went through, with times."""
        lines: list[dict[str, Any]] = self.connection.json(
            "GET", f"/v1/tasks/{_quoted(task)}/logs"
        )["lines"]
        return lines

    def result(self, task: TaskLike, timeout: float | None = None) -> CompileResult:
        """Wait for ``task`` and return its result.

        Raises:
            TaskCancelled: it was cancelled.
            QloomError: the compilation's own error, as its type (``PassError`` with the
                original as ``__cause__``, ``TaskTimeout``, ``BackendViolation``, ...).
            NotFoundError: no task of yours has that id.
            TimeoutError: ``timeout`` passed before it ended.
        """
        task_id = _id(task)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = MAX_WAIT if deadline is None else max(0.0, deadline - time.monotonic())
            wait = min(MAX_WAIT, left)
            answer = self.connection.request(
                "GET",
                f"/v1/tasks/{_quoted(task_id)}/result",
                query={"wait": f"{wait:.3f}"},
                timeout=self.connection.timeout + wait,
                expect=(200, 409),
            )
            if answer.status == 200:
                return _outcome(task_id, answer.json())
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"task {task_id} did not end within {timeout:g} s")

    def results(self, batch: Batch | Sequence[TaskLike]) -> list[CompileResult | BaseException]:
        """Wait for every task; each entry is its result, or the exception it ended with."""
        out: list[CompileResult | BaseException] = []
        for task in batch:
            try:
                out.append(self.result(task))
            except QloomError as exc:
                out.append(exc)
            hooks().task_status_changed(_id(task), _ended_as(out[-1]), None)  # a bar counts it
        return out

    @overload
    def compile(
        self,
        circuits: CircuitLike,
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
        circuits: Sequence[CircuitLike],
        on: str | Backend | None = None,
        transpiler: PipelineLike | None = None,
        seed: int | None = None,
        *,
        errors: Literal["raise", "return"] = "raise",
        **options: Any,
    ) -> list[CompileResult | BaseException]: ...

    def compile(
        self,
        circuits: CircuitLike | Sequence[CircuitLike],
        on: str | Backend | None = None,
        transpiler: PipelineLike | None = None,
        seed: int | None = None,
        *,
        errors: Literal["raise", "return"] = "raise",
        **options: Any,
    ) -> CompileResult | list[CompileResult | BaseException]:
        """Transpile one circuit or a list on the server, wait, and return the results in
        input order (a ``BatchError`` carrying every result with ``errors="raise"``)."""
        if isinstance(circuits, Circuit | ServerFile):
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
        """Cancel a task (or every task of a batch) on the server: a queued one never
        starts, a running one is stopped. Returns False when there was nothing left to
        cancel. The server records its own reason ("cancelled by its owner")."""
        if isinstance(task, Batch):
            return any([self.cancel(t, reason) for t in task.tasks])
        answer = self.connection.json("POST", f"/v1/tasks/{_quoted(task)}/cancel")
        return bool(answer["cancelled"])

    def session(
        self,
        circuit: CircuitLike,
        on: str | None = None,
        seed: int | None = None,
        *,
        reward: str = "n2q",
        parameters: Mapping[str, Any] | None = None,
        backend_options: Mapping[str, Any] | None = None,
    ) -> RemoteSession:
        """An interactive session on the server (``qloom.Session`` over the wire)."""
        self._check_open()
        return RemoteSession.start(
            self.connection, circuit, on, seed, reward, parameters, backend_options
        )

    def close(self, wait: bool = True) -> None:
        """Stop using this client; tasks already on the server go on (they are the
        server's), and a later client with the same token finds them by id."""
        self._closed = True

    def __enter__(self) -> RemoteCompiler:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise QloomError("this Compiler was closed; open a new one to submit")


def _circuit_entry(circuit: Any, index: int, result_file: str | None) -> dict[str, Any]:
    if isinstance(circuit, ServerFile):
        entry: dict[str, Any] = {"file": circuit.name}
    elif isinstance(circuit, Circuit):
        entry = {"qasm": qasm2.dumps(circuit)}
        if circuit.name:
            entry["name"] = circuit.name
    elif isinstance(circuit, str | Path):
        raise ArgumentError(
            f"circuits[{index}]",
            "circuit",
            repr(str(circuit))[:100],
            "it is a Circuit (qloom.qasm2.load(path)) or an uploaded file (compiler.files)",
        )
    else:
        raise ArgumentError(
            f"circuits[{index}]", "circuit", type(circuit).__name__, "it is a Circuit"
        )
    if result_file is not None:
        entry["result_file"] = result_file
    return entry


def _pipeline_spec(transpiler: PipelineLike | None) -> str | dict[str, Any] | None:
    if transpiler is None or isinstance(transpiler, str):
        return transpiler
    if isinstance(transpiler, Mapping):
        return dict(transpiler)
    return get_pipeline(transpiler).spec()  # a Pipeline or a Pass travels as its spec


def _outcome(task_id: str, answer: Mapping[str, Any]) -> CompileResult:
    """A finished task's result, or its error raised as the type it ended with."""
    if answer.get("status") == "DONE" and isinstance(answer.get("result"), Mapping):
        data = answer["result"]
        try:
            return result_from_data(
                task_id, {**data["metadata"], "circuit": data["circuit"], "layout": data["layout"]}
            )
        except (LookupError, TypeError, ValueError, AttributeError) as exc:
            raise QloomError(
                f"the server's result for task {task_id} is not one qloom can read "
                f"({type(exc).__name__}: {str(exc)[:200]})"
            ) from None
    status = str(answer.get("status"))
    detail = answer.get("error") if isinstance(answer.get("error"), Mapping) else {}
    assert isinstance(detail, Mapping)
    error = qloom_error(detail)
    if error is None:
        message = str(detail.get("message") or status)
        if status == "CANCELLED":
            error = TaskCancelled(message, task_id)
        elif "type" in detail and detail.get("type") != status:
            error = RemoteError(str(detail["type"]), message)
        else:
            error = QloomError(message if message != status else f"task {task_id} {status}")
    raise error


def _ended_as(outcome: CompileResult | BaseException) -> str:
    if isinstance(outcome, CompileResult):
        return "DONE"
    return "CANCELLED" if isinstance(outcome, TaskCancelled) else "FAILED"


def _id(task: TaskLike) -> str:
    return task.id if isinstance(task, Task) else str(task)


def _quoted(task: TaskLike) -> str:
    return urllib.parse.quote(_id(task), safe="")
