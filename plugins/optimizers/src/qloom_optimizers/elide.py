"""``optimizers:elide_swaps``: swaps of the input circuit become a relabelling, not gates.

A ``swap`` exchanges two wires; the gates after it can instead use each other's wire, and the
exchange is recorded in the layout (``PassContext.compose``), as Qiskit's ElidePermutations
does. QFT's final swaps cost nothing this way. Only before placement: on a placed circuit a
relabelled gate could land on an uncoupled pair.
"""

from __future__ import annotations

from qloom import Circuit, Layout, Operation, Pass, PassContext

__all__ = ["ElideSwaps"]


class ElideSwaps(Pass):
    """``optimizers:elide_swaps``: remove unconditioned swaps, tracking the permutation."""

    kind = "optimizers"
    name = "elide_swaps"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        if context.placement is not None and context.backend.connectivity is not None:
            return circuit
        wire = list(range(circuit.num_qubits))
        kept: list[Operation] = []
        elided = False
        for op in circuit:
            if op.name == "swap" and op.condition is None:
                a, b = op.qubits
                wire[a], wire[b] = wire[b], wire[a]
                elided = True
                continue
            qubits = tuple([wire[q] for q in op.qubits])
            kept.append(Operation(op.name, qubits, op.params, op.clbits, op.condition))
        if not elided:
            return circuit
        context.compose(Layout(tuple(range(circuit.num_qubits)), tuple(wire)))
        # a permutation of valid qubits keeps every operation valid: no check again
        return circuit.copy_with(kept)
