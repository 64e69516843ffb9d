"""Which gates cancel, merge or commute by rule: the tables the optimizer kernel is given.

A gate's facts are computed once per distinct ``(name, params)`` from these tables and
``matrices`` and handed to the kernel (``qloom_optimizers.kernel``) with the gate's matrix.
"""

from __future__ import annotations

import math

__all__ = ["INVERSE_PAIRS", "LOOKBACK", "ROTATIONS", "SELF_INVERSE", "SYMMETRIC", "X_LIKE"]

SELF_INVERSE = frozenset(
    {"x", "y", "z", "h", "id", "cx", "CX", "cz", "cy", "ch", "swap", "ecr", "ccx", "cswap"}
)
"""Gates without parameters that are their own inverse."""

INVERSE_PAIRS = {"s": "sdg", "sdg": "s", "t": "tdg", "tdg": "t", "sx": "sxdg", "sxdg": "sx"}
"""Gates and the other gate they cancel with."""

SYMMETRIC = frozenset({"cz", "swap", "rzz", "rxx", "ryy", "cp", "cu1"})
"""Two-qubit gates equal to themselves with their qubits exchanged."""

ROTATIONS = {
    "rz": 2 * math.pi, "rx": 2 * math.pi, "ry": 2 * math.pi, "p": 2 * math.pi,
    "u1": 2 * math.pi, "rzz": 2 * math.pi, "rxx": 2 * math.pi, "ryy": 2 * math.pi,
    "rzx": 2 * math.pi, "cp": 2 * math.pi, "cu1": 2 * math.pi, "crz": 4 * math.pi,
    "crx": 4 * math.pi, "cry": 4 * math.pi,
}  # fmt: skip
"""Rotations that add their angles, and the period after which they are the identity (up
to global phase)."""

X_LIKE = frozenset({"x", "rx", "sx", "sxdg"})
"""One-qubit gates that commute with a CX on its target."""

LOOKBACK = 24
"""How many earlier gates on a qubit a gate may commute past to meet its partner."""
