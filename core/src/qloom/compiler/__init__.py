"""The Compiler service: many transpilations on an executor, tracked and stored.

See ``Compiler``; ``compile_request`` is what workers run, on plain data (``wire``).
"""

from qloom.compiler.compiler import (
    STORE_ENV,
    Batch,
    BatchError,
    Compiler,
    CompileResult,
    Task,
)
from qloom.compiler.store import TaskRecord, TaskStore
from qloom.compiler.wire import circuit_from_data, circuit_to_data
from qloom.compiler.work import compile_request

__all__ = [
    "STORE_ENV",
    "Batch",
    "BatchError",
    "CompileResult",
    "Compiler",
    "Task",
    "TaskRecord",
    "TaskStore",
    "circuit_from_data",
    "circuit_to_data",
    "compile_request",
]
