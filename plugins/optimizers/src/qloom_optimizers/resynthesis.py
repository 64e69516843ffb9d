"""The decision on one two-qubit block of ``optimizers:consolidate_2q``: its resynthesis,
when that has fewer two-qubit gates or the block is not native (see ``consolidation``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from qloom_unrollers.synthesis import SynthesisError, num_entanglers, synthesize_2q

__all__ = ["LocalGate", "resynthesis"]

LocalGate = tuple[str, tuple[int, ...], tuple[Any, ...]]
"""A gate on positions in a pair (0 is the pair's first qubit): name, positions, params."""


def resynthesis(
    matrix: np.ndarray,
    two_qubit: int,
    foreign: bool,
    natives: frozenset[str] | None,
    directions: tuple[tuple[int, int], ...],
) -> list[LocalGate] | None:
    """What replaces a block with unitary ``matrix`` (its pair's first qubit the most
    significant), ``two_qubit`` two-qubit gates and (``foreign``) a gate outside
    ``natives``, on a pair accepting ``directions``; ``None`` keeps the block: a native
    block stays unless its synthesis has fewer two-qubit gates, and a block that cannot be
    synthesised stays."""
    try:
        if not foreign and num_entanglers(matrix, natives, directions) >= two_qubit:
            return None
        ops = synthesize_2q(matrix, natives, directions)
    except SynthesisError:
        return None
    if not foreign and sum(1 for op in ops if len(op[1]) == 2) >= two_qubit:
        return None
    return [(name, tuple(q), tuple(p)) for name, q, p in ops]
