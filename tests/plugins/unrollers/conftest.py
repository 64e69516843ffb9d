"""Native gate sets and backends the unroller tests translate to."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
from hypothesis import strategies as st

from qloom import Backend, Circuit
from qloom.gates import GATES, apply_matrix, gate_matrix
from qloom.testing.strategies import library_gates
from support.natives import NATIVE_SETS
from support.unitaries import haar


def all_to_all(key: str, num_qubits: int = 4) -> Backend:
    """Every pair coupled (both ways), only ``NATIVE_SETS[key]`` native."""
    return Backend(f"full-{key}", num_qubits, None, NATIVE_SETS[key], default_pipeline="identity")


def directed_line(key: str, num_qubits: int = 4) -> Backend:
    """A line whose pairs are coupled one way only, alternating ``(i, i+1)`` and ``(i+1, i)``."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(num_qubits))
    graph.add_edges_from((i, i + 1) if i % 2 == 0 else (i + 1, i) for i in range(num_qubits - 1))
    return Backend(
        f"directed-{key}", num_qubits, graph, NATIVE_SETS[key], default_pipeline="identity"
    )


ONE_QUBIT = [n for n in library_gates() if GATES[n].num_qubits == 1]
TWO_QUBIT = [n for n in library_gates() if GATES[n].num_qubits == 2]


@st.composite  # type: ignore[misc]
def line_circuits(draw: Any, num_qubits: int = 4, max_ops: int = 20) -> Circuit:
    """Random circuits whose two-qubit gates (library or ``unitary``) sit on line neighbours,
    in either order: what a router hands to the translator."""
    circuit = Circuit(num_qubits)
    angle = st.floats(-6.3, 6.3, allow_nan=False)
    for _ in range(draw(st.integers(1, max_ops))):
        name = draw(st.sampled_from([*ONE_QUBIT, *TWO_QUBIT, "unitary"]))
        if name == "unitary" or GATES[name].num_qubits == 2:
            i = draw(st.integers(0, num_qubits - 2))
            pair = (i, i + 1) if draw(st.booleans()) else (i + 1, i)
            if name == "unitary":
                circuit.unitary(haar(draw(st.integers(0, 2**32 - 1)), 4), pair)
            else:
                circuit.append(
                    name, pair, [draw(angle) for _ in range(GATES[name].num_params or 0)]
                )
        else:
            qubit = draw(st.integers(0, num_qubits - 1))
            circuit.append(
                name, (qubit,), [draw(angle) for _ in range(GATES[name].num_params or 0)]
            )
    return circuit


def matrix_of(ops: Any, num_qubits: int = 2) -> np.ndarray:
    """The unitary of ``(name, qubits, params)`` operations applied in order."""
    out = np.eye(1 << num_qubits, dtype=complex)
    for name, qubits, params in ops:
        out = apply_matrix(out, gate_matrix(name, params), qubits, num_qubits)
    return out


def assert_same_up_to_phase(actual: np.ndarray, expected: np.ndarray, atol: float = 1e-9) -> None:
    """``actual`` equals ``expected`` times a global phase, to ``atol`` in operator norm."""
    overlap = np.vdot(actual, expected)
    assert abs(overlap) > 0.5 * expected.shape[0]
    assert np.linalg.norm(actual * overlap / abs(overlap) - expected, 2) < atol
