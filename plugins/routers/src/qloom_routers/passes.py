"""``routers:sabre``: SABRE swap insertion with lookahead, decay and several seeded trials."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar

from qloom import Circuit, ConfigError, PassContext
from qloom_routers.base import Router
from qloom_routers.coupling import Coupling
from qloom_routers.dag import MULTI, TWO, RoutingDag
from qloom_routers.emit import emit
from qloom_routers.engine import route_best
from qloom_routers.errors import check_reachable
from qloom_routers.heuristic import Heuristic

__all__ = ["DEFAULT_TRIALS", "SabreRouter"]

DEFAULT_TRIALS = 8
"""Routing trials ``routers:sabre`` runs when the option ``trials`` is not given."""


class SabreRouter(Router):
    """SABRE routing (Li, Ding & Xie 2019) as refined by LightSABRE (Zou et al. 2024).

    Each trial routes the circuit from its current placement with its own seeded tie
    breaking; the trial with fewest swaps (with ``swap_cost_weight`` above 0: whose swaps
    add fewest entanglers after 2q block resynthesis; then lowest two-qubit depth, then
    lowest trial number) is emitted. The trials run in one call of the compiled search, on
    threads; the same seed gives the same circuit on any machine and any number of threads.
    When ``placers:sabre`` placed the circuit, the routing that scored its layout is
    replayed as an extra first trial, so routing never does worse than the placer measured.

    Options:
        trials: routing trials (default 8).
        lookahead: two-qubit gates in the extended set (default 20; 0 disables it).
        lookahead_weight: weight of the extended set (default 0.5).
        layer_weights: weights of extended-set gates by layer past the front, the last
            repeating (default ``[3, 2, 1]``; ``[1]`` is the original SABRE).
        decay: decay increment of swapped qubits (default 0.001; 0 disables it).
        decay_reset: swaps between decay resets (default 5).
        release: swaps without progress before the release valve (default 10 x qubits).
        max_swaps: give up with ``MappingError`` beyond this many swaps (default: a
            bound the release valve never reaches).
        commute: order only gates that do not commute (CNOTs sharing a control or a
            target, diagonal gates), so such gates are routed in whichever order needs
            fewest swaps (default off; the levels turn it on). See ``RoutingDag``.
        swap_cost_weight: score swaps by the entanglers they add after 2q block
            resynthesis, and keep the trial whose swaps add fewest (default 0: every swap
            costs the same; see ``Heuristic``).
    """

    option_defaults: ClassVar[Mapping[str, Any]] = {
        "trials": DEFAULT_TRIALS,
        "commute": False,
        **{f.name: getattr(Heuristic(), f.name) for f in fields(Heuristic)},
    }

    def route(
        self, circuit: Circuit, coupling: Coupling, context: PassContext
    ) -> tuple[Circuit, list[int]]:
        trials = int(self.option("trials"))
        if trials < 1:
            raise ConfigError(f"{self.label}: trials must be at least 1, got {trials}")
        heuristic = Heuristic.from_options(self.options)
        n = coupling.num_qubits
        dag = RoutingDag.from_circuit(circuit, n, commute=bool(self.option("commute")))
        layout = list(range(n))
        check_reachable(
            (
                (dag.op[i], dag.names[i], dag.qubits[i])
                for i, k in enumerate(dag.kind)
                if k in (TWO, MULTI)
            ),
            layout,
            coupling,
            context.backend.name,
        )
        if dag.num_two == 0:
            trials = 1  # nothing to search: any trial routes without swaps
        seeds = [context.derive("sabre-trial", trial) for trial in range(trials)]
        hint = context.properties.get("placers:sabre", {}).get("routing_seed")
        if context.placement == "placers:sabre" and isinstance(hint, int):
            seeds.insert(0, hint)  # replay the routing that scored the chosen layout
        # One kernel call runs the trials on threads; the best is the first with fewest
        # swaps, then lowest depth, as if they ran one after another.
        _, best = route_best(dag, coupling, layout, heuristic, seeds, record=True)
        assert best.events is not None
        context.properties["routers:sabre"] = {"swaps": best.swaps, "trials": len(seeds)}
        out = emit(circuit, dag, coupling, context.backend, layout, best.events)
        return out, best.final
