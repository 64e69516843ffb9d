"""``Result``: measurement outcomes of one execution, in the user's logical order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qloom.layout import Layout

__all__ = ["Result"]


@dataclass
class Result:
    """Counts of classical outcomes from running a circuit.

    Bitstrings are keyed by the circuit's classical bits with clbit 0 rightmost (the
    convention of Qiskit and OpenQASM). Measurements write the clbits the user chose, so
    counts are in logical order whatever layout the transpiler picked.

    Attributes:
        counts: outcome bitstring -> number of shots.
        shots: shots taken.
        backend: the backend's name.
        seed: the seed used for sampling, for reproduction.
        layout: the transpiler's layout (physical placement), for reference.
        metadata: anything else the backend or transpiler recorded.
        provenance: the record of the transpilation that made the circuit run
            (``qloom.provenance``), when ``qloom.execute`` ran it; ``qloom.replay``
            reruns it.
    """

    counts: dict[str, int]
    shots: int
    backend: str
    seed: int | None = None
    layout: Layout | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] | None = None

    def probabilities(self) -> dict[str, float]:
        """Observed frequency of each outcome."""
        total = sum(self.counts.values()) or 1
        return {bits: n / total for bits, n in self.counts.items()}

    def most_frequent(self) -> str:
        """The outcome seen most often (ties: the smallest bitstring)."""
        return min(self.counts, key=lambda bits: (-self.counts[bits], bits))

    @staticmethod
    def from_counts(
        counts: Mapping[str, int], backend: str, seed: int | None = None, **metadata: Any
    ) -> Result:
        """Build a result from counts, taking ``shots`` as their total."""
        data = dict(counts)
        return Result(data, sum(data.values()), backend, seed, metadata=dict(metadata))
