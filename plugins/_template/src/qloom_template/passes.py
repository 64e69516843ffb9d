"""``optimizers:drop_identity``: remove ``id`` gates, which do nothing."""

from __future__ import annotations

from qloom import Circuit, Pass, PassContext


class DropIdentity(Pass):
    """Remove every ``id`` gate (unconditioned ones; a conditioned ``id`` is kept as is)."""

    kind = "optimizers"
    name = "drop_identity"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        out = circuit.copy_empty()
        for op in circuit:
            if op.name != "id" or op.condition is not None:
                out.append(op.name, op.qubits, op.params, op.clbits, op.condition)
        return out
