"""Test oracle: the Python SABRE layout search that ``qloom_kernels.sabre_place`` ports.

This is the trial loop ``placers:sabre`` ran (with its starting layouts, then in
``qloom_placers.starts``) before the search moved to Rust (issue 17), kept unchanged apart
from being a function instead of a method, only as the reference the kernel must reproduce
(tests/plugins/placers/test_sabre_kernel.py). It routes through ``qloom_routers.route``,
whose kernel is itself checked against golden outputs (tests/plugins/kernels). It is not
used by any plugin; do not maintain it as an engine.

``python tests/support/sabre_place_oracle.py`` rewrites the golden layouts
(tests/plugins/placers/sabre_golden.json) from this oracle.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from qloom import Circuit, ConfigError, MappingError, PassContext
from qloom_placers.paths import long_path
from qloom_routers import MULTI, TWO, Coupling, Heuristic, RoutingDag, route

_ROUTING = ("lookahead", "lookahead_weight", "layer_weights", "decay", "decay_reset", "release")

Scored = tuple[int, int, int, list[int], int]
"""A scored layout: swaps, two-qubit depth, trial, the layout, the routing seed."""

_LEADERS = 4
"""How many of the best layouts get confirmation routings."""

OPTION_DEFAULTS: Mapping[str, Any] = {
    "trials": 32,
    "iterations": 3,
    "starts": True,
    "budget": 200_000,
    "confirm": 4,
    **{name: getattr(Heuristic(), name) for name in _ROUTING},
}


def place(circuit: Circuit, context: PassContext, **options: Any) -> Sequence[int] | None:
    """The layout ``placers:sabre`` chose with ``options`` (as its old Python loop did)."""
    option = {**OPTION_DEFAULTS, **options}.__getitem__
    trials = int(option("trials"))
    iterations = int(option("iterations"))
    if trials < 0 or iterations < 0:
        raise ConfigError("placers:sabre needs trials >= 0 and iterations >= 0")
    coupling = Coupling.of(context.backend)
    n = coupling.num_qubits
    # Idle wires at the end (padding adds them) are free qubits, not part of the search.
    width = 1 + max((q for op in circuit for q in op.qubits), default=-1)
    dag = RoutingDag.from_circuit(circuit, n)
    if dag.num_two == 0 and MULTI not in dag.kind:
        return list(range(circuit.num_qubits))
    heuristic = Heuristic.from_options(
        {k: v for k, v in {**OPTION_DEFAULTS, **options}.items() if k in _ROUTING}
    )
    pairs = interactions(dag)
    starts = []
    if option("starts"):
        starts = _starts(pairs, coupling, width, context.rng("path"))
    confirm = int(option("confirm"))
    budget = option("budget")
    if budget is not None:
        trials, iterations, confirm = _fit(
            int(budget), dag.num_two, len(starts), trials, iterations, confirm
        )
    groups = _groups(dag, width)
    backward = dag.reversed()
    scored: list[Scored] = []
    for trial in range(len(starts) + trials):
        rng = random.Random(context.derive("sabre-layout", trial))
        if trial < len(starts):
            layout = starts[trial]
        else:
            layout = _draw(rng, trial - len(starts), pairs, groups, coupling, width)
        for step in range(iterations + 1):
            seed = context.derive("sabre-layout", trial, step)
            result = route(dag, coupling, layout, heuristic, random.Random(seed), record=False)
            scored.append((result.swaps, result.depth, trial, layout, seed))
            if step < iterations:
                layout = route(backward, coupling, result.final, heuristic, rng, record=False).final
    if not scored:
        raise ConfigError("placers:sabre has no layout to try: give it trials >= 1")
    swaps, _, _, layout, seed = _confirm(scored, confirm, dag, coupling, heuristic, context)
    # The routing that scored the layout: routers:sabre replays it as one of its trials.
    context.properties["placers:sabre"] = {"swaps": swaps, "routing_seed": seed}
    return layout[: circuit.num_qubits]


def _draw(
    rng: random.Random,
    index: int,
    pairs: Counter[tuple[int, int]],
    groups: list[list[int]],
    coupling: Coupling,
    width: int,
) -> list[int]:
    """The starting layout of random trial ``index``.

    Odd trials (on a connected device) embed the circuit greedily from a random qubit
    in a random order: compact and varied; the others are fully random.
    """
    if index % 2 and coupling.num_components == 1:
        return greedy(interaction_order(width, pairs, rng), pairs, coupling, rng)
    drawn = random_layout(rng, groups, coupling, width)
    if isinstance(drawn, str):
        raise MappingError(f"placers:sabre: {drawn}")
    return drawn


def _starts(
    pairs: Counter[tuple[int, int]], coupling: Coupling, width: int, rng: np.random.Generator
) -> list[list[int]]:
    """The structured starting layouts (only on a connected coupling graph)."""
    if coupling.num_components != 1:
        return []
    n = coupling.num_qubits
    order = interaction_order(width, pairs)
    out = [greedy(order, pairs, coupling), list(range(n))]
    graph = nx.Graph(coupling.edges)
    graph.add_nodes_from(range(n))
    path = long_path(graph, width, rng)
    for logical in (order, list(range(width))):
        layout = along_path(logical, path, n)
        if layout is not None:
            out.append(layout)
    unique: list[list[int]] = []
    for layout in out:
        if layout not in unique:
            unique.append(layout)
    return unique


def _confirm(
    scored: list[Scored],
    repeats: int,
    dag: RoutingDag,
    coupling: Coupling,
    heuristic: Heuristic,
    context: PassContext,
) -> Scored:
    """Route the few best layouts ``repeats`` more times each; the best routing of all.

    One routing is a noisy score (ties are broken at random), so the leaders get more
    samples before one is chosen, as routing will try several too.
    """
    scored.sort(key=lambda s: s[:3])
    leaders: list[Scored] = []
    for entry in scored:
        if len(leaders) == _LEADERS:
            break
        if all(entry[3] != other[3] for other in leaders):
            leaders.append(entry)
    best = scored[0]
    for rank, (_, _, trial, layout, _) in enumerate(leaders):
        for repeat in range(repeats):
            seed = context.derive("sabre-confirm", rank, repeat)
            result = route(dag, coupling, layout, heuristic, random.Random(seed), record=False)
            entry = (result.swaps, result.depth, trial, layout, seed)
            if entry[:3] < best[:3]:
                best = entry
    return best


def _fit(
    budget: int, gates: int, starts: int, trials: int, iterations: int, confirm: int
) -> tuple[int, int, int]:
    """``(trials, iterations, confirm)`` cut down so all routings fit in ``budget`` gates.

    Confirmation gets at most a fifth of the routings, then the structured starts keep
    as many iterations as fit, then random trials take what is left (at least one trial
    runs in all).
    """
    allowed = max(1, budget // max(gates, 1))
    confirm = min(confirm, allowed // (5 * _LEADERS))
    allowed -= confirm * _LEADERS
    per_trial = 2 * iterations + 1
    if starts * per_trial > allowed:
        return 0, max(0, (allowed // starts - 1) // 2), confirm
    spare = (allowed - starts * per_trial) // per_trial
    return min(trials, max(spare, 0 if starts else 1)), iterations, confirm


def _groups(dag: RoutingDag, width: int) -> list[list[int]]:
    """The circuit's qubits grouped by the gates that connect them (largest group first)."""
    parent = list(range(width))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for k, wires in zip(dag.kind, dag.qubits, strict=True):
        if k in (TWO, MULTI):
            root = find(wires[0])
            for w in wires[1:]:
                other = find(w)
                if other != root:
                    parent[other] = root
    groups: dict[int, list[int]] = {}
    for q in range(width):
        groups.setdefault(find(q), []).append(q)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


