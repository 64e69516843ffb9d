"""Exact synthesis: Euler angles, KAK, the fewest entanglers, Shannon decomposition."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis import (
    SynthesisError,
    canonical_gate,
    kak,
    num_entanglers,
    one_qubit_bases,
    synthesize_1q,
    synthesize_2q,
    synthesize_unitary,
)

from .conftest import NATIVE_SETS, assert_same_up_to_phase, haar, matrix_of

CX_LIKE = {"cx": NATIVE_SETS["ibm-cx"], "cz": NATIVE_SETS["ibm-cz"], "ecr": NATIVE_SETS["ibm-ecr"]}
DIRECTIONS = [((0, 1), (1, 0)), ((0, 1),), ((1, 0),)]
SEEDS = st.integers(0, 2**32 - 1)
PI4 = math.pi / 4


def entanglers(ops):
    return sum(1 for _, qubits, _ in ops if len(qubits) == 2)


def check_2q(matrix, natives, directions=DIRECTIONS[0]):
    ops = synthesize_2q(matrix, natives, directions)
    assert_same_up_to_phase(matrix_of(ops, 2), matrix)
    assert {name for name, _, _ in ops} <= natives
    assert all(len(q) == 1 or q in directions for _, q, _ in ops)
    assert entanglers(ops) == num_entanglers(matrix, natives, directions)
    return entanglers(ops)


# -- one qubit ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, key=st.sampled_from(sorted(NATIVE_SETS)))
def test_any_one_qubit_unitary_in_every_native_set(seed, key):
    matrix = haar(seed, 2)
    gates = synthesize_1q(matrix, NATIVE_SETS[key])
    assert {name for name, _ in gates} <= NATIVE_SETS[key]
    assert_same_up_to_phase(matrix_of([(n, (0,), p) for n, p in gates], 1), matrix)


@pytest.mark.parametrize(
    ("gate", "params", "count"),
    [("rz", (0.3,), 1), ("x", (), 1), ("sx", (), 1), ("h", (), 3), ("t", (), 1), ("id", (), 0)],
)
def test_fewest_gates_in_the_ibm_basis(gate, params, count):
    gates = synthesize_1q(gate_matrix(gate, params), NATIVE_SETS["ibm-cz"])
    assert len(gates) == count


def test_every_basis_is_exact_on_special_angles():
    special = [
        gate_matrix(n, p)
        for n, p in [("x", ()), ("h", ()), ("rz", (math.pi,)), ("ry", (1e-9,)), ("s", ())]
    ]
    for basis_natives in (
        {"u"},
        {"rz", "sx", "x"},
        {"rz", "ry"},
        {"rz", "rx"},
        {"rx", "ry"},
        {"prx"},
        {"gpi", "gpi2"},
    ):
        for matrix in special:
            gates = synthesize_1q(matrix, frozenset(basis_natives))
            assert_same_up_to_phase(matrix_of([(n, (0,), p) for n, p in gates], 1), matrix)


def test_no_one_qubit_basis_is_an_error():
    assert one_qubit_bases(frozenset({"cx", "h"})) == []
    with pytest.raises(SynthesisError, match="no universal one-qubit basis"):
        synthesize_1q(gate_matrix("t"), frozenset({"cx", "h"}))


# -- KAK ---------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_kak_reproduces_random_unitaries_in_the_weyl_chamber(seed):
    matrix = haar(seed, 4)
    decomposition = kak(matrix)
    assert_same_up_to_phase(decomposition.matrix(), matrix)
    a, b, c = decomposition.coordinates
    assert PI4 + 1e-9 >= a >= b - 1e-12 and b + 1e-12 >= abs(c)


# -- two qubits: the acceptance test (random 4x4: test_synthesis_two_qubit.py) --


@pytest.mark.parametrize("entangler", sorted(CX_LIKE))
@pytest.mark.parametrize("directions", DIRECTIONS, ids=str)
def test_counts_follow_the_weyl_coordinates(entangler, directions):
    natives = CX_LIKE[entangler]
    local = np.kron(haar(1, 2), haar(2, 2))
    cx = gate_matrix("cx")
    for gate in ("cx", "cz", "ecr", "cy", "ch"):  # locally equivalent to cx: one
        assert (
            check_2q(
                local @ gate_matrix(gate) @ np.kron(haar(3, 2), haar(4, 2)), natives, directions
            )
            == 1
        )
    c_zero = [  # Weyl coordinate c = 0: two
        cx @ np.kron(haar(5, 2), haar(6, 2)) @ cx,
        gate_matrix("rxx", (0.4,)) @ gate_matrix("ryy", (1.1,)),
        gate_matrix("cp", (0.7,)),
        gate_matrix("iswap"),
        gate_matrix("swap") @ cx,
    ]
    for matrix in c_zero:
        assert check_2q(local @ matrix, natives, directions) == 2
    assert check_2q(local, natives, directions) == 0
    assert check_2q(gate_matrix("swap"), natives, directions) == 3
    assert check_2q(canonical_gate(0.4, 0.2, 0.1), natives, directions) == 3


@pytest.mark.parametrize("key", ["quantinuum", "ions"])
def test_parametric_entanglers_take_one_per_nonzero_coordinate(key):
    natives = NATIVE_SETS[key]
    assert check_2q(gate_matrix("cp", (0.3,)), natives) == 1
    assert check_2q(gate_matrix("rzz", (1.3,)), natives) == 1
    assert check_2q(gate_matrix("iswap"), natives) == 2
    assert check_2q(haar(9, 4), natives) == 3


def test_no_entangler_is_an_error():
    with pytest.raises(SynthesisError, match="no entangling gate"):
        synthesize_2q(gate_matrix("cx"), frozenset({"rz", "sx", "iswap"}))


# -- three qubits and more ---------------------------------------------------------------------


@pytest.mark.parametrize("num_qubits", [3, 4])
@pytest.mark.parametrize("key", ["ibm-cz", "iqm", "ions"])
def test_shannon_decomposition_is_exact(num_qubits, key):
    matrix = haar(num_qubits * 7, 1 << num_qubits)
    ops = synthesize_unitary(matrix, NATIVE_SETS[key])
    assert_same_up_to_phase(matrix_of(ops, num_qubits), matrix, atol=1e-8)
    assert {name for name, _, _ in ops} <= NATIVE_SETS[key]
    assert entanglers(ops) <= {3: 30, 4: 162}[num_qubits]
