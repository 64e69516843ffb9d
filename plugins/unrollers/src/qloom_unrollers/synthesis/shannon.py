"""Any n-qubit unitary: the quantum Shannon decomposition (Shende, Bullock and Markov).

The cosine-sine decomposition splits ``U`` on its first qubit into two block-diagonal
multiplexors around a multiplexed ``Ry``; each multiplexor is two ``(n-1)``-qubit unitaries
around a multiplexed ``Rz`` (demultiplexing). Multiplexed rotations become CX and plain
rotations; the recursion stops at two qubits, which ``synthesize_2q`` handles exactly.
"""

from __future__ import annotations

import cmath
import math
from typing import Any

import numpy as np
import scipy.linalg

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis.errors import SynthesisError
from qloom_unrollers.synthesis.one_qubit import synthesize_1q
from qloom_unrollers.synthesis.two_qubit import Op, synthesize_2q

__all__ = ["synthesize_unitary"]

# A block: ("unitary", 2 qubits, 4x4), ("unitary1", (qubit,), 2x2) or ("cx", (control, target), ()).
_Block = tuple[str, tuple[int, ...], Any]


def synthesize_unitary(matrix: np.ndarray, natives: frozenset[str] | None) -> list[Op]:
    """An exact (up to phase) native circuit on local qubits ``0..n-1`` for a unitary.

    Raises:
        SynthesisError: not a ``2**n`` square unitary, or natives that cannot express it.
    """
    u = np.asarray(matrix, dtype=complex)
    dim = u.shape[0]
    n = dim.bit_length() - 1
    if u.shape != (dim, dim) or dim < 2 or 1 << n != dim:
        raise SynthesisError(f"a unitary must be a square 2**n matrix, got shape {u.shape}")
    if n == 1:
        return [(name, (0,), params) for name, params in synthesize_1q(u, natives)]
    if n == 2:
        return synthesize_2q(u, natives)
    out: list[Op] = []
    cx = synthesize_2q(gate_matrix("cx"), natives)
    for kind, qubits, payload in _decompose(u, tuple(range(n))):
        if kind == "unitary1":
            out += [(name, qubits, p) for name, p in synthesize_1q(payload, natives)]
            continue
        local = synthesize_2q(payload, natives) if kind == "unitary" else cx
        out += [(name, tuple(qubits[i] for i in q), p) for name, q, p in local]
    return out


def _decompose(u: np.ndarray, qubits: tuple[int, ...]) -> list[_Block]:
    """Blocks on ``qubits`` (first = most significant) whose product is ``u``, in time order."""
    if len(qubits) == 2:
        return [("unitary", qubits, u)]
    half = u.shape[0] // 2
    (l0, l1), theta, (r0, r1) = scipy.linalg.cossin(u, p=half, q=half, separate=True)
    head, rest = qubits[0], qubits[1:]
    blocks = _demultiplex(r0, r1, head, rest)
    blocks += _multiplexed_rotation("ry", [2 * t for t in theta], head, rest)
    blocks += _demultiplex(l0, l1, head, rest)
    return blocks


def _demultiplex(a: np.ndarray, b: np.ndarray, head: int, rest: tuple[int, ...]) -> list[_Block]:
    """``diag(a, b)`` (``a`` when ``head`` is 0) as ``(I x W)``, multiplexed Rz, ``(I x V)``.

    ``a b^dag = V D^2 V^dag``, ``W = D V^dag b``: then ``a = V D W`` and ``b = V D^dag W``.
    """
    t, v = scipy.linalg.schur(a @ b.conj().T, output="complex")
    d = np.sqrt(np.diag(t).astype(complex))
    w = np.diag(d) @ v.conj().T @ b
    angles = [-2 * cmath.phase(x) for x in d]
    return [
        *_decompose(w, rest),
        *_multiplexed_rotation("rz", angles, head, rest),
        *_decompose(v, rest),
    ]


def _multiplexed_rotation(
    axis: str, angles: list[float], target: int, controls: tuple[int, ...]
) -> list[_Block]:
    """``R_axis(angles[j])`` on ``target`` when the controls read ``j`` (first most significant).

    In time order ``R(beta)``, CX from the first control, ``R(alpha)``, CX: ``R(alpha + beta)``
    when that control is 0 and ``R(beta - alpha)`` when 1 (X flips Ry and Rz angles).
    """
    if not controls:
        if abs(math.remainder(angles[0], 4 * math.pi)) < 1e-12:
            return []
        return [("unitary1", (target,), gate_matrix(axis, (angles[0],)))]
    half = len(angles) // 2
    low, high = angles[:half], angles[half:]
    alpha = [(x - y) / 2 for x, y in zip(low, high, strict=True)]
    beta = [(x + y) / 2 for x, y in zip(low, high, strict=True)]
    first, others = controls[0], controls[1:]
    return [
        *_multiplexed_rotation(axis, beta, target, others),
        ("cx", (first, target), ()),
        *_multiplexed_rotation(axis, alpha, target, others),
        ("cx", (first, target), ()),
    ]
