"""placers:sabre's compiled layout search (``qloom_kernels.sabre_place``) gives the layouts
the Python loop it replaced gave.

Two references: golden layouts of that loop (``sabre_golden.json``, written by
``support.sabre_place_oracle``, no shared data needed), and the loop itself, kept as the
oracle, run side by side with the kernel on random circuits over line, ring, grid,
heavy-hex, directed and disconnected devices with varied options.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from qloom import Backend, Circuit, ConfigError, MappingError, PassContext
from qloom.pipeline import make_pass
from support import require_distribution, sabre_place_oracle
from support.topologies import device, directed, grid, heavy_hex, line, ring

GOLDEN = json.loads((Path(__file__).parent / "sabre_golden.json").read_text())["cases"]


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")
    require_distribution("qloom-kernels")


def kernel_place(circuit: Circuit, backend: Backend, seed: int, **options: Any) -> object:
    """The layout and winning routing of ``placers:sabre`` (or the error it raised)."""
    placer = make_pass("placers", "sabre", options)
    context = PassContext(backend=backend, seed=seed)
    try:
        layout = placer.place(circuit, context)  # type: ignore[attr-defined]
    except (MappingError, ConfigError) as exc:
        return type(exc).__name__, str(exc)
    return list(layout or []), context.properties.get("placers:sabre")


def oracle_place(circuit: Circuit, backend: Backend, seed: int, **options: Any) -> object:
    """The same from the Python loop the kernel replaced."""
    context = PassContext(backend=backend, seed=seed)
    try:
        layout = sabre_place_oracle.place(circuit, context, **options)
    except (MappingError, ConfigError) as exc:
        return type(exc).__name__, str(exc)
    return list(layout or []), context.properties.get("placers:sabre")


_CASES = {
    (c, d, s): (circuit, backend) for c, circuit, d, backend, s in sabre_place_oracle.golden_cases()
}


@pytest.mark.parametrize(
    "case", GOLDEN, ids=[f"{c['circuit']}-{c['device']}-{c['seed']}" for c in GOLDEN]
)
def test_golden_layouts(case: dict[str, Any]) -> None:
    circuit, backend = _CASES[(case["circuit"], case["device"], case["seed"])]
    layout, chosen = kernel_place(circuit, backend, case["seed"])  # type: ignore[misc]
    assert layout == case["layout"]
    assert chosen == {"swaps": case["swaps"], "routing_seed": case["routing_seed"]}


def scrambled(n: int, gates: int, seed: int, width: int | None = None) -> Circuit:
    """``gates`` CX on random pairs of the first ``width`` of ``n`` qubits."""
    rng = random.Random(seed)
    circuit = Circuit(n)
    for _ in range(gates):
        a, b = rng.sample(range(width or n), 2)
        circuit.cx(a, b)
    return circuit


def two_lines(k: int) -> nx.Graph:
    """Two separate lines of ``k`` qubits."""
    graph = nx.Graph([(i, i + 1) for i in range(k - 1)])
    graph.add_edges_from((k + i, k + i + 1) for i in range(k - 1))
    return graph


DEVICES = {
    "line9": device("line9", line(9)),
    "ring10": device("ring10", ring(10)),
    "grid4x4": device("grid4x4", grid(4, 4)),
    "hh21": device("hh21", heavy_hex(1, 2)),
    "directed-grid3x4": device("dgrid3x4", directed(grid(3, 4), seed=2)),
    "two-lines6": device("two-lines6", two_lines(6)),
}

OPTIONS: list[dict[str, Any]] = [
    {},
    {"trials": 5, "iterations": 1, "confirm": 2},
    {"starts": False, "trials": 3},
    {"budget": 300},
    {"budget": None, "trials": 4, "iterations": 0, "confirm": 0},
    {"lookahead": 0, "decay": 0.0, "release": 3, "trials": 3},
]


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) or "defaults" for o in OPTIONS])
@pytest.mark.parametrize("topology", DEVICES)
def test_the_kernel_places_as_the_python_loop(topology: str, options: dict[str, Any]) -> None:
    backend = DEVICES[topology]
    n = backend.num_qubits or 0
    for seed in range(3):
        width = min(n, 4 + 2 * seed)
        for circuit in (scrambled(width, 12 * width, seed), scrambled(width + 1, 20, seed, 3)):
            if circuit.num_qubits > n:
                continue
            expected = oracle_place(circuit, backend, seed, **options)
            assert kernel_place(circuit, backend, seed, **options) == expected


def test_errors_are_the_python_loop_s() -> None:
    backend = DEVICES["two-lines6"]
    too_wide = scrambled(8, 30, 0)  # 8 interacting qubits, components of 6
    expected = oracle_place(too_wide, backend, 0)
    assert expected[0] == "MappingError"  # type: ignore[index]
    assert kernel_place(too_wide, backend, 0) == expected
    no_trials = oracle_place(scrambled(4, 8, 0), backend, 0, trials=0)
    assert no_trials[0] == "ConfigError"  # type: ignore[index]
    assert kernel_place(scrambled(4, 8, 0), backend, 0, trials=0) == no_trials


def _native_call(threads: int, **change: Any) -> object:
    from qloom_kernels import sabre_place
    from qloom_routers import Coupling, Heuristic, RoutingDag
    from qloom_routers.engine import knobs, native_dag, native_device

    coupling = Coupling.of(DEVICES["grid4x4"])
    dag = RoutingDag.from_circuit(scrambled(10, 60, 4), 16)
    arguments: dict[str, Any] = dict(
        width=10,
        path=[0, 1, 2, 3, 7, 6, 5, 4, 8, 9, 10, 11, 15, 14, 13, 12],
        trials=6,
        iterations=2,
        confirm=2,
        budget=None,
        seed=5,
        threads=threads,
    )
    arguments.update(change)
    out = sabre_place(
        native_dag(dag),
        native_dag(dag.reversed()),
        native_device(coupling),
        knobs(Heuristic(), coupling),
        **arguments,
    )
    return out.swaps, out.layout, out.seed


def test_the_number_of_threads_does_not_change_the_layout() -> None:
    serial = _native_call(1)
    assert all(_native_call(threads) == serial for threads in (2, 3, 7))


def test_the_kernel_refuses_inputs_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="path"):
        _native_call(2, path=[0, 1, 1])
    with pytest.raises(ValueError, match="path"):
        _native_call(2, path=[0, 16])
    with pytest.raises(ValueError, match="seed"):
        _native_call(2, seed=-1)
    with pytest.raises(ValueError, match="width"):
        _native_call(2, width=17)


def test_placements_from_several_python_threads_agree_with_serial_ones() -> None:
    """The search runs with the GIL released; concurrent calls must not disturb each other."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [
        (scrambled(12, 150, seed), DEVICES[name], seed)
        for seed, name in enumerate(["grid4x4", "hh21", "grid4x4", "hh21"])
    ]
    serial = [kernel_place(*job) for job in jobs]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda job: kernel_place(*job), jobs))
    assert parallel == serial
