"""The synthesis of one run of one-qubit gates, memoised on the run.

The same runs come back again and again (on ``qft_n100`` only 290 of 27,496 runs are
distinct), so the synthesis of a run is memoised on the run's exact gate names and
parameters: the output is the one the synthesis gives, only computed once. The optimizer
kernel asks for each distinct run it meets (``kernel.ArrayCircuit.fuse``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from qloom_optimizers.matrices import matrix_of
from qloom_unrollers.synthesis import synthesize_1q

__all__ = ["Gates", "Run", "fuse_run", "synthesize_run"]

Run = tuple[tuple[str, tuple[Any, ...]], ...]
"""A run of one-qubit gates as ``(name, params)`` pairs, in time order."""

Gates = tuple[tuple[str, tuple[Any, ...]], ...]

MEMO_SIZE = 8192
"""Distinct runs remembered (least recently used forgotten first)."""


def fuse_run(run: Run, natives: frozenset[str] | None) -> Gates | None:
    """The native gates that replace ``run``, or ``None`` to keep it as it is.

    A run is replaced when its synthesis is shorter or it holds a gate outside ``natives``.

    Raises:
        SynthesisError: the run must be replaced and the natives cannot express it.
    """
    foreign = natives is not None and any(name not in natives for name, _ in run)
    if len(run) == 1 and not foreign:
        return None
    product = np.eye(2, dtype=complex)
    for name, params in run:
        product = matrix_of(name, tuple(params)) @ product
    gates = synthesize_1q(product, natives)
    if len(gates) < len(run) or foreign:
        return tuple((name, tuple(params)) for name, params in gates)
    return None


_fuse_memo = lru_cache(maxsize=MEMO_SIZE)(fuse_run)


def synthesize_run(run: Run, natives: frozenset[str] | None) -> Gates | None:
    """``fuse_run``, from the memo unless the run holds a zero.

    0.0 == -0.0 (and 0j) with one hash: a run holding a zero would share a memo entry with
    its twin of the other sign, whose synthesis may differ in a signed zero.
    """
    if any(0.0 in params for _, params in run):
        return fuse_run(run, natives)
    return _fuse_memo(run, natives)
