"""The compiled SABRE search gives its golden outputs, and the kernel's own face.

``golden/*.json`` holds, per case of ``support.sabre_golden``, the swap count, depth, final
layout, event schedule (or its sha256) and the generator's next draw after the call. They
were recorded from the pure-Python engine the kernel ported, and the kernel matched it on
every case before that engine was removed (issue 17). A difference here means the search's
output changed: fix the kernel, or, if the change is meant, rerun ``make_golden.py`` and
say why in the commit.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Circuit
from qloom.testing import check_pass, circuits
from qloom_kernels import Dag, Device, SabreGaveUp, sabre_route
from qloom_routers import TWO, Coupling, Heuristic, RoutingDag, route, route_best
from support import sabre_golden
from support.topologies import device, devices, heavy_hex, line

RANDOM = {case.id: case for case in sabre_golden.random_cases()}
GOLDEN = sabre_golden.load("random")


def replay(case: sabre_golden.Case, events: list[int]) -> list[int]:
    """Walk a schedule: every swap is on a coupled pair, every two-qubit node runs on coupled
    qubits, every node runs once; the layout it ends with."""
    coupling, dag = case.coupling, case.dag
    n = coupling.num_qubits
    l2p = list(case.layout)
    p2l = [0] * n
    for wire, phys in enumerate(l2p):
        p2l[phys] = wire
    done = []
    for event in events:
        if event < 0:
            a, b = divmod(~event, n)
            assert coupling.dist[a][b] == 1, f"swap on uncoupled {a}, {b}"
            p2l[a], p2l[b] = p2l[b], p2l[a]
            l2p[p2l[a]], l2p[p2l[b]] = a, b
            continue
        if dag.kind[event] == TWO:
            a, b = l2p[dag.qa[event]], l2p[dag.qb[event]]
            assert coupling.dist[a][b] == 1, f"node {event} on uncoupled {a}, {b}"
        done.append(event)
    assert sorted(done) == list(range(len(dag.kind)))
    return l2p


# -- golden outputs: random circuits on line, grid, heavy-hex and directed devices ---------


def test_every_case_has_a_golden_outcome():
    assert sorted(GOLDEN) == sorted(RANDOM)


@pytest.mark.parametrize("case_id", list(RANDOM))
def test_random_circuits_route_as_recorded(case_id):
    assert sabre_golden.outcome(RANDOM[case_id]) == GOLDEN[case_id]


ROUTED = [c for c, case in RANDOM.items() if case.record and "error" not in GOLDEN[c]]


@pytest.mark.parametrize("case_id", ROUTED)
def test_recorded_schedules_are_valid_routings(case_id):
    case = RANDOM[case_id]
    layout = list(case.layout)
    if len(case.seeds) == 1:
        rng = random.Random(case.seeds[0])
        result = route(case.dag, case.coupling, layout, case.heuristic, rng)
    else:
        _, result = route_best(case.dag, case.coupling, layout, case.heuristic, case.seeds)
    assert result.events is not None
    assert sum(1 for e in result.events if e < 0) == result.swaps
    assert replay(case, result.events) == result.final


# -- golden outputs: the shared benchmark circuits ------------------------------------------


@pytest.mark.parametrize(("name", "topology"), sabre_golden.SHARED_CASES)
def test_shared_circuits_route_as_recorded(name, topology, shared_benchmarks):
    golden = sabre_golden.load("shared")
    cases = list(sabre_golden.shared_cases(shared_benchmarks, name, topology))
    assert {c.id for c in cases} == {k for k in golden if k.startswith(f"{name}@{topology}/")}
    for case in cases:
        assert sabre_golden.outcome(case) == golden[case.id], case.id


# -- the kernel's own face ------------------------------------------------------------------


def test_the_kernel_refuses_inputs_that_do_not_fit():
    dag = Dag(3, [1], [(0, 2)], [[]])
    from qloom_kernels import SabreKnobs

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
