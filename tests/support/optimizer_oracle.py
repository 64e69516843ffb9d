"""Test oracle: the pure-Python passes of ``optimizers:optimize`` that the optimizer kernel
(``qloom_kernels.OptCircuit``, crate ``qloom-opt``) ports: identity removal, one-qubit
fusion, commutation-aware cancellation and the round loop.

This is the code ``qloom_optimizers`` ran before these passes moved to Rust (issue 17),
kept unchanged but for imports, only as the reference the kernel must reproduce
(tests/plugins/optimizers/test_kernel_oracle.py, benchmarks/synthesis/optimize_oracle.py).
It is not used by any plugin; do not maintain it as an engine.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from qloom import Backend, Circuit, Operation
from qloom.gates import apply_matrix
from qloom_optimizers.consolidation import consolidate_blocks
from qloom_optimizers.matrices import is_diagonal, is_identity, matrix_of, unitary_op
from qloom_optimizers.rules import (
    INVERSE_PAIRS,
    LOOKBACK,
    ROTATIONS,
    SELF_INVERSE,
    SYMMETRIC,
    X_LIKE,
)
from qloom_optimizers.runs import synthesize_run

# --- optimize: the round loop -------------------------------------------------------------


def optimize(
    circuit: Circuit,
    backend: Backend,
    *,
    resynthesize: bool = False,
    max_iterations: int = 10,
    lookback: int = LOOKBACK,
) -> Circuit:
    """``optimizers:optimize`` as it was in Python."""
    natives = backend.natives
    best = circuit
    for round_ in range(max_iterations):
        current = remove_identities(best)
        current = fuse_single_qubit_runs(current, natives)
        current = cancel_gates(current, lookback)
        if resynthesize:
            current = consolidate_blocks(current, backend)
        current = fuse_single_qubit_runs(current, natives)
        before, after = _size(best), _size(current)
        if after >= before:
            break
        best = current
        if after[0] > 0.998 * before[0] and after[1] > 0.95 * before[1]:
            break
        if round_ > 0 and after[0] == before[0]:
            break
    return best


def _size(circuit: Circuit) -> tuple[int, int]:
    return circuit.count_2q(), len(circuit)


# --- remove_identities ---------------------------------------------------------------------


def remove_identities(circuit: Circuit) -> Circuit:
    """``circuit`` without its identity gates."""
    return circuit.copy_with(op for op in circuit if not (unitary_op(op) and is_identity(op)))


# --- fuse_1q -------------------------------------------------------------------------------


def fuse_single_qubit_runs(circuit: Circuit, natives: frozenset[str] | None) -> Circuit:
    """``circuit`` with its one-qubit runs fused."""
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
        gates = synthesize_run(key, natives)
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


# --- cancel --------------------------------------------------------------------------------


def _same_qubits(a: Operation, b: Operation) -> bool:
    if a.qubits == b.qubits:
        return True
    return a.name in SYMMETRIC and len(a.qubits) == 2 and a.qubits == b.qubits[::-1]


def _combine(earlier: Operation, later: Operation) -> Operation | bool | None:
    """``False`` if they do not combine, ``None`` if they cancel, else the merged gate."""
    if not _same_qubits(earlier, later):
        return False
    if earlier.name == later.name:
        if earlier.name in SELF_INVERSE and not earlier.params:
            return None
        period = ROTATIONS.get(earlier.name)
        if period is not None:
            angle = earlier.params[0] + later.params[0]
            if abs(math.remainder(angle, period)) < 1e-12:
                return None
            return earlier._replace(params=(angle,))
        return False
    if INVERSE_PAIRS.get(earlier.name) == later.name:
        return None
    return False


def cancel_gates(circuit: Circuit, lookback: int = LOOKBACK) -> Circuit:
    """``circuit`` after commutation-aware cancellation."""
    kept: list[Operation | None] = []
    on_qubit: dict[int, list[int]] = {}
    for op in circuit:
        if not unitary_op(op):
            _push(kept, on_qubit, op)
            continue
        partner = _find_partner(kept, on_qubit, op, lookback)
        if partner is None:
            _push(kept, on_qubit, op)
            continue
        index, merged = partner
        if merged is None:
            kept[index] = None
        else:
            kept[index] = merged
    return circuit.copy_with(op for op in kept if op is not None)


def _push(kept: list[Operation | None], on_qubit: dict[int, list[int]], op: Operation) -> None:
    kept.append(op)
    for qubit in op.qubits:
        on_qubit.setdefault(qubit, []).append(len(kept) - 1)


def _find_partner(
    kept: list[Operation | None], on_qubit: dict[int, list[int]], op: Operation, lookback: int
) -> tuple[int, Operation | None] | None:
    if len(op.qubits) == 1:
        stack = on_qubit.get(op.qubits[0], ())
        candidates = [i for i in stack[-1 : -lookback - 1 : -1] if kept[i] is not None]
    else:
        candidates = _recent(kept, on_qubit, op.qubits, lookback)
    for index in candidates:
        earlier = kept[index]
        assert earlier is not None
        if not unitary_op(earlier):
            return None
        result: Any = _combine(earlier, op)
        if result is not False:
            return index, result
        if not commute(earlier, op):
            return None
    return None


def _recent(
    kept: list[Operation | None],
    on_qubit: dict[int, list[int]],
    qubits: tuple[int, ...],
    lookback: int,
) -> list[int]:
    seen: set[int] = set()
    floor = -1
    for qubit in qubits:
        stack = on_qubit.get(qubit, [])
        taken = 0
        for index in reversed(stack):
            if kept[index] is None:
                continue
            seen.add(index)
            taken += 1
            if taken >= lookback:
                floor = max(floor, index)
                break
    return sorted((i for i in seen if i >= floor), reverse=True)


# --- commutation ---------------------------------------------------------------------------


def commute(first: Operation, second: Operation) -> bool:
    """Whether two unitary operations commute (rules first, then their matrices)."""
    shared = set(first.qubits) & set(second.qubits)
    if not shared:
        return True
    if is_diagonal(first) and is_diagonal(second):
        return True
    fast = _by_rule(first, second)
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


def _by_rule(first: Operation, second: Operation) -> bool | None:
    for a, b in ((first, second), (second, first)):
        if a.name in ("cx", "CX"):
            control, target = a.qubits
            if len(b.qubits) == 1:
                if b.qubits[0] == control:
                    return is_diagonal(b) or None
                return b.name in X_LIKE or None
            if b.name in ("cx", "CX"):
                c2, t2 = b.qubits
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
