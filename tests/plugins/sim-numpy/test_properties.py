"""Random circuits (hypothesis) against the dense reference."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qloom import Circuit
from qloom.testing.strategies import circuits, library_gates
from qloom_sim_numpy import NumpyBackend, probabilities, statevector, unitary

# the ``reference`` fixture is a pure function, safe to share between generated inputs
SETTINGS = settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
GATES_AND_UNITARY = [*library_gates(), "unitary"]


@SETTINGS
@given(circuits(max_qubits=5, max_ops=30, gates=GATES_AND_UNITARY), st.sampled_from([1, 2, 3, 5]))
def test_random_circuits_match_the_dense_reference(reference, circuit, fusion):
    got = statevector(circuit, fusion=fusion)
    assert np.allclose(got, reference(circuit), atol=1e-10)


@SETTINGS
@given(circuits(max_qubits=3, max_ops=15, gates=GATES_AND_UNITARY))
def test_unitary_columns_are_the_states_of_basis_inputs(reference, circuit):
    u = unitary(circuit)
    n = circuit.num_qubits
    assert np.allclose(u.conj().T @ u, np.eye(1 << n), atol=1e-10)
    for j in range(1 << n):
        assert np.allclose(u[:, j], reference(circuit, np.eye(1 << n, dtype=complex)[j]))


@SETTINGS
@given(circuits(max_qubits=4, max_ops=12), st.integers(1, 500), st.integers(0, 2**32 - 1))
def test_counts_add_up_and_only_possible_outcomes_appear(circuit, shots, seed):
    probs = probabilities(circuit)
    assert np.isclose(probs.sum(), 1)
    measured = circuit.copy()
    measured.measure_all()
    counts = NumpyBackend().run(measured, shots, seed).counts
    assert sum(counts.values()) == shots
    for key in counts:
        index = int(key[::-1], 2)  # key has qubit 0 rightmost; probs index has it leftmost
        assert probs[index] > 1e-12


def test_a_circuit_and_its_copy_built_by_hand_agree():
    c = Circuit(2).h(0).cx(0, 1).rz(0.4, 1)
    assert np.allclose(statevector(c), statevector(c.copy()))
