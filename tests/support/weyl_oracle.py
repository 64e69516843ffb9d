"""Test oracle: the Python KAK decomposition, Weyl coordinates and entangler count that the
``qloom-kak`` kernel replaced (issue 17), kept unchanged (from
``qloom_unrollers/synthesis/weyl.py`` and ``two_qubit._count``) to check the kernel against.

The KAK (Cartan) decomposition of two-qubit unitaries and their Weyl-chamber coordinates.

Every 4x4 unitary is ``phase (k1_0 x k1_1) exp(i (a XX + b YY + c ZZ)) (k2_0 x k2_1)`` with
one-qubit ``k``'s (Kraus and Cirac; Khaneja and Glaser; Tucci's constructive version). In
the magic basis local gates become real orthogonal matrices and ``XX``, ``YY``, ``ZZ``
become diagonal, so with ``Up`` the unitary in that basis the symmetric unitary
``Up^T Up = P D^2 P^T`` gives everything: ``P`` (real orthogonal, from the commuting real
and imaginary parts) is the right local gate, ``D`` holds the coordinates and
``Up P D^-1`` the left one. The coordinates are then moved into the canonical chamber
``pi/4 >= a >= b >= |c|`` (``c >= 0`` when ``a = pi/4``) by the chamber's symmetries (shifts
by pi/2, sign flips of two coordinates, permutations), each paid for with local Paulis or
Cliffords. Equal coordinates mean equal up to local gates (Zhang, Vala, Sastry, Whaley).
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qloom_unrollers.synthesis.errors import SynthesisError

__all__ = [
    "KAK",
    "canonical_gate",
    "count_entanglers",
    "kak",
    "kron2",
    "kron_factor",
    "weyl_coordinates",
]

_SQ2 = math.sqrt(2)
_MAGIC = np.array([[1, 0, 0, 1j], [0, 1j, 1, 0], [0, 1j, -1, 0], [1, 0, 0, -1j]]) / _SQ2
_MAGIC_DAG = _MAGIC.conj().T
# Eigenvalues of XX, YY, ZZ on the magic basis vectors: column k holds (x_k, y_k, z_k).
_SIGNS = np.array([[1, 1, -1, -1], [-1, 1, -1, 1], [1, -1, -1, 1]], dtype=float)
# theta_k = a x_k + b y_k + c z_k + g; the rows (x_k, y_k, z_k, 1) are orthogonal.
_SOLVE = np.vstack([_SIGNS, np.ones(4)]) / 4

_I2 = np.eye(2, dtype=complex)
_PAULI = (
    np.array([[0, 1], [1, 0]], dtype=complex),
    np.array([[0, -1j], [1j, 0]], dtype=complex),
    np.array([[1, 0], [0, -1]], dtype=complex),
)
# C with C P_i C^dag = +-P_j and C P_j C^dag = +-P_i, so (C x C) swaps coordinates i and j.
_EXCHANGE_AXES = {
    (0, 1): np.array([[1, 0], [0, 1j]], dtype=complex),  # S
    (1, 2): np.array([[1, -1j], [-1j, 1]], dtype=complex) / _SQ2,  # Rx(pi/2)
    (0, 2): np.array([[1, 1], [1, -1]], dtype=complex) / _SQ2,  # H
}
_QUARTER = math.pi / 4
_WEIGHTS = (0.6180339887498949, -1.4142135623730951, 3.302775637731995, -0.2679491924311227)
_CHAMBER_TOL = 1e-10
RECONSTRUCTION_TOL = 1e-9
"""Largest entry-wise error ``kak`` accepts when it checks its own result."""


@dataclass(frozen=True)
class KAK:
    """``matrix = phase * kron(*k1) @ canonical_gate(a, b, c) @ kron(*k2)``.

    Attributes:
        phase: the global phase.
        k1: one-qubit unitaries on qubits 0 and 1 applied after the canonical gate.
        a, b, c: Weyl coordinates, ``pi/4 >= a >= b >= |c|``.
        k2: one-qubit unitaries on qubits 0 and 1 applied before it.
    """

    phase: complex
    k1: tuple[np.ndarray, np.ndarray]
    a: float
    b: float
    c: float
    k2: tuple[np.ndarray, np.ndarray]

    @property
    def coordinates(self) -> tuple[float, float, float]:
        """The Weyl coordinates ``(a, b, c)``."""
        return self.a, self.b, self.c

    def matrix(self) -> np.ndarray:
        """The 4x4 unitary this decomposition stands for."""
        left = kron2(self.k1[0], self.k1[1])
        right = kron2(self.k2[0], self.k2[1])
        product: np.ndarray = self.phase * left @ canonical_gate(self.a, self.b, self.c) @ right
        return product


def kron2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``kron(a, b)`` for 2x2 matrices, without ``np.kron``'s overhead."""
    product: np.ndarray = (a[:, None, :, None] * b[None, :, None, :]).reshape(4, 4)
    return product


