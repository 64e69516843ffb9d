"""The Python two-qubit block consolidation that ``optimizers:consolidate_2q`` ran before
its block collection and block matrices moved into the optimizer kernel (crate
``qloom-opt``, issue 17): a test oracle only.

Blocks are collected by the same rules (see ``qloom_opt::consolidate``), each block's 4x4
matrix is built with numpy (the kernel rounds its products as numpy and OpenBLAS's ``zgemm``
do here, so the matrices agree bit for bit), and the decision is the plugin's
``resynthesis``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qloom import Backend, Circuit, Operation
from qloom_optimizers.matrices import matrix_of, unitary_op
from qloom_optimizers.resynthesis import resynthesis
from qloom_unrollers.translate import accepted_directions

__all__ = ["consolidate_blocks"]

_I2 = np.eye(2, dtype=complex)
_EXCHANGE = np.eye(4)[[0, 2, 1, 3]]


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
    gates = resynthesis(
        _block_matrix(block), block.two_qubit, foreign, natives, accepted_directions(backend, a, b)
    )
    if gates is None:
        return block.ops
    pair = (a, b)
    return [Operation(name, tuple(pair[i] for i in q), tuple(p)) for name, q, p in gates]
