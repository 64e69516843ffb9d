"""``Router``: what every router shares (the pass contract around the swap search)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from qloom import Circuit, Layout, MappingError, Pass, PassContext
from qloom_routers.coupling import Coupling

__all__ = ["Router"]


class Router(Pass):
    """Base of the routers: subclasses implement ``route``.

    ``run`` returns the circuit unchanged when the backend couples every pair; otherwise it
    routes the circuit (over physical qubits) on the whole device, widening it when it is
    narrower, and records the final permutation with ``context.compose``.
    """

    kind = "routers"
    option_defaults: ClassVar[Mapping[str, Any]] = {}
    """The options a router accepts, with defaults; others raise ``OptionError``."""

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        backend = context.backend
        if backend.connectivity is None:
            return circuit
        coupling = Coupling.of(backend)
        n = coupling.num_qubits
        width = circuit.num_qubits
        if width > n:
            raise MappingError(
                f"{self.label}: the circuit has {width} qubits but backend '{backend.name}' "
                f"has {n}; use a wider device or a narrower circuit"
            )
        out, final = self.route(circuit, coupling, context)
        if width < n:
            context.compose(Layout.trivial(width, n))
        context.compose(Layout(tuple(range(n)), tuple(final)))
        return out

    @abstractmethod
    def route(
        self, circuit: Circuit, coupling: Coupling, context: PassContext
    ) -> tuple[Circuit, list[int]]:
        """The routed circuit over ``coupling.num_qubits`` qubits, and where each wire ends.

        Wire ``w`` (the circuit's qubit ``w``, or an idle wire beyond its width) starts on
        physical qubit ``w`` and ends on ``final[w]``.
        """
