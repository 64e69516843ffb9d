"""A small dense simulator for checking, independent of any simulator plugin.

Qubit 0 is the most significant bit of every index (the convention of ``qloom.gates``).
States may carry trailing batch axes: ``state.shape == (2**n, *batch)``, so many input
states (or the columns of an operator) go through the circuit at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from qloom.circuit import Circuit, Operation
from qloom.errors import CircuitError
from qloom.gates import apply_matrix, gate_matrix

__all__ = ["apply_operations", "embed", "probabilities", "split_final_measurements"]


def split_final_measurements(
    circuit: Circuit,
) -> tuple[list[Operation], list[tuple[int, int]]]:
    """The unitary operations of ``circuit`` and its final measurements ``(qubit, clbit)``.

    Barriers are dropped. A measurement is final when only barriers and measurements
    follow it on its qubit.

    Raises:
        CircuitError: a mid-circuit measurement, a reset or a classically conditioned
            operation, which have no unitary to compare.
    """
    gates: list[Operation] = []
    measures: list[tuple[int, int]] = []
    measured: set[int] = set()
    for index, op in enumerate(circuit):
        if op.name == "barrier":
            continue
        where = f"operation {index} ({op.name} on qubits {list(op.qubits)})"
        if op.condition is not None:
            raise CircuitError(
                f"{where} is classically conditioned: only unitary circuits with final "
                "measurements can be compared"
            )
        if op.name == "reset":
            raise CircuitError(f"{where} is a reset: only unitary circuits can be compared")
        if op.name == "measure":
            measured.add(op.qubits[0])
            measures.append((op.qubits[0], op.clbits[0]))
            continue
        if measured.intersection(op.qubits):
            raise CircuitError(
                f"{where} follows a measurement of its qubit: mid-circuit measurement cannot "
                "be compared as a unitary"
            )
        gates.append(op)
    return gates, measures


def apply_operations(state: np.ndarray, ops: Iterable[Operation], num_qubits: int) -> np.ndarray:
    """Apply unitary ``ops`` (matrices from ``qloom.gates``) to a (batched) state."""
    for op in ops:
        matrix = gate_matrix(op.name, op.params)
        state = apply_matrix(state, matrix, op.qubits, num_qubits)
    return state


def embed(logical: np.ndarray, positions: Sequence[int], num_qubits: int) -> np.ndarray:
    """Place a (batched) state of ``len(positions)`` qubits on ``num_qubits`` qubits.

    Logical qubit ``l`` goes to qubit ``positions[l]``; the other qubits are |0>.

    Args:
        logical: shape ``(2**k, *batch)``.
        positions: distinct target qubits, one per logical qubit.
        num_qubits: width of the result.

    Returns:
        Shape ``(2**num_qubits, *batch)``.
    """
    k = len(positions)
    batch = logical.shape[1:]
    order = sorted(range(k), key=lambda i: positions[i])
    tensor = logical.reshape((2,) * k + batch)
    tensor = tensor.transpose([*order, *range(k, k + len(batch))])
    out = np.zeros((2,) * num_qubits + batch, dtype=complex)
    chosen = set(positions)
    index = tuple(slice(None) if q in chosen else 0 for q in range(num_qubits))
    out[index] = tensor
    return out.reshape((1 << num_qubits, *batch))


def probabilities(circuit: Circuit) -> np.ndarray:
    """Exact outcome probabilities of the unitary part of ``circuit`` from |0...0>."""
    gates, _ = split_final_measurements(circuit)
    state = np.zeros(1 << circuit.num_qubits, dtype=complex)
    state[0] = 1
    state = apply_operations(state, gates, circuit.num_qubits)
    return np.abs(state) ** 2
