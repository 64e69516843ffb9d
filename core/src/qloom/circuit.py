"""``Circuit``: a number of qubits and an ordered list of operations.

An operation is a small immutable tuple (``Operation``). Qubit and parameter tuples are
interned per circuit, so a circuit of 10**6 operations costs roughly 100 bytes an operation.

Trust boundary: operations from outside (``append``, ``extend``, the gate builders,
``unitary``, the QASM reader) pass through ``Circuit.operation``, the one place that checks
and normalises them. Passes rebuild circuits from operations that are already valid, so
``copy_with`` and ``remap`` take them unchecked (``remap`` checks each distinct qubit tuple
once): a pass pays no per-operation validation between passes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np

from qloom.builders import GateBuilders
from qloom.errors import CircuitError, GateError, QloomError
from qloom.gates import GATES, unitary_params

if TYPE_CHECKING:
    from qloom.backend import Backend
    from qloom.layout import Layout
    from qloom.result import Result

__all__ = ["Circuit", "Operation", "Register"]


class Operation(NamedTuple):
    """One operation of a circuit.

    Attributes:
        name: gate name from ``qloom.gates.GATES`` (or a directive: measure, reset, barrier).
        qubits: the qubits it acts on, in the gate's order (control first).
        params: real parameters; for ``unitary``, the flattened complex matrix.
        clbits: classical bits written (``measure``).
        condition: ``(creg_name, value)`` when classically controlled, else ``None``.
    """

    name: str
    qubits: tuple[int, ...]
    params: tuple[Any, ...] = ()
    clbits: tuple[int, ...] = ()
    condition: tuple[str, int] | None = None


_execute: Callable[..., Result] | None = None
"""``qloom.api.execute``, handed down by ``qloom.api`` when it is imported: the user API sits
above the circuit model, so the model never imports it (``serve_execute_from``)."""


def serve_execute_from(execute: Callable[..., Result]) -> None:
    """Make ``Circuit.execute`` call ``execute`` (``qloom.api`` calls this at import)."""
    global _execute
    _execute = execute


class Register(NamedTuple):
    """A named, contiguous block of qubits or classical bits (kept for QASM export)."""

    name: str
    size: int


class Circuit(GateBuilders):
    """A quantum circuit: ``num_qubits``, ``num_clbits`` and ordered operations.

    Build it fluently (``Circuit(2).h(0).cx(0, 1).rz(0.5, 1).measure_all()``: one method
    per library gate, parameters then qubits) or with ``append``; compose another circuit
    onto chosen qubits with ``extend(other, qubits=...)``. After ``qloom.transpile`` its
    ``layout`` says where each logical qubit went; ``execute(on=...)`` runs it,
    and its ``provenance`` says how it was made (a record ``qloom.replay`` reruns).
    """

    __slots__ = (
        "_ops",
        "_provenance",
        "_shared_params",
        "_shared_qubits",
        "cregs",
        "layout",
        "name",
        "num_clbits",
        "num_qubits",
        "qregs",
    )

    def __init__(
        self,
        num_qubits: int,
        num_clbits: int = 0,
        *,
        name: str | None = None,
        qregs: Sequence[tuple[str, int]] | None = None,
        cregs: Sequence[tuple[str, int]] | None = None,
    ) -> None:
        if num_qubits < 0 or num_clbits < 0:
            raise CircuitError("a circuit needs a non-negative number of qubits and clbits")
        self.num_qubits = int(num_qubits)
        self.num_clbits = int(num_clbits)
        self.name = name
        self.qregs = _registers(qregs, "q", self.num_qubits)
        self.cregs = _registers(cregs, "c", self.num_clbits)
        self.layout: Layout | None = None
        self._provenance: dict[str, Any] | Callable[[], dict[str, Any]] | None = None
        self._ops: list[Operation] = []
        self._shared_qubits: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._shared_params: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    @property
    def provenance(self) -> dict[str, Any] | None:
        """How ``qloom.transpile`` made this circuit (``qloom.provenance``); ``None`` on
        circuits it did not make, and not carried by ``copy``.

        Built on first read from what the transpilation captured: hashing and encoding a
        large circuit costs a noticeable share of a fast transpilation, which most callers
        never pay for."""
        value = self._provenance
        if callable(value):
            value = self._provenance = value()
        return value

    @provenance.setter
    def provenance(self, value: dict[str, Any] | Callable[[], dict[str, Any]] | None) -> None:
        """A record, or a function building it on first read."""
        self._provenance = value

    # -- building ---------------------------------------------------------------------------

    def append(
        self,
        name: str,
        qubits: Sequence[int],
        params: Sequence[Any] = (),
        clbits: Sequence[int] = (),
        condition: tuple[str, int] | None = None,
    ) -> Circuit:
        """Append one operation, checked by ``operation`` (untrusted input enters here)."""
        self._ops.append(self.operation(name, qubits, params, clbits, condition))
        return self

    def operation(
        self,
        name: str,
        qubits: Sequence[int],
        params: Sequence[Any] = (),
        clbits: Sequence[int] = (),
        condition: tuple[str, int] | None = None,
    ) -> Operation:
        """The checked, normalised ``Operation`` that ``append`` would add (not added).

        The one validation path for untrusted input: the gate exists, arity and parameter
        count match, qubits and clbits are in range and distinct, the condition names a
        classical register. Qubits become ``int``, parameters ``float`` (``unitary`` keeps
        its complex matrix entries).

        Raises:
            GateError: unknown gate name.
            CircuitError: any other rule broken.
        """
        gate = GATES.get(name)
        if gate is None:
            raise GateError(f"unknown gate '{name}'")
        qs = tuple(map(int, qubits))
        ps = tuple(params)
        if gate.num_qubits is not None and len(qs) != gate.num_qubits:
            raise CircuitError(f"'{name}' acts on {gate.num_qubits} qubits, got {len(qs)}")
        if gate.num_params is not None and len(ps) != gate.num_params:
            raise CircuitError(f"'{name}' takes {gate.num_params} parameters, got {len(ps)}")
        if name == "unitary" and len(ps) != 4 ** len(qs):
            raise CircuitError(f"unitary on {len(qs)} qubits needs a {2 ** len(qs)}-square matrix")
        self._check_qubits(name, qs)
        cs = tuple(map(int, clbits)) if clbits else ()
        if cs and (min(cs) < 0 or max(cs) >= self.num_clbits):
            bad = next(c for c in cs if not 0 <= c < self.num_clbits)
            raise CircuitError(f"clbit {bad} out of range for {self.num_clbits} clbits")
        if name == "measure" and len(cs) != 1:
            raise CircuitError("measure writes exactly one clbit")
        if condition is not None and condition[0] not in {r.name for r in self.cregs}:
            raise CircuitError(f"condition on unknown classical register '{condition[0]}'")
        if ps and name != "unitary":
            ps = tuple(map(float, ps))
        return Operation(name, self._share_qubits(qs), self._share_params(ps), cs, condition)

    def _check_qubits(self, name: str, qs: tuple[int, ...]) -> None:
        if qs and (min(qs) < 0 or max(qs) >= self.num_qubits):
            bad = next(q for q in qs if not 0 <= q < self.num_qubits)
            raise CircuitError(f"qubit {bad} out of range for {self.num_qubits} qubits")
        if len(qs) > 1 and len(set(qs)) != len(qs):
            raise CircuitError(f"'{name}' repeats a qubit: {list(qs)}")

    def _share_qubits(self, qubits: tuple[int, ...]) -> tuple[int, ...]:
        return self._shared_qubits.setdefault(qubits, qubits) if len(qubits) <= 4 else qubits

    def _share_params(self, params: tuple[Any, ...]) -> tuple[Any, ...]:
        # -0.0 == 0.0, so tuples holding a zero are not shared: the sign must survive.
        if len(params) > 4 or 0.0 in params:
            return params
        return self._shared_params.setdefault(params, params)

    def extend(
        self,
        other: Circuit | Iterable[Operation],
        qubits: Sequence[int] | None = None,
        clbits: Sequence[int] | None = None,
    ) -> Circuit:
        """Append another circuit's operations (or any operations), in place, onto chosen bits.

        Qiskit's ``compose(other, qubits=..., inplace=True)``: qubit ``i`` of ``other`` lands
        on ``qubits[i]`` of this circuit, clbit ``j`` on ``clbits[j]``. Without ``qubits``
        (``clbits``) the bits keep their numbers. A condition on a classical register of
        ``other`` is carried over when its bits land exactly on one register of this circuit.
        Every operation is checked like ``append``; none is added if one is refused.

        Args:
            other: a ``Circuit``, or ``Operation`` tuples.
            qubits: where each qubit of ``other`` goes: as many as ``other`` has qubits
                (for bare operations: enough to cover every qubit they use), distinct and in
                range of this circuit.
            clbits: where each clbit of ``other`` goes, likewise.

        Returns:
            This circuit, for chaining.

        Raises:
            CircuitError: ``qubits``/``clbits`` of the wrong length, repeated or out of
                range; ``other`` wider than this circuit with no ``qubits``; an operation
                this circuit refuses.
        """
        whole = isinstance(other, Circuit)
        if isinstance(other, Circuit):
            ops: list[Operation] = list(other._ops)
            width, cwidth = other.num_qubits, other.num_clbits
        else:
            ops = list(other)
            width = max((q + 1 for op in ops for q in op.qubits), default=0)
            cwidth = max((c + 1 for op in ops for c in op.clbits), default=0)
        qmap = _bit_map("qubit", qubits, width, self.num_qubits, whole)
        cmap = _bit_map("clbit", clbits, cwidth, self.num_clbits, whole)
        conditions = {}
        if isinstance(other, Circuit):  # bare operations' conditions name our registers
            conditions = _condition_map(ops, other.cregs, self.cregs, cmap)
        check = self.operation
        self._ops.extend(
            [
                check(
                    op.name,
                    [qmap[q] for q in op.qubits] if qmap is not None else op.qubits,
                    op.params,
                    [cmap[c] for c in op.clbits] if cmap is not None else op.clbits,
                    conditions.get(op.condition, op.condition),
                )
                for op in ops
            ]
        )
        return self

    def copy_with(self, ops: Iterable[Operation], num_qubits: int | None = None) -> Circuit:
        """A circuit with this one's registers (or ``num_qubits`` qubits) and operations ``ops``.

        Trusted: ``ops`` are taken as they are, unchecked, in one list. For passes that
        reorder, drop, merge or relabel operations they got from a checked circuit, and
        build any new ones as valid ``Operation`` tuples (int qubits in range and distinct,
        float parameters, the right arity): appending one by one would check every
        operation again. Input from users goes through ``append``/``extend`` instead.
        """
        out = self.copy_empty(num_qubits)
        out._ops = list(ops)
        return out

    def copy(self) -> Circuit:
        """A copy sharing nothing mutable with this circuit."""
        out = self.copy_empty()
        out._ops = list(self._ops)
        out.layout = self.layout
        return out

    def copy_empty(self, num_qubits: int | None = None) -> Circuit:
        """A circuit with the same registers (or ``num_qubits`` qubits) and no operations."""
        if num_qubits is None or num_qubits == self.num_qubits:
            qregs: Sequence[tuple[str, int]] = self.qregs
        else:
            qregs = [("q", num_qubits)]
        return Circuit(
            self.num_qubits if num_qubits is None else num_qubits,
            self.num_clbits,
            name=self.name,
            qregs=qregs,
            cregs=self.cregs,
        )

    def remap(self, mapping: Sequence[int], num_qubits: int | None = None) -> Circuit:
        """The same operations with qubit ``q`` replaced by ``mapping[q]``.

        Each distinct qubit tuple is mapped and checked once (in range of the new width,
        no qubit repeated); the operations are otherwise trusted, as they come from this
        circuit.

        Raises:
            CircuitError: ``mapping`` sends a qubit out of range or two qubits of one
                operation to the same qubit.
        """
        out = self.copy_empty(num_qubits)
        mapped: dict[tuple[int, ...], tuple[int, ...]] = {}
        ops: list[Operation] = []
        push = ops.append
        for op in self._ops:
            qs = mapped.get(op.qubits)
            if qs is None:
                qs = tuple([int(mapping[q]) for q in op.qubits])
                out._check_qubits(op.name, qs)
                mapped[op.qubits] = qs
            push(Operation(op.name, qs, op.params, op.clbits, op.condition))
        out._ops = ops
        return out

    # -- standard gates ---------------------------------------------------------------------

    def unitary(self, matrix: np.ndarray, qubits: Sequence[int]) -> Circuit:
        """Append an arbitrary unitary ``matrix`` on ``qubits`` (first = most significant bit)."""
        return self.append("unitary", qubits, unitary_params(matrix))

    def measure(self, qubit: int, clbit: int) -> Circuit:
        """Measure ``qubit`` into ``clbit``."""
        return self.append("measure", [qubit], clbits=[clbit])

    def measure_all(self) -> Circuit:
        """Add a classical register ``meas`` as wide as the circuit and measure every qubit."""
        start = self.num_clbits
        self.num_clbits += self.num_qubits
        self.cregs = (*self.cregs, Register("meas", self.num_qubits))
        self.barrier()
        for q in range(self.num_qubits):
            self.measure(q, start + q)
        return self

    def barrier(self, *qubits: int) -> Circuit:
        """A barrier on ``qubits`` (all qubits when none are given)."""
        return self.append("barrier", qubits or range(self.num_qubits))

    def reset(self, qubit: int) -> Circuit:
        """Reset ``qubit`` to |0>."""
        return self.append("reset", [qubit])

    # -- running ----------------------------------------------------------------------------

    def execute(self, on: str | Backend | None = None, **options: Any) -> Result:
        """Transpile this circuit for a backend and run it: ``qloom.execute(self, on, ...)``.

        Args:
            on: backend name (``provider`` or ``provider:device``) or ``Backend``.
            **options: the other arguments of ``qloom.execute`` (``shots``, ``seed``,
                ``transpiler``, ``padding``, ...) and backend options.

        Returns:
            The counts over this circuit's classical bits, in logical qubit order.
        """
        if _execute is None:  # only before ``qloom.api`` is imported, which `import qloom` does
            raise QloomError("Circuit.execute needs qloom.api: import qloom first")
        return _execute(self, on, **options)

    # -- reading ----------------------------------------------------------------------------

    @property
    def operations(self) -> Sequence[Operation]:
        """The operations, in order (read-only view)."""
        return tuple(self._ops)

    def __len__(self) -> int:
        return len(self._ops)

    def __iter__(self) -> Iterator[Operation]:
        return iter(self._ops)

    @overload
    def __getitem__(self, index: int) -> Operation: ...
    @overload
    def __getitem__(self, index: slice) -> Circuit: ...
    def __getitem__(self, index: int | slice) -> Operation | Circuit:
        if isinstance(index, slice):
            out = self.copy_empty()
            out._ops = self._ops[index]
            return out
        return self._ops[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Circuit):
            return NotImplemented
        return (
            self.num_qubits == other.num_qubits
            and self.num_clbits == other.num_clbits
            and self._ops == other._ops
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        label = f" '{self.name}'" if self.name else ""
        return (
            f"<Circuit{label} {self.num_qubits} qubits, {self.num_clbits} clbits, "
            f"{len(self._ops)} ops, depth {self.depth()}>"
        )

    def count_ops(self) -> dict[str, int]:
        """How many operations of each name, most frequent first."""
        return dict(Counter(op.name for op in self._ops).most_common())

    def count_2q(self) -> int:
        """Number of two-qubit gates (directives such as barrier excluded)."""
        return sum(1 for op in self._ops if len(op.qubits) == 2 and op.name != "barrier")

    def depth(self, two_qubit_only: bool = False) -> int:
        """Length of the critical path; barriers order but do not count.

        Args:
            two_qubit_only: count only gates on two or more qubits (the "2q depth").
        """
        level = [0] * (self.num_qubits + self.num_clbits)
        offset = self.num_qubits
        creg_bits = _creg_bits(self.cregs, offset)
        best = 0
        for op in self._ops:
            wires = list(op.qubits) + [offset + c for c in op.clbits]
            if op.condition is not None:
                wires += creg_bits[op.condition[0]]
            start = max((level[w] for w in wires), default=0)
            counts = op.name != "barrier" and (not two_qubit_only or len(op.qubits) >= 2)
            end = start + 1 if counts else start
            for w in wires:
                level[w] = end
            best = max(best, end)
        return best

    def metrics(self) -> dict[str, int]:
        """Size figures used in reports: qubits, ops, 2q gates, depth, 2q depth, swaps."""
        return {
            "qubits": self.num_qubits,
            "ops": len(self._ops),
            "n2q": self.count_2q(),
            "depth": self.depth(),
            "depth2q": self.depth(two_qubit_only=True),
            "swaps": sum(1 for op in self._ops if op.name == "swap"),
        }

    def draw(self, **options: Any) -> str:
        """This circuit as a text diagram (see ``qloom.drawing.draw_text`` for the options).

        ``print(circuit.draw())`` shows one line per qubit and classical register; a
        transpiled circuit is drawn with its layout (``q3 -> 5:``) and without idle qubits.

        Args:
            **options: ``ascii``, ``width``, ``layout``, ``idle_wires``, ``cregbundle``.
        """
        from qloom.drawing.text import draw_text

        return draw_text(self, **options)

    def active_qubits(self) -> list[int]:
        """Qubits touched by at least one operation other than a barrier, sorted."""
        used: set[int] = set()
        for op in self._ops:
            if op.name != "barrier":
                used.update(op.qubits)
        return sorted(used)


def _bit_map(
    kind: str, given: Sequence[int] | None, width: int, size: int, exact: bool
) -> list[int] | None:
    """Where ``extend`` sends each of ``width`` bits (``None``: nowhere new), checked."""
    if given is None:
        if width > size:
            raise CircuitError(
                f"the operations use {width} {kind}s, this circuit has {size}: "
                f"give {kind}s=[...] to choose where they go"
            )
        return None
    mapped = [int(b) for b in given]
    if (len(mapped) != width) if exact else (len(mapped) < width):
        need = f"{width}" if exact else f"at least {width}"
        raise CircuitError(f"{kind}s= needs {need} entries, one per {kind}, got {len(mapped)}")
    bad = [b for b in mapped if not 0 <= b < size]
    if bad:
        raise CircuitError(f"{kind}s=: {kind} {bad[0]} out of range for {size} {kind}s")
    if len(set(mapped)) != len(mapped):
        twice = sorted({b for b in mapped if mapped.count(b) > 1})
        raise CircuitError(f"{kind}s= repeats {kind} {twice[0]}: {mapped}")
    return mapped


def _condition_map(
    ops: Sequence[Operation],
    theirs: Sequence[Register],
    ours: Sequence[Register],
    cmap: Sequence[int] | None,
) -> dict[tuple[str, int] | None, tuple[str, int] | None]:
    """What each condition of ``ops`` (on registers ``theirs``) becomes on ``ours``."""
    used = {op.condition for op in ops if op.condition is not None}
    their_bits = _creg_bits(theirs, 0)
    ours_by_bits = {tuple(bits): name for name, bits in _creg_bits(ours, 0).items()}
    out: dict[tuple[str, int] | None, tuple[str, int] | None] = {}
    for name, value in sorted(used):
        bits = their_bits.get(name)
        if bits is None:
            raise CircuitError(f"condition on unknown classical register '{name}'")
        landed = tuple(cmap[b] for b in bits) if cmap is not None else tuple(bits)
        target = ours_by_bits.get(landed)
        if target is None:
            raise CircuitError(
                f"a condition on register '{name}' cannot be carried over: its clbits land "
                f"on {list(landed)}, which is no classical register of this circuit"
            )
        out[(name, value)] = (target, value)
    return out


def _registers(
    given: Sequence[tuple[str, int]] | None, default_name: str, size: int
) -> tuple[Register, ...]:
    if given is None:
        return (Register(default_name, size),) if size else ()
    regs = tuple(Register(str(n), int(s)) for n, s in given)
    if sum(r.size for r in regs) != size:
        raise CircuitError(f"registers {list(regs)} do not add up to {size} bits")
    return regs


def _creg_bits(cregs: Sequence[Register], offset: int) -> dict[str, list[int]]:
    bits: dict[str, list[int]] = {}
    start = offset
    for reg in cregs:
        bits[reg.name] = list(range(start, start + reg.size))
        start += reg.size
    return bits
