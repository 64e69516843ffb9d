"""``placers:trivial``: logical qubit ``i`` on physical qubit ``i``."""

from __future__ import annotations

from qloom import Circuit, PassContext
from qloom_placers.base import Placer

__all__ = ["TrivialPlacer"]


class TrivialPlacer(Placer):
    """Logical qubit ``i`` on physical qubit ``i``.

    For circuits already written for the device's numbering, and as a baseline. Options:
    ``force`` (default ``False``): place even when an earlier placer already did.
    """

    def place(self, circuit: Circuit, context: PassContext) -> list[int]:
        """The identity placement."""
        return list(range(circuit.num_qubits))
