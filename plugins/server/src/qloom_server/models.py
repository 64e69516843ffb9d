"""The bodies of every request and answer, as pydantic models: /openapi.json is made from
them, so the description and the server cannot disagree."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CancelOut",
    "CircuitIn",
    "ErrorBody",
    "FileOut",
    "FilesOut",
    "ForkOut",
    "HealthOut",
    "LogLine",
    "LogsOut",
    "ResultOut",
    "SessionIn",
    "SessionOut",
    "SessionView",
    "StepIn",
    "StepOut",
    "SubmitIn",
    "SubmitOut",
    "TaskOut",
    "TasksOut",
]

Name = Field(default=None, max_length=128, pattern=r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")
SEED_LIMIT = 2**63
_BELL = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n'
_DEVICE = "emulator:heavy-hex-27"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    """What went wrong; a QASM error adds ``filename``, ``line``, ``column``."""

    model_config = ConfigDict(extra="allow")
    type: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer."""

    error: ErrorDetail


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str
    executor: str


class CircuitIn(_In):
    """One circuit: OpenQASM 2 text, or the name of one of your files; ``result_file``
    names a file of yours to write the transpiled QASM to when the task is done."""

    qasm: str | None = Field(default=None, max_length=8 * 1024 * 1024)
    file: str | None = Name
    name: str | None = Field(default=None, max_length=200)
    result_file: str | None = Name


class SubmitIn(_In):
    """A task (one circuit) or a batch (several, or ``batch: true``).

    ``backend`` is an installed backend's name (default: the server's default),
    ``pipeline`` a pipeline name or JSON spec (default: the backend's), ``seed`` the root
    seed (drawn when absent; in a batch, circuit ``i`` gets a seed derived from it, as a
    local ``Compiler.submit`` does).
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"circuits": [{"qasm": _BELL, "name": "bell"}], "backend": _DEVICE}]
        },
    )

    circuits: list[CircuitIn] = Field(min_length=1)
    backend: str | None = Field(default=None, max_length=256)
    backend_options: dict[str, Any] = Field(default_factory=dict)
    pipeline: str | dict[str, Any] | None = None
    seed: int | None = Field(default=None, ge=0, lt=SEED_LIMIT)
    padding: str | None = Field(default=None, max_length=64)
    timeout: float | None = Field(default=None, gt=0, le=7 * 24 * 3600)
    batch: bool | None = None


class TaskRef(BaseModel):
    id: str
    status: str


class SubmitOut(BaseModel):
    batch: str | None
    tasks: list[TaskRef]


class TaskOut(BaseModel):
    """A task as the server knows it; ``status`` is ``QUEUED``, ``INITIALIZING``,
    ``RUNNING: <STAGE>``, ``DONE``, ``FAILED`` or ``CANCELLED``."""

    id: str
    name: str | None
    backend: str
    pipeline: str
    status: str
    detail: str | None
    created: float
    started: float | None
    finished: float | None
    batch: str | None
    attempts: int


class TasksOut(BaseModel):
    tasks: list[TaskOut]


class CompiledOut(BaseModel):
    """A transpiled circuit: OpenQASM 2, qloom's lossless circuit data, the layout, and the
    metadata (seed, pipeline, per-pass times, ``cpu_by_stage``, versions); ``qasm`` is
    null for a circuit OpenQASM 2 cannot express."""

    qasm: str | None
    circuit: dict[str, Any]
    layout: dict[str, Any]
    metadata: dict[str, Any]


class ResultOut(BaseModel):
    status: str
    result: CompiledOut | None = None
    error: dict[str, Any] | None = None


class CancelOut(BaseModel):
    cancelled: bool
    status: str


class LogLine(BaseModel):
    time: float
    level: str
    message: str


class LogsOut(BaseModel):
    lines: list[LogLine]


class FileOut(BaseModel):
    name: str
    size: int
    modified: float


class FilesOut(BaseModel):
    files: list[FileOut]


class SessionIn(_In):
    """Start a session on one circuit (QASM text or one of your files)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"qasm": _BELL, "backend": _DEVICE, "seed": 1}]},
    )

    qasm: str | None = Field(default=None, max_length=8 * 1024 * 1024)
    file: str | None = Name
    backend: str | None = Field(default=None, max_length=256)
    backend_options: dict[str, Any] = Field(default_factory=dict)
    seed: int | None = Field(default=None, ge=0, lt=SEED_LIMIT)
    reward: str = Field(default="n2q", max_length=64)
    parameters: dict[str, Any] = Field(default_factory=dict)


class StepIn(_In):
    """Run one installed pass (``"routers:sabre"``) with options over the session's."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"action": "placers:trivial"}]}
    )

    action: str = Field(max_length=200)
    options: dict[str, Any] = Field(default_factory=dict)


class StepRecord(BaseModel):
    label: str
    spec: dict[str, Any]
    seed: int
    reward: float
    wall: float
    cpu: float


class SessionOut(BaseModel):
    id: str
    seed: int
    observation: dict[str, Any]
    actions: list[str]


class StepOut(BaseModel):
    reward: float
    executable: bool
    observation: dict[str, Any]
    step: StepRecord


class ForkOut(BaseModel):
    id: str


class SessionView(BaseModel):
    id: str
    seed: int
    history: list[StepRecord]
    observation: dict[str, Any]
    qasm: str
    layout: dict[str, Any] | None
