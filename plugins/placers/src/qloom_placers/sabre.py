"""``placers:sabre``: bidirectional SABRE layout search (Li, Ding & Xie 2019).

A layout that suits the start of a circuit is where routing its reverse ends. Each trial
starts from a layout, routes the circuit forwards (which scores that layout: its swap
count), routes the reversed circuit from where that ended to get the next layout, and
repeats. Trials start from a few structured layouts (the circuit along a long path of the
device, a compact greedy embedding, the trivial layout) and from seeded random ones. The
best layouts are routed a few more times; the layout with fewest forward swaps wins.
Routing runs in the routers' count-only mode (no circuit is built), so trials are cheap.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import networkx as nx
import numpy as np

from qloom import Circuit, ConfigError, MappingError, PassContext
from qloom_placers.base import Placer
from qloom_placers.paths import long_path
from qloom_placers.starts import (
    along_path,
    greedy,
    interaction_order,
    interactions,
    random_layout,
)
from qloom_routers import MULTI, TWO, Coupling, Heuristic, RoutingDag, route

__all__ = ["SabrePlacer"]

_ROUTING = ("lookahead", "lookahead_weight", "layer_weights", "decay", "decay_reset", "release")

Scored = tuple[int, int, int, list[int], int]
"""A scored layout: swaps, two-qubit depth, trial, the layout, the routing seed."""

DEFAULT_BUDGET = 200_000
"""Default cap on routed two-qubit gates (trials x routings x gates) of one placement."""

_LEADERS = 4
"""How many of the best layouts get confirmation routings."""


class SabrePlacer(Placer):
    """Bidirectional SABRE layout: the layout whose forward routing needs fewest swaps.

    Options:
        trials: trials from seeded random layouts (default 32): every other one a fully
            random layout, the others a greedy embedding from a random qubit and order.
        iterations: backward-and-forward refinements per trial (default 3); every layout a
            trial passes through is scored, the best kept.
        starts: also start trials from structured layouts (path, greedy, trivial)
            (default True).
        budget: cap on the two-qubit gates routed in all (default 200,000), which keeps
            large circuits to seconds: random trials are dropped first, then iterations;
            at least one trial runs. ``None`` lifts the cap.
        confirm: extra routings of each of the four best layouts before choosing, since
            one routing is a noisy score (default 4).
        force: place even when an earlier placer already did (default False).
        lookahead, lookahead_weight, layer_weights, decay, decay_reset, release: the routing
            heuristic (see ``routers:sabre``; same defaults).

    Circuits narrower than the device leave the other physical qubits free for routing;
    each group of interacting qubits is kept inside one connected component of the
    coupling graph; distances are taken on the undirected coupling graph.
    """

    option_defaults: ClassVar[Mapping[str, Any]] = {
        **Placer.option_defaults,
        "trials": 32,
        "iterations": 3,
        "starts": True,
        "budget": DEFAULT_BUDGET,
        "confirm": 4,
        **{name: getattr(Heuristic(), name) for name in _ROUTING},
    }

    def place(self, circuit: Circuit, context: PassContext) -> Sequence[int] | None:
        trials = int(self.option("trials"))
        iterations = int(self.option("iterations"))
        if trials < 0 or iterations < 0:
            raise ConfigError("placers:sabre needs trials >= 0 and iterations >= 0")
        coupling = Coupling.of(context.backend)
        n = coupling.num_qubits
        # Idle wires at the end (padding adds them) are free qubits, not part of the search.
        width = 1 + max((q for op in circuit for q in op.qubits), default=-1)
        dag = RoutingDag.from_circuit(circuit, n)
        if dag.num_two == 0 and MULTI not in dag.kind:
            return list(range(circuit.num_qubits))
        heuristic = Heuristic.from_options({k: v for k, v in self.options.items() if k in _ROUTING})
        pairs = interactions(dag)
        starts = []
        if self.option("starts"):
            starts = _starts(pairs, coupling, width, context.rng("path"))
        confirm = int(self.option("confirm"))
        budget = self.option("budget")
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
                layout = self._draw(rng, trial - len(starts), pairs, groups, coupling, width)
            for step in range(iterations + 1):
                seed = context.derive("sabre-layout", trial, step)
                result = route(dag, coupling, layout, heuristic, random.Random(seed), record=False)
                scored.append((result.swaps, result.depth, trial, layout, seed))
                if step < iterations:
                    layout = route(
                        backward, coupling, result.final, heuristic, rng, record=False
                    ).final
        if not scored:
            raise ConfigError("placers:sabre has no layout to try: give it trials >= 1")
        swaps, _, _, layout, seed = _confirm(scored, confirm, dag, coupling, heuristic, context)
        # The routing that scored the layout: routers:sabre replays it as one of its trials.
        context.properties["placers:sabre"] = {"swaps": swaps, "routing_seed": seed}
        return layout[: circuit.num_qubits]

    def _draw(
        self,
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
            raise MappingError(f"{self.label}: {drawn}")
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
