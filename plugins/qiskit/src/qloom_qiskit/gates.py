"""Which Qiskit gate each qloom gate is, and back: one table for both directions.

Every qloom gate that has a Qiskit standard gate of the same matrix and parameter order maps
to it (``prx`` is Qiskit's ``RGate``). The gates Qiskit lacks (``gpi``, ``gpi2``, ``ms``,
``u0``) become a ``UnitaryGate`` labelled with the call, e.g. ``gpi(0.25)``, so they come
back by name; ``U`` and ``CX`` share Qiskit's ``u`` and ``cx`` with their lowercase twins and
are told apart by the label too.

Matrices: qloom makes an operation's first qubit the most significant bit of the matrix
index, Qiskit the least significant. ``reverse_qubits`` converts a matrix between the two.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from qiskit.circuit import Gate, Instruction
from qiskit.circuit import library as lib

from qloom.errors import GateError
from qloom.gates import GATES, gate_matrix

__all__ = [
    "QISKIT_NAMES",
    "from_qiskit_gate",
    "qloom_names",
    "reverse_qubits",
    "to_qiskit_gate",
]

_STANDARD: dict[str, type[Gate]] = {
    "U": lib.UGate,
    "CX": lib.CXGate,
    "u3": lib.U3Gate,
    "u2": lib.U2Gate,
    "u1": lib.U1Gate,
    "u": lib.UGate,
    "p": lib.PhaseGate,
    "id": lib.IGate,
    "x": lib.XGate,
    "y": lib.YGate,
    "z": lib.ZGate,
    "h": lib.HGate,
    "s": lib.SGate,
    "sdg": lib.SdgGate,
    "t": lib.TGate,
    "tdg": lib.TdgGate,
    "sx": lib.SXGate,
    "sxdg": lib.SXdgGate,
    "rx": lib.RXGate,
    "ry": lib.RYGate,
    "rz": lib.RZGate,
    "cx": lib.CXGate,
    "cy": lib.CYGate,
    "cz": lib.CZGate,
    "ch": lib.CHGate,
    "csx": lib.CSXGate,
    "swap": lib.SwapGate,
    "crx": lib.CRXGate,
    "cry": lib.CRYGate,
    "crz": lib.CRZGate,
    "cu1": lib.CU1Gate,
    "cp": lib.CPhaseGate,
    "cu3": lib.CU3Gate,
    "cu": lib.CUGate,
    "rxx": lib.RXXGate,
    "rzz": lib.RZZGate,
    "ccx": lib.CCXGate,
    "cswap": lib.CSwapGate,
    "rccx": lib.RCCXGate,
    "rc3x": lib.RC3XGate,
    "c3x": lib.C3XGate,
    "c3sqrtx": lib.C3SXGate,
    "c4x": lib.C4XGate,
    "ryy": lib.RYYGate,
    "rzx": lib.RZXGate,
    "iswap": lib.iSwapGate,
    "ecr": lib.ECRGate,
    "prx": lib.RGate,
}
"""qloom name -> the Qiskit standard gate class of the same matrix and parameter order."""

_ALIASES = {"U": "u", "CX": "cx"}
"""qloom names that share a Qiskit gate with another qloom name; kept in the gate's label."""

_LABELLED = frozenset({"gpi", "gpi2", "ms", "u0"})
"""qloom gates with no Qiskit standard gate: written as a ``UnitaryGate`` labelled with the
call, which brings them back by name."""


def _name_tables() -> tuple[dict[str, str], dict[str, str]]:
    to_qiskit: dict[str, str] = {}
    from_qiskit: dict[str, str] = {}
    for name, cls in _STANDARD.items():
        qiskit = str(cls(*([0.0] * (GATES[name].num_params or 0))).name)
        to_qiskit[name] = qiskit
        if name not in _ALIASES and qiskit != "mcx":
            from_qiskit[qiskit] = name
    to_qiskit.update(dict.fromkeys([*sorted(_LABELLED), "unitary"], "unitary"))
    return to_qiskit, from_qiskit


QISKIT_NAMES, _FROM_QISKIT = _name_tables()
"""qloom name -> Qiskit instruction name (``unitary`` for the gates Qiskit lacks), and back."""

