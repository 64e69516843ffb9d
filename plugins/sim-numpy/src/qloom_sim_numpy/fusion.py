"""Gate fusion: merge runs of gates into few small blocks, each applied in one pass.

Applying any block of up to about five qubits costs roughly one sweep over the statevector,
so a circuit is cheaper as fewer, wider blocks. ``fuse`` walks the gates in order and adds
each to the latest block touching its wires when the union stays within ``max_qubits``
(moving a gate earlier past blocks on other wires only, which commute with it). A block of
diagonal gates stays a diagonal (a phase multiplication); a block of one gate is the gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qloom.gates import matrix_of_sequence

__all__ = ["Block", "fuse"]


@dataclass(frozen=True)
class Block:
    """A unitary on ``wires``: dense ``(2**k, 2**k)`` matrix, or diagonal ``(2**k,)`` vector.

    The first wire is the most significant bit of the matrix index.
    """

    wires: tuple[int, ...]
    matrix: np.ndarray
    diagonal: bool

    @property
    def dense(self) -> np.ndarray:
        """The block as a dense matrix."""
        return np.diag(self.matrix) if self.diagonal else self.matrix


@dataclass
class _Group:
    wires: list[int]
    blocks: list[Block] = field(default_factory=list)

    @property
    def diagonal(self) -> bool:
        return all(b.diagonal for b in self.blocks)


def fuse(gates: Sequence[Block], max_qubits: int) -> list[Block]:
    """Merge consecutive gates into blocks on at most ``max_qubits`` wires.

    Args:
        gates: the gates in circuit order.
        max_qubits: widest block to build; 1 only merges gates on the same single wire.

    Returns:
        Blocks whose product, in order, is the product of ``gates``.
    """
    groups: list[_Group] = []
    latest: dict[int, int] = {}
    for gate in gates:
        index = max((latest.get(w, -1) for w in gate.wires), default=-1)
        if index >= 0:
            group = groups[index]
            union = group.wires + [w for w in gate.wires if w not in group.wires]
            if len(union) <= max_qubits:
                group.wires = union
                group.blocks.append(gate)
                for w in gate.wires:
                    latest[w] = index
                continue
        groups.append(_Group(list(gate.wires), [gate]))
        for w in gate.wires:
            latest[w] = len(groups) - 1
    out: list[Block] = []
    for group in groups:
        out.extend(_emit(group))
    return out


def _emit(group: _Group) -> list[Block]:
    if len(group.blocks) == 1:
        return group.blocks
    wires = tuple(group.wires)
    local = {w: i for i, w in enumerate(wires)}
    if group.diagonal:
        fused = _fused_diagonal(group.blocks, local, len(wires))
        if _diagonal_cost(fused) > sum(_diagonal_cost(b.matrix) for b in group.blocks):
            return group.blocks
        return [Block(wires, fused, True)]
    matrix = matrix_of_sequence(
        len(wires), [(b.dense, [local[w] for w in b.wires]) for b in group.blocks]
    )
    return [Block(wires, matrix, False)]


def _fused_diagonal(blocks: Sequence[Block], local: dict[int, int], k: int) -> np.ndarray:
    total = np.ones((2,) * k, dtype=complex)
    for block in blocks:
        axes = [local[w] for w in block.wires]
        order = sorted(range(len(axes)), key=axes.__getitem__)
        part = block.matrix.reshape((2,) * len(axes)).transpose(order)
        shape = [1] * k
        for a in axes:
            shape[a] = 2
        total = total * part.reshape(shape)
    return total.reshape(-1)


def _diagonal_cost(diagonal: np.ndarray) -> float:
    """Fraction of the state a diagonal touches once its first entry is factored out."""
    differ = np.count_nonzero(np.abs(diagonal / diagonal[0] - 1) > 1e-15)
    share = differ / diagonal.size
    return share if share <= 0.5 else 1.0
