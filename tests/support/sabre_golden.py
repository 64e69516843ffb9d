"""Golden outputs of the compiled SABRE search: the cases, how an outcome is summarised, the files.

``qloom_kernels.sabre_route`` (through ``qloom_routers.route`` and ``route_best``) ported a
pure-Python engine bit for bit. That engine was kept as a test oracle during the port and,
as issue 17 asks, was then replaced by these recorded outputs: each case below was routed
by the oracle and by the kernel, the two agreed exactly, and the kernel's outcome is stored
under ``tests/plugins/kernels/golden/``. ``tests/plugins/kernels/make_golden.py`` rewrites
the files from the kernel; it is run only when the search's output is meant to change.

A case is one call: ``route`` with a ``random.Random(seed)`` (its outcome includes the
generator's next draw, since ``placers:sabre`` keeps drawing from it), or ``route_best``
over several seeds (the trials run on threads, the pick must be the serial loop's).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from qloom import Backend, Circuit, MappingError, qasm2
from qloom_routers import Coupling, Heuristic, RouteResult, RoutingDag, route, route_best
from support.golden import GoldenFiles
from support.topologies import device, directed, grid, heavy_hex, line

FILES = GoldenFiles(Path(__file__).resolve().parents[1] / "plugins" / "kernels" / "golden")
"""Where the golden files live (one JSON object per group, one case per line)."""
load = FILES.load

GROUPS = ("random", "shared")

INLINE_EVENTS = 24
"""Schedules up to this long are stored as they are; longer ones as a sha256."""


@dataclass(frozen=True)
class Case:
    """One routing call: ``route`` when ``seeds`` has one seed, else ``route_best``."""

    id: str
    dag: RoutingDag
    coupling: Coupling
    layout: list[int]
    heuristic: Heuristic
    seeds: tuple[int, ...]
    record: bool = True


def outcome(case: Case) -> dict[str, Any]:
    """What the kernel gives for ``case``, as stored in a golden file.

    Swap count, depth, final layout, the event schedule (or its sha256), and after ``route``
    the generator's next ``random()``; the message of a ``MappingError`` instead (the
    generator's state after an error is not part of the contract).
    """
    try:
        if len(case.seeds) == 1:
            rng = random.Random(case.seeds[0])
            result = route(
                case.dag, case.coupling, list(case.layout), case.heuristic, rng, case.record
            )
            return {**summary(result), "rng_after": rng.random()}
        index, result = route_best(
            case.dag, case.coupling, list(case.layout), case.heuristic, case.seeds, case.record
        )
    except MappingError as exc:
        return {"error": str(exc)}
    return {"trial": index, **summary(result)}


def summary(result: RouteResult) -> dict[str, Any]:
    """A result in JSON form, a long schedule reduced to its sha256."""
    out: dict[str, Any] = {"swaps": result.swaps, "depth": result.depth, "final": result.final}
    events = result.events
    if events is None or len(events) <= INLINE_EVENTS:
        out["events"] = events
    else:
        out["events_sha256"] = hashlib.sha256(json.dumps(events).encode()).hexdigest()
        out["events_len"] = len(events)
    return out


def cases(group: str, shared: Path | None = None) -> list[Case]:
    """The cases of ``group`` (one of ``GROUPS``); ``shared`` is the shared benchmarks
    folder the ``shared`` group reads."""
    if group == "random":
        return list(random_cases())
    if group == "shared":
        assert shared is not None
        return [case for name, dev in SHARED_CASES for case in shared_cases(shared, name, dev)]
    raise ValueError(f"groups are {', '.join(GROUPS)}, got {group!r}")


# -- random circuits on small devices ------------------------------------------------------

TOPOLOGIES: dict[str, Callable[[], nx.Graph]] = {
    "line7": lambda: line(7),
    "grid3x3": lambda: grid(3, 3),
    "grid4x5": lambda: grid(4, 5),
    "heavyhex12": lambda: heavy_hex(1, 1),
    "heavyhex21": lambda: heavy_hex(1, 2),
    "heavyhex35": lambda: heavy_hex(2, 2),
    "directed-line5": lambda: directed(line(5), seed=1),
    "directed-grid2x3": lambda: directed(grid(2, 3), seed=2),
}
"""Line, grid, heavy-hex and directed couplings (a directed edge couples both ways)."""

KNOBS: dict[str, Heuristic] = {
    "default": Heuristic(),
    "no-lookahead-no-decay": Heuristic(lookahead=0, decay=0.0),
    "flat-weights": Heuristic(layer_weights=(1,), decay_reset=3),
    "release2": Heuristic(release=2, decay=0.01),
    "release1-heavy-lookahead": Heuristic(lookahead=5, lookahead_weight=1.5, release=1),
    "strong-decay": Heuristic(lookahead=40, layer_weights=(5, 1), decay=0.2, decay_reset=11),
}
"""Knob settings; ``release1``/``release2`` make the release valve fire on most devices."""


def random_circuit(width: int, count: int, seed: int) -> Circuit:
    """``count`` operations on ``width`` qubits: mostly ``cx``, with ``h``, ``rz``,
    barriers, measurements and conditioned gates (the nodes routing orders but never moves
    for), drawn from ``random.Random(seed)``."""
    rng = random.Random(seed)
    circuit = Circuit(width, 2)
    for _ in range(count):
        what = rng.randrange(20)
        if what < 12:
            a, b = rng.sample(range(width), 2)
            circuit.cx(a, b)
        elif what < 15:
            circuit.h(rng.randrange(width))
        elif what < 16:
            circuit.rz(rng.random(), rng.randrange(width))
        elif what < 18:
            circuit.barrier(*rng.sample(range(width), rng.randint(1, width)))
        elif what < 19:
            circuit.measure(rng.randrange(width), rng.randrange(2))
        else:
            circuit.append("x", [rng.randrange(width)], condition=(circuit.cregs[0].name, 1))
    return circuit


def both_ways(
    prefix: str,
    dag: RoutingDag,
    coupling: Coupling,
    layout: list[int],
    heuristic: Heuristic,
    seed: int,
    back_seed: int,
) -> Iterator[Case]:
    """``route`` recording with ``seed``, then count-only on the reversed DAG with
    ``back_seed`` (as the placer's backward pass calls it), from the same ``layout``."""
    yield Case(f"{prefix}/route", dag, coupling, layout, heuristic, (seed,))
    back = f"{prefix}/reversed-count-only"
    yield Case(back, dag.reversed(), coupling, layout, heuristic, (back_seed,), record=False)


def random_cases() -> Iterator[Case]:
    """Every device x knob setting, one circuit each, routed three ways.

    ``route`` recording from a shuffled layout, ``route`` count-only on the reversed DAG
    (the placer's backward pass), and ``route_best`` over three seeds.
    """
    for index, (name, build) in enumerate(TOPOLOGIES.items()):
        coupling = Coupling.of(device(name, build()))
        n = coupling.num_qubits
        for k, (knob, heuristic) in enumerate(KNOBS.items()):
            seed = 1000 * index + k
            rng = random.Random(seed)
            width = rng.randint(2, n)
            circuit = random_circuit(width, rng.randint(10, 6 * n), seed)
            dag = RoutingDag.from_circuit(circuit, n)
            layout = rng.sample(range(n), n)
            prefix = f"{name}/{knob}"
            yield from both_ways(prefix, dag, coupling, layout, heuristic, seed, seed + 7)
            yield Case(
                f"{prefix}/best-of-3", dag, coupling, layout, heuristic, (seed, seed + 1, seed + 2)
            )
    yield from edge_cases()


def edge_cases() -> Iterator[Case]:
    """Gates on three qubits, a search that gives up, a coupling in two pieces."""
    line5 = Coupling.of(device("line5", line(5)))
    # A triangle with a tail: a ccx runs when its qubits sit on the triangle.
    triangle = Coupling.of(Backend("triangle-tail", 5, [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4)]))
    wide = RoutingDag.from_circuit(Circuit(5).cx(0, 4).ccx(0, 1, 4), 5)
    fits = RoutingDag.from_circuit(Circuit(5).cx(3, 4).ccx(0, 1, 2).cx(4, 0), 5)
    yield Case("edge/not-pairwise", wide, line5, list(range(5)), Heuristic(), (0,))
    yield Case("edge/not-pairwise-best", wide, line5, list(range(5)), Heuristic(), (0, 1))
    yield Case("edge/three-qubit-fits", fits, triangle, list(range(5)), Heuristic(), (0,))
    line6 = Coupling.of(device("line6", line(6)))
    far = RoutingDag.from_circuit(Circuit(6).cx(0, 5).cx(1, 4), 6)
    yield Case("edge/max-swaps-2", far, line6, list(range(6)), Heuristic(max_swaps=2), (0,))
    yield Case("edge/max-swaps-0", far, line6, list(range(6)), Heuristic(max_swaps=0), (0,))
    yield Case("edge/max-swaps-enough", far, line6, list(range(6)), Heuristic(max_swaps=9), (0,))
    yield Case("edge/max-swaps-best", far, line6, list(range(6)), Heuristic(max_swaps=1), (3, 4))
    two_lines = Coupling.of(Backend("two-lines", 6, [(0, 1), (1, 2), (3, 4), (4, 5)]))
    across = RoutingDag.from_circuit(Circuit(6).cx(0, 1).cx(2, 3), 6)
    within = RoutingDag.from_circuit(Circuit(6).cx(0, 2).cx(3, 5).cx(5, 4), 6)
    yield Case("edge/disconnected", across, two_lines, list(range(6)), Heuristic(), (0,))
    yield Case("edge/disconnected-within", within, two_lines, [2, 1, 0, 5, 3, 4], Heuristic(), (1,))
    empty = RoutingDag.from_circuit(Circuit(3, 1).h(0).measure(0, 0), 3)
    yield Case(
        "edge/no-gates", empty, Coupling.of(device("line3", line(3))), [2, 0, 1], Heuristic(), (0,)
    )


