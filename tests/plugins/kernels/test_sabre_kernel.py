"""The compiled SABRE search reproduces the Python engine it replaced, bit for bit.

The oracle is that engine, kept unchanged in ``support.sabre_oracle``. Each comparison
routes the same DAG from the same layout with two generators seeded alike and checks the
swap count, depth, final layout, the whole event schedule (so the emitted circuit) and the
generator's state afterwards (the placer draws its next layouts from it).
"""

from __future__ import annotations

import json
import random
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qloom import Backend, Circuit, MappingError, qasm2
from qloom.testing import check_pass, circuits
from qloom_kernels import Dag, Device, SabreGaveUp, SabreKnobs, sabre_route
from qloom_routers import Coupling, Heuristic, RoutingDag, route, route_best
from support import sabre_oracle
from support.topologies import device, devices, directed, grid, heavy_hex, line

HEURISTICS = [
    Heuristic(),
    Heuristic(lookahead=0, decay=0.0),
    Heuristic(layer_weights=(1,), decay_reset=3),
    Heuristic(release=2, decay=0.01),
    Heuristic(lookahead=5, lookahead_weight=1.5, release=1),
]


def outcome(fn, dag, coupling, layout, heuristic, seed, record):
    """What ``fn`` returned (or the message it raised), and its generator's state after."""
    rng = random.Random(seed)
    try:
        r = fn(dag, coupling, list(layout), heuristic, rng, record=record)
    except MappingError as exc:
        return ("error", str(exc)), rng.getstate()
    return (r.swaps, r.depth, r.final, r.events), rng.getstate()


def assert_same(dag, coupling, layout, heuristic, seed, record=True):
    """The kernel (through ``qloom_routers.route``) and the oracle agree exactly."""
    expected = outcome(sabre_oracle.route, dag, coupling, layout, heuristic, seed, record)
    got = outcome(route, dag, coupling, layout, heuristic, seed, record)
    assert got[0] == expected[0]
    if got[0][0] != "error":  # after an error the generator's state does not matter
        assert got[1] == expected[1]
    return got[0]


def assert_same_best(dag, coupling, layout, heuristic, seeds):
    """``route_best`` (trials on threads) picks what the oracle's serial trial loop picks."""
    best = None
    try:
        for index, seed in enumerate(seeds):
            r = sabre_oracle.route(dag, coupling, list(layout), heuristic, random.Random(seed))
            if best is None or (r.swaps, r.depth) < (best[1].swaps, best[1].depth):
                best = (index, r)
        expected = best
    except MappingError as exc:
        expected = ("error", str(exc))
    try:
        got = route_best(dag, coupling, list(layout), heuristic, seeds)
    except MappingError as exc:
        got = ("error", str(exc))
    assert got == expected


# -- the shared benchmark circuits ----------------------------------------------------------

# A bounded subset (the whole set takes minutes in the Python oracle): small to mid-size
# circuits of every family, on the four shared devices.
SHARED_CASES = [
    ("qft_n10", "hh27"),
    ("qb_adder_n10", "hh27"),
    ("qaoa3reg_n16_p2", "grid100"),
    ("qb_ising_n26", "line32"),
    ("qv_n20", "hh27"),
    ("random_n10_d40", "line32"),
    ("qb_qft_n29", "line32"),
    ("qb_dnn_n16", "hh127"),
    ("qb_multiplier_n15", "grid100"),
    ("qb_knn_n25", "hh127"),
]


def shared_device(shared, name: str) -> Backend:
    data = json.loads((shared / "topologies" / f"{name}.json").read_text())
    return Backend(name, data["n"], [tuple(e) for e in data["edges"]])


@pytest.mark.parametrize(("name", "topology"), SHARED_CASES)
def test_shared_circuits_route_identically(name, topology, shared_benchmarks):
    circuit = qasm2.load(shared_benchmarks / "circuits" / f"{name}.qasm")
    backend = shared_device(shared_benchmarks, topology)
    coupling = Coupling.of(backend)
    n = coupling.num_qubits
    dag = RoutingDag.from_circuit(circuit, n)
    shuffled = list(range(n))
    random.Random(name).shuffle(shuffled)
    for layout, seed in ((list(range(n)), 1), (shuffled, 2)):
        assert_same(dag, coupling, layout, Heuristic(), seed)
        # the placer's count-only forward and backward routings
        assert_same(dag.reversed(), coupling, layout, Heuristic(), seed + 10, record=False)
    assert_same_best(dag, coupling, shuffled, Heuristic(), [5, 6, 7, 8])


# -- random circuits on line, grid, heavy-hex and directed devices --------------------------

TOPOLOGIES = {
    "line7": line(7),
    "grid3x3": grid(3, 3),
    "heavyhex12": heavy_hex(1, 1),
    "heavyhex21": heavy_hex(1, 2),
    "directed-grid2x3": directed(grid(2, 3), seed=2),
    "two-lines": nx.union(line(3), nx.relabel_nodes(line(3), {0: 3, 1: 4, 2: 5})),
}


