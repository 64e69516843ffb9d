"""``placers:noise``: low-error qubits and pairs, and few SWAPs, by estimated error."""

from __future__ import annotations

import logging
import math

import networkx as nx
import numpy as np
import pytest

from qloom import Backend, Calibration, Circuit
from qloom_placers.costs import SWAP_GATES, ErrorModel
from qloom_placers.graphs import Interactions, coupling_graph
from support import require_distribution
from support.topologies import device, grid, heavy_hex, line


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")


def cost(rate: float) -> float:
    return -math.log(1 - rate)


def ghz(n: int) -> Circuit:
    circuit = Circuit(n).h(0)
    for q in range(n - 1):
        circuit.cx(q, q + 1)
    return circuit.measure_all()


def test_the_error_model_prices_gates_on_and_off_the_coupling():
    rates = {(0, 1): 0.01, (1, 2): 0.1}
    calibration = Calibration({0: 0.001, 1: 0.002, 2: 0.003}, {}, rates)
    model = ErrorModel(calibration, line(3))
    assert model.pair[0, 1] == pytest.approx(cost(0.01))
    assert model.pair[1, 2] == pytest.approx(cost(0.1))
    # 0 and 2 are not coupled: SWAP 0 next to 2 then act on (1, 2), or the other way round
    via = min(SWAP_GATES * cost(0.01) + cost(0.1), SWAP_GATES * cost(0.1) + cost(0.01))
    assert model.pair[0, 2] == pytest.approx(via)
    assert model.qubit[2] == pytest.approx(cost(0.003))
    circuit = Circuit(2).x(0).cx(0, 1).cx(1, 0)
    expected = cost(0.001) + 2 * via
    assert model.cost(Interactions(circuit), np.array([0, 2])) == pytest.approx(expected)


def test_bad_qubits_are_avoided(place):
    graph = grid(3, 3)
    bad = {0, 1, 2, 4}
    calibration = Calibration(
        {q: 0.3 if q in bad else 0.001 for q in range(9)},
        {q: 0.3 if q in bad else 0.01 for q in range(9)},
        {edge: 0.01 for edge in graph.edges},
    )
    backend = Backend("grid3x3", 9, graph, calibration=calibration)
    _, context = place("noise", ghz(3), backend)
    assert not bad & set(context.layout.initial)


def test_bad_edges_are_avoided(place):
    graph = heavy_hex(1, 1)  # a ring of 12 qubits
    ring = nx.find_cycle(graph, source=0)
    good = {frozenset(edge) for edge in ring[5:10]}
    rates = {edge: 0.005 if frozenset(edge) in good else 0.3 for edge in graph.edges}
    backend = Backend("ring12", 12, graph, calibration=Calibration(edge_error=rates))
    out, _ = place("noise", ghz(4), backend)
    pairs = [frozenset(op.qubits) for op in out if len(op.qubits) == 2]
    assert len(pairs) == 3 and set(pairs) <= good


def test_fewer_swaps_win_when_every_qubit_is_alike(place):
    graph = grid(3, 3)
    calibration = Calibration(edge_error={edge: 0.01 for edge in graph.edges})
    backend = Backend("grid3x3", 9, graph, calibration=calibration)
    square = Circuit(4).cx(0, 1).cx(1, 2).cx(2, 3).cx(3, 0).cx(0, 1)
    out, _ = place("noise", square, backend)
    assert all(op.qubits in backend for op in out if len(op.qubits) == 2)


@pytest.mark.parametrize("calibration", [None, Calibration()], ids=["none", "empty"])
def test_without_a_calibration_it_places_like_dense(calibration, place, caplog):
    backend = Backend("heavyhex21", 21, heavy_hex(1, 2), calibration=calibration)
    circuit = Circuit(5).cx(0, 1).cx(0, 2).cx(0, 3).cx(3, 4).cx(1, 4)
    with caplog.at_level(logging.DEBUG, logger="qloom"):
        _, noise = place("noise", circuit, backend, seed=3)
    _, dense = place("dense", circuit, backend, seed=3)
    assert noise.layout == dense.layout
    assert "no calibration" in caplog.text


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_never_worse_than_the_zero_swap_embeddings_it_scores(seed, place, calibrated):
    backend = calibrated(device("heavyhex21", heavy_hex(1, 2)), seed=seed)
    circuit = Circuit(6).cx(0, 1).cx(1, 2).cx(2, 3).cx(1, 4).cx(4, 5).x(5).measure_all()
    model = ErrorModel(backend.calibration, coupling_graph(backend))
    inter = Interactions(circuit)
    _, noise = place("noise", circuit, backend, seed=seed)
    _, subgraph = place("subgraph", circuit, backend, seed=seed)
    noise_cost = model.cost(inter, np.array(noise.layout.initial))
    assert noise_cost <= model.cost(inter, np.array(subgraph.layout.initial)) + 1e-12


def test_a_large_calibrated_device(topology, benchmark_circuit, place):
    hh127 = topology("hh127")
    rng = np.random.default_rng(5)
    calibration = Calibration(
        {q: float(rng.uniform(1e-4, 1e-3)) for q in range(127)},
        {q: float(rng.uniform(5e-3, 5e-2)) for q in range(127)},
        {edge: float(rng.uniform(5e-3, 5e-2)) for edge in hh127.connectivity.edges},
    )
    backend = Backend("hh127", 127, hh127.connectivity, calibration=calibration)
    circuit = benchmark_circuit("qb_adder_n28")
    model = ErrorModel(calibration, coupling_graph(backend))
    inter = Interactions(circuit)
    out, noise = place("noise", circuit, backend)
    _, dense = place("dense", circuit, backend)
    assert out == circuit.remap(noise.layout.initial, 127)
    noise_cost = model.cost(inter, np.array(noise.layout.initial))
    assert noise_cost < model.cost(inter, np.array(dense.layout.initial))


@pytest.mark.parametrize("seed", [0, 1])
def test_starts_grown_together_are_the_starts_grown_alone(seed, calibrated):
    """``greedy_builds`` grows every start in one array; no row may see another's choices."""
    from qloom_placers.noise import greedy_builds

    backend = calibrated(device("heavyhex35", heavy_hex(2, 2)), seed=seed)
    rng = np.random.default_rng(seed)
    circuit = Circuit(9)
    for _ in range(30):
        a, b = (int(q) for q in rng.choice(8, size=2, replace=False))  # qubit 8 stays idle
        circuit.cx(a, b).rz(0.1, b)
    model = ErrorModel(backend.calibration, coupling_graph(backend))
    inter = Interactions(circuit)
    starts = [int(s) for s in np.argsort(model.goodness, kind="stable")]
    together = greedy_builds(inter, model, starts)
    alone = [greedy_builds(inter, model, [start])[0] for start in starts]
    assert [m.tolist() for m in together] == [m.tolist() for m in alone]
    assert len({tuple(m.tolist()) for m in together}) > 1  # the starts did differ
    for start, mapping in zip(starts, together, strict=True):
        assert len(set(mapping.tolist())) == 9
        assert start in mapping.tolist()
