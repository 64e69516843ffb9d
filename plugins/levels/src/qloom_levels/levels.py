"""``O0``..``O3``: from "just make it run" to the heaviest optimisation, as plain specs.

Every level pads, breaks gates on three or more qubits down, places, routes and translates
to the backend's natives; they differ in how hard they place and route and in how much they
optimise. On a simulator (no couplings, every gate native) placement, routing and
translation do nothing and only the optimisations run.
"""

from __future__ import annotations

from typing import Any

__all__ = ["o0", "o1", "o2", "o3"]

Spec = dict[str, Any]

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
    )


def o1() -> Spec:
    """``O1``: quick SABRE, then 1q fusion and (commutation-aware) cancellation."""
    return _level(
        "O1",
        "VF2 or quick SABRE layout and routing, 1q fusion and gate cancellation",
        placement=["placers:subgraph", {"pass": "placers:sabre", "trials": 8, "iterations": 2}],
        routing={"pass": "routers:sabre", "trials": 4},
        after=[{"pass": "optimizers:optimize", "resynthesize": False}],
    )


def o2() -> Spec:
    """``O2``: the ``mapping`` placement and routing, then optimisation with 2q resynthesis."""
    return _level(
        "O2",
        "VF2 or SABRE layout and routing, then fusion, cancellation and 2q block resynthesis",
        placement=["placers:subgraph", "placers:sabre"],
        routing="routers:sabre",
        relayout=[{**RELAYOUT}],
        after=[{"pass": "optimizers:optimize", "resynthesize": True}, "placers:post"],
    )


def o3() -> Spec:
    """``O3``: as ``O2``, also optimising before placement (fewer gates to route)."""
    return _level(
        "O3",
        "as O2, with swaps elided and the circuit optimised and resynthesised before placement",
        before=["optimizers:elide_swaps", {"pass": "optimizers:optimize", "resynthesize": True}],
        placement=["placers:subgraph", "placers:sabre"],
        routing="routers:sabre",
        relayout=[{**RELAYOUT}],
        after=[{"pass": "optimizers:optimize", "resynthesize": True}, "placers:post"],
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
) -> Spec:
    passes = [
        "padding:auto",
        "unrollers:decompose",
        *(before or []),
        *placement,
        routing,
        *(relayout or []),
        "unrollers:basis",
        *(after or []),
    ]
    return {"name": name, "description": description, "passes": passes}
