"""``placers:dense``: the best-connected region, busiest qubits at its heart."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from qloom import Backend, Circuit
from qloom_placers.assign import swap_estimate
from qloom_placers.dense import dense_regions
from qloom_placers.graphs import Interactions, coupling_graph, distance_matrix
from support import require_distribution
from support.placement import assert_placed
from support.topologies import device, grid, heavy_hex

HH127_CIRCUITS = ["qft_n10", "qb_adder_n28", "qv_n20", "qb_multiplier_n45", "qaoa3reg_n16_p2"]


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")


def clique_with_tail() -> Backend:
    """A 4-clique on qubits 6..9 at the end of a path 0 - 1 - ... - 6."""
    graph = nx.path_graph(7)
    graph.add_edges_from((a, b) for a in range(6, 10) for b in range(a + 1, 10))
    return Backend("clique-tail", 10, graph)


def all_to_all(n: int) -> Circuit:
    circuit = Circuit(n)
    for a in range(n):
        for b in range(a + 1, n):
            circuit.cz(a, b)
    return circuit


def test_the_best_connected_region_comes_first():
    backend = clique_with_tail()
    graph = coupling_graph(backend)
    regions = dense_regions(graph, distance_matrix(graph), 4, np.random.default_rng(0))
    assert sorted(regions[0]) == [6, 7, 8, 9]
    assert len({frozenset(r) for r in regions}) == len(regions)


def test_an_all_to_all_circuit_goes_to_the_clique(place):
    out, context = place("dense", all_to_all(4), clique_with_tail())
    assert sorted(context.layout.initial) == [6, 7, 8, 9]
    assert all(op.qubits in clique_with_tail() for op in out)


def test_the_busiest_qubit_goes_to_a_hub_with_its_partners_around(place):
    star = Circuit(4).cx(0, 1).cx(0, 2).cx(0, 3).cx(0, 1)
    backend = device("heavyhex21", heavy_hex(1, 2))
    out, context = place("dense", star, backend)
    hub = context.layout.initial[0]
    assert backend.connectivity.degree(hub) == 3
    assert all(op.qubits in backend for op in out)


def test_a_grid_circuit_fits_a_grid_without_swaps(place):
    circuit = Circuit(4).cx(0, 1).cx(1, 3).cx(3, 2).cx(2, 0)
    backend = device("grid4x4", grid(4, 4))
    out, _ = place("dense", circuit, backend)
    assert all(op.qubits in backend for op in out)


@pytest.mark.parametrize("name", HH127_CIRCUITS)
def test_valid_layouts_on_hh127_that_beat_the_trivial_one(name, topology, benchmark_circuit, place):
    backend = topology("hh127")
    circuit = benchmark_circuit(name)
    out, context = place("dense", circuit, backend, seed=2)
    initial = context.layout.initial
    assert_placed(out, circuit, initial, 127)
    inter, dist = Interactions(circuit), distance_matrix(coupling_graph(backend))
    trivial = dict(enumerate(range(circuit.num_qubits)))
    assert swap_estimate(inter, dict(enumerate(initial)), dist) < swap_estimate(
        inter, trivial, dist
    )
