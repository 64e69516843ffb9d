"""``QiskitPass``: a Qiskit transpiler pass (or pass manager) as a qloom pass.

The circuit goes to Qiskit as one quantum register, through the pass, and back. The register
is named ``q`` (Qiskit's routing passes refuse a physical circuit named otherwise), except
for layout passes, which get ``v``: a layout pass whose output is still named ``v`` chose a
layout without applying it, and the adapter places the circuit on it, as a qloom placer
would. When the Qiskit pass lays out or routes (its property set's ``layout``,
``final_layout`` or ``virtual_permutation_layout``, all folded by Qiskit into the output's
``TranspileLayout``), the equivalent qloom ``Layout`` is composed into the context, so
qloom and Qiskit passes mix freely in one pipeline.

By name (``{"pass": "optimizers:qiskit", "name": "Optimize1qGatesDecomposition"}``) the
class is looked up in ``qiskit.transpiler.passes`` and built at each run with the options
given, plus what its constructor accepts and the options leave out: ``target``,
``coupling_map``, ``basis_gates``/``basis``/``target_basis`` from the context's backend
(unless the options give any of them: the device comes wholly from one side),
``equivalence_library`` (Qiskit's standard one) and ``seed`` from the pass's seed.

Its ``kind`` (and so its stage label) follows the Qiskit package the pass comes from:
``layout`` -> placers, ``routing`` -> routers, ``basis`` and ``synthesis`` -> unrollers,
``optimization`` -> optimizers; anything else (a pass manager, a utility pass) takes the
kind of the entry-point group it was loaded from (``passes`` when built directly).
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

import qiskit.transpiler.passes as qiskit_passes
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.passmanager import BasePassManager
from qiskit.transpiler import CouplingMap, PassManager, Target
from qiskit.transpiler.basepasses import BasePass

from qloom.circuit import Circuit
from qloom.errors import ConfigError, QloomError
from qloom.layout import Layout
from qloom.options import check_options, signature_options
from qloom.passes import Pass, PassContext
from qloom_qiskit.backend import QiskitBackend
from qloom_qiskit.convert import from_qiskit, to_qiskit
from qloom_qiskit.gates import QISKIT_NAMES

__all__ = ["QiskitPass"]

_KINDS = {
    "layout": "placers",
    "routing": "routers",
    "basis": "unrollers",
    "synthesis": "unrollers",
    "optimization": "optimizers",
}
"""Subpackage of ``qiskit.transpiler.passes`` -> qloom kind of pass."""


class QiskitPass(Pass):
    """Run a Qiskit pass or pass manager on a qloom circuit, keeping layout tracking.

    Build it from an object, ``QiskitPass(SabreLayout(coupling_map, seed=1))``, which runs
    in this process only (its spec cannot rebuild it), or by name,
    ``QiskitPass(name="SabreSwap", heuristic="decay")``, whose spec rebuilds it anywhere.

    Args:
        qiskit_pass: a Qiskit ``BasePass`` or pass manager.
        name: instead of an object, a class of ``qiskit.transpiler.passes``.
        arguments: constructor arguments of the named class (``options={...}`` is read as
            more of them); a ``coupling_map`` may be a list of edges.

    Raises:
        ConfigError: neither or both of ``qiskit_pass`` and ``name``, or no such class.
        OptionError: an argument the named class's constructor does not take.
    """

    name = "qiskit"

    def __init__(
        self,
        qiskit_pass: BasePass | BasePassManager | None = None,
        *,
        name: str | None = None,
        **arguments: Any,
    ) -> None:
        if "object" in arguments:
            raise ConfigError(
                f"a QiskitPass built from the Qiskit object {arguments['object']} cannot be "
                "rebuilt from a spec; build it by name to ship it in a pipeline spec"
            )
        if (qiskit_pass is None) == (name is None):
            raise ConfigError("QiskitPass takes a Qiskit pass object or name='<PassClass>'")
        self._object = qiskit_pass
        if qiskit_pass is not None:
            super().__init__(object=type(qiskit_pass).__name__)
            self._class: type[BasePass] | None = None
            self._arguments: dict[str, Any] = {}
            module = type(qiskit_pass).__module__
        else:
            self._arguments = {**arguments.pop("options", {}), **arguments}
            self._class = _pass_class(str(name))
            valid = signature_options(self._class.__init__, skip=1)
            check_options(f"Qiskit pass '{name}'", self._arguments, valid)
            super().__init__(name=name, **self._arguments)
            module = self._class.__module__
        self.kind = _kind_of(module)

    @classmethod
    def accepted_options(cls) -> dict[str, Any] | None:
        """``None``: the options are the named Qiskit class's constructor arguments, which
        ``__init__`` checks against that class's signature."""
        return None

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        """Convert, run the Qiskit pass, convert back; compose its layout into the context.

        A placer leaves a circuit that an earlier pass placed alone, as qloom's placers do.
        """
        if self.kind == "placers" and context.placement is not None:
            return circuit
        task = self._object if self._object is not None else self._build(context)
        manager = task if isinstance(task, BasePassManager) else PassManager([task])
        # Layout passes read virtual circuits, routing passes want physical ones named "q":
        # a layout pass's output still named "v" was laid out but not placed.
        register = "v" if self.kind == "placers" else "q"
        qc = manager.run(to_qiskit(circuit, register=register))
        chosen = manager.property_set["layout"]
        if chosen is not None and qc.qregs and qc.qregs[0].name == "v":
            return self._place(circuit, qc, [chosen[q] for q in qc.qubits], context)
        converted = from_qiskit(qc)
        step = converted.layout or _routing_only(manager, qc, circuit.num_qubits)
        if step is not None:
            context.compose(step)
            if chosen is not None and context.placement is None:
                context.placement = self.label
        elif converted.num_qubits != circuit.num_qubits:
            raise QloomError(
                f"{self.label} changed the width from {circuit.num_qubits} to "
                f"{converted.num_qubits} qubits without recording a layout"
            )
        return circuit.copy_empty(converted.num_qubits).copy_with(converted)

    def _place(
        self, circuit: Circuit, qc: Any, mapping: list[int], context: PassContext
    ) -> Circuit:
        """Put the circuit on the layout a Qiskit layout pass chose without applying it."""
        qc._layout = None
        converted = from_qiskit(qc)
        width = max(context.backend.device_width(circuit) or 0, max(mapping, default=-1) + 1)
        context.compose(Layout(tuple(mapping), tuple(range(width))))
        context.placement = self.label
        return circuit.copy_empty(width).copy_with(converted.remap(mapping, width))

    def _build(self, context: PassContext) -> BasePass:
        """The named Qiskit pass, its missing arguments filled from the context."""
        assert self._class is not None
        accepted = inspect.signature(self._class.__init__).parameters
        given = dict(self._arguments)
        if isinstance(given.get("coupling_map"), list):
            given["coupling_map"] = CouplingMap(given["coupling_map"])
        fills = dict(_FILLS) if _DEVICE.isdisjoint(given) else dict(_OTHER_FILLS)
        for key, fill in fills.items():
            if key in accepted and key not in given:
                value = fill(context)
                if value is not None:
                    given[key] = value
        missing = [
            key
            for key, p in accepted.items()
            if key != "self"
            and p.default is inspect.Parameter.empty
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            and key not in given
        ]
        if missing:
            raise QloomError(
                f"Qiskit pass {self._class.__name__} needs {missing}, which backend "
                f"'{context.backend.name}' cannot provide; give them as options"
            )
        return self._class(**given)


