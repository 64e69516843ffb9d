"""The mapping pipelines: padding, placement and routing, as plain specs.

``mapping`` is the everyday choice; ``mapping_best`` spends more trials for fewer SWAPs.
Both first look for a layout needing no SWAP at all (VF2), and fall back to SABRE.
"""

from __future__ import annotations

from typing import Any

__all__ = ["mapping", "mapping_best"]


def mapping() -> dict[str, Any]:
    """``mapping``: VF2 when a zero-SWAP layout exists, else SABRE layout and routing."""
    return _spec("mapping", "padding, zero-SWAP VF2 layout or SABRE layout, SABRE routing")


def mapping_best() -> dict[str, Any]:
    """``mapping_best``: as ``mapping`` with more layout and routing trials."""
    return _spec(
        "mapping_best",
        "as mapping, with more SABRE layout and routing trials",
        placer={"trials": 64, "iterations": 4, "budget": 400_000},
        router={"trials": 32},
    )


def _spec(
    name: str,
    description: str,
    placer: dict[str, Any] | None = None,
    router: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """padding:auto -> placers:subgraph -> placers:sabre -> routers:sabre, with options."""
    return {
        "name": name,
        "description": description,
        "passes": [
            "padding:auto",
            "placers:subgraph",
            {"pass": "placers:sabre", **placer} if placer else "placers:sabre",
            {"pass": "routers:sabre", **router} if router else "routers:sabre",
        ],
    }