# -- starting layouts (qloom_placers.starts) ---------------------------------------------


def interactions(dag: RoutingDag) -> Counter[tuple[int, int]]:
    """How many gates act on each pair of wires ``(a, b)``, ``a < b`` (3+ qubit gates count
    once for each pair)."""
    counts: Counter[tuple[int, int]] = Counter()
    for k, wires in zip(dag.kind, dag.qubits, strict=True):
        if k in (TWO, MULTI):
            for i, a in enumerate(wires):
                for b in wires[i + 1 :]:
                    counts[(a, b) if a < b else (b, a)] += 1
    return counts


def interaction_order(
    width: int, pairs: Counter[tuple[int, int]], rng: random.Random | None = None
) -> list[int]:
    """The circuit's qubits in Cuthill-McKee order of the interaction graph.

    Each connected group is walked breadth-first from a peripheral qubit (found by two
    sweeps), neighbours by ascending degree: a path graph comes out in path order, and any
    graph gets a small bandwidth. Groups come largest first, then idle qubits. With
    ``rng``, each walk starts from a random qubit of its group instead.
    """
    adjacency: list[dict[int, int]] = [{} for _ in range(width)]
    for (a, b), count in pairs.items():
        adjacency[a][b] = count
        adjacency[b][a] = count
    degree = [len(adj) for adj in adjacency]
    seen = [False] * width
    groups: list[list[int]] = []
    for start in sorted(range(width), key=lambda q: (degree[q], q)):
        if seen[start] or not degree[start]:
            continue
        if rng is None:
            first = _sweep(adjacency, degree, start)[-1]
        else:
            group = _sweep(adjacency, degree, start)
            first = group[int(rng.random() * len(group))]
        order = _sweep(adjacency, degree, first)
        for q in order:
            seen[q] = True
        groups.append(order)
    groups.sort(key=lambda g: -len(g))
    out = [q for g in groups for q in g]
    return out + [q for q in range(width) if not seen[q]]