def _pass_class(name: str) -> type[BasePass]:
    cls = getattr(qiskit_passes, name, None)
    if isinstance(cls, type) and issubclass(cls, BasePass):
        return cls
    known = [n for n in dir(qiskit_passes) if isinstance(getattr(qiskit_passes, n), type)]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise ConfigError(f"qiskit.transpiler.passes has no pass named '{name}'{hint}")


def _kind_of(module: str) -> str:
    prefix = "qiskit.transpiler.passes."
    if not module.startswith(prefix):
        return "passes"
    return _KINDS.get(module[len(prefix) :].split(".")[0], "passes")


def _routing_only(manager: BasePassManager, qc: Any, width: int) -> Layout | None:
    """The permutation of a routing pass run without a layout (Qiskit 1.x records it in the
    property set only; Qiskit 2 folds it into the output's ``TranspileLayout``)."""
    final = manager.property_set["final_layout"]
    if final is None or qc.num_qubits != width:
        return None
    return Layout(tuple(range(width)), tuple(final[q] for q in qc.qubits))


# -- what the backend fills in ---------------------------------------------------------------


def _target(context: PassContext) -> Target | None:
    """The Qiskit backend's own target, else one built from a qloom backend's natives: those
    that are Qiskit standard gates on at most two qubits (what ``Target.from_configuration``
    can place on a coupling map), plus measure and reset."""
    backend = context.backend
    if isinstance(backend, QiskitBackend):
        return backend.backend.target
    basis = _basis(context)
    if basis is None:
        return None
    standard = get_standard_gate_name_mapping()
    gates = [n for n in basis if n in standard and standard[n].num_qubits <= 2]
    gates += ["measure", "reset"]
    return Target.from_configuration(gates, backend.num_qubits, _coupling_map(context))


def _coupling_map(context: PassContext) -> CouplingMap | None:
    graph = context.backend.connectivity
    if graph is None:
        return None
    edges = list(graph.edges)
    if not graph.is_directed():
        edges += [(b, a) for a, b in edges]
    coupling = CouplingMap(edges)
    width = context.backend.device_width()
    for q in range(width or 0):
        if q not in coupling.physical_qubits:
            coupling.add_physical_qubit(q)
    return coupling


def _basis(context: PassContext) -> list[str] | None:
    natives = context.backend.natives
    if natives is None:
        return None
    return sorted({QISKIT_NAMES[n] for n in natives} - {"unitary"})


def _equivalences(context: PassContext) -> Any:
    from qiskit.circuit.equivalence_library import SessionEquivalenceLibrary

    return SessionEquivalenceLibrary


_DEVICE_FILLS: dict[str, Callable[[PassContext], Any]] = {
    "target": _target,
    "coupling_map": _coupling_map,
    "basis_gates": _basis,
    "basis": _basis,
    "target_basis": _basis,
}
_OTHER_FILLS: dict[str, Callable[[PassContext], Any]] = {
    "equivalence_library": _equivalences,
    "seed": lambda context: context.seed,
}
_FILLS = {**_DEVICE_FILLS, **_OTHER_FILLS}
"""Constructor arguments a named Qiskit pass gets from the context when not given. The device
arguments come all from the backend or all from the user: a user's ``basis`` must not lose
to a ``target`` filled in beside it (Qiskit passes prefer the target)."""

_DEVICE = frozenset(_DEVICE_FILLS)