@st.composite
def routing_cases(draw):
    name = draw(st.sampled_from(sorted(TOPOLOGIES)))
    graph = TOPOLOGIES[name]
    n = graph.number_of_nodes()
    width = draw(st.integers(2, n))
    circuit = Circuit(width, 2)
    for _ in range(draw(st.integers(0, 40))):
        what = draw(st.integers(0, 9))
        if what < 6:
            a, b = draw(st.lists(st.integers(0, width - 1), min_size=2, max_size=2, unique=True))
            circuit.cx(a, b)
        elif what < 8:
            circuit.h(draw(st.integers(0, width - 1)))
        elif what == 8:
            circuit.barrier(*draw(st.lists(st.integers(0, width - 1), min_size=1, unique=True)))
        else:
            circuit.measure(draw(st.integers(0, width - 1)), draw(st.integers(0, 1)))
    layout = draw(st.permutations(range(n)))
    return device(name, graph), circuit, list(layout)


@settings(
    derandomize=True, max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(case=routing_cases(), heuristic=st.sampled_from(HEURISTICS), seed=st.integers(0, 2**40))
def test_random_circuits_route_identically(case, heuristic, seed):
    backend, circuit, layout = case
    coupling = Coupling.of(backend)
    dag = RoutingDag.from_circuit(circuit, coupling.num_qubits)
    assert_same(dag, coupling, layout, heuristic, seed)
    assert_same(dag.reversed(), coupling, layout, heuristic, seed, record=False)
    assert_same_best(dag, coupling, layout, heuristic, [seed, seed + 1, seed + 2])


def test_wide_gates_fail_with_the_same_message():
    circuit = Circuit(5).cx(0, 4).ccx(0, 1, 4)
    coupling = Coupling.of(device("line5", line(5)))
    dag = RoutingDag.from_circuit(circuit, 5)
    first = assert_same(dag, coupling, list(range(5)), Heuristic(), 0)
    assert first[0] == "error" and "physical qubits" in first[1]


def test_max_swaps_fails_with_the_same_message():
    circuit = Circuit(6).cx(0, 5).cx(1, 4)
    coupling = Coupling.of(device("line6", line(6)))
    dag = RoutingDag.from_circuit(circuit, 6)
    first = assert_same(dag, coupling, list(range(6)), Heuristic(max_swaps=2), 0)
    assert first == ("error", first[1]) and "max_swaps" in first[1]


# -- the kernel's own face ------------------------------------------------------------------


def test_the_kernel_refuses_inputs_that_do_not_fit():
    dag = Dag(3, [1], [(0, 2)], [[]])
    values: dict[str, Any] = dict(
        lookahead=20,
        lookahead_weight=0.5,
        layer_weights=[3, 2, 1],
        decay=0.001,
        decay_reset=5,
        release=30,
        max_swaps=None,
    )
    knobs = SabreKnobs(**values)
    line3 = Device(3, [(0, 1), (1, 2)])
    with pytest.raises(ValueError, match="permutation"):
        sabre_route(dag, line3, [0, 0, 1], random.Random(0), knobs, record=True)
    with pytest.raises(ValueError, match="wires"):
        sabre_route(dag, Device(4, [(0, 1)]), [0, 1, 2, 3], random.Random(0), knobs, record=True)
    with pytest.raises(TypeError, match=r"random\.Random"):
        sabre_route(dag, line3, [0, 1, 2], random.SystemRandom(), knobs, record=True)
    with pytest.raises(ValueError, match="release"):
        SabreKnobs(**{**values, "release": 0})
    with pytest.raises(ValueError, match="wire 3"):
        Dag(3, [1], [(0, 3)], [[]])
    with pytest.raises(ValueError, match="kind 7"):
        Dag(3, [7], [(0, 1)], [[]])
    with pytest.raises(SabreGaveUp) as info:
        sabre_route(
            dag,
            line3,
            [0, 1, 2],
            random.Random(0),
            SabreKnobs(**{**values, "max_swaps": 0}),
            record=True,
        )
    assert info.value.args == (0, 1)


def test_the_device_keeps_the_distances():
    backend = device("hh21", heavy_hex(1, 2))
    coupling = Coupling.of(backend)
    native = Device(coupling.num_qubits, coupling.edges)
    n = coupling.num_qubits
    assert native.diameter == coupling.diameter
    assert all(native.dist(a, b) == coupling.dist[a][b] for a in range(n) for b in range(n))


def test_the_search_releases_the_gil():
    """Two threads route at once; both finish and agree with a serial run."""
    import threading

    circuit = Circuit(20)
    rng = random.Random(3)
    for _ in range(300):
        a, b = rng.sample(range(20), 2)
        circuit.cx(a, b)
    coupling = Coupling.of(device("line20", line(20)))
    dag = RoutingDag.from_circuit(circuit, 20)
    serial = route(dag, coupling, list(range(20)), Heuristic(), random.Random(5))
    results: list[object] = []

    def work() -> None:
        results.append(route(dag, coupling, list(range(20)), Heuristic(), random.Random(5)))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [serial, serial]


# -- the compiled router as a pass ----------------------------------------------------------

SLOW = settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
DIRECTABLE = ["h", "x", "rz", "sx", "u3", "cx", "cz", "swap", "rzz", "cp"]


@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=DIRECTABLE))
def test_the_compiled_router_passes_check_pass(circuit):
    spec = {"name": "sabre", "passes": [{"pass": "routers:sabre", "trials": 3}]}
    check_pass(spec, devices(), [circuit], seed=13)
