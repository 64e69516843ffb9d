"""Removing gates that do nothing: identities, and diagonal gates right before measurement."""

from __future__ import annotations

from qloom import Circuit, Pass, PassContext
from qloom_optimizers.kernel import ArrayCircuit
from qloom_optimizers.matrices import is_diagonal, unitary_op

__all__ = ["RemoveDiagonalBeforeMeasure", "RemoveIdentities", "remove_identities"]


class RemoveIdentities(Pass):
    """``optimizers:remove_identities``: drop gates equal to the identity up to global phase
    (``id``, ``rz(0)``, ``u(0, 0, 0)``, ``rzz(2 pi)``, a ``unitary`` close to the identity)."""

    kind = "optimizers"
    name = "remove_identities"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return remove_identities(circuit)


def remove_identities(circuit: Circuit) -> Circuit:
    """``circuit`` without its identity gates (in the optimizer kernel)."""
    form = ArrayCircuit(circuit, None)
    form.remove_identities()
    return form.to_circuit()


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
