"""``emulator``: the default pipeline of emulated devices, noise-aware from start to end."""

from __future__ import annotations

from typing import Any

__all__ = ["emulator"]


def emulator() -> dict[str, Any]:
    """Padding, the lowest-error placement, SABRE routing, the natives, then optimisation."""
    return {
        "name": "emulator",
        "description": (
            "padding, noise-aware placement (placers:noise), SABRE routing, translation to "
            "the device's natives, optimisation with 2q resynthesis"
        ),
        "passes": [
            "padding:auto",
            "unrollers:decompose",
            "optimizers:elide_swaps",
            {"pass": "optimizers:optimize", "resynthesize": True},
            "placers:noise",
            "routers:sabre",
            "unrollers:basis",
            {"pass": "optimizers:optimize", "resynthesize": True},
        ],
    }
