"""Circuits to and from ``qiskit.QuantumCircuit``, registers, conditions and layouts included.

qloom's model is smaller than Qiskit's: gates, ``measure``, ``reset``, ``barrier``, and a
condition ``register == value`` on any of them. A classical condition becomes an ``if_test``
(an ``IfElseOp``) holding the one operation. Coming back, a Qiskit gate qloom lacks is
expanded through its definition (``QFTGate``, ``CCZGate``, user gates, ...), and an
``IfElseOp`` whose condition is ``register == value`` (or ``bit == value`` for a bit that is
a register of its own) and that has no ``else`` becomes conditioned operations. Anything
else (loops, ``switch``, ``delay``, unbound parameters) raises ``ConversionError`` naming the
instruction. The circuit's global phase is dropped: qloom circuits have none.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from qiskit.circuit import (
    Barrier,
    CircuitInstruction,
    ClassicalRegister,
    Clbit,
    ControlFlowOp,
    IfElseOp,
    Measure,
    QuantumCircuit,
    QuantumRegister,
    Qubit,
    Reset,
)
from qiskit.circuit.classical import expr

from qloom.circuit import Circuit, Operation
from qloom_qiskit.errors import ConversionError
from qloom_qiskit.gates import from_qiskit_gate, to_qiskit_gate
from qloom_qiskit.layouts import from_transpile_layout, to_transpile_layout

__all__ = ["from_qiskit", "to_qiskit"]


def to_qiskit(
    circuit: Circuit, *, register: str | None = None, as_unitary: Collection[str] = ()
) -> QuantumCircuit:
    """The ``QuantumCircuit`` of a qloom circuit.

    Registers keep their names and sizes; a condition becomes an ``if_test`` on the
    operation; ``circuit.layout`` becomes the circuit's ``TranspileLayout``.

    Args:
        circuit: the qloom circuit.
        register: put every qubit in one register of this name instead of the circuit's
            registers (Qiskit's routing passes want a physical circuit's register named
            ``q``).
        as_unitary: qloom gate names to write as ``UnitaryGate`` even where Qiskit has a
            standard gate (for a device that runs ``unitary`` but not those gates).

    Returns:
        The Qiskit circuit, operation for operation.
    """
    if register is None:
        qregs = [QuantumRegister(r.size, r.name) for r in circuit.qregs]
    else:
        qregs = [QuantumRegister(circuit.num_qubits, register)] if circuit.num_qubits else []
    cregs = {r.name: ClassicalRegister(r.size, r.name) for r in circuit.cregs}
    qc = QuantumCircuit(*qregs, *cregs.values(), name=circuit.name)
    qubits, clbits = qc.qubits, qc.clbits
    unitary_names = frozenset(as_unitary)
    for op in circuit:
        instruction = _instruction(op, op.name in unitary_names)
        qargs = [qubits[q] for q in op.qubits]
        cargs = [clbits[c] for c in op.clbits]
        if op.condition is None:
            qc.append(instruction, qargs, cargs, copy=False)
        else:
            creg, value = op.condition
            with qc.if_test((cregs[creg], value)):
                qc.append(instruction, qargs, cargs, copy=False)
    if circuit.layout is not None:
        qc._layout = to_transpile_layout(circuit.layout, qc)
    return qc


def _instruction(op: Operation, as_unitary: bool) -> Any:
    if op.name == "measure":
        return Measure()
    if op.name == "reset":
        return Reset()
    if op.name == "barrier":
        return Barrier(len(op.qubits))
    return to_qiskit_gate(op.name, op.params, as_unitary)


def from_qiskit(qc: QuantumCircuit) -> Circuit:
    """The qloom circuit of a ``QuantumCircuit``; its ``TranspileLayout`` becomes ``.layout``.

    Registers keep their names when they split the circuit's bits in order (else the
    qubits form one register ``q`` and the clbits one register ``c``).

    Raises:
        ConversionError: an instruction qloom cannot represent, named with its index.
    """
    out = Circuit(
        qc.num_qubits,
        qc.num_clbits,
        name=qc.name,
        qregs=_registers(qc.qregs, qc.qubits),
        cregs=_registers(qc.cregs, qc.clbits),
    )
    reader = _Reader(out)
    qubits = {q: i for i, q in enumerate(qc.qubits)}
    clbits = {c: i for i, c in enumerate(qc.clbits)}
    for index, instruction in enumerate(qc.data):
        reader.read(instruction, index, qubits, clbits, None)
    if qc.layout is not None:
        out.layout = from_transpile_layout(qc.layout, qc)
    return out


def _registers(
    registers: Sequence[QuantumRegister] | Sequence[ClassicalRegister],
    bits: Sequence[Qubit] | Sequence[Clbit],
) -> list[tuple[str, int]] | None:
    """The registers as ``(name, size)`` when they split ``bits`` in order, else ``None``."""
    flat = [bit for register in registers for bit in register]
    if flat != list(bits):
        return None
    return [(r.name, r.size) for r in registers]


class _Reader:
    """Appends Qiskit instructions to a qloom circuit, expanding definitions and ``if``s."""

    def __init__(self, out: Circuit) -> None:
        self.out = out
        self.register_of_bits: dict[tuple[int, ...], str] = {}
        start = 0
        for register in out.cregs:
            self.register_of_bits[tuple(range(start, start + register.size))] = register.name
            start += register.size

    def read(
        self,
        instruction: CircuitInstruction,
        index: int,
        qubits: Mapping[Qubit, int],
        clbits: Mapping[Clbit, int],
        condition: tuple[str, int] | None,
    ) -> None:
        """Append one instruction whose bits are located by ``qubits`` and ``clbits``.

        ``index`` is the position of the top-level instruction it comes from (for errors);
        ``condition`` is the condition of an enclosing ``if``.
        """
        operation = instruction.operation
        name = operation.name
        qs = [qubits[q] for q in instruction.qubits]
        cs = [clbits[c] for c in instruction.clbits]
        legacy = None if isinstance(operation, ControlFlowOp) else _legacy_condition(operation)
        if legacy is not None:
            condition = self._nest(
                condition, self._condition(legacy, clbits, name, index), name, index
            )
        if isinstance(operation, IfElseOp):
            self._if_else(instruction, index, qs, cs, clbits, condition)
        elif name in ("measure", "reset", "barrier"):
            self.out.append(name, qs, (), cs, condition)
        elif isinstance(operation, ControlFlowOp):
            raise ConversionError(
                name, index, "qloom has no control flow besides a condition on one operation"
            )
        else:
            self._gate(instruction, index, qs, cs, condition)

    def _gate(
        self,
        instruction: CircuitInstruction,
        index: int,
        qs: list[int],
        cs: list[int],
        condition: tuple[str, int] | None,
    ) -> None:
        operation = instruction.operation
        try:
            known = from_qiskit_gate(operation)
        except TypeError as exc:
            raise ConversionError(
                operation.name, index, f"parameters {operation.params} are not bound ({exc})"
            ) from exc
        if known is not None:
            self.out.append(known[0], qs, known[1], (), condition)
            return
        definition = getattr(operation, "definition", None)
        if definition is None:
            raise ConversionError(
                operation.name,
                index,
                "qloom has no such operation and Qiskit gives no definition to expand it into",
            )
        inner_q = dict(zip(definition.qubits, qs, strict=True))
        inner_c = dict(zip(definition.clbits, cs, strict=True))
        for inner in definition.data:
            self.read(inner, index, inner_q, inner_c, condition)

    def _if_else(
        self,
        instruction: CircuitInstruction,
        index: int,
        qs: list[int],
        cs: list[int],
        clbits: Mapping[Clbit, int],
        outer: tuple[str, int] | None,
    ) -> None:
        operation = instruction.operation
        true_body, *otherwise = operation.blocks
        if any(len(block.data) for block in otherwise):
            raise ConversionError("if_else", index, "qloom conditions have no else branch")
        condition = self._nest(
            outer, self._condition(operation.condition, clbits, "if_else", index), "if_else", index
        )
        inner_q = dict(zip(true_body.qubits, qs, strict=True))
        inner_c = dict(zip(true_body.clbits, cs, strict=True))
        watched = set(self._bits_of(condition[0]))
        body = list(true_body.data)
        for position, inner in enumerate(body):
            written = {inner_c[c] for c in inner.clbits}
            if written & watched and position < len(body) - 1:
                raise ConversionError(
                    "if_else",
                    index,
                    "its body writes the condition's register before its last instruction; "
                    "qloom tests the condition again for every operation",
                )
            self.read(inner, index, inner_q, inner_c, condition)

    def _bits_of(self, register: str) -> tuple[int, ...]:
        return next(bits for bits, name in self.register_of_bits.items() if name == register)

    def _condition(
        self, condition: Any, clbits: Mapping[Clbit, int], name: str, index: int
    ) -> tuple[str, int]:
        """A Qiskit condition as qloom's ``(register, value)``."""
        if isinstance(condition, expr.Expr):
            condition = _simple_equality(condition)
        if isinstance(condition, tuple) and len(condition) == 2:
            target, value = condition
            if isinstance(target, ClassicalRegister):
                bits: Iterable[Clbit] = list(target)
            elif isinstance(target, Clbit):
                bits = [target]
            else:
                bits = []
            located = tuple(clbits[b] for b in bits if b in clbits)
            register = self.register_of_bits.get(located) if located else None
            if register is not None:
                return register, int(value)
            raise ConversionError(
                name,
                index,
                f"its condition is on {_describe(target)}, which is not one whole classical "
                "register of the circuit (qloom conditions test whole registers)",
            )
        raise ConversionError(
            name, index, f"its condition {condition!r} is not 'register == value'"
        )

    @staticmethod
    def _nest(
        outer: tuple[str, int] | None, inner: tuple[str, int], name: str, index: int
    ) -> tuple[str, int]:
        if outer is not None:
            raise ConversionError(name, index, "qloom cannot express nested conditions")
        return inner


def _legacy_condition(operation: Any) -> Any:
    """The ``c_if`` condition of an instruction (Qiskit 1.x; Qiskit 2 has none). Read from
    the attribute behind the ``condition`` property, which Qiskit 1.3 deprecates."""
    return getattr(operation, "_condition", None)


def _simple_equality(condition: expr.Expr) -> Any:
    """``(register_or_bit, value)`` for ``expr.equal(register_or_bit, value)``, else as is."""
    if isinstance(condition, expr.Binary) and condition.op is expr.Binary.Op.EQUAL:
        left, right = condition.left, condition.right
        if isinstance(left, expr.Value) and isinstance(right, expr.Var):
            left, right = right, left
        if isinstance(left, expr.Var) and isinstance(right, expr.Value):
            return (left.var, right.value)
    return condition


def _describe(target: Any) -> str:
    if isinstance(target, ClassicalRegister):
        return f"register '{target.name}'"
    return "a single bit" if isinstance(target, Clbit) else repr(target)
