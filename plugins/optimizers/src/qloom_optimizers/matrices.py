"""Cached gate matrices and the facts optimizers ask of gates (diagonal? identity?)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from qloom import Operation
from qloom.gates import DIRECTIVES, gate_matrix

__all__ = ["is_diagonal", "is_identity", "matrix_of", "unitary_op"]

DIAGONAL_NAMES = frozenset(
    {"id", "rz", "z", "s", "sdg", "t", "tdg", "p", "u1", "cz", "cp", "cu1", "crz", "rzz", "u0"}
)
"""Gates diagonal in the computational basis for every parameter value."""


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
    if not abs(abs(phase) - 1) < 1e-12 or not abs(m[-1, -1] - phase) <= 1e-12:
        return False  # cheap first: a rotation by a non-zero angle fails here
    return bool((np.abs(m - phase * np.eye(m.shape[0])) <= 1e-12).all())  # allclose, atol


def is_identity(op: Operation) -> bool:
    """Whether ``op`` is the identity up to global phase (``rz(0)``, ``id``, ``u(0,0,0)``)."""
    return len(op.qubits) <= 3 and _identity(op.name, tuple(op.params))
