"""``optimizers:fuse_1q``: each run of one-qubit gates becomes the fewest native gates."""

from __future__ import annotations

import numpy as np

from qloom import Circuit, Operation, Pass, PassContext
from qloom_optimizers.matrices import matrix_of, unitary_op
from qloom_unrollers.synthesis import synthesize_1q

__all__ = ["FuseSingleQubit", "fuse_single_qubit_runs"]


class FuseSingleQubit(Pass):
    """``optimizers:fuse_1q``: multiply each maximal run of one-qubit gates on a qubit and
    resynthesise it in the natives (Euler angles) when that is shorter or the run was not
    native. Measurements, resets, barriers and conditioned operations end runs."""

    kind = "optimizers"
    name = "fuse_1q"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return fuse_single_qubit_runs(circuit, context.backend.natives)


def fuse_single_qubit_runs(circuit: Circuit, natives: frozenset[str] | None) -> Circuit:
    """``circuit`` with its one-qubit runs fused (see ``FuseSingleQubit``)."""
    out: list[Operation] = []
    runs: dict[int, list[Operation]] = {}

    def flush(qubit: int) -> None:
        run = runs.pop(qubit, None)
        if not run:
            return
        foreign = natives is not None and any(op.name not in natives for op in run)
        if len(run) == 1 and not foreign:
            out.extend(run)
            return
        product = np.eye(2, dtype=complex)
        for op in run:
            product = matrix_of(op.name, tuple(op.params)) @ product
        gates = synthesize_1q(product, natives)
        if len(gates) < len(run) or foreign:
            out.extend(Operation(name, (qubit,), tuple(params)) for name, params in gates)
        else:
            out.extend(run)

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