# -- the shared benchmark circuits ----------------------------------------------------------

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
    ("qaoa3reg_n100_p1", "hh127"),
    ("qft_n100", "hh127"),
]
"""Small to large circuits of every family, on the four shared devices."""


def shared_cases(shared: Path, name: str, topology: str) -> Iterator[Case]:
    """One shared circuit routed as the router and the placer call the search.

    From the identity and a shuffled layout: ``route`` recording, ``route`` count-only on
    the reversed DAG; and ``route_best`` over four seeds from the shuffled layout.
    """
    data = json.loads((shared / "topologies" / f"{topology}.json").read_text())
    coupling = Coupling.of(Backend(topology, data["n"], [tuple(e) for e in data["edges"]]))
    n = coupling.num_qubits
    dag = RoutingDag.from_circuit(qasm2.load(shared / "circuits" / f"{name}.qasm"), n)
    shuffled = list(range(n))
    random.Random(name).shuffle(shuffled)
    prefix = f"{name}@{topology}"
    for label, layout, seed in (("identity", list(range(n)), 1), ("shuffled", shuffled, 2)):
        yield from both_ways(
            f"{prefix}/{label}", dag, coupling, layout, Heuristic(), seed, seed + 10
        )
    yield Case(f"{prefix}/shuffled/best-of-4", dag, coupling, shuffled, Heuristic(), (5, 6, 7, 8))
