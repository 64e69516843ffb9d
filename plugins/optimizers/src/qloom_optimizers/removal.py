"""Removing gates that do nothing: gates equal to the identity (within an
``approximation_degree``), and diagonal gates right before measurement."""

from __future__ import annotations

from typing import Any

from qloom import Circuit, Operation, Pass, PassContext
from qloom.options import check_approximation_degree
from qloom_optimizers.cancellation import cancel_gates
from qloom_optimizers.identity_equivalence import (
    EXACT_CUTOFF,
    cutoff,
    degree_in,
    gate_distance,
    gate_infidelity,
    record_removals,
)
from qloom_optimizers.matrices import is_diagonal, unitary_op

__all__ = [
    "RemoveDiagonalBeforeMeasure",
    "RemoveIdentities",
    "remove_identities",
    "without_identities",
]


class RemoveIdentities(Pass):
    """``optimizers:remove_identities``: drop every gate equal to the identity up to global
    phase within the ``approximation_degree`` (any arity, ``unitary`` included; never
    measurements, resets, directives or conditioned gates).

    A gate goes when its average gate infidelity to the identity is at most the cutoff:
    machine epsilon at degree 1.0 (the default: ``id``, ``rz(0)``, ``u(0, 0, 0)``,
    ``rzz(2 pi)``, but also ``cp(pi / 2**30)``, whose fidelity to the identity is 1 in
    double precision), ``1 - degree`` below it. ``approximation_degree=None`` takes
    the transpilation's (``qloom.transpile(..., approximation_degree=...)``). What went is
    added to ``context.properties["removed_identities"]`` (see
    ``identity_equivalence.record_removals``).

    With ``cancel`` (the default), when any gate went the circuit then goes through
    ``optimizers:cancel``: the gates that met where one went may be inverses (a controlled
    phase written ``cx rz(a) cx`` leaves a ``cx`` pair when ``rz(a)`` goes); rotations it
    merges into the identity go in turn, until none does. A circuit where nothing went
    comes back as it was."""

    kind = "optimizers"
    name = "remove_identities"

    def __init__(self, *, approximation_degree: float | None = None, cancel: bool = True) -> None:
        super().__init__(approximation_degree=approximation_degree, cancel=cancel)
        self.approximation_degree = check_approximation_degree(approximation_degree)
        self.cancel = cancel

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        degree = degree_in(self.approximation_degree, context.approximation_degree)
        limit = cutoff(degree)
        out, removed = without_identities(circuit, limit)
        while removed:  # each round has fewer gates
            record_removals(context.properties, removed)
            if not self.cancel:
                break
            out, removed = without_identities(cancel_gates(out), limit)
        return out


def remove_identities(circuit: Circuit, limit: float = EXACT_CUTOFF) -> Circuit:
    """``circuit`` without its gates of average infidelity to the identity at most
    ``limit`` (machine epsilon: those equal to the identity at double precision)."""
    return without_identities(circuit, limit)[0]


def without_identities(
    circuit: Circuit, limit: float
) -> tuple[Circuit, list[tuple[float, float, int]]]:
    """``circuit`` without its gates of average infidelity to the identity at most
    ``limit``, and what went as ``(infidelity, distance, count)`` per distinct gate (see
    ``identity_equivalence.record_removals``)."""
    judged: dict[tuple[str, tuple[Any, ...], int], float] = {}
    counts: dict[tuple[str, tuple[Any, ...], int], int] = {}
    kept: list[Operation] = []
    for op in circuit:
        if not unitary_op(op):
            kept.append(op)
            continue
        key = (op.name, op.params, len(op.qubits))
        infidelity = judged.get(key)
        if infidelity is None:
            infidelity = judged[key] = gate_infidelity(*key)
        if infidelity <= limit:
            counts[key] = counts.get(key, 0) + 1
        else:
            kept.append(op)
    removed = [(judged[key], gate_distance(*key), n) for key, n in counts.items()]
    return circuit.copy_with(kept), removed


class RemoveDiagonalBeforeMeasure(Pass):
    """``optimizers:remove_diagonal_before_measure``: drop diagonal gates (``rz``, ``cz``,
    ``cp``, ``rzz``, diagonal ``unitary``, ...) followed on all their qubits by final
    measurements only (barriers aside). They change no measured probability.

    This changes the circuit's unitary: use it only for circuits that end in measurements
    (``O3`` does; the equivalence check compares measured distributions for it)."""

    kind = "optimizers"
    name = "remove_diagonal_before_measure"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        measured_only: dict[int, bool] = {}
        keep: list[bool] = []
        for op in reversed(list(circuit)):
            if op.name == "barrier":
                keep.append(True)
                continue
            if op.name == "measure" and op.condition is None:
                q = op.qubits[0]
                measured_only[q] = measured_only.get(q, True)
                keep.append(True)
                continue
            removable = (
                unitary_op(op)
                and is_diagonal(op)
                and all(measured_only.get(q, False) for q in op.qubits)
            )
            if not removable:
                for q in op.qubits:
                    measured_only[q] = False
            keep.append(not removable)
        keep.reverse()
        return circuit.copy_with(op for op, kept in zip(circuit, keep, strict=True) if kept)
