"""The padding passes: the first step of a mapping pipeline.

Each one decides which physical qubits the rest of the pipeline may use. ``none`` and
``after`` narrow ``context.backend`` to a region for the passes after them and restore the
device when the pipeline ends (``PassContext.at_end``); ``after`` then widens the circuit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from qloom import Circuit, ConfigError, Layout, MappingError, Pass, PassContext
from qloom.plugins import accepted_options, get_registry
from qloom_padding.region import best_region

__all__ = ["AutoPadding", "NoPadding", "PadAfter", "PadBefore"]


class PaddingPass(Pass):
    """Base of the padding strategies."""

    kind = "padding"


class NoPadding(PaddingPass):
    """``padding:none``: transpile on the circuit's own qubits ``0..n-1``, add none.

    Right for simulators (nothing to pad) and for devices whose first ``n`` qubits are the
    ones wanted; the couplings among those qubits are all routing may use.
    """

    name = "none"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        width = context.backend.device_width(circuit)
        if width is None or width == circuit.num_qubits:
            return circuit
        _narrow(context, list(range(circuit.num_qubits)))
        return circuit


class PadBefore(PaddingPass):
    """``padding:before``: widen the circuit to the whole device, then transpile.

    Placement and routing may use every qubit and coupling of the device: fewest SWAPs.
    """

    name = "before"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        width = context.backend.device_width(circuit)
        if width is None or width == circuit.num_qubits:
            return circuit
        context.compose(Layout.trivial(circuit.num_qubits, width))
        return circuit.remap(range(circuit.num_qubits), width)


class PadAfter(PaddingPass):
    """``padding:after``: transpile on a region of ``n`` qubits, then widen to the device.

    The rest of the device stays untouched, leaving room for other circuits side by side.

    Options:
        region: the physical qubits to use (default: the connected region of ``n`` qubits
            with most couplings inside it, lowest calibrated error on ties).
    """

    name = "after"
    option_defaults: ClassVar[Mapping[str, Any]] = {"region": None}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        backend = context.backend
        width = backend.device_width(circuit)
        if width is None:
            return circuit
        region = self.option("region")
        if region is None:
            region = best_region(backend, circuit.num_qubits)
        region = [int(q) for q in region]
        if len(region) != circuit.num_qubits:
            raise MappingError(
                f"padding:after region {region} has {len(region)} qubits, "
                f"the circuit {circuit.num_qubits}"
            )
        _narrow(context, region, widen_to=width)
        return circuit


class AutoPadding(PaddingPass):
    """``padding:auto``: the user's choice (``transpile(..., padding=...)``), else the
    backend's ``default_padding`` (``none`` for unconstrained backends, ``before`` for
    devices).

    Options:
        region: passed on to ``padding:after`` when that is the choice (default: its own).
    """

    name = "auto"
    option_defaults: ClassVar[Mapping[str, Any]] = {"region": None}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        choice = context.padding or context.backend.default_padding
        if choice == self.name:
            raise ConfigError("padding 'auto' cannot choose itself; use none, before or after")
        registry = get_registry()
        accepted = accepted_options(registry.load("padding", choice))
        options = {k: v for k, v in self.options.items() if accepted is None or k in accepted}
        strategy: Pass = registry.build("padding", choice, Pass, **options)
        return strategy(circuit, context)


def _narrow(context: PassContext, region: Sequence[int], widen_to: int | None = None) -> None:
    """Let the next passes see ``region`` of the device only; undo it at the end.

    With ``widen_to``, the output is then put back on ``region`` of a device of that width.
    """
    device = context.backend
    context.backend = device.restrict(region)

    def restore(circuit: Circuit, ctx: PassContext) -> Circuit:
        ctx.backend = device
        if widen_to is None:
            return circuit
        ctx.compose(Layout(tuple(region), tuple(range(widen_to))))
        return circuit.remap(region, widen_to)

    context.at_end(restore)
