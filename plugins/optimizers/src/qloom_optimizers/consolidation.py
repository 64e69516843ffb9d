"""``optimizers:consolidate_2q``: runs of gates on one pair, resynthesised when that is shorter.

A block is a maximal stretch of gates acting only within a pair ``(a, b)``: its two-qubit
gates and the one-qubit gates on ``a`` and ``b`` around them. Its 4x4 unitary needs
``num_entanglers`` native two-qubit gates (at most 3); when that is fewer than the block
has, or the block is not native, the block is replaced by ``synthesize_2q``. A SWAP from
routing next to a CX on the same pair is 2 entanglers instead of 4; two CPhase and a SWAP
are 3 instead of 7.

The optimizer kernel collects the blocks and computes their matrices
(``ArrayCircuit.consolidate``, crate ``qloom-opt``); ``qloom_optimizers.resynthesis``
decides a block, once per distinct question.
"""

from __future__ import annotations

from qloom import Circuit, Pass, PassContext
from qloom_optimizers.kernel import ArrayCircuit

__all__ = ["Consolidate2q"]


class Consolidate2q(Pass):
    """``optimizers:consolidate_2q``: resynthesise two-qubit blocks into fewer entanglers."""

    kind = "optimizers"
    name = "consolidate_2q"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        form = ArrayCircuit(circuit, context.backend.natives)
        form.consolidate(context.backend)
        return form.to_circuit()