def canonical_gate(a: float, b: float, c: float) -> np.ndarray:
    """``exp(i (a XX + b YY + c ZZ))``.

    It acts on ``{|00>, |11>}`` as ``e^{ic} exp(i (a - b) X)`` and on ``{|01>, |10>}`` as
    ``e^{-ic} exp(i (a + b) X)``.
    """
    even, odd = cmath.exp(1j * c), cmath.exp(-1j * c)
    ce, se = even * math.cos(a - b), 1j * even * math.sin(a - b)
    co, so = odd * math.cos(a + b), 1j * odd * math.sin(a + b)
    return np.array([[ce, 0, 0, se], [0, co, so, 0], [0, so, co, 0], [se, 0, 0, ce]], dtype=complex)


COORDINATE_TOL = 1e-10
"""A Weyl coordinate smaller than this counts as zero (as in ``two_qubit``)."""


def count_entanglers(coords: tuple[float, float, float], parametric: bool) -> int:
    """``two_qubit._count`` as it was: entanglers needed at Weyl point ``coords``."""
    nonzero = [abs(v) >= COORDINATE_TOL for v in coords]
    if parametric or not any(nonzero):
        return sum(nonzero)
    if abs(coords[0] - _QUARTER) < COORDINATE_TOL and not nonzero[1] and not nonzero[2]:
        return 1
    return 2 if not nonzero[2] else 3


# -- the Weyl chamber ---------------------------------------------------------------------------

# A move keeps the unitary and changes the coordinates:
#   ("shift", i, n): coordinate i += n pi/2, paid with (P_i x P_i)^n before and (-i)^n phase;
#   ("flip", k): negate the two coordinates other than k, with P_k on qubit 0 on both sides;
#   ("swap", i, j): exchange coordinates i and j, with C x C on both sides.
_Move = tuple[str, int, int]


def _to_chamber(coords: list[float]) -> list[_Move]:
    """Move ``coords`` (in place) into the canonical chamber; the moves, in order."""
    moves: list[_Move] = []
    for i in range(3):
        turns = round(coords[i] / (math.pi / 2))
        if turns:
            coords[i] -= turns * (math.pi / 2)
            moves.append(("shift", i, -turns))
    for i, j in ((0, 1), (1, 2), (0, 1)):
        if abs(coords[i]) < abs(coords[j]):
            coords[i], coords[j] = coords[j], coords[i]
            moves.append(("swap", i, j))
    if coords[0] < 0:
        coords[0], coords[2] = -coords[0], -coords[2]
        moves.append(("flip", 1, 0))
    if coords[1] < 0:
        coords[1], coords[2] = -coords[1], -coords[2]
        moves.append(("flip", 0, 0))
    if coords[2] < 0 and abs(coords[0] - _QUARTER) < _CHAMBER_TOL:
        # (pi/4, b, c) ~ (-pi/4, b, -c) ~ (pi/4, b, -c)
        coords[0], coords[2] = -coords[0] + math.pi / 2, -coords[2]
        moves += [("flip", 1, 0), ("shift", 0, 1)]
    return moves


def _coordinates_from_phases(theta: np.ndarray) -> tuple[list[float], float]:
    """``[a, b, c]`` and ``g`` from the four magic-basis phases."""
    a, b, c, g = (float(v) for v in _SOLVE @ theta)
    return [a, b, c], g


