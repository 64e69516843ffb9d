"""``O0``..``O3``: from "just make it run" to the heaviest optimisation, as plain specs.

Every level pads, breaks gates on three or more qubits down, places, routes and translates
to the backend's natives; they differ in how hard they place and route and in how much they
optimise. ``O1`` and above drop the gates equal to the identity
(``optimizers:remove_identities``, within ``approximation_degree``) before placement. On a
simulator (no couplings, every gate native) placement, routing and
translation do nothing and only the optimisations run.
"""

from __future__ import annotations

from typing import Any

__all__ = ["o0", "o1", "o2", "o3"]

Spec = dict[str, Any]

SABRE_PLACER: Spec = {"pass": "placers:sabre", "commute": True}
SABRE_ROUTER: Spec = {"pass": "routers:sabre", "commute": True}
"""SABRE layout and routing that execute commuting gates (CNOTs sharing a control or a
target, diagonal gates) in whichever order needs fewest swaps."""

SWAP_COST = {"swap_cost_weight": 1 / 3}
"""Score swaps by the entanglers they add once 2q blocks are resynthesised (a swap right
after a gate on its pair merges into it): one distance step is one swap, 3 entanglers, so
a weight of 1/3 puts both terms in the same unit. For the levels that resynthesise."""

O3_TRIALS = 2
"""Placement-to-optimisation runs of ``O3``, the best kept (see ``qloom.trials``). On the
shared circuits (hh127, with commutation-aware, swap-cost routing) 1, 2 and 4 trials give
0.882, 0.874 and 0.865x Qiskit level 3's 2q count, at about 1, 2 and 4 times the time of
those passes: two keep O3 near Qiskit level 3's time on the whole suite."""

RELAYOUT = {"pass": "placers:post", "strict_direction": False}
"""After routing, on a calibrated device: the routed circuit moved onto the qubits where its
estimated success probability is highest, couplers matched in either direction (the
translation that follows turns gates around); the final ``placers:post`` then moves the
finished circuit once more, keeping directions. Both do nothing without a calibration."""


def o0() -> Spec:
    """``O0``: trivial layout, shortest-path SWAPs, translation; no optimisation."""
    return _level(
        "O0",
        "trivial layout, shortest-path routing, native translation; no optimisation",
        placement=["placers:trivial"],
        routing="routers:basic",
        remove_identities=False,
    )


def o1() -> Spec:
    """``O1``: quick commutation-aware SABRE, then 1q fusion and (commutation-aware)
    cancellation."""
    return _level(
        "O1",
        "VF2 or quick SABRE layout and routing, 1q fusion and gate cancellation",
        placement=["placers:subgraph", {**SABRE_PLACER, "trials": 8, "iterations": 2}],
        routing={**SABRE_ROUTER, "trials": 4},
        after=[{"pass": "optimizers:optimize", "resynthesize": False}],
    )


def o2() -> Spec:
    """``O2``: the ``mapping`` placement and routing, then optimisation with 2q resynthesis."""
    return _level(
        "O2",
        "VF2 or SABRE layout and routing, then fusion, cancellation and 2q block resynthesis",
        placement=["placers:subgraph", {**SABRE_PLACER, **SWAP_COST}],
        routing={**SABRE_ROUTER, **SWAP_COST},
        relayout=[{**RELAYOUT}],
        after=[{"pass": "optimizers:optimize", "resynthesize": True}, "placers:post"],
    )


def o3() -> Spec:
    """``O3``: as ``O2``, also optimising before placement (fewer gates to route)."""
    return _level(
        "O3",
        "as O2, with swaps elided and the circuit optimised and resynthesised before placement",
        before=["optimizers:elide_swaps", {"pass": "optimizers:optimize", "resynthesize": True}],
        placement=["placers:subgraph", {**SABRE_PLACER, **SWAP_COST}],
        routing={**SABRE_ROUTER, **SWAP_COST},
        relayout=[{**RELAYOUT}],
        after=[{"pass": "optimizers:optimize", "resynthesize": True}, "placers:post"],
        trials=O3_TRIALS,
    )


def _level(
    name: str,
    description: str,
    *,
    placement: list[Any],
    routing: Any,
    before: list[Any] | None = None,
    relayout: list[Any] | None = None,
    after: list[Any] | None = None,
    trials: int = 1,
    remove_identities: bool = True,
) -> Spec:
    decompose: Any = "unrollers:decompose"
    if remove_identities:
        # Gates equal to the identity (within the transpilation's approximation_degree,
        # exact by default) go before placement, so they are never routed. Nested with the
        # decomposition, in its place: a pass's seed derives from its index, so the passes
        # after keep theirs and a circuit without such gates transpiles exactly as before.
        decompose = {
            "name": "decompose",
            "passes": ["unrollers:decompose", "optimizers:remove_identities"],
        }
    mapped: list[Any] = [
        *placement,
        routing,
        *(relayout or []),
        "unrollers:basis",
        *(after or []),
    ]
    if trials > 1:
        # Placement and routing are seeded searches whose near-equal answers differ once
        # translated and optimised: run them (and what follows) several times, keep the best.
        mapped = [{"name": f"{name} search", "trials": trials, "passes": mapped}]
    passes = ["padding:auto", decompose, *(before or []), *mapped]
    return {"name": name, "description": description, "passes": passes}
