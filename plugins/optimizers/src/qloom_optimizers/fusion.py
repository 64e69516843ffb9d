"""``optimizers:fuse_1q``: each run of one-qubit gates becomes the fewest native gates.

The fusion runs in the optimizer kernel (``qloom_kernels``); the synthesis of each
distinct run is asked once (``runs.synthesize_run``).
"""

from __future__ import annotations

from qloom import Circuit, Pass, PassContext
from qloom_optimizers.kernel import ArrayCircuit

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
    form = ArrayCircuit(circuit, natives)
    form.fuse()
    return form.to_circuit()
