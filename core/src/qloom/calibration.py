"""``Calibration``: a backend's error rates, the data noise-aware passes prefer qubits by.

Rates are probabilities in [0, 1]. A qubit or pair without a rate is unknown, not perfect:
``qubit_cost`` and ``edge_cost`` give unknowns the median of the known rates so a pass never
prefers a qubit just because nobody measured it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from qloom.errors import QloomError

__all__ = ["Calibration"]


@dataclass(frozen=True)
class Calibration:
    """Per-qubit and per-pair error rates.

    Attributes:
        qubit_error: error of a single-qubit gate on each qubit.
        readout_error: probability a measurement of each qubit reads the wrong bit.
        edge_error: error of the native two-qubit gate on each pair; an undirected rate is
            given once, as ``(a, b)`` with either order.
    """

    qubit_error: Mapping[int, float] = field(default_factory=dict)
    readout_error: Mapping[int, float] = field(default_factory=dict)
    edge_error: Mapping[tuple[int, int], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for label, table in (
            ("qubit_error", self.qubit_error),
            ("readout_error", self.readout_error),
            ("edge_error", self.edge_error),
        ):
            for key, rate in table.items():
                if not (isinstance(rate, (int, float)) and 0.0 <= rate <= 1.0):
                    raise QloomError(f"calibration {label}[{key}] = {rate!r} is not in [0, 1]")
        object.__setattr__(self, "qubit_error", dict(self.qubit_error))
        object.__setattr__(self, "readout_error", dict(self.readout_error))
        object.__setattr__(
            self, "edge_error", {(int(a), int(b)): r for (a, b), r in self.edge_error.items()}
        )

    def edge_rate(self, a: int, b: int) -> float | None:
        """The two-qubit error on ``(a, b)`` in either order, or ``None`` when unknown."""
        rate = self.edge_error.get((a, b))
        return self.edge_error.get((b, a)) if rate is None else rate

    def qubit_cost(self, qubit: int) -> float:
        """``-log`` of the qubit's fidelity (gate and readout), unknowns at the median."""
        gate = self.qubit_error.get(qubit, _median(self.qubit_error))
        readout = self.readout_error.get(qubit, _median(self.readout_error))
        return -math.log(max(1e-12, 1.0 - gate)) - math.log(max(1e-12, 1.0 - readout))

    def edge_cost(self, a: int, b: int) -> float:
        """``-log`` of the pair's two-qubit fidelity, unknowns at the median."""
        rate = self.edge_rate(a, b)
        if rate is None:
            rate = _median(self.edge_error)
        return -math.log(max(1e-12, 1.0 - rate))

    def restrict(self, qubits: Sequence[int]) -> Calibration:
        """The calibration of the sub-device ``qubits``, renumbered ``0..len(qubits)-1``."""
        index = {q: i for i, q in enumerate(qubits)}
        return Calibration(
            {index[q]: r for q, r in self.qubit_error.items() if q in index},
            {index[q]: r for q, r in self.readout_error.items() if q in index},
            {
                (index[a], index[b]): r
                for (a, b), r in self.edge_error.items()
                if a in index and b in index
            },
        )

    def __bool__(self) -> bool:
        return bool(self.qubit_error or self.readout_error or self.edge_error)


def _median(table: Mapping[Any, float]) -> float:
    return float(median(table.values())) if table else 0.0
