"""The unroller passes: ``unrollers:decompose`` before routing, ``unrollers:basis`` after."""

from __future__ import annotations

from qloom import Circuit, Pass, PassContext
from qloom_unrollers.translate import Translator, decompose_wide

__all__ = ["BasisTranslator", "Decompose"]


class BasisTranslator(Pass):
    """``unrollers:basis``: every gate in the backend's natives and accepted directions.

    Runs after routing: two-qubit gates stay on their pair (turned around when the device
    accepts only the other direction), so the layout is unchanged. Gates on three or more
    qubits are broken down too, but on a device with limited couplings they belong before
    routing (``unrollers:decompose``).
    """

    kind = "unrollers"
    name = "basis"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return Translator(context.backend).translate(circuit)


class Decompose(Pass):
    """``unrollers:decompose``: gates on more than ``max_qubits`` (2) qubits into smaller ones.

    Library gates follow the equivalence table (``ccx`` into six ``cx``); wider ``unitary``
    gates are synthesised (quantum Shannon decomposition). Routers place two-qubit gates,
    so this runs before them; on a backend without couplings (a simulator) there is nothing
    to route and the circuit is left whole.
    """

    kind = "unrollers"
    name = "decompose"

    def __init__(self, *, max_qubits: int = 2) -> None:
        super().__init__(max_qubits=max_qubits)
        self.max_qubits = max_qubits

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        if context.backend.connectivity is None:
            return circuit
        return decompose_wide(circuit, self.max_qubits)
