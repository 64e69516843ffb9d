"""qloom: a plugin-based quantum-circuit transpilation framework.

This module only re-exports the public API; see ``docs/`` for the guide.
"""

from typing import Any

from qloom.api import execute, transpile
from qloom.backend import Backend
from qloom.calibration import Calibration
from qloom.circuit import Circuit, Operation, Register
from qloom.compiler import Batch, BatchError, Compiler, CompileResult, Task
from qloom.config import (
    get_backend,
    get_executor,
    get_pipeline,
    set_backend,
    set_transpiler,
)
from qloom.errors import (
    ArgumentError,
    BackendViolation,
    BrokenPluginError,
    CircuitError,
    ConfigError,
    ExecutorConnectionError,
    ExecutorError,
    GateError,
    IncompatiblePluginError,
    MappingError,
    MissingPartsError,
    OptionError,
    PassError,
    PluginConflictError,
    QasmError,
    QasmLimitError,
    QloomError,
    SerializationError,
    StoreError,
    TaskCancelled,
    TaskRefused,
    TaskTimeout,
    UnknownPluginError,
    VersionMismatch,
    WorkerDied,
)
from qloom.executor import Executor, SerialExecutor, TaskInfo, TaskOptions
from qloom.hookspecs import hookimpl
from qloom.layout import Layout
from qloom.passes import Pass, PassContext
from qloom.pipeline import Pipeline
from qloom.provenance.rerun import ReplayReport, replay
from qloom.result import Result
from qloom.session import Session
from qloom.trials import Trials

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # qloom.qasm2 and qloom.tune are imported on first use, keeping `import qloom` light.
    if name == "qasm2":
        import importlib

        return importlib.import_module("qloom.qasm2")
    if name == "tune":
        from qloom.tuning import tune

        return tune
    raise AttributeError(f"module 'qloom' has no attribute '{name}'")


__all__ = [
    "ArgumentError",
    "Backend",
    "BackendViolation",
    "Batch",
    "BatchError",
    "BrokenPluginError",
    "Calibration",
    "Circuit",
    "CircuitError",
    "CompileResult",
    "Compiler",
    "ConfigError",
    "Executor",
    "ExecutorConnectionError",
    "ExecutorError",
    "GateError",
    "IncompatiblePluginError",
    "MappingError",
    "MissingPartsError",
    "Layout",
    "Operation",
    "OptionError",
    "Pass",
    "PassContext",
    "PassError",
    "Pipeline",
    "PluginConflictError",
    "QasmError",
    "QasmLimitError",
    "QloomError",
    "Register",
    "ReplayReport",
    "Result",
    "Session",
    "SerialExecutor",
    "SerializationError",
    "StoreError",
    "Task",
    "TaskCancelled",
    "TaskInfo",
    "TaskOptions",
    "TaskRefused",
    "TaskTimeout",
    "Trials",
    "UnknownPluginError",
    "VersionMismatch",
    "WorkerDied",
    "__version__",
    "execute",
    "get_backend",
    "get_executor",
    "get_pipeline",
    "hookimpl",
    "qasm2",
    "replay",
    "set_backend",
    "set_transpiler",
    "tune",
    "transpile",
]
