"""What a parse has accumulated so far: registers, gate definitions and operations.

Shared by the main file and the files it includes; turned into a ``Circuit`` at the end,
because registers may be declared after the first operation. Operations are kept as the
circuit's own ``Operation`` tuples, identical ones shared, and are counted against
``QasmLimits.max_operations`` before they are made, so a large program costs little more
than its circuit and a bomb is refused before it grows.
"""

from __future__ import annotations

from typing import NamedTuple, TypeVar

from qloom.circuit import Circuit, Operation
from qloom.qasm2.expr import Expr
from qloom.qasm2.includes import IncludeRules
from qloom.qasm2.lexer import Source
from qloom.qasm2.limits import QasmLimits

__all__ = ["BodyOp", "GateDef", "Program", "Register"]

_SHARED_MAX = 200_000
"""Distinct operations (and qubit tuples) remembered for sharing; past it, sharing starts
afresh, so the memo stays small beside the circuit."""

T = TypeVar("T", bound=tuple[object, ...])


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
        size: operations one application expands to, known before expanding it.
    """

    name: str
    num_params: int
    num_qubits: int
    body: tuple[BodyOp, ...]
    opaque: bool
    library: bool
    source: Source
    pos: int
    size: int = 1
    """Operations one application expands to (computed from the body, bottom-up)."""


class Program:
    """Registers, gates and operations read so far, within the reader's limits.

    Args:
        limits: the bounds this program is read under.
        includes: where its ``include`` statements may read from.
        main: the main source's display name (the first link of include chains).
    """

    def __init__(self, limits: QasmLimits, includes: IncludeRules, main: str) -> None:
        self.limits = limits
        self.includes = includes
        self.registers: dict[str, Register] = {}
        self.qregs: dict[str, Register] = {}
        self.cregs: dict[str, Register] = {}
        self.num_qubits = 0
        self.num_clbits = 0
        self.gates: dict[str, GateDef] = {}
        self.ops: list[Operation] = []
        self.barrier_extra = 0
        """Qubits spanned by barriers beyond one each: a barrier weighs its width."""
        self.source_bytes = 0
        self.include_chain: list[tuple[str, str]] = [("", main)]
        """(real path, name as written) of the files being read, the main file first."""
        self._shared: dict[Operation, Operation] = {}
        self._qubits: dict[tuple[int, ...], tuple[int, ...]] = {}

    def declare(self, name: str, size: int, quantum: bool, source: Source, pos: int) -> None:
        """Add a register after the ones already declared of its kind.

        Raises:
            QasmLimitError: the register takes the program over ``max_qubits`` or
                ``max_clbits`` (located at ``pos``, the register's size).
        """
        total = (self.num_qubits if quantum else self.num_clbits) + size
        option = "max_qubits" if quantum else "max_clbits"
        limit = getattr(self.limits, option)
        if total > limit:
            kind = "qubits" if quantum else "classical bits"
            what = f"register '{name}' of size {size} brings the program to {total} {kind}"
            raise source.limit_error(what, pos, option, limit)
        if quantum:
            reg = Register(name, self.num_qubits, size, True, source, pos)
            self.qregs[name] = reg
            self.num_qubits += size
        else:
            reg = Register(name, self.num_clbits, size, False, source, pos)
            self.cregs[name] = reg
            self.num_clbits += size
        self.registers[name] = reg

    def reserve(self, count: int, what: str, source: Source, pos: int) -> None:
        """Check that ``count`` more operations fit under ``max_operations``.

        A barrier counts once per qubit it spans, since its qubit tuple is what it costs
        (``barrier q;`` on a 100,000-qubit register, repeated, would otherwise be cheap).

        Raises:
            QasmLimitError: located at ``pos``; ``what`` names the statement's expansion.
        """
        total = len(self.ops) + self.barrier_extra + count
        if total > self.limits.max_operations:
            what = f"{what} {count} operations, bringing the circuit to {total}"
            raise source.limit_error(what, pos, "max_operations", self.limits.max_operations)

    def add(
        self,
        name: str,
        qubits: tuple[int, ...],
        params: tuple[float, ...] = (),
        clbits: tuple[int, ...] = (),
        condition: tuple[str, int] | None = None,
    ) -> None:
        """Append one operation the parser has checked (see ``Circuit.copy_with``)."""
        if name == "barrier" and qubits:
            self.barrier_extra += len(qubits) - 1
        self.ops.append(self.make(name, qubits, params, clbits, condition))

    def add_rows(
        self,
        name: str,
        rows: list[tuple[int, ...]],
        params: tuple[float, ...],
        condition: tuple[str, int] | None,
    ) -> None:
        """``add`` for each qubit tuple of a broadcast (a gate applied to whole registers),
        in one loop: a broadcast over a large register is the bulk of some programs."""
        qubit_memo, op_memo, append = self._qubits, self._shared, self.ops.append
        for memo in (qubit_memo, op_memo):
            if len(memo) + len(rows) > _SHARED_MAX:
                memo.clear()
        share = 0.0 not in params  # -0.0 == 0.0: keep the sign of each zero
        for qubits in rows:
            op = Operation(name, qubit_memo.setdefault(qubits, qubits), params, (), condition)
            append(op_memo.setdefault(op, op) if share else op)

    def make(
        self,
        name: str,
        qubits: tuple[int, ...],
        params: tuple[float, ...] = (),
        clbits: tuple[int, ...] = (),
        condition: tuple[str, int] | None = None,
    ) -> Operation:
        """An ``Operation``: an equal one made before if any (circuits repeat operations),
        else a new one sharing the qubit tuple of earlier operations on the same qubits."""
        if len(qubits) <= 4:
            qubits = _remember(self._qubits, qubits)
        op = Operation(name, qubits, params, clbits, condition)
        if 0.0 in params:  # -0.0 == 0.0: keep the sign of each zero
            return op
        return _remember(self._shared, op)

    def build(self) -> Circuit:
        """The circuit of every operation read, in order, with the declared registers."""
        circuit = Circuit(
            self.num_qubits,
            self.num_clbits,
            qregs=[(r.name, r.size) for r in self.qregs.values()],
            cregs=[(r.name, r.size) for r in self.cregs.values()],
        ).copy_with(self.ops)
        self.ops = []
        return circuit


def _remember(memo: dict[T, T], value: T) -> T:
    """``value``, or the equal value ``memo`` holds; ``memo`` starts afresh when full."""
    known = memo.get(value)
    if known is not None:
        return known
    if len(memo) >= _SHARED_MAX:
        memo.clear()
    memo[value] = value
    return value
