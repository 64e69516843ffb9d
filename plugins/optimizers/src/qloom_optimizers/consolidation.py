"""``optimizers:consolidate_2q``: runs of gates on one pair, resynthesised when that is shorter.

A block is a maximal stretch of gates acting only within a pair ``(a, b)``: its two-qubit
gates and the one-qubit gates on ``a`` and ``b`` around them. Its 4x4 unitary needs
``num_entanglers`` native two-qubit gates (at most 3); when that is fewer than the block
has, or the block is not native, the block is replaced by ``synthesize_2q``. A SWAP from
routing next to a CX on the same pair is 2 entanglers instead of 4; two CPhase and a SWAP
are 3 instead of 7.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qloom import Backend, Circuit, Operation, Pass, PassContext
from qloom_optimizers.matrices import matrix_of, unitary_op
from qloom_unrollers.synthesis import SynthesisError, num_entanglers, synthesize_2q
from qloom_unrollers.translate import accepted_directions

__all__ = ["Consolidate2q", "consolidate_blocks"]

_I2 = np.eye(2, dtype=complex)
_EXCHANGE = np.eye(4)[[0, 2, 1, 3]]


class Consolidate2q(Pass):
    """``optimizers:consolidate_2q``: resynthesise two-qubit blocks into fewer entanglers."""

    kind = "optimizers"
    name = "consolidate_2q"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return consolidate_blocks(circuit, context.backend)


@dataclass
class _Block:
    pair: tuple[int, int]
    ops: list[Operation] = field(default_factory=list)
    two_qubit: int = 0


def consolidate_blocks(circuit: Circuit, backend: Backend) -> Circuit:
    """``circuit`` with its two-qubit blocks resynthesised where that saves entanglers."""
    natives = backend.natives
    out: list[Operation] = []
    loose: dict[int, list[Operation]] = {}
    open_block: dict[int, _Block] = {}

    def close(block: _Block) -> None:
        for q in block.pair:
            open_block.pop(q, None)
        out.extend(_resynthesised(block, natives, backend))

    def settle(qubit: int) -> None:
        block = open_block.get(qubit)
        if block is not None:
            close(block)
        out.extend(loose.pop(qubit, ()))

    for op in circuit:
        if unitary_op(op) and len(op.qubits) == 1:
            q = op.qubits[0]
            block = open_block.get(q)
            if block is not None:
                block.ops.append(op)
            else:
                loose.setdefault(q, []).append(op)
            continue
        if unitary_op(op) and len(op.qubits) == 2:
            a, b = op.qubits
            block = open_block.get(a)
            if block is not None and block is open_block.get(b):
                block.ops.append(op)
                block.two_qubit += 1
                continue
            for q in (a, b):
                block = open_block.get(q)
                if block is not None:
                    close(block)
            fresh = _Block((min(a, b), max(a, b)))
            fresh.ops = [*loose.pop(a, ()), *loose.pop(b, ()), op]
            fresh.two_qubit = 1
            open_block[a] = open_block[b] = fresh
            continue
        for q in op.qubits:
            settle(q)
        out.append(op)
    for block in {id(b): b for b in open_block.values()}.values():
        close(block)
    for q in sorted(loose):
        out.extend(loose[q])
    return circuit.copy_with(out)


def _block_matrix(block: _Block) -> np.ndarray:
    """The block's 4x4 unitary (qubit ``pair[0]`` most significant); one-qubit gates are
    gathered per qubit and applied as one tensor product before each two-qubit gate."""
    a, _ = block.pair
    out = np.eye(4, dtype=complex)
    pending = [_I2, _I2]
    for op in block.ops:
        m = matrix_of(op.name, tuple(op.params))
        if len(op.qubits) == 1:
            side = 0 if op.qubits[0] == a else 1
            pending[side] = m @ pending[side]
            continue
        if op.qubits[0] != a:
            m = _EXCHANGE @ m @ _EXCHANGE
        out = m @ _kron(pending[0], pending[1]) @ out
        pending = [_I2, _I2]
    return _kron(pending[0], pending[1]) @ out


def _kron(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return (left[:, None, :, None] * right[None, :, None, :]).reshape(4, 4)


def _resynthesised(
    block: _Block, natives: frozenset[str] | None, backend: Backend
) -> list[Operation]:
    foreign = natives is not None and any(op.name not in natives for op in block.ops)
    if block.two_qubit < 2 and not foreign:
        return block.ops
    a, b = block.pair
    directions = accepted_directions(backend, a, b)
    matrix = _block_matrix(block)
    try:
        if not foreign and num_entanglers(matrix, natives, directions) >= block.two_qubit:
            return block.ops
        ops = synthesize_2q(matrix, natives, directions)
    except SynthesisError:
        return block.ops
    if not foreign and sum(1 for op in ops if len(op[1]) == 2) >= block.two_qubit:
        return block.ops
    pair = (a, b)
    return [Operation(name, tuple(pair[i] for i in q), tuple(p)) for name, q, p in ops]
