"""Routing with ``commute=True``: commuting gates go in any order, the circuit stays the same."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Circuit, qasm2, transpile
from qloom.testing import assert_equivalent, check_pass, circuits
from qloom_routers import ONE, RoutingDag
from qloom_routers.commutation import ACTS_AS_X, ACTS_AS_Z, acts_on_wires
from support import require_distribution
from support.topologies import device, devices, grid, line

from .conftest import pipeline

SABRE = {"pass": "routers:sabre", "commute": True}
# Gates that commute in many ways (diagonal, X-like, controls and targets), and some that
# commute with nothing, so groups open and close.
COMMUTING = ["h", "x", "sx", "rz", "s", "t", "rx", "u3", "cx", "cz", "cp", "rzz", "swap"]
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=COMMUTING))
def test_random_circuits_on_every_device(circuit):
    check_pass(pipeline(SABRE), devices(), [circuit], seed=7)


@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=COMMUTING))
def test_sabre_placement_and_routing_with_commute(circuit):
    require_distribution("qloom-placers")
    placer = {"pass": "placers:sabre", "commute": True}
    check_pass(pipeline(placer, SABRE), devices(), [circuit], seed=5)


def star(n: int, target: bool) -> Circuit:
    """CNOTs from one qubit to all others (``target=False``) or into one (``target=True``)."""
    circuit = Circuit(n).h(0)
    for q in range(1, n):
        circuit.cx(q, 0) if target else circuit.cx(0, q)
    return circuit


@pytest.mark.parametrize("target", [False, True])
def test_a_star_needs_fewer_swaps_in_any_order(target):
    backend = device("line8", line(8))
    circuit = star(8, target)
    # The centre sits at the end of the line, so the strict order must drag it along.
    strict = transpile(circuit, on=backend, transpiler=pipeline("routers:sabre"), seed=3)
    free = transpile(circuit, on=backend, transpiler=pipeline(SABRE), seed=3)
    assert_equivalent(circuit, free, free.layout)
    assert free.count_ops().get("swap", 0) <= strict.count_ops().get("swap", 0)


def test_gates_sharing_a_control_or_a_target_or_diagonal_are_not_ordered():
    circuit = Circuit(4).cx(0, 1).cx(0, 2).rz(0.3, 0).cx(0, 3).cx(1, 3).cz(2, 3)
    dag = RoutingDag.from_circuit(circuit, 4, commute=True)
    # The three gates on control 0 (and rz) commute; cx(1, 3) waits for cx(0, 1) (1 is
    # its target there, its control here) but not for cx(0, 3) (3 is a target in both);
    # cz(2, 3) waits for cx(0, 2) and for both X-like gates on 3.
    assert dag.pred == [[], [], [], [0], [1, 2, 3]]
    assert dag.riders[2] == [2]
    strict = RoutingDag.from_circuit(circuit, 4)
    assert strict.pred == [[], [0], [1], [0, 2], [1, 3]]


def test_a_one_qubit_gate_that_does_not_commute_closes_the_group():
    circuit = Circuit(3).cx(0, 1).h(0).cx(0, 2)
    dag = RoutingDag.from_circuit(circuit, 3, commute=True)
    # h becomes a free node between the groups: every gate after it waits for it
    assert dag.pred == [[], [0], [1]]
    assert dag.op[1] == 1 and dag.kind[1] == ONE
    alike = RoutingDag.from_circuit(Circuit(3).cx(0, 1).rz(0.2, 0).cx(0, 2), 3, commute=True)
    assert alike.pred == [[], []]


def test_measurements_and_conditions_keep_their_order():
    circuit = qasm2.loads(
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[1];'
        "cx q[0],q[1]; measure q[0] -> c[0]; cx q[0],q[2]; if(c==1) cx q[0],q[1];"
    )
    dag = RoutingDag.from_circuit(circuit, 3, commute=True)
    assert dag.pred == [[], [0], [1], [2, 0, 1]]


def test_how_gates_act_on_their_qubits():
    assert acts_on_wires("cx", (0, 1), False) == (ACTS_AS_Z, ACTS_AS_X)
    assert acts_on_wires("cp", (0, 1), False) == (ACTS_AS_Z, ACTS_AS_Z)
    assert acts_on_wires("cx", (0, 1), True) == (0, 0)  # conditioned: keeps its place
    assert acts_on_wires("swap", (0, 1), False) == (0, 0)
    assert acts_on_wires("sx", (0,), False) == (ACTS_AS_X,)
    assert acts_on_wires("h", (0,), False) == (0,)


def test_long_groups_are_split_so_edges_stay_linear():
    from qloom_routers.dag import GROUP_LIMIT

    n = GROUP_LIMIT * 3
    circuit = Circuit(n + 1)
    for q in range(1, n + 1):
        circuit.cx(q, 0)  # all share the target
    circuit.h(0)
    for q in range(1, n + 1):
        circuit.cx(q, 0)
    dag = RoutingDag.from_circuit(circuit, n + 1, commute=True)
    assert max(len(p) for p in dag.pred) <= GROUP_LIMIT
    backend = device("grid4x4", grid(4, 4))
    small = Circuit(6)
    for q in range(1, 6):
        small.cx(q, 0)
    out = transpile(small, on=backend, transpiler=pipeline(SABRE), seed=0)
    assert_equivalent(small, out, out.layout)