def _sweep(adjacency: list[dict[int, int]], degree: list[int], start: int) -> list[int]:
    order = [start]
    seen = {start}
    i = 0
    while i < len(order):
        for q in sorted(adjacency[order[i]], key=lambda x: (degree[x], x)):
            if q not in seen:
                seen.add(q)
                order.append(q)
        i += 1
    return order


def complete(partial: dict[int, int], n: int) -> list[int]:
    """A full layout from ``partial`` (wire -> physical): the other wires take the free
    physical qubits in increasing order."""
    layout = [-1] * n
    used = [False] * n
    for w, p in partial.items():
        layout[w] = p
        used[p] = True
    free = iter(p for p in range(n) if not used[p])
    return [p if p >= 0 else next(free) for p in layout]


def along_path(order: list[int], path: list[int], n: int) -> list[int] | None:
    """Wire ``order[i]`` on ``path[i]``; ``None`` when the path is shorter than ``order``."""
    if len(path) < len(order):
        return None
    return complete(dict(zip(order, path[: len(order)], strict=True)), n)


def greedy(
    order: list[int],
    pairs: Counter[tuple[int, int]],
    coupling: Coupling,
    rng: random.Random | None = None,
) -> list[int]:
    """Each wire of ``order`` on the free physical qubit nearest its placed partners.

    The first goes on the most central qubit; a wire with no placed partner goes next to
    the region placed so far. Ties go to the more central qubit, then the lower index.
    With ``rng``, the first goes on a random qubit and ties are broken at random.
    """
    n = coupling.num_qubits
    dist = coupling.dist
    rank = list(range(n))
    if rng is not None:
        shuffle(rng, rank)
    partners: list[list[tuple[int, int]]] = [[] for _ in range(max(order, default=-1) + 1)]
    for (a, b), count in pairs.items():
        partners[a].append((b, count))
        partners[b].append((a, count))
    central = [sum(row) for row in dist]
    placed: dict[int, int] = {}
    free = set(range(n))
    for wire in order:
        anchors = [(placed[w], c) for w, c in partners[wire] if w in placed]
        if not placed:
            target = min(free, key=lambda p: (central[p], rank[p]) if rng is None else rank[p])
        elif anchors:
            target = min(
                free,
                key=lambda p: (sum(c * dist[p][q] for q, c in anchors), central[p], rank[p]),
            )
        else:
            region = list(placed.values())
            target = min(free, key=lambda p: (min(dist[p][q] for q in region), central[p], rank[p]))
        placed[wire] = target
        free.discard(target)
    return complete(placed, n)


