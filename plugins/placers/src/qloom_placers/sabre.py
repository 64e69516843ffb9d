"""``placers:sabre``: bidirectional SABRE layout search (Li, Ding & Xie 2019).

A layout that suits the start of a circuit is where routing its reverse ends. Each trial
starts from a layout, routes the circuit forwards (which scores that layout: its swap
count), routes the reversed circuit from where that ended to get the next layout, and
repeats. Trials start from a few structured layouts (the circuit along a long path of the
device, a compact greedy embedding, the trivial layout) and from seeded random ones. The
best layouts are routed a few more times; the layout with fewest forward swaps wins.
Routing runs in count-only mode (no circuit is built), so trials are cheap.

The search is compiled: ``qloom_kernels.sabre_place`` (Rust, crate ``qloom-place``) builds
the starting layouts, runs every trial on threads with the GIL released and confirms the
leaders, in one call, deriving each trial's seed from the pass's seed as
``context.derive("sabre-layout", trial)`` did. This module keeps the options, finds the long
path (``paths``) and turns errors into messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

import networkx as nx

from qloom import Circuit, ConfigError, MappingError, PassContext
from qloom_kernels import SabreNoRoom, sabre_place
from qloom_placers.base import Placer
from qloom_placers.paths import long_path
from qloom_routers import (
    MULTI,
    Coupling,
    Heuristic,
    RoutingDag,
    knobs,
    mapping_errors,
    native_dag,
    native_device,
)

__all__ = ["SabrePlacer"]

_ROUTING = (
    "lookahead",
    "lookahead_weight",
    "layer_weights",
    "decay",
    "decay_reset",
    "release",
    "swap_cost_weight",
)

DEFAULT_BUDGET = 200_000
"""Default cap on routed two-qubit gates (trials x routings x gates) of one placement."""


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
        commute: route gates that commute in any order (see ``routers:sabre``; default
            False). Give it the router's value, so the routing that scored the layout is
            the one the router replays.
        lookahead, lookahead_weight, layer_weights, decay, decay_reset, release,
            swap_cost_weight: the routing heuristic (see ``routers:sabre``; same defaults);
            with ``swap_cost_weight`` above 0 layouts are ranked by the entanglers their
            routing's swaps add after 2q block resynthesis instead of by swaps.

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
        "commute": False,
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
        dag = RoutingDag.from_circuit(circuit, n, commute=bool(self.option("commute")))
        if dag.num_two == 0 and MULTI not in dag.kind:
            return list(range(circuit.num_qubits))
        heuristic = Heuristic.from_options({k: v for k, v in self.options.items() if k in _ROUTING})
        path = None
        if self.option("starts") and coupling.num_components == 1:
            path = long_path(_path_graph(coupling), width, context.rng("path"))
        if path is None and trials == 0:
            raise ConfigError("placers:sabre has no layout to try: give it trials >= 1")
        confirm = int(self.option("confirm"))
        budget = self.option("budget")
        try:
            with mapping_errors(dag):
                chosen = sabre_place(
                    native_dag(dag),
                    native_dag(dag.reversed()),
                    native_device(coupling),
                    knobs(heuristic, coupling),
                    width=width,
                    path=path,
                    trials=trials,
                    iterations=iterations,
                    confirm=confirm,
                    budget=None if budget is None else int(budget),
                    seed=context.seed,
                    threads=os.cpu_count(),
                )
        except SabreNoRoom as exc:
            groups, sizes, group = exc.args
            raise MappingError(
                f"{self.label}: the circuit's qubits interact in groups of sizes {groups} "
                f"but the coupling graph's connected components have sizes {sizes}: a group "
                f"of {group} interacting qubits fits in no component with room left"
            ) from None
        # The routing that scored the layout: routers:sabre replays it as one of its trials.
        context.properties["placers:sabre"] = {"swaps": chosen.swaps, "routing_seed": chosen.seed}
        return chosen.layout[: circuit.num_qubits]


_PATH_GRAPHS: WeakKeyDictionary[Coupling, nx.Graph] = WeakKeyDictionary()


def _path_graph(coupling: Coupling) -> nx.Graph:
    """The coupling as the frozen networkx graph the long-path search walks (its edges in
    the coupling's order, then every qubit), built once per coupling (``Coupling.of`` is
    cached per backend graph), so its distances are computed once too."""
    graph = _PATH_GRAPHS.get(coupling)
    if graph is None:
        graph = nx.Graph(coupling.edges)
        graph.add_nodes_from(range(coupling.num_qubits))
        graph = _PATH_GRAPHS[coupling] = nx.freeze(graph)
    return graph
