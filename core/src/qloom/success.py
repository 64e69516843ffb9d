"""The estimated success probability (ESP) of a circuit on a calibrated device.

ESP is the product of the fidelities (``1 - error``) of every gate and measurement the
circuit runs, read from the backend's ``Calibration``: a single-qubit gate costs its qubit's
``qubit_error``, a two-qubit gate its pair's ``edge_rate`` (either order), a ``measure`` the
qubit's ``readout_error``. Gates the device does in software (``virtual``, e.g. ``rz`` as a
frame change) and the other non-unitary operations (``barrier``, ``reset``) are free.

It is the figure noise-aware compilation is judged by (Qiskit's ``VF2PostLayout`` scores
layouts the same way), so the transpile report and the benchmarks use this one function.
An entry the calibration lacks is assumed at the median of the known rates of its kind (the
convention of ``Calibration.qubit_cost``/``edge_cost``); the estimate says which medians
it assumed and for how many operations.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from qloom.calibration import Calibration
from qloom.circuit import Circuit

__all__ = ["KINDS", "SuccessEstimate", "estimated_success", "median_rates"]

KINDS = ("gate_1q", "gate_2q", "readout")
"""The kinds of rate an estimate reads, in the order reports list them."""


@dataclass(frozen=True)
class SuccessEstimate:
    """The ESP of one circuit and how it was reached.

    Attributes:
        probability: the product of the fidelities, in [0, 1].
        log_probability: its natural log (``-inf`` for 0), exact where ``probability``
            underflows (a circuit of 100,000 gates at 1% error each).
        operations: how many operations of each kind (``gate_1q``, ``gate_2q``,
            ``readout``) were scored.
        unknown: of those, how many had no rate in the calibration (kinds with none left out).
        assumed: the error rate assumed for each kind in ``unknown`` (the known median).
        unscored: operations on three or more qubits, which no calibration rates (left out
            of the product).
    """

    probability: float
    log_probability: float = 0.0
    operations: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)
    assumed: dict[str, float] = field(default_factory=dict)
    unscored: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data."""
        return {
            "probability": self.probability,
            "log_probability": self.log_probability,
            "operations": dict(self.operations),
            "unknown": dict(self.unknown),
            "assumed": dict(self.assumed),
            "unscored": self.unscored,
        }

    def summary(self) -> str:
        """One line for reports: the ESP and any rates assumed for unknown entries."""
        text = f"estimated success probability: {self.probability:.4g}"
        if self.unknown:
            parts = [
                f"{self.unknown[kind]} {kind} at {self.assumed[kind]:.3g}"
                for kind in KINDS
                if kind in self.unknown
            ]
            text += f" (uncalibrated, assumed the median error: {', '.join(parts)})"
        if self.unscored:
            text += f" ({self.unscored} operations on 3+ qubits not scored)"
        return text


def estimated_success(
    circuit: Circuit, calibration: Calibration, virtual: Iterable[str] = ()
) -> SuccessEstimate:
    """The estimated success probability of ``circuit`` (over physical qubits).

    Args:
        circuit: the transpiled circuit; its qubit ``p`` is the device's qubit ``p``.
        calibration: the device's error rates.
        virtual: names of the gates done in software, which cost nothing.

    Returns:
        The ``SuccessEstimate``; ``probability`` is 1.0 for a circuit with nothing to score.
    """
    free = frozenset(virtual)
    medians = median_rates(calibration)
    log_total = 0.0
    operations = dict.fromkeys(KINDS, 0)
    unknown = dict.fromkeys(KINDS, 0)
    unscored = 0
    for op in circuit:
        name, qubits = op.name, op.qubits
        if name in free or name in ("barrier", "reset"):
            continue
        rate: float | None
        if name == "measure":
            kind, rate = "readout", calibration.readout_error.get(qubits[0])
        elif len(qubits) == 1:
            kind, rate = "gate_1q", calibration.qubit_error.get(qubits[0])
        elif len(qubits) == 2:
            kind, rate = "gate_2q", calibration.edge_rate(qubits[0], qubits[1])
        else:
            unscored += 1
            continue
        operations[kind] += 1
        if rate is None:
            unknown[kind] += 1
            rate = medians[kind]
        log_total += math.log1p(-rate) if rate < 1.0 else -math.inf
    missing = {kind: n for kind, n in unknown.items() if n}
    return SuccessEstimate(
        probability=math.exp(log_total),
        log_probability=log_total,
        operations=operations,
        unknown=missing,
        assumed={kind: medians[kind] for kind in missing},
        unscored=unscored,
    )


def median_rates(calibration: Calibration) -> dict[str, float]:
    """The rate assumed for an entry ``calibration`` lacks, per kind (``KINDS``): the median
    of the known rates of that kind, 0 when none is known."""
    return {
        "gate_1q": _median(calibration.qubit_error.values()),
        "gate_2q": _median(calibration.edge_error.values()),
        "readout": _median(calibration.readout_error.values()),
    }


def _median(rates: Iterable[float]) -> float:
    values = list(rates)
    return float(median(values)) if values else 0.0
