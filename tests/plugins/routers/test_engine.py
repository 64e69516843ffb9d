"""The pieces under routers:sabre: coupling, routing DAG, search engine."""

from __future__ import annotations

import random

import pytest

from qloom import Backend, Circuit, MappingError, qasm2
from qloom_routers import FREE, MULTI, TWO, Coupling, Heuristic, RoutingDag, emit, route
from support.topologies import device, grid, heavy_hex, line

from .conftest import per_wire, unroute


def test_coupling_distances_paths_and_components():
    coupling = Coupling.of(Backend("two-lines", 6, [(0, 1), (1, 2), (3, 4), (4, 5)]))
    assert coupling.dist[0][2] == 2
    assert coupling.dist[2][0] == 2
    assert coupling.component == [0, 0, 0, 1, 1, 1]
    assert coupling.shortest_path(0, 2) == [0, 1, 2]
    with pytest.raises(MappingError, match="not connected"):
        coupling.shortest_path(0, 4)
    assert coupling.diameter == 2


def test_equal_graphs_share_one_coupling():
    assert Coupling.of(device("g", grid(3, 3))) is Coupling.of(device("h", grid(3, 3)))


def test_the_dag_keeps_one_qubit_operations_as_riders():
    circuit = qasm2.loads(
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[1];'
        "h q[0]; x q[1]; cx q[0],q[1]; rz(0.2) q[1]; measure q[1] -> c[0];"
        "if(c==1) x q[2]; cx q[2],q[0]; t q[0]; barrier q;"
    )
    dag = RoutingDag.from_circuit(circuit, 5)
    assert dag.kind == [TWO, FREE, FREE, TWO, FREE]
    assert dag.riders[0] == [0, 1]  # h and x ride on the first cx
    assert dag.riders[1] == [3]  # rz rides on the measurement
    assert dag.riders[4] == [7]  # t rides on the barrier
    assert dag.tail == []
    # measure -> conditioned x (through the classical bit) -> cx -> barrier
    assert dag.succ[1] == [2, 4] and sorted(dag.pred[3]) == [0, 2]
    backward = dag.reversed()
    assert backward.npred == [len(s) for s in dag.succ]
    assert backward.succ[4] == dag.pred[4]


def test_trailing_one_qubit_gates_form_the_tail():
    dag = RoutingDag.from_circuit(Circuit(2).cx(0, 1).h(0).rz(0.3, 1).x(0))
    assert dag.tail == [1, 2, 3]


def test_a_three_qubit_gate_is_its_own_kind():
    dag = RoutingDag.from_circuit(Circuit(3).ccx(0, 1, 2))
    assert dag.kind == [MULTI]


def random_pairs(n: int, count: int, seed: int) -> Circuit:
    rng = random.Random(seed)
    circuit = Circuit(n)
    for _ in range(count):
        a, b = rng.sample(range(n), 2)
        circuit.cx(a, b).rz(rng.random(), b)
    return circuit


@pytest.mark.parametrize("release", [1, 2, None])
def test_the_release_valve_still_routes_correctly(release):
    backend = device("hh35", heavy_hex(2, 2))
    coupling = Coupling.of(backend)
    circuit = random_pairs(20, 120, seed=release or 0)
    dag = RoutingDag.from_circuit(circuit, coupling.num_qubits)
    layout = list(range(coupling.num_qubits))
    heuristic = Heuristic(release=release)
    result = route(dag, coupling, layout, heuristic, random.Random(1), record=True)
    out = emit(circuit, dag, coupling, backend, layout, result.events)
    backend.validate(out)
    assert out.count_ops()["swap"] == result.swaps
    wide = circuit.remap(range(20), coupling.num_qubits)
    assert per_wire(unroute(out, coupling.num_qubits)) == per_wire(wide)


def test_count_only_mode_counts_what_recording_emits():
    coupling = Coupling.of(device("line8", line(8)))
    circuit = random_pairs(8, 60, seed=3)
    dag = RoutingDag.from_circuit(circuit, 8)
    layout = [3, 1, 4, 0, 5, 7, 2, 6]
    quiet = route(dag, coupling, layout, Heuristic(), random.Random(9), record=False)
    loud = route(dag, coupling, layout, Heuristic(), random.Random(9), record=True)
    assert quiet.events is None
    assert (quiet.swaps, quiet.depth, quiet.final) == (loud.swaps, loud.depth, loud.final)
    assert loud.events is not None
    assert sum(1 for e in loud.events if e < 0) == loud.swaps
    out = emit(circuit, dag, coupling, device("line8", line(8)), layout, loud.events)
    assert per_wire(unroute(out, 8, start=layout)) == per_wire(circuit)


def test_lookahead_and_decay_can_be_switched_off():
    coupling = Coupling.of(device("grid4", grid(4, 4)))
    circuit = random_pairs(16, 80, seed=5)
    dag = RoutingDag.from_circuit(circuit, 16)
    plain = Heuristic(lookahead=0, decay=0.0)
    result = route(dag, coupling, list(range(16)), plain, random.Random(0), record=False)
    assert result.swaps > 0
    assert sorted(result.final) == list(range(16))
