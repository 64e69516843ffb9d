"""Circuits across the bridge: registers, directives, conditions, expansions and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from qiskit import QuantumCircuit
from qiskit.circuit import (
    ClassicalRegister,
    Clbit,
    Gate,
    IfElseOp,
    Parameter,
    QuantumRegister,
    Qubit,
)
from qiskit.circuit.classical import expr
from qiskit.circuit.library import QFTGate
from qiskit.quantum_info import Operator

from qloom import Circuit, CircuitError, QloomError
from qloom.testing import assert_equivalent
from qloom.testing.strategies import circuits
from qloom_qiskit import ConversionError, from_qiskit, to_qiskit


def two_registers() -> Circuit:
    c = Circuit(3, 3, name="demo", qregs=[("a", 2), ("b", 1)], cregs=[("m", 2), ("f", 1)])
    c.h(0).cx(0, 1).barrier(0, 2).reset(2).measure(0, 0).measure(1, 1)
    c.append("x", [2], condition=("m", 3)).measure(2, 2)
    return c


def test_registers_directives_and_conditions_survive_a_round_trip():
    c = two_registers()
    qc = to_qiskit(c)
    assert [(r.name, r.size) for r in qc.qregs] == [("a", 2), ("b", 1)]
    assert [(r.name, r.size) for r in qc.cregs] == [("m", 2), ("f", 1)]
    assert qc.name == "demo"
    names = [i.operation.name for i in qc.data]
    assert names == ["h", "cx", "barrier", "reset", "measure", "measure", "if_else", "measure"]
    back = from_qiskit(qc)
    assert back == c and back.qregs == c.qregs and back.cregs == c.cregs and back.name == "demo"


def test_a_condition_becomes_an_if_test_on_its_register():
    qc = to_qiskit(two_registers())
    op = qc.data[6].operation
    assert isinstance(op, IfElseOp)
    register, value = op.condition
    assert (register.name, value) == ("m", 3)
    body = op.blocks[0]
    assert [i.operation.name for i in body.data] == ["x"]


def test_qiskit_measure_all_and_loose_bits():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.measure_all()
    c = from_qiskit(qc)
    assert [r.name for r in c.cregs] == ["meas"]
    assert c.count_ops() == {"measure": 2, "h": 1, "barrier": 1}

    loose = QuantumCircuit([Qubit(), Qubit(), Clbit()])
    loose.cx(0, 1)
    loose.measure(1, 0)
    c = from_qiskit(loose)
    assert [(r.name, r.size) for r in c.qregs] == [("q", 2)]
    assert [(r.name, r.size) for r in c.cregs] == [("c", 1)]
    assert len(c) == 2


def test_if_test_bodies_become_conditioned_operations():
    q, c = QuantumRegister(2, "q"), ClassicalRegister(2, "c")
    flag = ClassicalRegister(1, "flag")
    qc = QuantumCircuit(q, c, flag)
    qc.measure(0, c[0])
    with qc.if_test((c, 1)):
        qc.x(1)
        qc.h(0)
    with qc.if_test((flag[0], True)):
        qc.z(0)
    with qc.if_test(expr.equal(c, 2)):
        qc.y(1)
    ops = list(from_qiskit(qc))
    assert [(op.name, op.condition) for op in ops[1:]] == [
        ("x", ("c", 1)),
        ("h", ("c", 1)),
        ("z", ("flag", 1)),
        ("y", ("c", 2)),
    ]


def qiskit_circuit_with(build) -> QuantumCircuit:
    qc = QuantumCircuit(QuantumRegister(2, "q"), ClassicalRegister(2, "c"))
    build(qc)
    return qc


def _else(qc: QuantumCircuit) -> None:
    with qc.if_test((qc.cregs[0], 1)) as otherwise:
        qc.x(0)
    with otherwise:
        qc.y(0)


def _loop(qc: QuantumCircuit) -> None:
    with qc.for_loop(range(2)):
        qc.x(0)


def _while(qc: QuantumCircuit) -> None:
    with qc.while_loop((qc.cregs[0], 0)):
        qc.x(0)


def _switch(qc: QuantumCircuit) -> None:
    with qc.switch(qc.cregs[0]) as case, case(0):
        qc.x(0)


def _bit_of_a_register(qc: QuantumCircuit) -> None:
    with qc.if_test((qc.clbits[0], 1)):
        qc.x(0)


def _nested(qc: QuantumCircuit) -> None:
    with qc.if_test((qc.cregs[0], 1)), qc.if_test((qc.cregs[0], 2)):
        qc.x(0)


def _measure_then_gate(qc: QuantumCircuit) -> None:
    with qc.if_test((qc.cregs[0], 1)):
        qc.measure(0, 0)
        qc.x(1)


def _delay(qc: QuantumCircuit) -> None:
    qc.delay(100, 0, unit="ns")


def _unbound(qc: QuantumCircuit) -> None:
    qc.rx(Parameter("theta"), 0)


@pytest.mark.parametrize(
    ("build", "instruction", "reason"),
    [
        (_else, "if_else", "no else branch"),
        (_loop, "for_loop", "no control flow"),
        (_while, "while_loop", "no control flow"),
        (_switch, "switch_case", "no control flow"),
        (_bit_of_a_register, "if_else", "not one whole classical register"),
        (_nested, "if_else", "nested conditions"),
        (_measure_then_gate, "if_else", "writes the condition's register"),
        (_delay, "delay", "no definition"),
        (_unbound, "rx", "not bound"),
    ],
)
def test_what_qloom_cannot_represent_is_refused_by_name(build, instruction, reason):
    with pytest.raises(ConversionError, match=reason) as info:
        from_qiskit(qiskit_circuit_with(build))
    assert info.value.instruction == instruction
    assert f"'{instruction}'" in str(info.value) and info.value.index == 0
    assert isinstance(info.value, QloomError)


def test_gates_qloom_lacks_are_expanded_through_their_definitions(qiskit_matrix):
    inner = QuantumCircuit(2, name="entangle")
    inner.h(0)
    inner.cx(0, 1)
    custom = inner.to_gate()
    qc = QuantumCircuit(4)
    qc.append(custom, [2, 0])
    qc.append(QFTGate(3), [0, 1, 3])
    qc.ccz(0, 1, 2)
    qc.cs(3, 1)
    qc.global_phase = 0.4  # dropped: qloom circuits have no global phase
    c = from_qiskit(qc)
    assert c.count_ops().keys() <= {"h", "cx", "cp", "swap", "x", "t", "tdg", "ccx", "p", "cu1"}
    assert Operator(qc).equiv(Operator(qiskit_matrix(c)))


def test_bound_parameters_are_read_as_numbers():
    theta = Parameter("theta")
    qc = QuantumCircuit(1)
    qc.rx(theta, 0)
    c = from_qiskit(qc.assign_parameters({theta: 0.25}))
    assert list(c) == list(Circuit(1).rx(0.25, 0))


def test_a_gate_without_definition_or_table_entry_is_refused():
    class Opaque(Gate):
        def __init__(self) -> None:
            super().__init__("opaque", 1, [])

    qc = QuantumCircuit(1)
    qc.append(Opaque(), [0])
    with pytest.raises(ConversionError, match="'opaque'"):
        from_qiskit(qc)


def test_a_layout_wider_than_the_circuit_is_refused():
    from qloom import Layout

    c = Circuit(2).cx(0, 1)
    c.layout = Layout((0, 2), (0, 1, 2))
    with pytest.raises(CircuitError, match="spans 3 physical qubits"):
        to_qiskit(c)


STATELESS_FIXTURES = [HealthCheck.function_scoped_fixture]


@settings(max_examples=60, deadline=None, suppress_health_check=STATELESS_FIXTURES)
@given(
    circuit=circuits(max_qubits=4, max_ops=20)
    | circuits(max_qubits=3, max_ops=8, gates=["unitary"], max_unitary_qubits=3)
)
def test_random_circuits_round_trip_exactly_and_keep_their_operator(circuit, qiskit_matrix):
    qc = to_qiskit(circuit)
    assert from_qiskit(qc) == circuit
    assert Operator(qc).equiv(Operator(qiskit_matrix(circuit)))


@settings(max_examples=25, deadline=None)
@given(circuit=circuits(max_qubits=4, max_ops=15))
def test_a_circuit_rebuilt_by_qiskit_is_equivalent(circuit):
    """Qiskit's own copy of the converted circuit (through its DAG) converts back to an
    equivalent qloom circuit."""
    from qiskit.converters import circuit_to_dag, dag_to_circuit

    qc = dag_to_circuit(circuit_to_dag(to_qiskit(circuit)))
    assert_equivalent(circuit, from_qiskit(qc))


def test_an_empty_circuit_crosses_the_bridge():
    assert from_qiskit(to_qiskit(Circuit(0))) == Circuit(0)
    assert from_qiskit(to_qiskit(Circuit(3))) == Circuit(3)
    assert math.isclose(to_qiskit(Circuit(1)).global_phase, 0.0)
    assert np.allclose(Operator(to_qiskit(Circuit(2))).data, np.eye(4))


def test_instructions_with_definitions_are_expanded_too():
    """``initialize`` is an instruction (not a gate): resets, then a state preparation."""
    from qloom.testing.dense import apply_operations

    qc = QuantumCircuit(2)
    qc.initialize([0, 0, 0, 1], [0, 1])
    c = from_qiskit(qc)
    assert [op.name for op in c][:2] == ["reset", "reset"]
    start = np.zeros(4, dtype=complex)
    start[0] = 1
    state = apply_operations(start, list(c)[2:], 2)
    assert abs(abs(state[3]) - 1) < 1e-9  # |11>
