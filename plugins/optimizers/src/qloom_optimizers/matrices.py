"""Cached gate matrices and the facts optimizers ask of gates (diagonal?); how close a gate
is to the identity is in ``identity_equivalence``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from qloom import Operation
from qloom.gates import DIRECTIVES, gate_matrix

__all__ = ["is_diagonal", "matrix_of", "unitary_op"]

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
