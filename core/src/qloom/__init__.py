"""qloom: a plugin-based quantum-circuit transpilation framework."""

from qloom.circuit import Circuit, Operation, Register
from qloom.errors import QasmError, QloomError

__all__ = ["Circuit", "Operation", "QasmError", "QloomError", "Register"]
