"""The gate library: every matrix unitary, the conventions as documented."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qloom.errors import GateError
from qloom.gates import DIRECTIVES, GATES, gate_matrix, matrix_of_sequence, unitary_params

FIXED = [g for g in GATES.values() if g.is_unitary and g.num_params is not None]


@pytest.mark.parametrize("gate", FIXED, ids=lambda g: g.name)
def test_every_gate_is_unitary_of_its_arity(gate):
    rng = np.random.default_rng(1)
    m = gate.matrix(*rng.uniform(-math.pi, math.pi, gate.num_params))
    assert m.shape == (2**gate.num_qubits,) * 2
    assert np.allclose(m @ m.conj().T, np.eye(len(m)))


def test_first_qubit_is_most_significant():
    cx = gate_matrix("cx")
    assert cx[3, 2] == 1 and cx[2, 3] == 1 and cx[1, 1] == 1
    ccx = gate_matrix("ccx")
    assert ccx[7, 6] == 1 and ccx[5, 5] == 1


def test_sx_squared_is_x_and_s_squared_is_z():
    assert np.allclose(gate_matrix("sx") @ gate_matrix("sx"), gate_matrix("x"))
    assert np.allclose(gate_matrix("s") @ gate_matrix("s"), gate_matrix("z"))


def test_u3_family_agrees():
    assert np.allclose(gate_matrix("u2", [0.3, 0.4]), gate_matrix("u3", [math.pi / 2, 0.3, 0.4]))
    assert np.allclose(gate_matrix("u3", [math.pi / 2, 0, math.pi]), gate_matrix("h"))
    assert np.allclose(gate_matrix("u1", [0.7]), gate_matrix("p", [0.7]))


def test_rotations_and_controlled_rotations():
    t = 0.83
    assert np.allclose(gate_matrix("crz", [t])[2:, 2:], gate_matrix("rz", [t]))
    assert np.allclose(gate_matrix("crz", [t])[:2, :2], np.eye(2))
    zz = np.diag([1, -1, -1, 1])
    expected = math.cos(t / 2) * np.eye(4) - 1j * math.sin(t / 2) * zz
    assert np.allclose(gate_matrix("rzz", [t]), expected)


def test_swap_is_three_cx():
    cx, xc = gate_matrix("cx"), matrix_of_sequence(2, [(gate_matrix("cx"), [1, 0])])
    assert np.allclose(cx @ xc @ cx, gate_matrix("swap"))


def test_rccx_equals_ccx_up_to_relative_phase():
    diff = gate_matrix("rccx") @ gate_matrix("ccx").conj().T
    assert np.allclose(np.abs(diff), np.eye(8))


def test_ecr_matches_qiskit_with_qubit_order_reversed():
    # Qiskit writes matrices with qubit 0 least significant; reversing the order converts.
    little_endian = np.array(
        [[0, 1, 0, 1j], [1, 0, -1j, 0], [0, 1j, 0, 1], [-1j, 0, 1, 0]]
    ) / math.sqrt(2)
    swap = gate_matrix("swap")
    assert np.allclose(gate_matrix("ecr"), swap @ little_endian @ swap)


def test_unitary_params_roundtrip_and_checks():
    m = gate_matrix("cx")
    assert np.allclose(gate_matrix("unitary", unitary_params(m)), m)
    with pytest.raises(GateError, match="not unitary"):
        unitary_params(np.ones((2, 2)))
    with pytest.raises(GateError, match="square"):
        unitary_params(np.eye(3))


def test_errors_name_the_gate():
    with pytest.raises(GateError, match="unknown gate 'cnot'"):
        gate_matrix("cnot")
    with pytest.raises(GateError, match="'rx' takes 1 parameters, got 0"):
        gate_matrix("rx")
    with pytest.raises(GateError, match="directive"):
        gate_matrix("measure")
    assert {"measure", "reset", "barrier"} == DIRECTIVES
