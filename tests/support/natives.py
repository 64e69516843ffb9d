"""Native gate sets (issue 5's, and one per one-qubit basis) and special one-qubit gates,
shared by the unroller, optimizer, level and golden-output tests."""

from __future__ import annotations

import math

PI = math.pi

NATIVE_SETS: dict[str, frozenset[str]] = {
    "ibm-cx": frozenset({"cx", "rz", "sx", "x"}),
    "ibm-ecr": frozenset({"ecr", "rz", "sx", "x"}),
    "ibm-cz": frozenset({"cz", "rz", "sx", "x"}),
    "iqm": frozenset({"cz", "prx"}),
    "rotations": frozenset({"rx", "ry", "rz", "cz"}),
    "ions": frozenset({"gpi", "gpi2", "ms"}),
    "quantinuum": frozenset({"rzz", "u"}),
}
"""IBM (three entanglers), IQM-like, rotations, trapped ions, Quantinuum-like."""

BASIS_NATIVES: dict[str, frozenset[str]] = {
    "ZSX": frozenset({"rz", "sx"}),
    "ZSX+x": frozenset({"rz", "sx", "x"}),
    "ZSX+sxdg": frozenset({"rz", "sx", "sxdg"}),
    "PSX": frozenset({"p", "sx"}),
    "U": frozenset({"u"}),
    "U3": frozenset({"u3"}),
    "ZYZ": frozenset({"rz", "ry"}),
    "ZXZ": frozenset({"rz", "rx"}),
    "XYX": frozenset({"rx", "ry"}),
    "RXYZ": frozenset({"rx", "ry", "rz"}),
    "PRX": frozenset({"prx"}),
    "PRX+rz": frozenset({"prx", "rz"}),
    "GPI": frozenset({"gpi", "gpi2"}),
    "GPI2+rz": frozenset({"gpi2", "rz"}),
}
"""Natives that allow one basis each (or a few), from the smallest sets up."""

SPECIAL = [
    ("id", ()),
    ("x", ()),
    ("y", ()),
    ("z", ()),
    ("h", ()),
    ("s", ()),
    ("sdg", ()),
    ("t", ()),
    ("sx", ()),
    ("sxdg", ()),
    ("rz", (0.3,)),
    ("rz", (PI,)),
    ("rz", (-PI,)),
    ("rx", (PI / 2,)),
    ("rx", (-PI / 2,)),
    ("ry", (PI / 2,)),
    ("ry", (PI,)),
    ("ry", (1e-9,)),
    ("rx", (1e-12,)),
    ("p", (2.0,)),
    ("u", (PI / 2, 0.0, PI)),
    ("u", (PI, 0.3, -0.3)),
    ("prx", (PI / 2, 0.7)),
    ("gpi", (0.4,)),
]
"""One-qubit gates ``(name, params)`` at the angles the Euler bases treat specially."""
