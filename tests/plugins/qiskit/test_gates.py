"""The gate table: every qloom gate is the Qiskit gate of the same matrix, and comes back."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import library as lib
from qiskit.quantum_info import Operator

from qloom import Circuit
from qloom.gates import GATES, gate_matrix
from qloom_qiskit import from_qiskit, to_qiskit
from qloom_qiskit.gates import QISKIT_NAMES, from_qiskit_gate, qloom_names, to_qiskit_gate

LIBRARY = sorted(g.name for g in GATES.values() if g.is_unitary and g.name != "unitary")


def random_params(name: str, seed: int = 7) -> tuple[float, ...]:
    rng = np.random.default_rng([zlib.crc32(name.encode()), seed])
    return tuple(rng.uniform(-math.pi, math.pi, GATES[name].num_params or 0).tolist())


@pytest.mark.parametrize("name", LIBRARY)
def test_each_gate_has_the_same_matrix_in_qiskit(name, qiskit_matrix):
    """Exactly the same matrix, global phase included: conditioned or controlled versions of
    the gate would expose any phase difference."""
    params = random_params(name)
    circuit = Circuit(GATES[name].num_qubits).append(name, range(GATES[name].num_qubits), params)
    qc = to_qiskit(circuit)
    assert qc.data[0].operation.name == QISKIT_NAMES[name]
    np.testing.assert_allclose(Operator(qc).data, qiskit_matrix(circuit), atol=1e-12)


@pytest.mark.parametrize("name", LIBRARY)
def test_each_gate_comes_back_with_its_name_and_parameters(name):
    params = random_params(name, seed=11)
    gate = to_qiskit_gate(name, params)
    assert from_qiskit_gate(gate) == (name, params)


def test_gates_qiskit_lacks_become_labelled_unitaries():
    for name in ("gpi", "gpi2", "ms", "u0"):
        gate = to_qiskit_gate(name, random_params(name))
        assert isinstance(gate, lib.UnitaryGate)
        assert gate.label.startswith(f"{name}(")


def test_prx_is_qiskit_rgate_and_cu_keeps_its_global_phase_parameter():
    assert isinstance(to_qiskit_gate("prx", (0.3, 0.4)), lib.RGate)
    cu = to_qiskit_gate("cu", (0.1, 0.2, 0.3, 0.4))
    assert isinstance(cu, lib.CUGate) and list(cu.params) == [0.1, 0.2, 0.3, 0.4]


def test_upper_case_aliases_share_qiskit_gates_and_come_back_by_label():
    qc = to_qiskit(Circuit(2).U(0.1, 0.2, 0.3, 0).CX(0, 1).u(0.1, 0.2, 0.3, 0).cx(0, 1))
    assert [i.operation.name for i in qc.data] == ["u", "cx", "u", "cx"]
    assert [op.name for op in from_qiskit(qc)] == ["U", "CX", "u", "cx"]


def test_multi_controlled_x_is_told_apart_by_its_controls():
    qc = QuantumCircuit(6)
    qc.mcx([0, 1, 2], 3)
    qc.mcx([0, 1, 2, 3], 4)
    qc.mcx([0, 1, 2, 3, 4], 5)  # five controls: no qloom gate, expanded by definition
    names = [op.name for op in from_qiskit(qc)]
    assert names[:2] == ["c3x", "c4x"]
    assert "mcx" not in names and len(names) > 3


def test_a_unitary_matrix_keeps_qloom_qubit_order_across_the_bridge(qiskit_matrix):
    """qloom's unitary on (0, 1) with the textbook CNOT matrix is cx(0, 1) in Qiskit too."""
    cnot = gate_matrix("cx")
    circuit = Circuit(3).unitary(cnot, [2, 0])
    qc = to_qiskit(circuit)
    expected = QuantumCircuit(3)
    expected.cx(2, 0)
    assert Operator(qc).equiv(Operator(expected))
    assert from_qiskit(qc) == circuit


def test_a_misleading_label_does_not_rename_a_unitary():
    gate = lib.UnitaryGate(np.eye(2), label="gpi(0.5)")
    name, params = from_qiskit_gate(gate)
    assert name == "unitary" and np.allclose(np.reshape(params, (2, 2)), np.eye(2))
    assert from_qiskit_gate(lib.UnitaryGate(np.eye(2), label="not a call"))[0] == "unitary"


def test_qloom_names_of_qiskit_operations():
    assert qloom_names("u") == ("U", "u")
    assert qloom_names("mcx") == ("c3x", "c4x")
    assert qloom_names("r") == ("prx",)
    assert set(qloom_names("unitary")) == {"gpi", "gpi2", "ms", "u0", "unitary"}
    assert qloom_names("delay") == ()
