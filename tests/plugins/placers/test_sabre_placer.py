"""placers:sabre: bidirectional SABRE layout search."""

from __future__ import annotations

import networkx as nx
import pytest

from qloom import Backend, Circuit, ConfigError, MappingError, PassContext, Pipeline, transpile
from qloom.testing import assert_backend_accepts, assert_equivalent
from support import require_distribution
from support.circuits import ghz, qft
from support.topologies import device, directed, grid, heavy_hex, line, ring


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")
    require_distribution("qloom-routers")


def placer(**options: object):
    from qloom_placers.sabre import SabrePlacer

    return SabrePlacer(**options)


def place(circuit: Circuit, backend: Backend, seed: int = 0, **options: object) -> list[int]:
    mapping = placer(**options).place(circuit, PassContext(backend=backend, seed=seed))
    assert mapping is not None
    return list(mapping)


def sabre(**placer_options: object) -> Pipeline:
    return Pipeline.from_spec(
        {"name": "sabre", "passes": [{"pass": "placers:sabre", **placer_options}, "routers:sabre"]}
    )


def test_a_chain_is_laid_along_a_path_of_the_device():
    backend = device("grid6x6", grid(6, 6))
    circuit = ghz(36)  # needs a Hamiltonian path of the grid
    mapping = place(circuit, backend)
    assert all(backend.connectivity.has_edge(mapping[q], mapping[q + 1]) for q in range(35))
    out = transpile(circuit, on=backend, transpiler=sabre(), seed=2)
    assert out.count_ops().get("swap", 0) == 0


def test_random_starts_alone_still_place_validly():
    backend = device("hh21", heavy_hex(1, 2))
    mapping = place(qft(10), backend, starts=False, trials=3, iterations=1)
    assert len(set(mapping)) == 10 and all(0 <= p < 21 for p in mapping)


def test_placement_beats_the_trivial_layout():
    backend = device("hh35", heavy_hex(2, 2))
    circuit = Circuit(12)
    for step in range(40):
        circuit.cx((5 * step) % 12, (5 * step + 6) % 12)
    only_routing = Pipeline.from_spec({"name": "route", "passes": ["routers:sabre"]})
    trivial = transpile(circuit, on=backend, transpiler=only_routing, seed=1)
    placed = transpile(circuit, on=backend, transpiler=sabre(), seed=1)
    assert placed.count_ops().get("swap", 0) < trivial.count_ops().get("swap", 0)
    assert_equivalent(circuit, placed, placed.layout, random_states=2)


def test_the_router_replays_the_placers_best_routing():
    backend = device("hh35", heavy_hex(2, 2))
    context = PassContext(backend=backend, seed=4)
    out = sabre(starts=False, trials=3)(qft(14), context)
    assert out.count_ops()["swap"] <= context.properties["placers:sabre"]["swaps"]


def test_a_circuit_without_two_qubit_gates_keeps_the_trivial_placement():
    circuit = Circuit(4).h(0).rz(0.3, 2).measure_all()
    assert place(circuit, device("line6", line(6))) == [0, 1, 2, 3]


def test_a_narrow_circuit_uses_the_whole_device_for_routing():
    backend = device("ring12", ring(12))
    circuit = Circuit(3).cx(0, 1).cx(1, 2).cx(0, 2).cx(2, 0)
    out = transpile(circuit, on=backend, transpiler=sabre(), seed=3)
    assert out.num_qubits == 12
    assert_equivalent(circuit, out, out.layout)


def test_disconnected_interaction_groups_are_placed():
    circuit = Circuit(6).cx(0, 1).cx(1, 0).cx(2, 3).cx(4, 5).cx(5, 4)
    backend = device("grid3x3", grid(3, 3))
    out = transpile(circuit, on=backend, transpiler=sabre(), seed=0)
    assert out.count_ops().get("swap", 0) == 0
    assert_equivalent(circuit, out, out.layout)


def test_groups_stay_in_one_component_of_a_disconnected_device():
    backend = Backend("islands", 7, [(0, 1), (1, 2), (2, 3), (4, 5), (5, 6)])
    circuit = Circuit(6).cx(0, 3).cx(3, 1).cx(1, 2).cx(2, 0).cx(4, 5).cx(5, 4)
    mapping = place(circuit, backend, trials=3)
    component = {p: (0 if p < 4 else 1) for p in range(7)}
    assert len({component[mapping[q]] for q in (0, 1, 2, 3)}) == 1
    assert component[mapping[4]] == component[mapping[5]]
    out = transpile(circuit, on=backend, transpiler=sabre(), seed=0)
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out, out.layout)


def test_a_group_too_big_for_every_component_is_refused_clearly():
    backend = Backend("islands", 6, [(0, 1), (1, 2), (3, 4), (4, 5)])
    circuit = Circuit(4).cx(0, 1).cx(1, 2).cx(2, 3)
    with pytest.raises(
        MappingError, match=r"groups of sizes \[4\].*components have sizes \[3, 3\]"
    ):
        place(circuit, backend)


def test_directed_devices_are_placed_on_undirected_distances():
    graph = directed(heavy_hex(1, 2), seed=4)
    backend = Backend("directed-hh21", 21, graph)
    circuit = qft(8)
    out = transpile(circuit, on=backend, transpiler=sabre(), seed=6)
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out, out.layout)


def test_the_same_seed_places_the_same_way():
    backend = device("hh21", heavy_hex(1, 2))
    assert place(qft(9), backend, seed=8) == place(qft(9), backend, seed=8)
    assert place(qft(9), backend, seed=8, starts=False) == place(
        qft(9), backend, seed=8, starts=False
    )


def test_the_budget_caps_the_work_but_still_places():
    backend = device("hh21", heavy_hex(1, 2))
    mapping = place(qft(10), backend, budget=1)
    assert len(set(mapping)) == 10


@pytest.mark.parametrize("options", [{"trial": 2}, {"iterations": -1}])
def test_bad_options_are_refused(options):
    with pytest.raises(ConfigError):
        place(qft(3), device("line4", line(4)), **options)


def test_an_already_placed_circuit_is_left_alone():
    backend = device("line5", line(5))
    context = PassContext(backend=backend, seed=0, placement="placers:trivial")
    circuit = Circuit(3).cx(0, 2)
    assert placer().run(circuit, context) is circuit


def test_a_directed_edge_is_enough_to_couple():
    backend = Backend("pair", 2, nx.DiGraph([(1, 0)]))
    assert sorted(place(Circuit(2).cx(0, 1), backend)) == [0, 1]
