"""``xyz_default``: the pipeline ``on="xyz:<device>"`` uses unless the user picks another."""

from __future__ import annotations

from typing import Any

__all__ = ["xyz_default"]


def xyz_default() -> dict[str, Any]:
    """The ``qloom.pipelines`` entry point: the default pipeline, as a plain spec.

    Gates on three or more qubits are broken down first (routers move two-qubit gates);
    the noise-aware placer uses the device's calibration; the circuit is routed with SABRE,
    translated to the natives, and the ``rz`` gates left side by side are merged.
    """
    return {
        "name": "xyz_default",
        "description": "noise-aware placement, SABRE routing, XYZ natives, merged rz",
        "passes": [
            "padding:auto",
            "unrollers:decompose",
            "placers:noise",
            "routers:sabre",
            "unrollers:basis",
            "optimizers:xyz_merge_rz",
        ],
    }
