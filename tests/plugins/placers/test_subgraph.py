"""``placers:subgraph``: zero-SWAP placements by VF2, exactly when they exist."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from networkx.algorithms.isomorphism import GraphMatcher

from qloom import Backend, Calibration, Circuit, qasm2
from qloom.testing import circuits, coupling_maps
from support import require_distribution
from support.topologies import device, directed, grid, heavy_hex, line

GATES = ["h", "rz", "cx", "cz", "swap", "ccx"]


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")


def all_on_edges(circuit: Circuit, backend: Backend) -> bool:
    """Every gate on two or more qubits acts on coupled pairs (either direction)."""
    graph = backend.connectivity.to_undirected()
    return all(
        graph.has_edge(a, b)
        for op in circuit
        if len(op.qubits) > 1 and op.name != "barrier"
        for i, a in enumerate(op.qubits)
        for b in op.qubits[i + 1 :]
    )


def interaction_graph(circuit: Circuit) -> nx.Graph:
    graph = nx.Graph()
    for op in circuit:
        for i, a in enumerate(op.qubits if len(op.qubits) > 1 else ()):
            graph.add_edges_from((a, b) for b in op.qubits[i + 1 :])
    return graph


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_an_embedding_is_found_exactly_when_one_exists(data, place):
    n = data.draw(st.integers(2, 7), label="device qubits")
    graph = data.draw(coupling_maps(n, max_extra_edges=4), label="coupling")
    circuit = data.draw(circuits(max_qubits=n, max_ops=12, gates=GATES), label="circuit")
    backend = Backend("random", n, graph)
    exists = GraphMatcher(graph, interaction_graph(circuit)).subgraph_is_monomorphic()
    out, context = place("subgraph", circuit, backend, call_limit=10**6)
    if exists:
        assert context.placement == "placers:subgraph"
        assert all_on_edges(out, backend)
        assert out == circuit.remap(context.layout.initial, n)
    else:
        assert context.placement is None and context.layout is None
        assert out is circuit


def test_no_embedding_leaves_the_circuit_to_the_next_placer(place):
    triangle = Circuit(3).cx(0, 1).cx(1, 2).cx(2, 0)
    out, context = place("subgraph", triangle, device("heavyhex12", heavy_hex(1, 1)))
    assert out is triangle and context.placement is None and context.layout is None


def test_the_call_limit_stops_the_search(place):
    chain = Circuit(20)
    for q in range(19):
        chain.cx(q, q + 1)
    backend = device("grid5x5", grid(5, 5))
    _, found = place("subgraph", chain, backend)
    assert found.placement == "placers:subgraph"
    out, stopped = place("subgraph", chain, backend, call_limit=5)
    assert out is chain and stopped.placement is None


def test_idle_qubits_take_free_qubits_next_to_the_embedding(place):
    circuit = Circuit(5).cx(0, 1).cx(1, 2).h(3).x(4)
    backend = device("line9", line(9))
    out, context = place("subgraph", circuit, backend)
    initial = context.layout.initial
    assert all_on_edges(out, backend)
    assert len(set(initial)) == 5
    used = set(initial[:3])
    for idle in initial[3:]:
        assert min(abs(idle - p) for p in used) <= 2


def test_disconnected_interactions_are_embedded_together(place):
    circuit = Circuit(7).cx(0, 1).cx(1, 2).cx(2, 0).cz(3, 4).cz(4, 5).cz(5, 6).cz(6, 3)
    islands = nx.disjoint_union(nx.complete_graph(3), nx.cycle_graph(4))
    backend = Backend("two-islands", 8, islands)
    out, context = place("subgraph", circuit, backend)
    assert context.placement == "placers:subgraph"
    assert all_on_edges(out, backend)
    assert set(context.layout.initial[:3]) == {0, 1, 2}


def test_directed_couplings_are_embedded_undirected(place):
    backend = device("directed-line6", directed(line(6), seed=3))
    circuit = Circuit(6).cx(3, 0).cx(0, 5).cx(5, 1).cx(1, 4).cx(4, 2)
    out, context = place("subgraph", circuit, backend)
    assert context.placement == "placers:subgraph"
    assert all_on_edges(out, backend)


def test_a_calibration_picks_the_best_edge(place):
    edges = list(line(6).edges)
    rates = {edge: 0.2 for edge in edges}
    rates[(3, 4)] = 0.001
    calibration = Calibration(edge_error=rates)
    backend = Backend("line6", 6, edges, calibration=calibration)
    _, context = place("subgraph", Circuit(2).cx(0, 1).cx(1, 0), backend)
    assert set(context.layout.initial) == {3, 4}


def test_queko_circuits_get_a_zero_swap_placement(shared_benchmarks, queko_case, topology, place):
    name, device_name = queko_case
    backend = topology(f"queko_{device_name}")
    circuit = qasm2.load(shared_benchmarks / "queko" / f"{name}.qasm")
    solution = shared_benchmarks / "queko" / f"{name}_solution.csv"
    known = [int(p) for p in solution.read_text().split()]
    assert all_on_edges(circuit.remap(known, backend.num_qubits), backend), "bad reference data"
    out, context = place("subgraph", circuit, backend)
    assert context.placement == "placers:subgraph"
    assert all_on_edges(out, backend)
    assert out.count_2q() == circuit.count_2q()
