"""n-qubit synthesis (quantum Shannon decomposition): exact, native, and the entangler count."""

from __future__ import annotations

import numpy as np
import pytest

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis import SynthesisError, synthesize_unitary

from .conftest import NATIVE_SETS, assert_same_up_to_phase, haar, matrix_of

# (23/48) 4^n - (3/2) 2^n + 4/3 CX: Shende, Bullock and Markov with both of their savings.
SHANNON_CX = {3: 20, 4: 100, 5: 444}


def check(matrix, natives, num_qubits) -> int:
    ops = synthesize_unitary(matrix, natives)
    assert_same_up_to_phase(matrix_of(ops, num_qubits), matrix)
    if natives is not None:
        assert {name for name, _, _ in ops} <= natives
    assert all(0 <= q < num_qubits for _, qubits, _ in ops for q in qubits)
    return sum(1 for _, qubits, _ in ops if len(qubits) == 2)


@pytest.mark.parametrize("num_qubits", [3, 4])
@pytest.mark.parametrize("key", ["ibm-cx", "ibm-ecr", "iqm", "ions", "quantinuum", None])
def test_random_unitaries_are_exact_with_the_shannon_count(num_qubits, key):
    natives = None if key is None else NATIVE_SETS[key]
    for seed in range(2):
        matrix = haar(100 * num_qubits + seed, 1 << num_qubits)
        assert check(matrix, natives, num_qubits) == SHANNON_CX[num_qubits]


def test_five_qubits():
    assert check(haar(5, 32), NATIVE_SETS["ibm-cz"], 5) == SHANNON_CX[5]


@pytest.mark.parametrize("gate", ["ccx", "cswap", "rccx"])
def test_structured_three_qubit_gates(gate):
    assert check(gate_matrix(gate), NATIVE_SETS["ibm-cx"], 3) <= SHANNON_CX[3]
    assert check(gate_matrix(gate), NATIVE_SETS["iqm"], 3) <= SHANNON_CX[3]


def test_degenerate_inputs():
    assert check(np.eye(8), NATIVE_SETS["ibm-cx"], 3) <= SHANNON_CX[3]
    local = np.kron(np.kron(haar(1, 2), haar(2, 2)), haar(3, 2))
    assert check(local, NATIVE_SETS["iqm"], 3) <= SHANNON_CX[3]
    assert check(gate_matrix("c3x"), NATIVE_SETS["ibm-cz"], 4) <= SHANNON_CX[4]


def test_one_and_two_qubits_use_the_direct_syntheses():
    assert check(haar(1, 2), NATIVE_SETS["iqm"], 1) == 0
    assert check(haar(1, 4), NATIVE_SETS["iqm"], 2) == 3
    assert check(gate_matrix("cz"), NATIVE_SETS["iqm"], 2) == 1


def test_deterministic():
    matrix = haar(77, 8)
    assert synthesize_unitary(matrix, NATIVE_SETS["ions"]) == synthesize_unitary(
        matrix.copy(), NATIVE_SETS["ions"]
    )


def test_bad_input_is_an_error():
    with pytest.raises(SynthesisError, match="2\\*\\*n"):
        synthesize_unitary(np.eye(6), None)
    with pytest.raises(SynthesisError, match="not unitary"):
        synthesize_unitary(np.ones((8, 8)), None)
    with pytest.raises(SynthesisError, match="no entangling gate"):
        synthesize_unitary(haar(1, 8), frozenset({"u", "swap"}))
