"""Every exception qloom raises, each carrying what a user needs to act on it."""

from __future__ import annotations

import pickle
from typing import Any

__all__ = [
    "ArgumentError",
    "BackendViolation",
    "BrokenPluginError",
    "CircuitError",
    "ConfigError",
    "ExecutorConnectionError",
    "ExecutorError",
    "GateError",
    "IncompatiblePluginError",
    "MappingError",
    "MissingPartsError",
    "OptionError",
    "PassError",
    "PluginConflictError",
    "PluginError",
    "QasmError",
    "QasmLimitError",
    "QloomError",
    "RemoteError",
    "SerializationError",
    "StoreError",
    "TaskCancelled",
    "TaskRefused",
    "TaskError",
    "TaskTimeout",
    "UnknownPluginError",
    "VersionMismatch",
    "WorkerDied",
    "transportable",
]


class QloomError(Exception):
    """Base class of qloom's errors."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its constructor's arguments; what a worker attached for the client
        # (remote_traceback, remote_cause) rides along as state.
        state = {k: v for k, v in vars(self).items() if k.startswith("remote_")}
        return (type(self), self._init_args(), state or None)

    def _init_args(self) -> tuple[Any, ...]:
        """The constructor arguments that rebuild this error (for pickling)."""
        return tuple(self.args)


class GateError(QloomError, ValueError):
    """An unknown gate, or a gate used with the wrong arity or parameters."""


class CircuitError(QloomError, ValueError):
    """An operation that does not fit the circuit (qubit out of range, repeated qubit, ...)."""


class ConfigError(QloomError, ValueError):
    """A malformed configuration: TOML pipeline, environment variable or pipeline spec."""


class OptionError(ConfigError, TypeError):
    """A part was given an option it does not have: the caller's error, not the plugin's.

    Attributes:
        part: the part, as messages name it (``pass 'optimizers:cancel'``).
        option: the option that is not known.
        valid: every option the part accepts, with its default as text (``"64"``) or
            ``None`` when it has no default.
        suggestion: the closest valid option, if any.
    """

    def __init__(
        self,
        part: str,
        option: str,
        valid: dict[str, str | None],
        suggestion: str | None = None,
    ) -> None:
        self.part = part
        self.option = option
        self.valid = valid
        self.suggestion = suggestion
        listed = ", ".join(k if v is None else f"{k}={v}" for k, v in valid.items())
        near = f" (did you mean '{suggestion}'?)" if suggestion else ""
        listed = listed or "none (it takes no options)"
        super().__init__(f"{part} has no option '{option}'{near}; valid: {listed}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.part, self.option, self.valid, self.suggestion)


class QasmError(QloomError, ValueError):
    """Bad OpenQASM 2 input, located by file, 1-based line and column.

    Attributes:
        message: what went wrong, including what was expected and what was seen.
        filename: the file name, or ``"<string>"`` for text.
        line: 1-based line number.
        column: 1-based column number.
        source_line: the offending line of source, for display.
    """

    def __init__(
        self,
        message: str,
        filename: str = "<string>",
        line: int = 0,
        column: int = 0,
        source_line: str = "",
    ) -> None:
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column
        self.source_line = source_line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}:{self.column}: {self.message}"
        if not self.source_line:
            return where
        caret = " " * (max(self.column, 1) - 1) + "^"
        return f"{where}\n    {self.source_line}\n    {caret}"

    def _init_args(self) -> tuple[Any, ...]:  # keep the location when pickled across processes
        return (self.message, self.filename, self.line, self.column, self.source_line)


class QasmLimitError(QasmError):
    """A program over one of the reader's ``QasmLimits``, located at the statement at fault.

    Attributes:
        option: the ``QasmLimits`` field that was exceeded (such as ``"max_qubits"``).
        limit: that field's value for this read.
    """

    def __init__(
        self,
        message: str,
        filename: str = "<string>",
        line: int = 0,
        column: int = 0,
        source_line: str = "",
        option: str = "",
        limit: int = 0,
    ) -> None:
        self.option = option
        self.limit = limit
        super().__init__(message, filename, line, column, source_line)

    def _init_args(self) -> tuple[Any, ...]:
        return (*super()._init_args(), self.option, self.limit)


class PluginError(QloomError):
    """Base class of plugin discovery and loading errors."""


class UnknownPluginError(PluginError, LookupError):
    """No installed plugin provides the requested name.

    Attributes:
        kind: the kind of part asked for ("backends", "routers", ...).
        name: the name asked for.
        installed: the names that are installed for that kind.
        suggestion: the closest installed name, if any.
    """

    def __init__(
        self,
        kind: str,
        name: str,
        installed: list[str],
        suggestion: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.installed = installed
        self.suggestion = suggestion
        self.hint = hint
        message = f"no {_singular(kind)} named '{name}' is installed"
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
        listed = ", ".join(sorted(installed)) if installed else "none"
        message += f". Installed {kind}: {listed}. "
        message += (
            hint or "Install the plugin that provides it; `qloom plugins` lists what is installed."
        )
        super().__init__(message)

    def _init_args(self) -> tuple[Any, ...]:
        return (self.kind, self.name, self.installed, self.suggestion, self.hint)


class MissingPartsError(UnknownPluginError):
    """A pipeline needs parts that are not installed: every one of them is named, with the
    distribution that provides it and how to install it when that is known.

    Attributes:
        pipeline: the pipeline's name; backend: the backend whose default it is, if any.
        missing: ``(kind:name, hint)`` for each missing part, ``hint`` being e.g.
            ``provided by qloom-routers: pip install ./plugins/routers`` or ``None``.
    """

    def __init__(
        self, pipeline: str, missing: list[tuple[str, str | None]], backend: str | None = None
    ) -> None:
        self.pipeline = pipeline
        self.missing = missing
        self.backend = backend
        kind, _, name = missing[0][0].partition(":") if missing else ("pipelines", "", pipeline)
        self.kind, self.name, self.installed, self.suggestion = kind, name, [], None
        self.hint = "; ".join(h for _, h in missing if h) or None
        listed = ", ".join(f"{label} ({hint or 'not installed'})" for label, hint in missing)
        whose = f"backend '{backend}' uses pipeline '{pipeline}' by default; it" if backend else (
            f"pipeline '{pipeline}'"
        )
        count = f"{len(missing)} part{'s' if len(missing) != 1 else ''}"
        PluginError.__init__(self, f"{whose} needs {count} that cannot be loaded: {listed}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.pipeline, self.missing, self.backend)


class BrokenPluginError(PluginError, ImportError):
    """An installed plugin failed to import or to build.

    Attributes:
        kind: its kind; name: its entry-point name; distribution/version: who ships it;
        cause: the original exception (also ``__cause__``).
        location: ``file:line`` where it failed, in the plugin's own files if it failed
            there; it also ends ``reason`` and the message.
    """

    def __init__(
        self,
        kind: str,
        name: str,
        distribution: str,
        version: str,
        cause: BaseException | str,
        location: str | None = None,
    ) -> None:
        reason = cause if isinstance(cause, str) else f"{type(cause).__name__}: {cause}"
        if location:
            reason = f"{reason} ({location})"
        super().__init__(
            f"{_singular(kind)} '{name}' from {distribution} {version} is broken: {reason}"
        )
        self.kind = kind
        self.name = name  # after ImportError.__init__, which sets its own ``name``
        self.distribution = distribution
        self.version = version
        self.cause = cause
        self.location = location
        self.reason = reason

    def _init_args(self) -> tuple[Any, ...]:
        return (self.kind, self.name, self.distribution, self.version, self.reason)


class PluginConflictError(PluginError, LookupError):
    """Two or more installed distributions provide the same ``kind:name``: raised when it is
    used, until the user says which one (``QLOOM_PREFER`` or ``[plugins] prefer``).

    Attributes:
        kind, name: the contested part; providers: ``distribution version`` of each;
        preferred: the distribution the user asked for that does not provide it, if any.
    """

    def __init__(
        self, kind: str, name: str, providers: list[str], preferred: str | None = None
    ) -> None:
        self.kind = kind
        self.name = name
        self.providers = providers
        self.preferred = preferred
        first = providers[0].split(" ")[0] if providers else "<distribution>"
        listed = ", ".join(providers)
        if preferred:
            head = f"{_singular(kind)} '{name}': the preferred distribution {preferred} "
            head += f"does not provide it; its providers are {listed}"
        else:
            head = f"{_singular(kind)} '{name}' is provided by {len(providers)} distributions: "
            head += listed
        super().__init__(
            f"{head}. Choose one with QLOOM_PREFER={kind}:{name}={first} or, in qloom.toml, "
            f'[plugins] prefer = {{ "{kind}:{name}" = "{first}" }}; or uninstall the others'
        )

    def _init_args(self) -> tuple[Any, ...]:
        return (self.kind, self.name, self.providers, self.preferred)


class IncompatiblePluginError(BrokenPluginError):
    """A plugin declares a qloom version range that the installed core is not in."""


class BackendViolation(QloomError, ValueError):
    """A circuit uses a qubit, pair or gate its backend does not accept.

    Attributes:
        backend: the backend's name.
        index: index of the first offending operation.
        gate: its gate name; qubits: its qubits; reason: what the backend refused.
        stage: the pass or pipeline that produced the circuit, when known.
    """

    def __init__(
        self,
        backend: str,
        index: int,
        gate: str,
        qubits: tuple[int, ...],
        reason: str,
        stage: str | None = None,
    ) -> None:
        self.backend = backend
        self.index = index
        self.gate = gate
        self.qubits = qubits
        self.reason = reason
        self.stage = stage
        where = f" (output of {stage})" if stage else ""
        super().__init__(
            f"backend '{backend}' rejects operation {index}{where}: "
            f"{gate} on qubits {list(qubits)}: {reason}"
        )

    def _init_args(self) -> tuple[Any, ...]:
        return (self.backend, self.index, self.gate, self.qubits, self.reason, self.stage)


class MappingError(QloomError, ValueError):
    """A circuit cannot be placed or routed on a backend (too wide, qubits not connected,
    a gate on more qubits than the coupling allows, or a router out of its step budget)."""


class PassError(QloomError, RuntimeError):
    """A pass raised; the original exception is ``__cause__``.

    Attributes:
        pass_name: the failing pass, as ``kind:name``; pipeline: the pipeline running it.
    """

    def __init__(self, pass_name: str, pipeline: str | None, message: str) -> None:
        self.pass_name = pass_name
        self.pipeline = pipeline
        self.message = message
        where = f" in pipeline '{pipeline}'" if pipeline else ""
        super().__init__(f"pass '{pass_name}'{where} failed: {message}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.pass_name, self.pipeline, self.message)


class TaskError(QloomError):
    """Base class of the errors that end a task for a reason outside its own code.

    Attributes:
        task_id: the task's identifier (the Compiler's id, or the executor's key).
    """

    task_id: str | None = None


class TaskCancelled(TaskError):
    """The task was cancelled before it finished; ``reason`` says by whom or why."""

    def __init__(self, reason: str = "cancelled", task_id: str | None = None) -> None:
        self.reason = reason
        self.task_id = task_id
        where = f"task {task_id} " if task_id else "task "
        super().__init__(f"{where}was cancelled: {reason}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.reason, self.task_id)


class TaskRefused(TaskError):
    """A ``qloom_task_vet`` hook refused the task before it was submitted."""

    def __init__(self, reason: str, task_id: str | None = None) -> None:
        self.reason = reason
        self.task_id = task_id
        where = f"task {task_id} " if task_id else "task "
        super().__init__(f"{where}was refused: {reason}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.reason, self.task_id)


class TaskTimeout(TaskError, TimeoutError):
    """The task ran longer than its timeout and was stopped."""

    def __init__(self, seconds: float, task_id: str | None = None) -> None:
        self.seconds = seconds
        self.task_id = task_id
        where = f"task {task_id} " if task_id else "task "
        super().__init__(f"{where}timed out after {seconds:g} s")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.seconds, self.task_id)


class WorkerDied(TaskError):
    """The worker running the task died on every attempt the task was allowed.

    Attributes:
        attempts: how many times the task was started.
        last_worker: the worker (pid or address) that died last.
    """

    def __init__(self, task_id: str | None, attempts: int, last_worker: str) -> None:
        self.task_id = task_id
        self.attempts = attempts
        self.last_worker = last_worker
        super().__init__(
            f"task {task_id}: its worker died on each of {attempts} attempt(s); "
            f"last worker {last_worker}"
        )

    def _init_args(self) -> tuple[Any, ...]:
        return (self.task_id, self.attempts, self.last_worker)


class SerializationError(TaskError, TypeError):
    """A task's argument cannot be sent to a worker (refused at submit, before any work),
    or its result cannot be sent back (``result`` true; ``argument`` names its type)."""

    def __init__(
        self, task_id: str | None, argument: str, reason: str, result: bool = False
    ) -> None:
        self.task_id = task_id
        self.argument = argument
        self.reason = reason
        self.result = result
        what = (
            f"its result ({argument}) could not be serialised to come back from the worker"
            if result
            else f"argument {argument} cannot be sent to a worker"
        )
        super().__init__(f"task {task_id or '<unnamed>'}: {what}: {reason}")

    @classmethod
    def of_result(
        cls, task_id: str | None, value: object, exc: BaseException
    ) -> SerializationError:
        """The error for a task whose return ``value`` failed to serialise with ``exc``."""
        return cls(task_id, type(value).__name__, f"{type(exc).__name__}: {exc}", result=True)

    def _init_args(self) -> tuple[Any, ...]:
        return (self.task_id, self.argument, self.reason, self.result)


class RemoteError(QloomError):
    """Stands in for a worker's exception whose type could not be sent back.

    Attributes:
        type_name: the original exception's qualified type name; message: its message.
    """

    def __init__(self, type_name: str, message: str) -> None:
        self.type_name = type_name
        self.message = message
        super().__init__(f"{type_name}: {message}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.type_name, self.message)

    @classmethod
    def standing_in_for(cls, exc: BaseException) -> RemoteError:
        """A ``RemoteError`` naming ``exc``'s type and message (even an unprintable one)."""
        kind = type(exc)
        try:
            message = str(exc)
        except Exception:
            message = "<unprintable>"
        return cls(f"{kind.__module__}.{kind.__qualname__}", message)


