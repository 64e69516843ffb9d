"""Compile a ``Circuit`` into what the simulator runs: fused blocks and classical steps.

Compilation resolves every gate to its matrix from ``qloom.gates`` (diagonal gates to their
diagonals), drops barriers and identities, turns unconditional swaps into a relabelling of
wires (free), fuses each run of unconditional gates, and sorts measurements into
*terminal* ones (nothing later touches their qubit or clbit and no condition follows:
sampled once from the final state) and mid-circuit ones (simulated by branching).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from qloom.circuit import Circuit, Operation
from qloom.gates import gate_matrix
from qloom_sim_numpy.fusion import Block, fuse

__all__ = [
    "Condition",
    "Gates",
    "Measure",
    "Program",
    "Reset",
    "compile_circuit",
    "default_fusion",
    "condition_of",
    "describe",
    "gate_block",
    "register_bits",
    "terminal_flags",
]


@dataclass(frozen=True)
class Condition:
    """``if(creg == value)``: the clbits of the register (its bit 0 first) and the value."""

    clbits: tuple[int, ...]
    value: int

    def holds(self, clbits: int) -> bool:
        """Whether the register read from the clbit mask ``clbits`` equals ``value``."""
        reg = 0
        for j, c in enumerate(self.clbits):
            reg |= ((clbits >> c) & 1) << j
        return reg == self.value


@dataclass(frozen=True)
class Gates:
    """Unitary blocks applied in order (under ``condition`` when it is set)."""

    blocks: tuple[Block, ...]
    condition: Condition | None = None


@dataclass(frozen=True)
class Measure:
    """A mid-circuit measurement of ``wire`` into ``clbit``."""

    wire: int
    clbit: int
    condition: Condition | None = None


@dataclass(frozen=True)
class Reset:
    """Reset ``wire`` to |0>."""

    wire: int
    condition: Condition | None = None


Step = Gates | Measure | Reset


@dataclass
class Program:
    """A compiled circuit.

    Attributes:
        num_qubits: wires of the statevector.
        num_clbits: classical bits of the results.
        steps: what to run, in order.
        terminal: final measurements ``(wire, clbit)``, in circuit order.
        final_wires: ``final_wires[q]`` is the wire holding circuit qubit ``q`` at the end.
    """

    num_qubits: int
    num_clbits: int
    steps: list[Step] = field(default_factory=list)
    terminal: list[tuple[int, int]] = field(default_factory=list)
    final_wires: list[int] = field(default_factory=list)

    @property
    def branches(self) -> bool:
        """True when the run must branch on outcomes (mid-circuit measure, reset, condition)."""
        return any(not isinstance(s, Gates) or s.condition is not None for s in self.steps)


def default_fusion(num_qubits: int) -> int:
    """Widest fused block for a state of ``num_qubits``: wide blocks pay off on big states."""
    return 5 if num_qubits >= 16 else 3


@lru_cache(maxsize=4096)
def _library_block(name: str, params: tuple[float, ...]) -> tuple[np.ndarray, bool]:
    return _classify(gate_matrix(name, params))


def _classify(matrix: np.ndarray) -> tuple[np.ndarray, bool]:
    """The diagonal (and True) when ``matrix`` is exactly diagonal, else the matrix (False)."""
    diagonal = np.diag(matrix)
    if np.count_nonzero(matrix) == np.count_nonzero(diagonal):
        out = diagonal.copy()
        out.setflags(write=False)
        return out, True
    return matrix, False


def gate_block(op: Operation, wires: Sequence[int]) -> Block | None:
    """The gate of ``op`` acting on ``wires``, or ``None`` when it is exactly the identity."""
    if op.name == "unitary":
        matrix, diagonal = _classify(gate_matrix("unitary", op.params))
    else:
        matrix, diagonal = _library_block(op.name, tuple(op.params))
    if diagonal and bool(np.all(matrix == 1)):
        return None
    return Block(tuple(wires), matrix, diagonal)


def terminal_flags(ops: Sequence[Operation]) -> list[bool]:
    """For each op, whether it is a measurement that can be sampled from the final state."""
    flags = [False] * len(ops)
    touched: set[int] = set()
    written: set[int] = set()
    condition_later = False
    for i in range(len(ops) - 1, -1, -1):
        op = ops[i]
        if op.name == "barrier":
            continue
        if op.name == "measure":
            (q,), (c,) = op.qubits, op.clbits
            free = q not in touched and c not in written and not condition_later
            if free and op.condition is None:
                flags[i] = True
                continue
            written.add(c)
        touched.update(op.qubits)
        condition_later = condition_later or op.condition is not None
    return flags


def register_bits(circuit: Circuit) -> dict[str, tuple[int, ...]]:
    """The clbits of each classical register, its bit 0 first."""
    bits: dict[str, tuple[int, ...]] = {}
    start = 0
    for reg in circuit.cregs:
        bits[reg.name] = tuple(range(start, start + reg.size))
        start += reg.size
    return bits


def compile_circuit(circuit: Circuit, fusion: int | None = None, extra_wires: int = 0) -> Program:
    """Compile ``circuit`` for the simulator.

    Args:
        circuit: the circuit.
        fusion: widest fused block (default ``default_fusion``); 1 merges single-qubit runs.
        extra_wires: wires after the circuit's qubits that no gate touches (used to compute
            a unitary as a batch of states).

    Returns:
        The program.
    """
    n = circuit.num_qubits + extra_wires
    width = default_fusion(n) if fusion is None else max(1, fusion)
    ops = list(circuit)
    terminal = terminal_flags(ops)
    registers = register_bits(circuit)
    wire_of = list(range(circuit.num_qubits))
    program = Program(n, circuit.num_clbits)
    pending: list[Block] = []

    def flush() -> None:
        if pending:
            program.steps.append(Gates(tuple(fuse(pending, width))))
            pending.clear()

    for op, is_terminal in zip(ops, terminal, strict=True):
        wires = [wire_of[q] for q in op.qubits]
        condition = condition_of(op, registers)
        if op.name == "barrier":
            continue
        if is_terminal:
            program.terminal.append((wires[0], op.clbits[0]))
            continue
        if condition is None and op.name == "swap":
            a, b = op.qubits
            wire_of[a], wire_of[b] = wire_of[b], wire_of[a]
            continue
        if condition is None and op.name not in ("measure", "reset"):
            block = gate_block(op, wires)
            if block is not None:
                pending.append(block)
            continue
        flush()
        program.steps.append(_classical_step(op, wires, condition))
    flush()
    program.final_wires = wire_of + list(range(circuit.num_qubits, n))
    return program


def _classical_step(op: Operation, wires: list[int], condition: Condition | None) -> Step:
    if op.name == "measure":
        return Measure(wires[0], op.clbits[0], condition)
    if op.name == "reset":
        return Reset(wires[0], condition)
    block = gate_block(op, wires)
    return Gates((block,) if block is not None else (), condition)


def condition_of(op: Operation, registers: dict[str, tuple[int, ...]]) -> Condition | None:
    """The op's classical condition over clbits (``registers`` from ``register_bits``)."""
    if op.condition is None:
        return None
    name, value = op.condition
    return Condition(registers[name], int(value))


def describe(program: Program) -> dict[str, Any]:
    """Counts of what a program does, for metadata and profiling."""
    blocks = [b for s in program.steps if isinstance(s, Gates) for b in s.blocks]
    return {
        "blocks": len(blocks),
        "dense_blocks": sum(not b.diagonal for b in blocks),
        "max_block_qubits": max((len(b.wires) for b in blocks), default=0),
        "branching_steps": sum(not isinstance(s, Gates) for s in program.steps),
        "terminal_measurements": len(program.terminal),
    }