def _special_unitary(u: np.ndarray) -> tuple[np.ndarray, complex]:
    if u.shape != (4, 4):
        raise SynthesisError(f"a two-qubit unitary must be 4x4, got shape {u.shape}")
    det = complex(np.linalg.det(u))
    if not abs(abs(det) - 1) < 1e-6:
        raise SynthesisError("the 4x4 matrix is not unitary")
    phase = det**0.25
    return u / phase, phase


def weyl_coordinates(matrix: np.ndarray) -> tuple[float, float, float]:
    """The canonical Weyl coordinates ``(a, b, c)`` of a 4x4 unitary, ``pi/4 >= a >= b >= |c|``.

    Cheaper than ``kak``: only the eigenvalues of ``Up^T Up`` are needed (any order of them
    is a symmetry of the chamber). ``cx``: ``(pi/4, 0, 0)``; ``iswap``: ``(pi/4, pi/4, 0)``;
    ``swap``: ``(pi/4, pi/4, pi/4)``.
    """
    su, _ = _special_unitary(np.asarray(matrix, dtype=complex))
    up = _MAGIC_DAG @ su @ _MAGIC
    theta = np.angle(np.linalg.eigvals(up.T @ up)) / 2
    # The phases sum to 0 mod pi; make it 0 mod 2 pi (a valid choice of determinant sign).
    if round(float(theta.sum()) / math.pi) % 2:
        theta[0] += math.pi
    coords, _ = _coordinates_from_phases(theta)
    _to_chamber(coords)
    return coords[0], coords[1], coords[2]


# -- the decomposition --------------------------------------------------------------------------


def _diagonal_and_error(m: np.ndarray) -> tuple[np.ndarray, float]:
    diagonal = m.diagonal().copy()
    return diagonal, float(np.abs(m - np.diag(diagonal)).max())


