"""``Backend``: what a target accepts (qubits, pairs, gates) and, optionally, how it runs.

Simulators and hardware are the same class of object. A simulator is simply a backend with
any number of qubits (``num_qubits=None``), full connectivity (``connectivity=None``) and
every gate native (``natives=None``); a device narrows each of those. Every transpilation
check goes through ``__contains__`` and ``validate``, never through special cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations
from typing import Any

import networkx as nx

from qloom.calibration import Calibration
from qloom.circuit import Circuit, Operation
from qloom.errors import BackendViolation, MappingError, QloomError
from qloom.gates import DIRECTIVES, GATES
from qloom.result import Result

__all__ = ["Backend"]


class Backend:
    """A compilation target, and an executor of circuits when it overrides ``run``.

    Args:
        name: the name users pass as ``on=`` (``provider`` or ``provider:device``).
        num_qubits: how many qubits it has; ``None`` means any number.
        connectivity: coupling graph over ``range(num_qubits)``; a ``DiGraph`` makes pairs
            directed; ``None`` means every pair is coupled.
        natives: gate names it executes; ``None`` means every gate of the library.
            Directives (measure, reset, barrier) are always accepted.
        default_pipeline: name of the pipeline ``execute`` uses when none is given;
            ``None`` means ``identity`` for an unconstrained backend and ``O2`` (from
            qloom-levels) for a device.
        default_padding: padding strategy name that constrained pipelines should use.
        properties: description data (vendor, durations, anything passes may use).
        calibration: error rates that noise-aware passes use; ``None`` when unknown.
    """

    def __init__(
        self,
        name: str,
        num_qubits: int | None = None,
        connectivity: nx.Graph | Iterable[tuple[int, int]] | None = None,
        natives: Iterable[str] | None = None,
        *,
        default_pipeline: str | None = None,
        default_padding: str | None = None,
        properties: dict[str, Any] | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.name = name
        self.num_qubits = num_qubits
        self.connectivity = _as_graph(connectivity, num_qubits)
        self.natives: frozenset[str] | None = None if natives is None else frozenset(natives)
        if self.natives is not None:
            unknown = sorted(self.natives - set(GATES))
            if unknown:
                raise QloomError(f"backend '{name}' lists unknown native gates: {unknown}")
        self.default_pipeline = default_pipeline or ("identity" if self.is_unconstrained else "O2")
        self.default_padding = default_padding or ("none" if self.is_unconstrained else "before")
        self.properties: dict[str, Any] = dict(properties or {})
        self.calibration = calibration

    # -- what it accepts ---------------------------------------------------------------------

    @property
    def is_unconstrained(self) -> bool:
        """True for a simulator-like target: any qubit, every pair, every gate."""
        return self.num_qubits is None and self.connectivity is None and self.natives is None

    @property
    def qubits(self) -> range | None:
        """The physical qubits, or ``None`` when any number is accepted."""
        return None if self.num_qubits is None else range(self.num_qubits)

    def __contains__(self, item: object) -> bool:
        """Whether the backend accepts a qubit (int), a pair ``(a, b)``, a gate or operation.

        A gate name is accepted when it is a native, or, with no natives listed, when it is
        a gate of the library (``qloom.gates.GATES``): an unknown name is never accepted.
        """
        if isinstance(item, Operation):
            return self._rejects(item) is None
        if isinstance(item, str):
            if item in DIRECTIVES:
                return True
            return item in GATES if self.natives is None else item in self.natives
        if isinstance(item, tuple) and len(item) == 2:
            return self._has_pair(*item)
        if isinstance(item, int) and not isinstance(item, bool):
            return item >= 0 and (self.num_qubits is None or item < self.num_qubits)
        return False

    def _has_pair(self, a: object, b: object) -> bool:
        if not (a in self and b in self) or a == b:
            return False
        return self.connectivity is None or self.connectivity.has_edge(a, b)

    def _rejects(self, op: Operation) -> str | None:
        """Why ``op`` is not accepted, or ``None`` when it is."""
        if op.name not in self:
            return f"'{op.name}' is not a native gate (natives: {sorted(self.natives or ())})"
        for q in op.qubits:
            if q not in self:
                return f"qubit {q} does not exist (the backend has {self.num_qubits})"
        if op.name == "barrier" or len(op.qubits) < 2:
            return None
        for a, b in combinations(op.qubits, 2):
            if not self._has_pair(a, b):
                directed = isinstance(self.connectivity, nx.DiGraph)
                kind = "directed pair" if directed else "pair"
                return f"{kind} ({a}, {b}) is not coupled"
        return None

    def violations(self, circuit: Circuit, stage: str | None = None) -> Iterator[BackendViolation]:
        """Every operation of ``circuit`` this backend rejects, in order.

        Args:
            stage: the pass or pipeline that produced ``circuit``, named in each violation.
        """
        if self.num_qubits is not None and circuit.num_qubits > self.num_qubits:
            yield BackendViolation(
                self.name,
                -1,
                "circuit",
                tuple(range(circuit.num_qubits)),
                f"the circuit has {circuit.num_qubits} qubits, the backend {self.num_qubits}",
                stage,
            )
        # the verdict depends on the gate and its qubits only: decide each distinct pair once
        # (a routed circuit of 10^5 operations has a few hundred)
        verdicts: dict[tuple[str, tuple[int, ...]], str | None] = {}
        for index, op in enumerate(circuit):
            key = (op.name, op.qubits)
            if key in verdicts:
                reason = verdicts[key]
            else:
                reason = verdicts[key] = self._rejects(op)
            if reason is not None:
                yield BackendViolation(self.name, index, op.name, op.qubits, reason, stage)

    def validate(self, circuit: Circuit, stage: str | None = None) -> None:
        """Raise ``BackendViolation`` for the first operation the backend does not accept.

        Args:
            stage: the pass or pipeline that produced ``circuit``, named in the error.
        """
        first = next(self.violations(circuit, stage), None)
        if first is not None:
            raise first

    def device_width(self, circuit: Circuit | None = None) -> int | None:
        """How many physical qubits mapping passes place and route onto.

        ``None`` when every pair is coupled (nothing to map); otherwise ``num_qubits``, or
        one past the highest qubit of the coupling graph when ``num_qubits`` is not set.

        Raises:
            MappingError: ``circuit`` has more qubits than that.
        """
        if self.connectivity is None:
            return None
        width = self.num_qubits or max(self.connectivity.nodes, default=-1) + 1
        if circuit is not None and circuit.num_qubits > width:
            raise MappingError(
                f"the circuit has {circuit.num_qubits} qubits, backend '{self.name}' has {width}"
            )
        return width

    def restrict(self, qubits: Sequence[int]) -> Backend:
        """This backend's sub-device on ``qubits``, renumbered ``0..len(qubits)-1``.

        Keeps the pairs among ``qubits`` (and their direction), the natives and the
        calibration; passes transpile on it when a circuit must stay on a region of a
        device (padding ``none`` and ``after``). The result is a compilation target only.
        """
        chosen = [int(q) for q in qubits]
        if len(set(chosen)) != len(chosen) or any(q not in self for q in chosen):
            raise QloomError(
                f"cannot restrict '{self.name}' to {chosen}: qubits must be distinct qubits "
                f"of the backend ({self.num_qubits} qubits)"
            )
        connectivity = None
        if self.connectivity is not None:
            index = {q: i for i, q in enumerate(chosen)}
            connectivity = self.connectivity.__class__()
            connectivity.add_nodes_from(range(len(chosen)))
            connectivity.add_edges_from(
                (index[a], index[b])
                for a, b in self.connectivity.edges
                if a in index and b in index
            )
        return Backend(
            f"{self.name}[{len(chosen)} of {self.num_qubits or 'any'} qubits]",
            len(chosen),
            connectivity,
            self.natives,
            default_pipeline=self.default_pipeline,
            default_padding=self.default_padding,
            properties={**self.properties, "region": chosen},
            calibration=None if self.calibration is None else self.calibration.restrict(chosen),
        )

    # -- running ------------------------------------------------------------------------------

    @property
    def can_execute(self) -> bool:
        """True when this backend runs circuits (it overrides ``run``)."""
        return type(self).run is not Backend.run

    def run(self, circuit: Circuit, shots: int, seed: int | None) -> Result:
        """Run a circuit that ``validate`` accepts; results keyed by its clbits.

        Subclasses that execute override this. The base class is a compilation target only.
        """
        raise QloomError(
            f"backend '{self.name}' is a compilation target only; it cannot execute circuits"
        )

    def execute(self, circuit: Circuit, shots: int = 1024, seed: int | None = None) -> Result:
        """Validate ``circuit`` against this backend, then run it."""
        self.validate(circuit)
        return self.run(circuit, shots, seed)

    def __repr__(self) -> str:
        n = "any" if self.num_qubits is None else self.num_qubits
        return f"<Backend '{self.name}' qubits={n} natives={sorted(self.natives or ['*'])}>"


def _as_graph(
    connectivity: nx.Graph | Iterable[tuple[int, int]] | None, num_qubits: int | None
) -> nx.Graph | None:
    if connectivity is None:
        return None
    graph = connectivity if isinstance(connectivity, nx.Graph) else nx.Graph(list(connectivity))
    if num_qubits is not None:
        graph.add_nodes_from(range(num_qubits))
        outside = [q for q in graph.nodes if not (isinstance(q, int) and 0 <= q < num_qubits)]
        if outside:
            raise QloomError(f"coupling graph names qubits outside range({num_qubits}): {outside}")
    return graph
