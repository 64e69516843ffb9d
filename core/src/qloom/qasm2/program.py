"""What a parse has accumulated so far: registers, gate definitions and operations.

Shared by the main file and the files it includes; turned into a ``Circuit`` at the end,
because registers may be declared after the first operation.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, NamedTuple

from qloom.circuit import Circuit
from qloom.errors import QasmError, QloomError
from qloom.qasm2.expr import Expr
from qloom.qasm2.lexer import Source

__all__ = ["BodyOp", "GateDef", "Program", "Register"]

OpTuple = tuple[Any, ...]
"""Arguments of ``Circuit.append``: (name, qubits, params[, clbits[, condition]])."""


class Register(NamedTuple):
    """A declared ``qreg`` or ``creg``: its bits are ``offset .. offset + size - 1``."""

    name: str
    offset: int
    size: int
    quantum: bool
    source: Source
    pos: int


class BodyOp(NamedTuple):
    """One statement of a ``gate`` body.

    Attributes:
        name: the gate applied (a library gate, a user gate, or barrier).
        exprs: its parameter expressions over the enclosing gate's parameters.
        args: indices into the enclosing gate's qubit arguments.
        target: the user gate to expand, or ``None`` for a library gate or barrier.
        pos: source offset of the statement.
    """

    name: str
    exprs: tuple[Expr, ...]
    args: tuple[int, ...]
    target: GateDef | None
    pos: int


class GateDef(NamedTuple):
    """A ``gate`` or ``opaque`` declaration.

    Attributes:
        library: the name is in ``GATES``, so uses apply the library gate instead.
        opaque: declared with ``opaque`` (no body).
    """

    name: str
    num_params: int
    num_qubits: int
    body: tuple[BodyOp, ...]
    opaque: bool
    library: bool
    source: Source
    pos: int


class Program:
    """Registers, gates and operations read so far, and where each operation came from."""

    def __init__(self) -> None:
        self.registers: dict[str, Register] = {}
        self.qregs: dict[str, Register] = {}
        self.cregs: dict[str, Register] = {}
        self.num_qubits = 0
        self.num_clbits = 0
        self.gates: dict[str, GateDef] = {}
        self.ops: list[OpTuple] = []
        self.sites: list[int] = []
        self._segments: list[tuple[int, Source]] = []
        self.including: list[str] = []

    def enter(self, source: Source) -> None:
        """Record that operations from now on come from ``source`` (for error locations)."""
        self._segments.append((len(self.ops), source))

    def declare(self, name: str, size: int, quantum: bool, source: Source, pos: int) -> None:
        """Add a register after the ones already declared of its kind."""
        if quantum:
            reg = Register(name, self.num_qubits, size, True, source, pos)
            self.qregs[name] = reg
            self.num_qubits += size
        else:
            reg = Register(name, self.num_clbits, size, False, source, pos)
            self.cregs[name] = reg
            self.num_clbits += size
        self.registers[name] = reg

    def build(self) -> Circuit:
        """The circuit, every operation appended (and so validated) by ``Circuit.append``.

        Raises:
            QasmError: located at the statement whose operation the circuit refused.
        """
        circuit = Circuit(
            self.num_qubits,
            self.num_clbits,
            qregs=[(r.name, r.size) for r in self.qregs.values()],
            cregs=[(r.name, r.size) for r in self.cregs.values()],
        )
        append = circuit.append
        try:
            for op in self.ops:
                append(*op)
        except QloomError as exc:
            raise self._error_at_op(len(circuit), str(exc)) from exc
        return circuit

    def _error_at_op(self, index: int, message: str) -> QasmError:
        starts = [start for start, _ in self._segments]
        source = self._segments[bisect_right(starts, index) - 1][1]
        return source.error(message, self.sites[index])