_MCX = {3: "c3x", 4: "c4x"}
"""Qiskit names every multi-controlled X ``mcx``: the number of controls tells them apart."""

_CALL = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\((.*)\)$")


def reverse_qubits(matrix: np.ndarray) -> np.ndarray:
    """The same operator with the qubit order of its index reversed (qloom <-> Qiskit)."""
    dim = matrix.shape[0]
    k = dim.bit_length() - 1
    axes = list(range(k))[::-1]
    tensor = matrix.reshape((2,) * (2 * k))
    reordered: np.ndarray = tensor.transpose([*axes, *(a + k for a in axes)]).reshape(dim, dim)
    return reordered


def to_qiskit_gate(name: str, params: Sequence[Any], as_unitary: bool = False) -> Gate:
    """The Qiskit gate of the qloom operation ``name(params)``.

    Args:
        name: a qloom library gate (not a directive).
        params: its parameters (for ``unitary``, the flattened matrix).
        as_unitary: write it as a ``UnitaryGate`` even when Qiskit has a standard gate (for
            targets that run ``unitary`` but not that gate).
    """
    cls = _STANDARD.get(name)
    if cls is not None and not as_unitary:
        label = name if name in _ALIASES else None
        return cls(*params, label=label) if label else cls(*params)
    if name == "unitary":
        dim = math.isqrt(len(params))
        matrix = np.array(params, dtype=complex).reshape(dim, dim)
        return lib.UnitaryGate(reverse_qubits(matrix), check_input=False)
    label = f"{name}({', '.join(repr(float(p)) for p in params)})"
    matrix = reverse_qubits(gate_matrix(name, params))
    return lib.UnitaryGate(matrix, label=label, check_input=False)


def from_qiskit_gate(operation: Instruction) -> tuple[str, tuple[Any, ...]] | None:
    """The qloom ``(name, params)`` of a Qiskit gate, or ``None`` when qloom has no such gate.

    Raises:
        TypeError: a parameter is not a number (an unbound ``Parameter``).
    """
    name = operation.name
    if name == "unitary":
        return _from_unitary(operation)
    if name == "mcx":
        qloom = _MCX.get(operation.num_qubits - 1)
        return None if qloom is None else (qloom, ())
    qloom = _FROM_QISKIT.get(name)
    if qloom is None:
        return None
    label = getattr(operation, "label", None)
    if label in _ALIASES and _ALIASES[label] == qloom:
        qloom = label
    return qloom, tuple(float(p) for p in operation.params)


def _from_unitary(operation: Instruction) -> tuple[str, tuple[Any, ...]]:
    """A ``UnitaryGate`` back to qloom: the labelled gate if its matrix agrees, else ``unitary``."""
    matrix = np.asarray(operation.params[0], dtype=complex)
    named = _labelled_call(getattr(operation, "label", None))
    if named is not None and _is_matrix_of(named, matrix):
        return named
    return "unitary", tuple(complex(v) for v in reverse_qubits(matrix).ravel())


def _is_matrix_of(call: tuple[str, tuple[float, ...]], matrix: np.ndarray) -> bool:
    """Whether ``matrix`` (Qiskit order) is the gate ``call`` names (labels can be stale)."""
    try:
        expected = reverse_qubits(gate_matrix(*call))
    except GateError:  # a label that merely looks like a call
        return False
    return expected.shape == matrix.shape and bool(np.allclose(expected, matrix, atol=1e-10))


def _labelled_call(label: str | None) -> tuple[str, tuple[float, ...]] | None:
    match = _CALL.match(label or "")
    if match is None or match.group(1) not in _LABELLED:
        return None
    try:
        params = tuple(float(p) for p in match.group(2).split(","))
    except ValueError:
        return None
    return match.group(1), params


def qloom_names(qiskit_name: str) -> tuple[str, ...]:
    """Every qloom gate that is written as the Qiskit instruction ``qiskit_name``.

    ``unitary`` answers every gate written as a ``UnitaryGate``; ``mcx`` answers ``c3x`` and
    ``c4x``; ``u`` answers ``u`` and ``U``.
    """
    return tuple(sorted(q for q, k in QISKIT_NAMES.items() if k == qiskit_name))
