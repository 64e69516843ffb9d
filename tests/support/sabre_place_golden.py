"""Golden outputs of the compiled SABRE layout search: the cases, an outcome, the files.

``placers:sabre`` runs ``qloom_kernels.sabre_place``, a port of the Python trial loop the
placer ran before (issue 17). That loop was kept as a test oracle during the port and was
then replaced by these recorded outputs: every case below was placed by the oracle and by
the kernel, the two agreed exactly, and the outcome is stored under
``tests/plugins/placers/golden/``. ``tests/plugins/placers/make_golden.py`` rewrites the
files from the kernel; it is run only when the search's output is meant to change.

A case is one placement by ``placers:sabre`` (circuit, device, pass seed, options); its
outcome is the layout, the swaps and seed of the routing that scored it, or the error's type
and message. Groups:

- ``layouts``: larger circuits (QFT, GHZ, random) on heavy-hex and grid with the defaults.
- ``options``: random circuits on line, ring, grid, heavy-hex, directed and disconnected
  devices under six option sets (small trials, no structured starts, budgets, no lookahead).
- ``starts``: options that leave one kind of starting layout to win, so each strategy shows:
  only the structured starts (greedy embedding, trivial, along the long path) without
  refinement; one random trial (a fully random layout, per component on a disconnected
  device); two (random, then a greedy embedding from a random qubit). The routing seed says
  which trial won (``derive_seed(seed, "sabre-layout", trial, 0)``).
- ``errors``: the messages of what cannot be placed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from qloom import Backend, Circuit, ConfigError, MappingError, PassContext
from qloom.pipeline import make_pass
from support.circuits import ghz, qft
from support.golden import GoldenFiles
from support.topologies import device, directed, grid, heavy_hex, line, ring

FILES = GoldenFiles(Path(__file__).resolve().parents[1] / "plugins" / "placers" / "golden")
"""Where the golden files live (one JSON object per group, one case per line)."""
load = FILES.load

GROUPS = ("layouts", "options", "starts", "errors")


@dataclass(frozen=True)
class Case:
    """One placement by ``placers:sabre``."""

    id: str
    circuit: Circuit
    backend: Backend
    seed: int
    options: dict[str, Any] = field(default_factory=dict)


def outcome(case: Case) -> dict[str, Any]:
    """What ``placers:sabre`` gives for ``case``, as stored in a golden file."""
    placer = make_pass("placers", "sabre", case.options)
    context = PassContext(backend=case.backend, seed=case.seed)
    try:
        layout = placer.place(case.circuit, context)  # type: ignore[attr-defined]
    except (MappingError, ConfigError) as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    chosen = context.properties.get("placers:sabre") or {}
    return {
        "layout": None if layout is None else list(layout),
        "swaps": chosen.get("swaps"),
        "routing_seed": chosen.get("routing_seed"),
    }


def cases(group: str) -> list[Case]:
    """The cases of ``group`` (one of ``GROUPS``)."""
    build = {
        "layouts": layout_cases,
        "options": option_cases,
        "starts": start_cases,
        "errors": error_cases,
    }[group]
    return list(build())


# -- circuits and devices -------------------------------------------------------------------


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


def islands() -> Backend:
    """Seven qubits in a line of three and a line of four."""
    return Backend("islands", 7, [(0, 1), (1, 2), (3, 4), (4, 5), (5, 6)])


# -- the groups -----------------------------------------------------------------------------


def layout_cases() -> Iterator[Case]:
    """QFT, GHZ, random and measured circuits on heavy-hex 35 and grid 6x6, seeds 0 and 11."""

    def measured(n: int) -> Circuit:
        circuit = scrambled(n, 40, 6).barrier()
        return circuit.cx(0, n - 1).measure_all()

    circuits = {
        "qft8": qft(8),
        "qft14": qft(14),
        "ghz20": ghz(20),
        "random10x60": scrambled(10, 60, 1),
        "random16x120": scrambled(16, 120, 2),
        "random6x30": scrambled(6, 30, 3),
        "random24x200": scrambled(24, 200, 4),
        "pairs12": Circuit(12).cx(0, 6).cx(1, 7).cx(2, 8).cx(3, 9).cx(4, 10).cx(5, 11),
        "measured9": measured(9),
        "random30x400": scrambled(30, 400, 5),
    }
    backends = {
        "hh35": device("hh35", heavy_hex(2, 2)),
        "grid6x6": device("grid6x6", grid(6, 6)),
    }
    for name, circuit in circuits.items():
        for dev, backend in backends.items():
            for seed in (0, 11):
                yield Case(f"{name}/{dev}/seed{seed}", circuit, backend, seed)


DEVICES = {
    "line9": lambda: device("line9", line(9)),
    "ring10": lambda: device("ring10", ring(10)),
    "grid4x4": lambda: device("grid4x4", grid(4, 4)),
    "hh21": lambda: device("hh21", heavy_hex(1, 2)),
    "directed-grid3x4": lambda: device("dgrid3x4", directed(grid(3, 4), seed=2)),
    "two-lines6": lambda: device("two-lines6", two_lines(6)),
}
"""Line, ring, grid, heavy-hex, directed and disconnected devices."""

OPTIONS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "trials5-iter1-confirm2": {"trials": 5, "iterations": 1, "confirm": 2},
    "no-starts-trials3": {"starts": False, "trials": 3},
    "budget300": {"budget": 300},
    "no-budget-trials4-iter0-confirm0": {
        "budget": None,
        "trials": 4,
        "iterations": 0,
        "confirm": 0,
    },
    "no-lookahead-no-decay-release3": {"lookahead": 0, "decay": 0.0, "release": 3, "trials": 3},
}


def option_cases() -> Iterator[Case]:
    """Every device x option set; per seed 0-2 a dense circuit on 4, 6, 8 of its qubits and
    a sparse one whose last qubits are idle."""
    for topology, build in DEVICES.items():
        backend = build()
        n = backend.num_qubits or 0
        for label, options in OPTIONS.items():
            for seed in range(3):
                width = min(n, 4 + 2 * seed)
                circuits = {
                    "dense": scrambled(width, 12 * width, seed),
                    "sparse": scrambled(width + 1, 20, seed, 3),
                }
                for kind, circuit in circuits.items():
                    if circuit.num_qubits <= n:
                        case_id = f"{topology}/{label}/seed{seed}/{kind}"
                        yield Case(case_id, circuit, backend, seed, dict(options))


STRATEGIES: dict[str, dict[str, Any]] = {
    "structured-only": {"trials": 0, "iterations": 0, "confirm": 0, "budget": None},
    "one-random": {"starts": False, "trials": 1, "iterations": 0, "confirm": 0, "budget": None},
    "two-random": {"starts": False, "trials": 2, "iterations": 0, "confirm": 0, "budget": None},
}
"""Options that leave one kind of starting layout to win (no refinement, no confirmation)."""


def start_cases() -> Iterator[Case]:
    """A chain with an idle qubit, a three-qubit gate, and random circuits, on line, grid,
    heavy-hex and (random trials only) disconnected devices, under each strategy, seeds 0-4."""
    chain = Circuit(6).cx(0, 3).cx(0, 4).cx(4, 0).cx(1, 4).cx(1, 2)  # 3-0-4-1-2, 5 idle
    triple = Circuit(3).cx(0, 1).cz(1, 0).ccx(0, 1, 2).h(2)
    circuits = {
        "chain6": chain,
        "ccx3": triple,
        "random10x50": scrambled(10, 50, 7),
        "partners12": Circuit(12),
    }
    for a in range(12):
        b = (a * 5 + 1) % 12
        if a != b:
            circuits["partners12"].cx(a, b)
    backends = {
        "line9": device("line9", line(9)),
        "grid4x4": device("grid4x4", grid(4, 4)),
        "hh35": device("hh35", heavy_hex(2, 2)),
        "islands7": islands(),
    }
    for name, circuit in circuits.items():
        for dev, backend in backends.items():
            if circuit.num_qubits > (backend.num_qubits or 0):
                continue
            for strategy, options in STRATEGIES.items():
                if dev == "islands7" and (strategy == "structured-only" or name == "chain6"):
                    continue  # no structured starts there, no room for 5: see errors
                for seed in range(5):
                    case_id = f"{name}/{dev}/{strategy}/seed{seed}"
                    yield Case(case_id, circuit, backend, seed, options)
    # Interacting groups of 4 and 2 kept in the components of 3 + 4 qubits.
    groups = Circuit(6).cx(0, 1).cx(1, 2).cx(2, 3).cx(4, 5)
    for seed in range(5):
        case_id = f"groups4+2/islands7/one-random/seed{seed}"
        yield Case(case_id, groups, islands(), seed, STRATEGIES["one-random"])


def error_cases() -> Iterator[Case]:
    """A group too large for any component, no layout to try, negative options."""
    two_lines6 = device("two-lines6", two_lines(6))
    yield Case("group-of-8-on-two-lines6", scrambled(8, 30, 0), two_lines6, 0)
    yield Case("trials0-on-two-lines6", scrambled(4, 8, 0), two_lines6, 0, {"trials": 0})
    five = Circuit(5).cx(0, 1).cx(1, 2).cx(2, 3).cx(3, 4)
    yield Case("group-of-5-on-islands7", five, islands(), 0, {"starts": False, "trials": 1})
    yield Case("trials0-on-islands7", five, islands(), 0, {"trials": 0})
    yield Case("negative-trials", five, device("line5", line(5)), 0, {"trials": -1})
    yield Case("negative-iterations", five, device("line5", line(5)), 0, {"iterations": -2})
