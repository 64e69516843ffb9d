"""``Placer``: what every placer shares; a placer only chooses where each logical qubit goes."""

from __future__ import annotations

from abc import abstractmethod
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from qloom import Circuit, Layout, MappingError, Pass, PassContext

__all__ = ["Placer", "interactions"]


class Placer(Pass):
    """Base of the placers: subclasses implement ``place``.

    ``run`` leaves the circuit alone when a previous placer already placed it (unless the
    option ``force=True``) or when every pair of the backend is coupled; otherwise it maps
    logical qubit ``l`` to physical ``place(...)[l]``, widens the circuit to the device, and
    records the layout.
    """

    kind = "placers"
    option_defaults: ClassVar[Mapping[str, Any]] = {"force": False}
    """Subclasses add their own options to ``force`` (see ``Pass.option_defaults``)."""

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        backend = context.backend
        if context.placement is not None and not self.option("force"):
            return circuit
        width = backend.device_width(circuit)
        if width is None:
            return circuit
        mapping = self.place(circuit, context)
        if mapping is None:
            return circuit
        mapping = [int(p) for p in mapping]
        if len(mapping) != circuit.num_qubits or len(set(mapping)) != len(mapping):
            raise MappingError(f"{self.label} returned an invalid placement {mapping}")
        context.compose(Layout(tuple(mapping), tuple(range(width))))
        context.placement = self.label
        return circuit.remap(mapping, width)

    @abstractmethod
    def place(self, circuit: Circuit, context: PassContext) -> Sequence[int] | None:
        """Physical qubit for each logical qubit, or ``None`` when this placer found none.

        ``None`` leaves the circuit unplaced, so a later placer in the pipeline places it
        (``subgraph`` returns ``None`` when no zero-SWAP embedding exists).
        """


def interactions(circuit: Circuit) -> Counter[tuple[int, int]]:
    """How many two-qubit gates act on each pair ``(a, b)``, ``a < b``."""
    counts: Counter[tuple[int, int]] = Counter()
    for op in circuit:
        if len(op.qubits) == 2 and op.name != "barrier":
            a, b = op.qubits
            counts[(a, b) if a < b else (b, a)] += 1
    return counts
