"""Shared helpers for the qloom-qiskit tests: matrices in Qiskit's qubit order."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from qloom import Circuit
from qloom.testing.dense import apply_operations, split_final_measurements
from qloom_qiskit.gates import reverse_qubits


def qiskit_order_matrix(circuit: Circuit) -> np.ndarray:
    """The unitary of ``circuit`` (final measurements ignored) with qubit 0 least significant,
    computed by qloom's own dense simulator, to compare with ``qiskit.quantum_info.Operator``."""
    ops, _ = split_final_measurements(circuit)
    n = circuit.num_qubits
    matrix = apply_operations(np.eye(1 << n, dtype=complex), ops, n)
    return reverse_qubits(matrix)


@pytest.fixture
def qiskit_matrix() -> Callable[[Circuit], np.ndarray]:
    """``qiskit_matrix(circuit)``: its unitary in Qiskit's (little-endian) qubit order."""
    return qiskit_order_matrix


def assert_same_action(circuit: Circuit, qc: object, states: int = 3, seed: int = 0) -> None:
    """Random input states evolve alike under qloom's dense simulator and Qiskit's
    ``Statevector.evolve`` (up to one global phase): a numeric check that needs no full
    operator, so it stays fast on 10 qubits and a thousand gates."""
    from qiskit.quantum_info import Statevector

    ops, _ = split_final_measurements(circuit)
    n = circuit.num_qubits
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(1 << n, states)) + 1j * rng.normal(size=(1 << n, states))
    inputs /= np.linalg.norm(inputs, axis=0)
    expected = apply_operations(inputs, ops, n)
    for column in range(states):
        start = _reverse_bits(inputs[:, column], n)
        got = Statevector(start).evolve(qc).data
        want = _reverse_bits(expected[:, column], n)
        overlap = np.vdot(want, got)
        assert abs(abs(overlap) - 1) < 1e-8, f"input {column}: fidelity {abs(overlap) ** 2:.6g}"


def _reverse_bits(state: np.ndarray, n: int) -> np.ndarray:
    """A state with qubit 0 most significant, re-indexed with qubit 0 least significant."""
    return state.reshape((2,) * n).transpose(list(range(n))[::-1]).reshape(-1)


@pytest.fixture
def same_action() -> Callable[..., None]:
    """``same_action(circuit, qc)``: assert qloom and Qiskit evolve random states alike."""
    return assert_same_action
