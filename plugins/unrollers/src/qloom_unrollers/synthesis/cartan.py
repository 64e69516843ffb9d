"""The KAK (Cartan) decomposition of two-qubit unitaries, in the canonical Weyl chamber.

``U = phase (k1a x k1b) exp(i (a XX + b YY + c ZZ)) (k2a x k2b)`` with
``pi/4 >= a >= b >= |c|`` (and ``c >= 0`` when ``a = pi/4``). In the magic basis local
gates are real orthogonal and the canonical gate is diagonal, so diagonalising the
symmetric unitary ``Up^T Up`` with a real orthogonal matrix (Kraus and Cirac; Tucci) gives
both. Equal coordinates mean equal up to local gates, which is what synthesis builds on.
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass, replace

import numpy as np

from qloom_unrollers.synthesis.errors import SynthesisError

__all__ = ["KAK", "canonical_gate", "kak", "weyl_coordinates"]

_I = np.eye(2, dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.array([[1, 0], [0, -1]], dtype=complex)
_MAGIC = np.array([[1, 0, 0, 1j], [0, 1j, 1, 0], [0, 1j, -1, 0], [1, 0, 0, -1j]]) / math.sqrt(2)
_MAGIC_DAG = _MAGIC.conj().T
# Eigenvalues of XX, YY, ZZ in the magic basis: theta_k = a sx_k + b sy_k + c sz_k + g.
_SIGNS = np.array([np.real(np.diag(_MAGIC_DAG @ np.kron(p, p) @ _MAGIC)) for p in (_X, _Y, _Z)]).T
_SOLVE = np.linalg.inv(np.column_stack([_SIGNS, np.ones(4)]))
_PAULIS = {"x": _X, "y": _Y, "z": _Z}
# One-qubit Cliffords that exchange two axes (the third maps to plus or minus itself).
_SWAP_XY = np.array([[1, 0], [0, 1j]])  # S: X -> Y, Y -> -X
_SWAP_YZ = np.array([[1, 1j], [1j, 1]]) / math.sqrt(2)  # Rx(-pi/2)-like: Y <-> Z
_SWAP_XZ = np.array([[1, 1], [1, -1]]) / math.sqrt(2)  # H: X <-> Z
_TOL = 1e-9


@dataclass(frozen=True)
class KAK:
    """``matrix = phase * kron(k1a, k1b) @ canonical_gate(a, b, c) @ kron(k2a, k2b)``."""

    phase: complex
    k1a: np.ndarray
    k1b: np.ndarray
    a: float
    b: float
    c: float
    k2a: np.ndarray
    k2b: np.ndarray

    @property
    def coordinates(self) -> tuple[float, float, float]:
        """The Weyl coordinates ``(a, b, c)``."""
        return self.a, self.b, self.c

    def matrix(self) -> np.ndarray:
        """The unitary this decomposition stands for (to check it)."""
        return (
            self.phase
            * np.kron(self.k1a, self.k1b)
            @ canonical_gate(self.a, self.b, self.c)
            @ np.kron(self.k2a, self.k2b)
        )


def canonical_gate(a: float, b: float, c: float) -> np.ndarray:
    """``exp(i (a XX + b YY + c ZZ))``, diagonal in the magic basis."""
    theta = _SIGNS @ np.array([a, b, c])
    return _MAGIC @ np.diag(np.exp(1j * theta)) @ _MAGIC_DAG


def weyl_coordinates(matrix: np.ndarray) -> tuple[float, float, float]:
    """The canonical Weyl coordinates of a 4x4 unitary."""
    return kak(matrix).coordinates


def kak(matrix: np.ndarray) -> KAK:
    """The KAK decomposition of a 4x4 unitary, in the canonical chamber.

    Raises:
        SynthesisError: ``matrix`` is not a 4x4 unitary.
    """
    u = np.asarray(matrix, dtype=complex)
    if u.shape != (4, 4) or not np.allclose(u.conj().T @ u, np.eye(4), rtol=0, atol=1e-8):
        raise SynthesisError("KAK needs a 4x4 unitary")
    phase = np.linalg.det(u) ** 0.25
    up = _MAGIC_DAG @ (u / phase) @ _MAGIC
    sym = up.T @ up
    p = _real_eigenbasis(sym)
    d = np.diag(p.T @ sym @ p)
    theta = np.angle(d) / 2
    if np.linalg.det(p) < 0:
        p[:, 0] = -p[:, 0]
    k1 = up @ p @ np.diag(np.exp(-1j * theta))
    if np.linalg.det(k1).real < 0:
        k1[:, 0] = -k1[:, 0]
        theta[0] += math.pi
    k1 = k1.real
    coords_g = _SOLVE @ theta
    a, b, c, g = (float(v) for v in coords_g)
    left = _MAGIC @ k1 @ _MAGIC_DAG
    right = _MAGIC @ p.T @ _MAGIC_DAG
    k1a, k1b = _kron_factor(left)
    k2a, k2b = _kron_factor(right)
    result = KAK(phase * cmath.exp(1j * g), k1a, k1b, a, b, c, k2a, k2b)
    result = _canonicalise(result)
    if not np.allclose(result.matrix(), u, rtol=0, atol=1e-8):
        raise SynthesisError("KAK decomposition failed to reproduce the matrix")  # pragma: no cover
    return result


def _real_eigenbasis(sym: np.ndarray) -> np.ndarray:
    """A real orthogonal ``P`` with ``P^T sym P`` diagonal (``sym`` complex symmetric unitary).

    Its real and imaginary parts are commuting real symmetric matrices; a generic real
    combination of them has their common eigenvectors. Fixed combinations are tried in
    turn, each checked, so the result is deterministic and degenerate cases are caught.
    """
    re, im = sym.real, sym.imag
    for weight in (0.7071067811865476, 1.3247179572447, -0.5436890126920764, 2.718281828, 0.1):
        _, p = np.linalg.eigh(re + weight * im)
        diag = p.T @ sym @ p
        if np.allclose(diag, np.diag(np.diag(diag)), rtol=0, atol=1e-10):
            return p
    # Degenerate in both parts along the tried directions: diagonalise one, then the other
    # within each eigenspace of the first.
    values, p = np.linalg.eigh(re)
    out = p.copy()
    start = 0
    while start < 4:
        stop = start + 1
        while stop < 4 and abs(values[stop] - values[start]) < 1e-9:
            stop += 1
        block = p[:, start:stop]
        _, q = np.linalg.eigh(block.T @ im @ block)
        out[:, start:stop] = block @ q
        start = stop
    return out


def _kron_factor(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` with ``kron(a, b) == m`` for a 4x4 tensor product of unitaries."""
    t = m.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
    u, s, vh = np.linalg.svd(t)
    a = (u[:, 0] * math.sqrt(s[0])).reshape(2, 2)
    b = (vh[0, :] * math.sqrt(s[0])).reshape(2, 2)
    # Make each factor unitary with determinant 1; the leftover phase goes into ``b``.
    da = cmath.sqrt(a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0])
    return a / da, b * da


