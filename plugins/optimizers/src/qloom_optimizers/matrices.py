"""Cached gate matrices and the facts optimizers ask of gates (diagonal? identity? commute?)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from qloom import Operation
from qloom.gates import DIRECTIVES, apply_matrix, gate_matrix

__all__ = ["commute", "is_diagonal", "is_identity", "matrix_of", "unitary_op"]

DIAGONAL_NAMES = frozenset(
    {"id", "rz", "z", "s", "sdg", "t", "tdg", "p", "u1", "cz", "cp", "cu1", "crz", "rzz", "u0"}
)
"""Gates diagonal in the computational basis for every parameter value."""

_X_LIKE = frozenset({"x", "rx", "sx", "sxdg"})


@lru_cache(maxsize=65536)
def matrix_of(name: str, params: tuple[Any, ...]) -> np.ndarray:
    """The gate's matrix (cached; do not modify it)."""
    m = gate_matrix(name, params)
    m.setflags(write=False)
    return m


def unitary_op(op: Operation) -> bool:
    """A gate with a matrix and no classical condition: what optimizers may touch."""
    return op.condition is None and op.name not in DIRECTIVES and not op.clbits


def is_diagonal(op: Operation) -> bool:
    """Whether ``op``'s matrix is diagonal."""
    if op.name in DIAGONAL_NAMES:
        return True
    if op.name != "unitary":
        return False
    m = matrix_of(op.name, tuple(op.params))
    return bool(np.allclose(m, np.diag(np.diag(m)), rtol=0, atol=1e-12))


@lru_cache(maxsize=65536)
def _identity(name: str, params: tuple[Any, ...]) -> bool:
    m = matrix_of(name, params)
    phase = m[0, 0]
    return bool(
        abs(abs(phase) - 1) < 1e-12
        and np.allclose(m, phase * np.eye(m.shape[0]), rtol=0, atol=1e-12)
    )


def is_identity(op: Operation) -> bool:
    """Whether ``op`` is the identity up to global phase (``rz(0)``, ``id``, ``u(0,0,0)``)."""
    return len(op.qubits) <= 3 and _identity(op.name, tuple(op.params))


def commute(first: Operation, second: Operation) -> bool:
    """Whether two unitary operations commute (rules first, then their matrices)."""
    shared = set(first.qubits) & set(second.qubits)
    if not shared:
        return True
    if is_diagonal(first) and is_diagonal(second):
        return True
    fast = _by_rule(first, second, shared)
    if fast is not None:
        return fast
    support = sorted(set(first.qubits) | set(second.qubits))
    if len(support) > 4:
        return False
    index = {q: i for i, q in enumerate(support)}
    return _commute_matrices(
        first.name,
        tuple(first.params),
        tuple(index[q] for q in first.qubits),
        second.name,
        tuple(second.params),
        tuple(index[q] for q in second.qubits),
        len(support),
    )


def _by_rule(first: Operation, second: Operation, shared: set[int]) -> bool | None:
    for a, b in ((first, second), (second, first)):
        if a.name in ("cx", "CX"):
            control, target = a.qubits
            if len(b.qubits) == 1:
                if b.qubits[0] == control:
                    return is_diagonal(b) or None
                return b.name in _X_LIKE or None
            if b.name in ("cx", "CX"):
                c2, t2 = b.qubits
                # CX pairs commute when they share only controls or only targets.
                return control != t2 and target != c2
    return None


@lru_cache(maxsize=65536)
def _commute_matrices(
    name_a: str,
    params_a: tuple[Any, ...],
    qubits_a: tuple[int, ...],
    name_b: str,
    params_b: tuple[Any, ...],
    qubits_b: tuple[int, ...],
    width: int,
) -> bool:
    eye = np.eye(1 << width, dtype=complex)
    a = apply_matrix(eye, matrix_of(name_a, params_a), qubits_a, width)
    b = apply_matrix(eye, matrix_of(name_b, params_b), qubits_b, width)
    return bool(np.allclose(a @ b, b @ a, rtol=0, atol=1e-10))
