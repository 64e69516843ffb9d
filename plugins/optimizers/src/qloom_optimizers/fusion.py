"""``optimizers:fuse_1q``: each run of one-qubit gates becomes the fewest native gates.

The same runs come back again and again (on ``qft_n100`` only 290 of 27,496 runs are
distinct), so the synthesis of a run is memoised on the run's exact gate names and
parameters: the output is the one the synthesis gives, only computed once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from qloom import Circuit, Operation, Pass, PassContext
from qloom_optimizers.matrices import matrix_of, unitary_op
from qloom_unrollers.synthesis import synthesize_1q

__all__ = ["FuseSingleQubit", "fuse_run", "fuse_single_qubit_runs"]

Run = tuple[tuple[str, tuple[Any, ...]], ...]
"""A run of one-qubit gates as ``(name, params)`` pairs, in time order."""

Gates = tuple[tuple[str, tuple[Any, ...]], ...]

MEMO_SIZE = 8192
"""Distinct runs remembered (least recently used forgotten first)."""


class FuseSingleQubit(Pass):
    """``optimizers:fuse_1q``: multiply each maximal run of one-qubit gates on a qubit and
    resynthesise it in the natives (Euler angles) when that is shorter or the run was not
    native. Measurements, resets, barriers and conditioned operations end runs."""

    kind = "optimizers"
    name = "fuse_1q"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return fuse_single_qubit_runs(circuit, context.backend.natives)


def fuse_single_qubit_runs(circuit: Circuit, natives: frozenset[str] | None) -> Circuit:
    """``circuit`` with its one-qubit runs fused (see ``FuseSingleQubit``)."""
    out: list[Operation] = []
    runs: dict[int, list[Operation]] = {}

    def flush(qubit: int) -> None:
        run = runs.pop(qubit, None)
        if not run:
            return
        if len(run) == 1 and (natives is None or run[0].name in natives):
            out.extend(run)
            return
        key = tuple((op.name, tuple(op.params)) for op in run)
        # 0.0 == -0.0 (and 0j) with one hash: a run holding a zero would share a memo entry
        # with its twin of the other sign, whose synthesis may differ in a signed zero.
        exact = not any(0.0 in params for _, params in key)
        gates = _fuse_memo(key, natives) if exact else fuse_run(key, natives)
        if gates is None:
            out.extend(run)
        else:
            out.extend(Operation(name, (qubit,), params) for name, params in gates)

    for op in circuit:
        if len(op.qubits) == 1 and unitary_op(op):
            runs.setdefault(op.qubits[0], []).append(op)
            continue
        for qubit in op.qubits:
            flush(qubit)
        if op.name == "barrier" and not op.qubits:
            for qubit in list(runs):
                flush(qubit)
        out.append(op)
    for qubit in sorted(runs):
        flush(qubit)
    return circuit.copy_with(out)


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
