"""``optimizers:cancel``: inverse pairs vanish and rotations merge, across commuting gates.

For each gate, the earlier gates on its qubits are walked back (most recent first) while
they commute with it; the first gate on the same qubits that is its inverse cancels with
it, and a rotation about the same axis absorbs it (``rz(a) rz(b) = rz(a + b)``). Nothing is
moved across a gate it does not commute with, a measurement, reset, barrier or condition.
"""

from __future__ import annotations

import math
from typing import Any

from qloom import Circuit, Operation, Pass, PassContext
from qloom_optimizers.matrices import commute, unitary_op

__all__ = ["Cancel", "cancel_gates"]

SELF_INVERSE = frozenset(
    {"x", "y", "z", "h", "id", "cx", "CX", "cz", "cy", "ch", "swap", "ecr", "ccx", "cswap"}
)
INVERSE_PAIRS = {"s": "sdg", "sdg": "s", "t": "tdg", "tdg": "t", "sx": "sxdg", "sxdg": "sx"}
SYMMETRIC = frozenset({"cz", "swap", "rzz", "rxx", "ryy", "cp", "cu1"})
# Rotations that add their angles, and the period after which they are the identity
# (up to global phase).
ROTATIONS = {
    "rz": 2 * math.pi, "rx": 2 * math.pi, "ry": 2 * math.pi, "p": 2 * math.pi,
    "u1": 2 * math.pi, "rzz": 2 * math.pi, "rxx": 2 * math.pi, "ryy": 2 * math.pi,
    "rzx": 2 * math.pi, "cp": 2 * math.pi, "cu1": 2 * math.pi, "crz": 4 * math.pi,
    "crx": 4 * math.pi, "cry": 4 * math.pi,
}  # fmt: skip
LOOKBACK = 24
"""How many earlier gates on a qubit a gate may commute past to meet its partner."""


class Cancel(Pass):
    """``optimizers:cancel``: commutation-aware cancellation of inverse pairs and merging of
    rotations about the same axis. Option ``lookback`` (default 24): how far back to look."""

    kind = "optimizers"
    name = "cancel"

    def __init__(self, *, lookback: int = LOOKBACK) -> None:
        super().__init__(lookback=lookback)
        self.lookback = lookback

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return cancel_gates(circuit, self.lookback)


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
    """``circuit`` after commutation-aware cancellation (see ``Cancel``)."""
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
    """The earlier gate ``op`` cancels or merges with, and the result, if any."""
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
    """Earlier gates on ``qubits``, most recent first, each once; below ``floor`` some
    qubit's history was not looked at, so nothing there may be reached."""
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