def _real_eigenbasis(sym: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(P, d)``: ``P`` real orthogonal with ``P^T sym P ~ diag(d)``, ``sym`` a symmetric unitary.

    Its real and imaginary parts are commuting real symmetric matrices, so a generic real
    combination of them has their common eigenvectors. Fixed combinations are tried in
    turn and checked (deterministic); near-degenerate cases that fool all of them are
    diagonalised part by part, the imaginary part inside each eigenspace of the real part.
    """
    re, im = sym.real, sym.imag
    best: tuple[np.ndarray, np.ndarray] | None = None
    best_error = math.inf
    for weight in _WEIGHTS:
        p = np.linalg.eigh(re + weight * im)[1]
        diagonal, error = _diagonal_and_error(p.T @ sym @ p)
        if error < 1e-13:
            return p, diagonal
        if error < best_error:
            best, best_error = (p, diagonal), error
    values, p = np.linalg.eigh(re)
    start = 0
    while start < 4:
        stop = start + 1
        while stop < 4 and values[stop] - values[stop - 1] < 1e-7:
            stop += 1
        if stop - start > 1:
            block = p[:, start:stop]
            _, rotation = np.linalg.eigh(block.T @ im @ block)
            p[:, start:stop] = block @ rotation
        start = stop
    diagonal, error = _diagonal_and_error(p.T @ sym @ p)
    if error < best_error or best is None:
        return p, diagonal
    return best


def kron_factor(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, complex]:
    """``(A, B, phase)`` with ``m = phase * kron(A, B)`` and ``A``, ``B`` in SU(2).

    ``m`` must be (numerically) a tensor product of two one-qubit unitaries. Its 2x2 block
    ``(i, j)`` is ``A[i, j] B``. Of the blocks ``(0, 0)`` and ``(0, 1)`` one has weight at
    least 1/2 (a unitary's row has norm 1): scaled to determinant 1 it is ``B``, and each
    block's overlap with ``B`` gives ``A`` (plain Python on sixteen numbers).
    """
    (r0, r1, r2, r3) = [[complex(v) for v in row] for row in m.tolist()]
    first = (r0[0], r0[1], r1[0], r1[1])
    second = (r0[2], r0[3], r1[2], r1[3])
    use_first = sum(abs(v) ** 2 for v in first) >= sum(abs(v) ** 2 for v in second)
    b00, b01, b10, b11 = first if use_first else second
    root = cmath.sqrt(b00 * b11 - b01 * b10)
    b00, b01, b10, b11 = b00 / root, b01 / root, b10 / root, b11 / root
    c00, c01, c10, c11 = b00.conjugate(), b01.conjugate(), b10.conjugate(), b11.conjugate()

    def overlap(row_a: list[complex], row_b: list[complex], col: int) -> complex:
        return (
            row_a[col] * c00 + row_a[col + 1] * c01 + row_b[col] * c10 + row_b[col + 1] * c11
        ) / 2

    a00, a01 = overlap(r0, r1, 0), overlap(r0, r1, 2)
    a10, a11 = overlap(r2, r3, 0), overlap(r2, r3, 2)
    phase = cmath.sqrt(a00 * a11 - a01 * a10)
    a = np.array([[a00 / phase, a01 / phase], [a10 / phase, a11 / phase]], dtype=complex)
    return a, np.array([[b00, b01], [b10, b11]], dtype=complex), phase


@lru_cache(maxsize=1024)
def _move_locals(
    moves: tuple[_Move, ...],
) -> tuple[complex, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """What the chamber moves do to a KAK: ``(phase factor, (R0, R1), (L0, L1))``.

    Afterwards ``k1[q] -> k1[q] @ R[q]`` and ``k2[q] -> L[q] @ k2[q]``.
    """
    factor = 1 + 0j
    right = [_I2, _I2]
    left = [_I2, _I2]
    for kind, i, j in moves:
        if kind == "shift":
            factor *= (-1j) ** (j % 4)
            if j % 2:
                left = [_PAULI[i] @ left[0], _PAULI[i] @ left[1]]
        elif kind == "flip":
            right[0], left[0] = right[0] @ _PAULI[i], _PAULI[i] @ left[0]
        else:
            c = _EXCHANGE_AXES[(i, j)]
            cd = c.conj().T
            right = [right[0] @ cd, right[1] @ cd]
            left = [c @ left[0], c @ left[1]]
    return factor, (right[0], right[1]), (left[0], left[1])


def kak(matrix: np.ndarray) -> KAK:
    """The KAK decomposition of a 4x4 unitary, with coordinates in the canonical chamber.

    The result is checked against ``matrix`` (entry-wise to ``RECONSTRUCTION_TOL``).

    Raises:
        SynthesisError: ``matrix`` is not a 4x4 unitary, or (never seen) the decomposition
            does not reproduce it.
    """
    u = np.asarray(matrix, dtype=complex)
    su, phase = _special_unitary(u)
    up = _MAGIC_DAG @ su @ _MAGIC
    sym = up.T @ up
    p, diagonal = _real_eigenbasis(sym)
    if np.linalg.det(p) < 0:
        p[:, 0] = -p[:, 0]
    theta = np.angle(diagonal) / 2
    left = (up @ p) * np.exp(-1j * theta)
    if np.linalg.det(left).real < 0:
        left[:, 0] = -left[:, 0]
        theta[0] += math.pi
    coords, g = _coordinates_from_phases(theta)
    k1a, k1b, phase1 = kron_factor(_MAGIC @ left.real @ _MAGIC_DAG)
    k2a, k2b, phase2 = kron_factor(_MAGIC @ p.T @ _MAGIC_DAG)
    factor, (r0, r1), (l0, l1) = _move_locals(tuple(_to_chamber(coords)))
    total = complex(phase * cmath.exp(1j * g) * phase1 * phase2 * factor)
    a, b, c = coords
    result = KAK(total, (k1a @ r0, k1b @ r1), a, b, c, (l0 @ k2a, l1 @ k2b))
    error = float(np.abs(result.matrix() - u).max())
    if not error < RECONSTRUCTION_TOL:
        raise SynthesisError(f"the KAK decomposition is off by {error:.2e}")  # pragma: no cover
    return result
