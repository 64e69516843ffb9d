"""XYZ Quantum's devices: qubits, couplings and a calibration snapshot for each.

Every device runs the same native gates: ``rz`` (virtual: a change of the qubit's frame,
no pulse), ``sx`` and ``x`` (microwave pulses) and ``cz`` (the entangler, symmetric, so
couplings are undirected). The calibrations are the snapshot shipped with this release;
pass ``calibration=`` to the backend to place by fresher rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from qloom import Calibration

__all__ = ["DEVICES", "NATIVES", "Device"]

NATIVES: frozenset[str] = frozenset({"rz", "sx", "x", "cz"})
"""The gates every XYZ device executes (measure, reset and barrier are always accepted)."""

Edge = tuple[int, int]


@dataclass(frozen=True)
class Device:
    """One XYZ device.

    Attributes:
        name: the device part of ``on="xyz:<name>"``.
        num_qubits: qubits ``0..num_qubits-1``.
        edges: the coupled pairs (``cz`` works in both directions).
        calibration: error rates of the last calibration shipped with this package.
        description: one line for ``Backend.properties``.
    """

    name: str
    num_qubits: int
    edges: tuple[Edge, ...]
    calibration: Calibration
    description: str


def _ladder(length: int) -> tuple[Edge, ...]:
    """A 2 x ``length`` ladder: rails ``0..length-1`` and ``length..2*length-1``, then rungs."""
    rails = [(r * length + i, r * length + i + 1) for r in (0, 1) for i in range(length - 1)]
    rungs = [(i, i + length) for i in range(length)]
    return tuple(rails + rungs)


def _ring(size: int) -> tuple[Edge, ...]:
    """``size`` qubits in a cycle: ``(0, 1), (1, 2), ..., (size-1, 0)``."""
    return tuple((i, (i + 1) % size) for i in range(size))


def _calibration(
    edges: Sequence[Edge], qubit: Sequence[float], readout: Sequence[float], edge: Sequence[float]
) -> Calibration:
    """A calibration from rates listed in qubit order and in the order of ``edges``."""
    pairs = dict(zip(edges, edge, strict=True))
    return Calibration(dict(enumerate(qubit)), dict(enumerate(readout)), pairs)


# The snapshots' weak spots: qubit 4 of ladder-12 (and its pairs), the pair (2, 3) of ring-8.
_LADDER_12 = _ladder(6)
_LADDER_12_QUBIT = (3e-4, 2e-4, 4e-4, 3e-4, 8e-3, 3e-4, 2e-4, 3e-4, 5e-4, 2e-4, 4e-4, 3e-4)
_LADDER_12_READOUT = (
    0.012, 0.010, 0.015, 0.011, 0.090, 0.013, 0.010, 0.014, 0.020, 0.012, 0.016, 0.011,
)  # fmt: skip
_LADDER_12_EDGE = (
    0.006, 0.007, 0.008, 0.030, 0.028,  # rail 0..5
    0.005, 0.006, 0.007, 0.006, 0.008,  # rail 6..11
    0.009, 0.007, 0.006, 0.008, 0.035, 0.007,  # rungs (i, i + 6)
)  # fmt: skip

_RING_8 = _ring(8)
_RING_8_QUBIT = (2e-4, 3e-4, 6e-4, 7e-4, 3e-4, 2e-4, 4e-4, 3e-4)
_RING_8_READOUT = (0.011, 0.012, 0.025, 0.030, 0.010, 0.013, 0.012, 0.015)
_RING_8_EDGE = (0.006, 0.007, 0.040, 0.009, 0.005, 0.006, 0.007, 0.008)

LADDER_12 = Device(
    "ladder-12",
    12,
    _LADDER_12,
    _calibration(_LADDER_12, _LADDER_12_QUBIT, _LADDER_12_READOUT, _LADDER_12_EDGE),
    "2 x 6 ladder of transmon qubits",
)
RING_8 = Device(
    "ring-8",
    8,
    _RING_8,
    _calibration(_RING_8, _RING_8_QUBIT, _RING_8_READOUT, _RING_8_EDGE),
    "ring of 8 transmon qubits",
)

DEVICES: Mapping[str, Device] = MappingProxyType({d.name: d for d in (LADDER_12, RING_8)})
"""Every device, by name."""
