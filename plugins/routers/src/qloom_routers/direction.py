"""Emitting two-qubit gates in the direction a directed coupling accepts.

Routing works on the undirected graph. When a gate lands on a pair the backend accepts only
the other way round, the router fixes what it can without an unroller:

* a gate whose matrix is unchanged by exchanging its qubits (``cz``, ``swap``, ``cp``,
  ``rzz``, ``rxx``, ``iswap``, a symmetric ``unitary``, ...) is emitted reversed;
* ``cx`` (and ``CX``) becomes ``h, h; cx reversed; h, h`` when the backend accepts ``h``;
* anything else is left as it is, on the reversed pair: a later unroller (or a
  direction-fixing pass) must rewrite it, and ``Backend.validate`` reports it until then.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from qloom import Backend, Operation
from qloom.gates import GATES, gate_matrix

__all__ = ["DirectionFixer", "is_symmetric"]

_EXCHANGE = np.eye(4)[[0, 2, 1, 3]]


@lru_cache(maxsize=4096)
def is_symmetric(name: str, params: tuple[Any, ...] = ()) -> bool:
    """Whether the two-qubit gate ``name(params)`` is unchanged by exchanging its qubits."""
    gate = GATES.get(name)
    if gate is None or not gate.is_unitary:
        return False
    try:
        matrix = gate_matrix(name, params)
    except Exception:  # a malformed unitary is not ours to judge: leave it alone
        return False
    if matrix.shape != (4, 4):
        return False
    return bool(np.allclose(_EXCHANGE @ matrix @ _EXCHANGE, matrix, rtol=0, atol=1e-12))


class DirectionFixer:
    """Two-qubit operations in an accepted direction: reversed when the backend needs it."""

    def __init__(self, backend: Backend, directed: frozenset[tuple[int, int]] | None) -> None:
        self.directed = directed
        self.can_flip_cx = "h" in backend

    def operations(
        self,
        name: str,
        a: int,
        b: int,
        params: tuple[Any, ...] = (),
        clbits: tuple[int, ...] = (),
        condition: tuple[str, int] | None = None,
    ) -> tuple[Operation, ...]:
        """The operations for ``name`` on physical ``(a, b)``, unchecked: for a router that
        builds its output with ``Circuit.copy_with`` from operations of a checked circuit."""
        directed = self.directed
        if directed is None or (a, b) in directed or (b, a) not in directed:
            return (Operation(name, (a, b), params, clbits, condition),)
        if is_symmetric(name, params):
            return (Operation(name, (b, a), params, clbits, condition),)
        if name in ("cx", "CX") and self.can_flip_cx:
            ha, hb = Operation("h", (a,)), Operation("h", (b,))
            return (ha, hb, Operation(name, (b, a), params, clbits, condition), ha, hb)
        return (Operation(name, (a, b), params, clbits, condition),)
