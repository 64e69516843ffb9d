"""``placers:line``: long device paths, and chains of qubits laid along them."""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
import numpy as np
import pytest

from qloom import Backend, Circuit, transpile
from qloom_placers.graphs import Interactions
from qloom_placers.line import chain_order
from qloom_placers.paths import long_path
from support import require_distribution
from support.placement import assert_placed
from support.topologies import device, grid, heavy_hex, line, ring

HH127_CIRCUITS = ["ghz_n100", "qb_ising_n98", "qft_n10", "qb_adder_n28", "qv_n20"]


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")


def chain(order: list[int], width: int | None = None) -> Circuit:
    """A GHZ ladder through the qubits in ``order``."""
    circuit = Circuit(width or len(order)).h(order[0])
    for a, b in pairwise(order):
        circuit.cx(a, b)
    return circuit


def is_simple_path(graph: nx.Graph, path: list[int]) -> bool:
    pairs = pairwise(path)
    return len(set(path)) == len(path) and all(graph.has_edge(a, b) for a, b in pairs)


@pytest.mark.parametrize(
    ("graph", "longest"),
    [
        (line(7), 7),
        (ring(9), 9),
        (grid(3, 3), 9),
        (grid(4, 7), 28),
        (grid(10, 10), 100),
        (heavy_hex(1, 1), 12),
        (heavy_hex(1, 2), 21),
        (nx.star_graph(5), 3),
    ],
    ids=["line7", "ring9", "grid3x3", "grid4x7", "grid10x10", "heavyhex12", "heavyhex21", "star"],
)
def test_the_path_search_finds_the_longest_path_of_small_devices(graph, longest):
    path = long_path(graph, graph.number_of_nodes(), np.random.default_rng(0))
    assert is_simple_path(graph, path)
    assert len(path) == longest


def test_the_path_search_stops_at_the_length_it_needs():
    path = long_path(grid(6, 6), 5, np.random.default_rng(0))
    assert len(path) == 5 and is_simple_path(grid(6, 6), path)


def test_the_path_search_stays_in_one_component():
    graph = nx.disjoint_union(nx.path_graph(3), nx.path_graph(6))
    path = long_path(graph, 9, np.random.default_rng(0))
    assert is_simple_path(graph, path) and len(path) == 6


def test_a_chain_of_interactions_is_followed_from_one_end():
    order = [4, 0, 6, 2, 5, 1, 3]
    assert chain_order(Interactions(chain(order))) in (order, order[::-1])


def test_a_general_interaction_graph_keeps_heavy_pairs_next_to_each_other():
    circuit = Circuit(4).cx(0, 2).cx(0, 2).cx(0, 2).cx(2, 3).cx(3, 1).cx(1, 0).cx(2, 1)
    order = chain_order(Interactions(circuit))
    assert sorted(order) == [0, 1, 2, 3]
    assert abs(order.index(0) - order.index(2)) == 1


def test_groups_follow_first_use_and_idle_qubits_are_left_out():
    circuit = Circuit(6).cx(3, 4).cx(0, 1).cx(1, 2).h(5)
    assert chain_order(Interactions(circuit)) in ([3, 4, 0, 1, 2], [4, 3, 0, 1, 2])


@pytest.mark.parametrize(
    "backend",
    [
        device("grid5x5", grid(5, 5)),
        device("heavyhex21", heavy_hex(1, 2)),
        device("ring8", ring(8)),
    ],
    ids=lambda b: b.name,
)
def test_a_scrambled_ghz_chain_as_long_as_the_device_path_needs_no_swap(backend, place):
    size = len(long_path(backend.connectivity, backend.num_qubits, np.random.default_rng(0)))
    order = list(np.random.default_rng(1).permutation(size))
    circuit = chain([int(q) for q in order])
    out, _ = place("line", circuit, backend, seed=4)
    assert all(op.qubits in backend for op in out if len(op.qubits) == 2)


def test_qubits_beyond_the_path_sit_next_to_their_partners(place):
    caterpillar = [(0, 1), (1, 2), (2, 3), (1, 4), (2, 5)]  # longest paths: 4 qubits
    backend = Backend("caterpillar", 6, caterpillar)
    circuit = chain([0, 1, 2, 3], width=6).cx(1, 4).h(5)
    out, context = place("line", circuit, backend)
    assert len(set(context.layout.initial)) == 6
    assert all(op.qubits in backend for op in out if len(op.qubits) == 2)


def test_ghz_100_on_the_10x10_grid_is_all_on_edges(topology, benchmark_circuit, place):
    backend = topology("grid100")
    out, _ = place("line", benchmark_circuit("ghz_n100"), backend)
    assert out.count_2q() == 99
    assert all(op.qubits in backend for op in out if len(op.qubits) == 2)


def test_ghz_100_on_the_10x10_grid_routes_without_swaps(topology, benchmark_circuit):
    require_distribution("qloom-routers")
    circuit = benchmark_circuit("ghz_n100")
    spec = {"name": "line-sabre", "passes": ["placers:line", "routers:sabre"]}
    out = transpile(circuit, on=topology("grid100"), transpiler=spec, seed=1)
    assert out.count_2q() == circuit.count_2q() == 99


@pytest.mark.parametrize("name", HH127_CIRCUITS)
def test_valid_layouts_on_hh127(name, topology, benchmark_circuit, place):
    backend = topology("hh127")
    circuit = benchmark_circuit(name)
    out, context = place("line", circuit, backend, seed=2)
    initial = context.layout.initial
    assert_placed(out, circuit, initial, 127)
    if name in ("ghz_n100", "qb_ising_n98"):
        assert all(op.qubits in backend for op in out if len(op.qubits) == 2)
