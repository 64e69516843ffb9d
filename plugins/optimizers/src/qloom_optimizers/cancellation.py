"""``optimizers:cancel``: inverse pairs vanish and rotations merge, across commuting gates.

For each gate, the earlier gates on its qubits are walked back (most recent first) while
they commute with it; the first gate on the same qubits that is its inverse cancels with
it, and a rotation about the same axis absorbs it (``rz(a) rz(b) = rz(a + b)``). Nothing is
moved across a gate it does not commute with, a measurement, reset, barrier or condition.
The pass runs in the optimizer kernel (``qloom_kernels``, crate ``qloom-opt``); the rules
it is given are in ``rules``.
"""

from __future__ import annotations

from qloom import Circuit, Pass, PassContext
from qloom_optimizers.kernel import ArrayCircuit
from qloom_optimizers.rules import LOOKBACK

__all__ = ["LOOKBACK", "Cancel", "cancel_gates"]


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


def cancel_gates(circuit: Circuit, lookback: int = LOOKBACK) -> Circuit:
    """``circuit`` after commutation-aware cancellation (see ``Cancel``)."""
    form = ArrayCircuit(circuit, None)
    form.cancel(lookback)
    return form.to_circuit()
