"""The KAK (Cartan) decomposition of two-qubit unitaries and their Weyl-chamber coordinates.

Every 4x4 unitary is ``phase (k1_0 x k1_1) exp(i (a XX + b YY + c ZZ)) (k2_0 x k2_1)`` with
one-qubit ``k``'s (Kraus and Cirac; Khaneja and Glaser; Tucci's constructive version), and
``pi/4 >= a >= b >= |c|`` (``c >= 0`` when ``a = pi/4``) picks one point per class of
locally equivalent gates (Zhang, Vala, Sastry, Whaley). The computation (diagonalising
``Up^T Up`` in the magic basis, then moving the coordinates into the chamber with local
Paulis and Cliffords) runs in the ``qloom-kak`` kernel of ``qloom-kernels``; this module
converts arrays and keeps the ``KAK`` value type.

The kernel follows the Python code it replaced step for step (that code's outputs are the
golden file ``tests/plugins/unrollers/golden/kak.json``), with nalgebra's eigensolvers instead
of LAPACK's: the coordinates agree to rounding (checked within 1e-9, with equal entangler
counts) and ``KAK.matrix()`` is the input, but the local factors may differ from the old
ones by local symmetries (eigenvector signs), so circuits synthesised from them may have
other one-qubit angles.
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass

import numpy as np

from qloom_kernels import kak_decompose, kak_weyl_coordinates
from qloom_unrollers.synthesis.errors import SynthesisError

__all__ = ["KAK", "canonical_gate", "kak", "kron2", "unitary_bytes", "weyl_coordinates"]


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


def unitary_bytes(matrix: np.ndarray) -> bytes:
    """The kernels' form of a 4x4 unitary: its C-ordered complex128 bytes (shape checked)."""
    u = np.asarray(matrix, dtype=complex)
    if u.shape != (4, 4):
        raise SynthesisError(f"a two-qubit unitary must be 4x4, got shape {u.shape}")
    return u.tobytes()


def weyl_coordinates(matrix: np.ndarray) -> tuple[float, float, float]:
    """The canonical Weyl coordinates ``(a, b, c)`` of a 4x4 unitary, ``pi/4 >= a >= b >= |c|``.

    Cheaper than ``kak``: only the eigenvalues of ``Up^T Up`` are needed. ``cx``:
    ``(pi/4, 0, 0)``; ``iswap``: ``(pi/4, pi/4, 0)``; ``swap``: ``(pi/4, pi/4, pi/4)``.

    Raises:
        SynthesisError: ``matrix`` is not a 4x4 unitary.
    """
    raw = unitary_bytes(matrix)
    try:
        return kak_weyl_coordinates(raw)
    except ValueError as error:
        raise SynthesisError(str(error)) from None


def kak(matrix: np.ndarray) -> KAK:
    """The KAK decomposition of a 4x4 unitary, with coordinates in the canonical chamber.

    The kernel checks its result against ``matrix`` (entry-wise to 1e-9).

    Raises:
        SynthesisError: ``matrix`` is not a 4x4 unitary, or (never seen) the decomposition
            does not reproduce it.
    """
    raw = unitary_bytes(matrix)
    try:
        (re, im), (a, b, c), factors = kak_decompose(raw)
    except ValueError as error:
        raise SynthesisError(str(error)) from None
    k = np.frombuffer(factors, dtype=complex).reshape(4, 2, 2).copy()
    return KAK(complex(re, im), (k[0], k[1]), a, b, c, (k[2], k[3]))