# -- canonical chamber ------------------------------------------------------------------------


def _shift(k: KAK, axis: int, turns: int) -> KAK:
    """Move coordinate ``axis`` by ``turns * pi/2``: ``exp(i pi/2 PP) = i PP`` is local."""
    if turns % 4 == 0:
        return k
    pauli = (_X, _Y, _Z)[axis]
    coords = [k.a, k.b, k.c]
    coords[axis] += turns * math.pi / 2
    # canonical(old) = canonical(new) @ (i PP)^(-turns)
    power = np.linalg.matrix_power(pauli, turns % 2)
    phase = k.phase * (1j) ** (-turns % 4)
    return replace(
        k, phase=phase, a=coords[0], b=coords[1], c=coords[2], k2a=power @ k.k2a, k2b=power @ k.k2b
    )


def _swap_axes(k: KAK, i: int, j: int) -> KAK:
    """Exchange coordinates ``i`` and ``j`` by conjugating with a local Clifford ``C x C``."""
    clifford = {(0, 1): _SWAP_XY, (1, 2): _SWAP_YZ, (0, 2): _SWAP_XZ}[(min(i, j), max(i, j))]
    coords = [k.a, k.b, k.c]
    coords[i], coords[j] = coords[j], coords[i]
    # canonical(old) = (C x C)^dag canonical(new) (C x C)
    cd = clifford.conj().T
    return replace(
        k,
        k1a=k.k1a @ cd, k1b=k.k1b @ cd, a=coords[0], b=coords[1], c=coords[2],
        k2a=clifford @ k.k2a, k2b=clifford @ k.k2b,
    )  # fmt: skip


def _flip_pair(k: KAK, i: int, j: int) -> KAK:
    """Negate coordinates ``i`` and ``j``: conjugate by the Pauli of the third axis on qubit 0."""
    third = 3 - i - j
    pauli = (_X, _Y, _Z)[third]
    coords = [k.a, k.b, k.c]
    coords[i], coords[j] = -coords[i], -coords[j]
    return replace(k, k1a=k.k1a @ pauli, a=coords[0], b=coords[1], c=coords[2], k2a=pauli @ k.k2a)


def _canonicalise(k: KAK) -> KAK:
    for axis in range(3):
        value = (k.a, k.b, k.c)[axis]
        k = _shift(k, axis, -round(value / (math.pi / 2)))
    # Now every |coordinate| <= pi/4; sort by absolute value, largest first.
    order = sorted(range(3), key=lambda n: -abs((k.a, k.b, k.c)[n]))
    position = [0, 1, 2]
    for target, source in enumerate(order):
        current = position.index(source)
        if current != target:
            k = _swap_axes(k, target, current)
            position[target], position[current] = position[current], position[target]
    if k.a < 0:
        k = _flip_pair(k, 0, 2)
    if k.b < 0:
        k = _flip_pair(k, 1, 2)
    if abs(k.a - math.pi / 4) < _TOL and k.c < 0:
        k = _flip_pair(k, 0, 2)
        k = _shift(k, 0, 1)
    return k
