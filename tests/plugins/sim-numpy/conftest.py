"""A straightforward dense reference simulator, written out index by index for the tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from qloom import Circuit
from qloom.gates import gate_matrix


def reference_apply(
    state: np.ndarray, matrix: np.ndarray, qubits: Sequence[int], n: int
) -> np.ndarray:
    """Apply ``matrix`` on ``qubits`` by explicit index arithmetic (qubit 0 = MSB)."""
    k = len(qubits)
    shifts = [n - 1 - q for q in qubits]
    mask = sum(1 << s for s in shifts)
    bases = np.unique(np.arange(1 << n) & ~mask)  # indices with every target bit 0

    def place(sub: int) -> np.ndarray:
        """The indices whose target bits spell ``sub`` (first target = most significant)."""
        out = bases.copy()
        for j, s in enumerate(shifts):
            if (sub >> (k - 1 - j)) & 1:
                out |= 1 << s
        return out

    result = np.zeros_like(state)
    for a in range(1 << k):
        rows = place(a)
        for b in range(1 << k):
            result[rows] += matrix[a, b] * state[place(b)]
    return result


def reference_run(circuit: Circuit, state: np.ndarray | None = None) -> np.ndarray:
    """The final state of the unitary part of ``circuit`` (barriers and measures skipped)."""
    n = circuit.num_qubits
    if state is None:
        state = np.zeros(1 << n, dtype=complex)
        state[0] = 1
    for op in circuit:
        if op.name in ("barrier", "measure"):
            continue
        state = reference_apply(state, gate_matrix(op.name, op.params), op.qubits, n)
    return state


def random_state(n: int, rng: np.random.Generator) -> np.ndarray:
    """A normalised random complex state of ``n`` qubits."""
    z = rng.normal(size=1 << n) + 1j * rng.normal(size=1 << n)
    return z / np.linalg.norm(z)


@pytest.fixture
def reference() -> Callable[..., np.ndarray]:
    """``reference(circuit, state=None)``: the dense reference final state."""
    return reference_run


@pytest.fixture
def apply_reference() -> Callable[..., np.ndarray]:
    """``apply_reference(state, matrix, qubits, n)``: one gate by index arithmetic."""
    return reference_apply


@pytest.fixture
def make_state() -> Callable[[int, np.random.Generator], np.ndarray]:
    """``make_state(n, rng)``: a random normalised state."""
    return random_state
