"""The native gate sets of issue 5, shared by the unroller, optimizer and level tests."""

from __future__ import annotations

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