def random_layout(
    rng: random.Random, groups: list[list[int]], coupling: Coupling, width: int
) -> list[int] | str:
    """A random layout keeping each group of interacting wires in one coupled component.

    Returns a message instead when some group fits in no component.
    """
    n = coupling.num_qubits
    if coupling.num_components == 1:
        layout = list(range(n))
        shuffle(rng, layout)
        return layout
    members: dict[int, list[int]] = {}
    for p, c in enumerate(coupling.component):
        members.setdefault(c, []).append(p)
    free = {c: list(ps) for c, ps in members.items()}
    for ps in free.values():
        shuffle(rng, ps)
    layout = [-1] * n
    for group in groups:
        room = max(free, key=lambda c: (len(free[c]), -c))
        if len(group) > len(free[room]):
            sizes = sorted((len(m) for m in members.values()), reverse=True)
            return (
                f"the circuit's qubits interact in groups of sizes {[len(g) for g in groups]} "
                f"but the coupling graph's connected components have sizes {sizes}: a group "
                f"of {len(group)} interacting qubits fits in no component with room left"
            )
        for q in group:
            layout[q] = free[room].pop()
    rest = [p for ps in free.values() for p in ps]
    shuffle(rng, rest)
    for w in range(width, n):
        layout[w] = rest.pop()
    return layout


def shuffle(rng: random.Random, items: list[int]) -> None:
    """Fisher-Yates with ``rng.random`` only, whose stream Python keeps across versions."""
    for i in range(len(items) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        items[i], items[j] = items[j], items[i]


# -- golden outputs ----------------------------------------------------------------------


def golden_cases() -> list[tuple[str, Circuit, str, Any, int]]:
    """The circuits, devices and seeds of the golden file (no shared data needed)."""
    from qloom import Backend
    from support.circuits import ghz, qft
    from support.topologies import device, grid, heavy_hex

    def scrambled(n: int, gates: int, seed: int) -> Circuit:
        rng = random.Random(seed)
        circuit = Circuit(n)
        for _ in range(gates):
            a, b = rng.sample(range(n), 2)
            circuit.cx(a, b)
        return circuit

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
    backends: dict[str, Backend] = {
        "hh35": device("hh35", heavy_hex(2, 2)),
        "grid6x6": device("grid6x6", grid(6, 6)),
    }
    return [
        (name, circuit, dev, backend, seed)
        for name, circuit in circuits.items()
        for dev, backend in backends.items()
        for seed in (0, 11)
    ]


def write_golden(path: Path) -> None:
    """Write the oracle's layouts of ``golden_cases`` to ``path``."""
    cases = []
    for name, circuit, dev, backend, seed in golden_cases():
        context = PassContext(backend=backend, seed=seed)
        layout = place(circuit, context)
        chosen = context.properties["placers:sabre"]
        cases.append(
            {
                "circuit": name,
                "device": dev,
                "seed": seed,
                "layout": list(layout or []),
                "swaps": chosen["swaps"],
                "routing_seed": chosen["routing_seed"],
            }
        )
    about = (
        "placers:sabre layouts made by tests/support/sabre_place_oracle.py (the Python loop "
        "the kernel replaced); rewrite with: python tests/support/sabre_place_oracle.py"
    )
    rows = ",\n".join(f"  {json.dumps(case)}" for case in cases)
    path.write_text(f'{{\n "about": {json.dumps(about)},\n "cases": [\n{rows}\n ]\n}}\n')


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    write_golden(Path(__file__).resolve().parents[1] / "plugins/placers/sabre_golden.json")
