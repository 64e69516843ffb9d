"""n-qubit unitaries by the quantum Shannon decomposition (Shende, Bullock and Markov, 2006).

The cosine-sine decomposition splits ``U`` on its first qubit into two block-diagonal
multiplexors around a multiplexed ``Ry``; each block-diagonal ``diag(A, B)`` is two
``(n-1)``-qubit unitaries around a multiplexed ``Rz`` (demultiplexing:
``A B^dag = V D^2 V^dag``, ``W = D V^dag B``, so ``A = V D W`` and ``B = V D^dag W``).
Recursing leaves two-qubit blocks on the last two qubits, separated by multiplexed
rotations. A multiplexed rotation with ``k`` controls takes ``2**k`` CX in Gray-code order
(each CX flips the sign of the rotations after it for one control; the angles solve a
Walsh-Hadamard system).

Two of the paper's savings are applied. The multiplexed ``Ry`` uses CZ (Z flips ``Ry``
as X does) and its last CZ, diagonal and controlled by the first qubit, is folded into
the next block-diagonal. Each two-qubit block but the last is made with two entanglers
up to a diagonal ``exp(i psi ZZ)`` (chosen so the block's Weyl coordinate ``c`` vanishes,
i.e. ``tr(U YY U^T YY)`` is real); the diagonal commutes with every multiplexor (they are
all controlled by the last two qubits) and joins the next block. With CX-like natives that
is ``(23/48) 4^n - (3/2) 2^n + 4/3`` entanglers: 20 for three qubits, 100 for four.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis.entanglers import BOTH, Entangler, Step, basis_entangler, cx_steps
from qloom_unrollers.synthesis.errors import SynthesisError
from qloom_unrollers.synthesis.euler import synthesize_1q
from qloom_unrollers.synthesis.two_qubit import Op, lower_steps, synthesize_2q, two_qubit_steps

__all__ = ["synthesize_unitary"]

# Time-ordered pieces: ("block", (q0, q1), 4x4) or ("mux", (target, *controls), (axis, angles)).
_Piece = tuple[str, tuple[int, ...], Any]

_H = gate_matrix("h")
_XX = np.kron(gate_matrix("x"), gate_matrix("x"))
_YY = np.kron(gate_matrix("y"), gate_matrix("y"))
_ZZ_DIAGONAL = np.array([1.0, -1.0, -1.0, 1.0])


def synthesize_unitary(matrix: np.ndarray, natives: frozenset[str] | None) -> list[Op]:
    """An exact (up to phase) native circuit on local qubits ``0..n-1`` for a unitary.

    One qubit: Euler synthesis; two: ``synthesize_2q`` (either direction); more: the
    quantum Shannon decomposition down to two-qubit blocks.

    Raises:
        SynthesisError: not a ``2**n`` square unitary, or natives that cannot express it.
    """
    u = np.asarray(matrix, dtype=complex)
    dim = u.shape[0] if u.ndim == 2 else 0
    n = dim.bit_length() - 1
    if u.shape != (dim, dim) or dim < 2 or 1 << n != dim:
        raise SynthesisError(f"a unitary must be a square 2**n matrix, got shape {u.shape}")
    if not np.allclose(u.conj().T @ u, np.eye(dim), rtol=0, atol=1e-8):
        raise SynthesisError("the matrix given to synthesize_unitary is not unitary")
    if n == 1:
        return [(name, (0,), params) for name, params in synthesize_1q(u, natives)]
    if n == 2:
        return synthesize_2q(u, natives, BOTH)
    entangler = basis_entangler(natives, BOTH)
    pieces = _decompose(u, tuple(range(n)))
    return lower_steps(_pieces_to_steps(pieces, entangler), natives)


# -- the decomposition --------------------------------------------------------------------------


def _decompose(u: np.ndarray, qubits: tuple[int, ...]) -> list[_Piece]:
    """Pieces on ``qubits`` (first = most significant) whose product is ``u``, in time order."""
    if len(qubits) == 2:
        return [("block", qubits, u)]
    half = u.shape[0] // 2
    # scipy.linalg takes 0.4 s to import, and only unitaries on 3+ qubits need it
    import scipy.linalg  # type: ignore[import-untyped,unused-ignore]

    (l0, l1), theta, (r0, r1) = scipy.linalg.cossin(u, p=half, q=half, separate=True)
    head, rest = qubits[0], qubits[1:]
    # The multiplexed Ry ends with CZ(rest[0], head); diag(L0, L1) CZ = diag(L0, L1 Z).
    l1 = l1.copy()
    l1[:, half // 2 :] *= -1
    return [
        *_demultiplex(r0, r1, head, rest),
        ("mux", (head, *rest), ("y", 2 * np.asarray(theta))),
        *_demultiplex(l0, l1, head, rest),
    ]


def _demultiplex(a: np.ndarray, b: np.ndarray, head: int, rest: tuple[int, ...]) -> list[_Piece]:
    """``diag(a, b)`` as ``W``, a multiplexed Rz on ``head``, then ``V`` (on ``rest``)."""
    import scipy.linalg  # type: ignore[import-untyped,unused-ignore]

    t, v = scipy.linalg.schur(a @ b.conj().T, output="complex")
    d = np.sqrt(np.diag(t))
    w = (d[:, None] * v.conj().T) @ b
    return [
        *_decompose(w, rest),
        ("mux", (head, *rest), ("z", -2 * np.angle(d))),
        *_decompose(v, rest),
    ]


# -- to steps -----------------------------------------------------------------------------------


def _pieces_to_steps(pieces: list[_Piece], entangler: Entangler) -> list[Step]:
    """Steps for the pieces; every block but the last leaves a diagonal to the next one."""
    last_block = max(i for i, piece in enumerate(pieces) if piece[0] == "block")
    steps: list[Step] = []
    carried: np.ndarray | None = None  # diagonal (as a vector) still to apply before a block
    for index, (kind, qubits, payload) in enumerate(pieces):
        if kind == "mux":
            axis, angles = payload
            steps += _multiplexed_rotation(axis, angles, qubits[0], qubits[1:], entangler)
            continue
        block = payload if carried is None else payload * carried
        if index != last_block:
            diagonal = _two_entangler_diagonal(block)
            block = diagonal[:, None] * block
            carried = diagonal.conj()
        rename = {0: qubits[0], 1: qubits[1]}
        for name, local, p in two_qubit_steps(block, entangler):
            steps.append((name, tuple(rename[q] for q in local), p))
    return steps


def _two_entangler_diagonal(u: np.ndarray) -> np.ndarray:
    """``Delta = exp(i psi ZZ)`` (as its diagonal) with ``Delta u`` needing two entanglers.

    Two CX suffice iff ``tr(g)`` is real, ``g = v YY v^T YY`` with ``v`` in SU(4)
    (Shende, Markov, Bullock). For ``v = Delta u``, ``tr(g) = cos(2 psi) A + i sin(2 psi) B``
    with ``A = tr(u YY u^T YY)`` and ``B = -tr(u YY u^T XX)``; the imaginary part vanishes
    for ``tan(2 psi) = -Im(A) / Re(B)``.
    """
    su = u / complex(np.linalg.det(u)) ** 0.25
    bent = su @ _YY @ su.T
    a = complex(np.trace(bent @ _YY))
    b = -complex(np.trace(bent @ _XX))
    psi = math.atan2(-a.imag, b.real) / 2
    return np.exp(1j * psi * _ZZ_DIAGONAL)


def _multiplexed_rotation(
    axis: str, angles: np.ndarray, target: int, controls: tuple[int, ...], entangler: Entangler
) -> list[Step]:
    """``R_axis(angles[j])`` on ``target`` when ``controls`` read ``j`` (first = most significant).

    Gray-code order: rotation ``i`` sees the target flipped by the controls in
    ``gray(i) = i ^ (i >> 1)``, so ``angles[j] = sum_i (-1)^{|j & gray(i)|} phi_i`` and
    ``phi = S angles / 2**k`` with the same sign matrix. ``Rz`` uses CX, ``Ry`` uses CZ and
    leaves out its last CZ (``_decompose`` folds it into the next block-diagonal).
    """
    k = len(controls)
    count = 1 << k
    gray = [i ^ (i >> 1) for i in range(count)]
    signs = np.array([[(-1) ** bin(j & g).count("1") for j in range(count)] for g in gray])
    phis = signs @ np.asarray(angles, dtype=float) / count
    gate = "rz" if axis == "z" else "ry"
    steps: list[Step] = []
    for i, phi in enumerate(phis):
        if abs(math.remainder(float(phi), 4 * math.pi)) > 1e-14:
            steps.append(("1q", (target,), gate_matrix(gate, (float(phi),))))
        flipped = gray[i] ^ gray[(i + 1) % count]
        control = controls[k - flipped.bit_length()]
        if axis == "z":
            steps += _renamed(cx_steps(entangler), control, target)
        elif i != count - 1:
            steps.append(("1q", (target,), _H))
            steps += _renamed(cx_steps(entangler), control, target)
            steps.append(("1q", (target,), _H))
    return steps


def _renamed(steps: list[Step], q0: int, q1: int) -> list[Step]:
    rename = {0: q0, 1: q1}
    return [(name, tuple(rename[q] for q in qubits), p) for name, qubits, p in steps]
