"""Circuit: building, reading, metrics, equality and scale."""

from __future__ import annotations

import numpy as np
import pytest

from qloom import Circuit, CircuitError, GateError, Operation
from support.trusted import typed


def bell() -> Circuit:
    return Circuit(2).h(0).cx(0, 1)


def test_fluent_builders_append_operations():
    c = Circuit(3).h(0).cx(0, 1).rz(0.5, 2).u3(0.1, 0.2, 0.3, 1).ccx(0, 1, 2)
    assert [op.name for op in c] == ["h", "cx", "rz", "u3", "ccx"]
    assert c[2] == Operation("rz", (2,), (0.5,))
    assert c[3].params == (0.1, 0.2, 0.3)


def test_append_checks_gates_and_qubits():
    c = Circuit(2)
    with pytest.raises(GateError, match="unknown gate 'foo'"):
        c.append("foo", [0])
    with pytest.raises(CircuitError, match="acts on 2 qubits, got 1"):
        c.append("cx", [0])
    with pytest.raises(CircuitError, match="qubit 5 out of range for 2 qubits"):
        c.cx(0, 5)
    with pytest.raises(CircuitError, match="repeats a qubit"):
        c.cx(1, 1)
    with pytest.raises(CircuitError, match="takes 1 parameters"):
        c.append("rx", [0])
    with pytest.raises(TypeError, match="rx\\(\\) missing 1 required positional argument: 'qubit'"):
        c.rx(0)  # a real signature: rx(theta, qubit)
    with pytest.raises(CircuitError, match="clbit 0 out of range"):
        c.measure(0, 0)
    assert len(c) == 0


def test_metrics():
    c = Circuit(3).h(0).cx(0, 1).cx(1, 2).x(0).barrier().swap(0, 2)
    assert c.count_ops() == {"cx": 2, "h": 1, "x": 1, "barrier": 1, "swap": 1}
    assert c.count_2q() == 3
    assert c.depth() == 4
    assert c.depth(two_qubit_only=True) == 3
    assert c.metrics() == {"qubits": 3, "ops": 6, "n2q": 3, "depth": 4, "depth2q": 3, "swaps": 1}


def test_depth_follows_classical_wires():
    c = Circuit(2, 1, cregs=[("c", 1)])
    c.measure(0, 0)
    c.append("x", [1], condition=("c", 1))
    assert c.depth() == 2


def test_copy_equality_iteration_and_slicing():
    c = bell()
    d = c.copy()
    assert c == d and c is not d
    d.x(1)
    assert c != d and len(c) == 2
    assert c[:1] == Circuit(2).h(0)
    assert list(c) == list(c.operations)
    assert Circuit(2) != Circuit(3)


def test_measure_all_adds_register_and_barrier():
    c = bell().measure_all()
    assert c.num_clbits == 2 and c.cregs[-1].name == "meas"
    assert [op.clbits for op in c if op.name == "measure"] == [(0,), (1,)]


def test_remap_moves_qubits():
    c = bell().remap([3, 1], num_qubits=4)
    assert c.num_qubits == 4
    assert [op.qubits for op in c] == [(3,), (3, 1)]


def test_unitary_operation_holds_matrix():
    m = np.array([[0, 1], [1, 0]])
    c = Circuit(1).unitary(m, [0])
    assert c[0].name == "unitary" and len(c[0].params) == 4
    with pytest.raises(CircuitError, match="4-square"):
        Circuit(2).append("unitary", [0, 1], c[0].params)


def test_registers_must_add_up():
    with pytest.raises(CircuitError, match="do not add up"):
        Circuit(3, qregs=[("a", 2)])
    c = Circuit(3, qregs=[("a", 2), ("b", 1)])
    assert [r.name for r in c.qregs] == ["a", "b"]


def test_condition_needs_a_known_register():
    c = Circuit(1, 1)
    with pytest.raises(CircuitError, match="unknown classical register 'x'"):
        c.append("x", [0], condition=("x", 1))


def test_holds_a_million_operations():
    c = Circuit(100)
    for i in range(500_000):
        c.cx(i % 100, (i + 1) % 100).u3(0.1, 0.2, 0.3, i % 100)
    assert len(c) == 1_000_000
    assert c.count_2q() == 500_000
    # qubit and parameter tuples are shared, not one object per operation
    assert c[0].qubits is c[200].qubits and c[1].params is c[3].params


def mixed() -> Circuit:
    """Every kind of operation, built from numpy scalars that ``append`` must normalise."""
    c = Circuit(3, 2, cregs=[("c", 2)])
    c.h(np.int64(0)).rz(np.float64(-0.0), 1).u3(np.float64(0.1), 2, 0.3, 2)
    c.cx(0, np.int64(2)).unitary(np.eye(4), [2, 1]).barrier()
    c.append("measure", [1], clbits=[np.int64(0)])
    c.append("x", [2], condition=("c", 1))
    return c


def checked_copy(circuit: Circuit, mapping: list[int], width: int) -> Circuit:
    """``circuit`` relabelled one checked ``append`` at a time: the reference path."""
    out = circuit.copy_empty(width)
    for op in circuit:
        out.append(op.name, [mapping[q] for q in op.qubits], op.params, op.clbits, op.condition)
    return out


def test_trusted_rebuilds_equal_the_checked_path():
    c = mixed()
    assert typed(c)[0][1] == [(int, 0)] and typed(c)[1][2] == [(float, "-0.0")]
    for trusted, checked in [
        (c.copy_with(c), c.copy_empty().extend(c)),
        (c.copy_with(c, 4), checked_copy(c, [0, 1, 2], 4)),
        (c.remap(np.array([2, 0, 3]), 4), checked_copy(c, [2, 0, 3], 4)),
        (c.remap(range(3)), c.copy()),
    ]:
        assert trusted == checked
        assert typed(trusted) == typed(checked)
        assert (trusted.qregs, trusted.cregs) == (checked.qregs, checked.cregs)


def test_remap_checks_each_qubit_tuple():
    c = Circuit(3).h(0).cx(0, 1).h(2)
    with pytest.raises(CircuitError, match="'cx' repeats a qubit: \\[2, 2\\]"):
        c.remap([2, 2, 0])
    with pytest.raises(CircuitError, match="qubit 5 out of range for 3 qubits"):
        c.remap([0, 1, 5])
    with pytest.raises(CircuitError, match="qubit 3 out of range for 3 qubits"):
        c.remap([0, 1, 3], num_qubits=4).remap([0, 1, 2, 3], num_qubits=3)
    assert [op.qubits for op in Circuit(2).h(0).h(1).remap([1, 1])] == [(1,), (1,)]


def test_operation_is_the_one_check_for_untrusted_input():
    c = Circuit(2, 1)
    op = c.operation("rz", [np.int64(1)], [np.float64(0.5)])
    assert op == Operation("rz", (1,), (0.5,)) and len(c) == 0
    assert typed(c.copy_with([op])) == [("rz", [(int, 1)], [(float, "0.5")], (), None)]
    bad = [
        Operation("foo", (0,)),
        Operation("cx", (0, 0)),
        Operation("cx", (0, 7)),
        Operation("rx", (0,)),
        Operation("measure", (0,), (), (3,)),
        Operation("x", (0,), (), (), ("nope", 1)),
    ]
    for wrong in bad:
        with pytest.raises((CircuitError, GateError)):
            c.operation(*wrong)
        with pytest.raises((CircuitError, GateError)):
            c.extend([Operation("h", (0,)), wrong])
    with pytest.raises(CircuitError, match="4-square"):
        c.unitary(np.eye(2), [0, 1])
    assert len(c) == 0