def transportable(exc: BaseException) -> BaseException:
    """``exc`` if it survives a pickle round trip, else a ``RemoteError`` standing in for it.

    What a worker does with an exception before sending it to another process.
    """
    try:
        pickle.loads(pickle.dumps(exc, pickle.HIGHEST_PROTOCOL))
    except Exception:
        return RemoteError.standing_in_for(exc)
    return exc


class ArgumentError(QloomError, ValueError):
    """An argument out of range or of the wrong type, refused before any work is queued.

    Attributes:
        task: what it was given for (``"task 'ghz3'"``, ``"batch of 5 circuits"``), or ``None``.
        argument: the argument's name; value: the value given, as ``repr`` text;
        reason: what the argument must be.
    """

    def __init__(self, task: str | None, argument: str, value: str, reason: str) -> None:
        self.task = task
        self.argument = argument
        self.value = value
        self.reason = reason
        where = f"{task}: " if task else ""
        super().__init__(f"{where}argument {argument}={value} is invalid: {reason}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.task, self.argument, self.value, self.reason)


class StoreError(QloomError):
    """A task store file qloom cannot use, or a task whose stored row is damaged.

    Raised for a file that is not SQLite, an SQLite file of another program or format, a
    store written by a newer qloom, or a row whose columns hold the wrong data.

    Attributes:
        path: the store file; problem: what is wrong with it;
        task_id: the task whose row is damaged, when it is one row; hint: what to do.
    """

    def __init__(
        self, path: str, problem: str, task_id: str | None = None, hint: str | None = None
    ) -> None:
        self.path = path
        self.problem = problem
        self.task_id = task_id
        self.hint = hint or (
            "move it aside or pass another --store (Compiler(store=...))"
            if task_id is None
            else "submit the task again, or move the store aside and pass another --store"
        )
        row = f"task {task_id}: " if task_id else ""
        super().__init__(f"task store {path}: {row}{problem}; {self.hint}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.path, self.problem, self.task_id, self.hint)


class ExecutorError(QloomError):
    """An executor could not start, connect or keep its workers."""


class ExecutorConnectionError(ExecutorError, ConnectionError):
    """No scheduler answered at ``address`` within ``timeout`` seconds."""

    def __init__(self, address: str, timeout: float, reason: str = "") -> None:
        self.address = address
        self.timeout = timeout
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"could not connect to {address} within {timeout:g} s{detail}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.address, self.timeout, self.reason)


class VersionMismatch(ExecutorError):
    """A worker has a different version of a package than the client.

    Attributes:
        package: the distribution; local: its version here; remote: ``{worker: version}``.
    """

    def __init__(self, package: str, local: str | None, remote: dict[str, str | None]) -> None:
        self.package = package
        self.local = local
        self.remote = remote
        seen = ", ".join(f"{w}: {v or 'not installed'}" for w, v in sorted(remote.items()))
        super().__init__(
            f"version mismatch for {package}: {local or 'not installed'} here, {seen}; "
            "install the same versions on the client and every worker"
        )

    def _init_args(self) -> tuple[Any, ...]:
        return (self.package, self.local, self.remote)


def _singular(kind: str) -> str:
    return kind[:-1] if kind.endswith("s") else kind
