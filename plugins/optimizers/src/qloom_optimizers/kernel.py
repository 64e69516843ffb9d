"""The array form of a circuit that the optimizer kernel (``qloom_kernels.OptCircuit``)
works on: built from a ``Circuit`` once, passed through the kernel's passes, read back once.

Each distinct gate ``(name, params)`` becomes a kind, interned once with its matrix and the
facts the passes ask (``rules``, ``matrices``); each operation is a kind, its qubits and an
"opaque" flag (directives, measurements, conditioned gates: nothing moves across them).
Unchanged operations come back as the very ``Operation`` objects that went in; the others
are built from their kind (``Circuit.copy_with``: no per-op validation). The synthesis of a
one-qubit run (``runs.synthesize_run``) is asked once per distinct run the kernel meets, and
the resynthesis of a two-qubit block (``resynthesis.resynthesis``) once per distinct block.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from qloom import Backend, Circuit, Operation
from qloom.gates import DIRECTIVES, unitary_params
from qloom_kernels import OptCircuit
from qloom_optimizers.identity_equivalence import (
    EXACT_CUTOFF,
    gate_distance,
    gate_infidelity,
    matrix_infidelity,
)
from qloom_optimizers.matrices import is_diagonal, matrix_of, unitary_op
from qloom_optimizers.resynthesis import resynthesis
from qloom_optimizers.rules import INVERSE_PAIRS, ROTATIONS, SELF_INVERSE, SYMMETRIC, X_LIKE
from qloom_optimizers.runs import synthesize_run
from qloom_unrollers import accepted_directions

__all__ = ["ArrayCircuit"]

# Bits of a kind's flags, as plugins/kernels/rust/src/opt.rs reads them.
_DIAGONAL, _IDENTITY, _SELF_INVERSE, _SYMMETRIC, _X_LIKE, _CX, _NATIVE = (1 << i for i in range(7))
_MAX_MATRIX_QUBITS = 4
"""Wider gates get no matrix: the kernel never checks their commutation by matrices."""

Gate = tuple[str, tuple[Any, ...]]
KindIn = tuple[str, list[float] | None, int, str | None, tuple[float, float] | None]


class ArrayCircuit:
    """``circuit`` in the kernel's array form, for passes run in place and read back with
    ``to_circuit``. ``natives`` (``None``: any gate) decides which runs fusion must rewrite;
    ``identity_cutoff`` which gates ``remove_identities`` drops (average gate infidelity to
    the identity at most this; see ``identity_equivalence``)."""

    def __init__(
        self,
        circuit: Circuit,
        natives: frozenset[str] | None,
        identity_cutoff: float = EXACT_CUTOFF,
    ) -> None:
        self._natives = natives
        self._identity_cutoff = identity_cutoff

        self._kernel = OptCircuit()
        self._ids: dict[Any, int] = {}
        self._gates: list[Gate] = []
        self._template = circuit
        self._source: list[Operation] = []
        self._saved_source: list[Operation] = []
        self._backend: Backend | None = None
        self._classes: dict[tuple[tuple[int, int], ...], int] = {}
        self.load(circuit)

    def load(self, circuit: Circuit) -> None:
        """Replace the operations by ``circuit``'s (same registers as the first circuit)."""
        self._sync()
        source = list(circuit)
        pending: list[KindIn] = []
        ids = self._ids
        kinds: list[int] = []
        opaque: list[bool] = []
        for op in source:  # the hot loop of the conversion: one dict lookup per operation
            # a gate holding a zero is never found here (``_intern`` keys it by its repr)
            kind = ids.get((op.name, op.params))
            if kind is None:
                kind = self._intern(op.name, op.params, len(op.qubits), op, pending)
            kinds.append(kind)
            opaque.append(not unitary_op(op))
        self._add(pending)
        self._kernel.set_ops(kinds, [op.qubits for op in source], opaque)
        self._source = source

    def to_circuit(self) -> Circuit:
        """The operations as a ``Circuit`` (unchanged operations are the input objects)."""
        self._sync()
        source, gates = self._source, self._gates
        kinds, origins, changed = self._kernel.ops()
        qubits = iter(changed)
        # A new operation is built once per kind and qubits: fusion writes the same few
        # gates on the same qubits many times, and operations are immutable.
        made: dict[tuple[int, tuple[int, ...]], Operation] = {}
        out: list[Operation] = []
        for kind, origin in zip(kinds, origins, strict=True):
            if origin >= 0:
                out.append(source[origin])
                continue
            key = (kind, tuple(next(qubits)))
            op = made.get(key)
            if op is None:
                name, params = gates[kind]
                op = made[key] = Operation(name, key[1], params)
            out.append(op)
        return self._template.copy_with(out)

    def size(self) -> tuple[int, int]:
        """Two-qubit gates (barriers excluded) and operations, as ``Circuit.count_2q``/len."""
        two, total = self._kernel.size()
        return two, total

    def save(self) -> None:
        """Remember the operations as they are, for ``restore``."""
        self._kernel.save()
        self._saved_source = self._source

    def restore(self) -> None:
        """Go back to the operations last saved."""
        self._kernel.restore()
        self._source = self._saved_source

    def remove_identities(self) -> list[tuple[float, float, int]]:
        """Drop the gates equal to the identity up to global phase (within the cutoff).

        Returns:
            What went, as ``identity_equivalence.record_removals`` takes it:
            ``(infidelity, distance, count)`` per kind.
        """
        total = self._kernel.size()[1]
        before = self._kernel.ops()[0]
        self._kernel.remove_identities()
        if self._kernel.size()[1] == total:
            return []
        self._sync()
        counts = Counter(before)
        counts.subtract(self._kernel.ops()[0])
        removed = []
        for kind, count in counts.items():
            if count > 0:
                name, params = self._gates[kind]
                arity = matrix_of(name, tuple(params)).shape[0].bit_length() - 1
                infidelity = gate_infidelity(name, tuple(params), arity)
                removed.append((infidelity, gate_distance(name, tuple(params), arity), count))
        return removed

    def cancel(self, lookback: int) -> None:
        """Commutation-aware cancellation (see ``optimizers:cancel``)."""
        self._kernel.cancel(lookback)

    def fuse(self) -> None:
        """One-qubit fusion (see ``optimizers:fuse_1q``).

        Raises:
            SynthesisError: a run must be rewritten and the natives cannot express it.
        """
        while runs := self._kernel.fuse():
            self._sync()
            pending: list[KindIn] = []
            answers = []
            for run in runs:
                key = tuple(self._gates[kind] for kind in run)
                gates = synthesize_run(key, self._natives)
                replacement = (
                    None
                    if gates is None
                    else [self._intern(name, params, 1, None, pending) for name, params in gates]
                )
                answers.append((run, replacement))
            self._add(pending)
            for run, replacement in answers:
                self._kernel.learn(run, replacement)

    def consolidate(self, backend: Backend, identity_blocks: bool = False) -> None:
        """Two-qubit block resynthesis (see ``optimizers:consolidate_2q``) for ``backend``
        (one backend per form: the kernel remembers its pairs' directions and answers).

        With ``identity_blocks``, a block equal to the identity within the cutoff becomes one
        ``unitary`` gate of its matrix, which the next ``remove_identities`` drops and
        tallies like any gate (the kernel answers per distinct block, not per occurrence).
        Call ``remove_identities`` before reading the circuit back: the ``unitary`` is not a
        native."""
        if self._backend is None:
            self._backend = backend
        elif backend is not self._backend:
            raise ValueError("an ArrayCircuit consolidates for one backend only")
        directions = list(self._classes)
        while True:
            pairs, questions = self._kernel.consolidate()
            if pairs:
                classes = []
                for a, b in pairs:
                    accepted = accepted_directions(backend, a, b)
                    class_ = self._classes.setdefault(accepted, len(self._classes))
                    if class_ == len(directions):
                        directions.append(accepted)
                    classes.append((a, b, class_))
                self._kernel.classify(classes)
                continue
            if not questions:
                return
            self._sync()
            pending: list[KindIn] = []
            answers = []
            for question in questions:
                flat, class_, foreign, two_qubit = question
                matrix = np.array(flat, dtype=np.float64).view(complex).reshape(4, 4)
                if identity_blocks and matrix_infidelity(matrix) <= self._identity_cutoff:
                    gates = [("unitary", (0, 1), unitary_params(matrix))]
                else:
                    gates = resynthesis(
                        matrix, two_qubit, foreign, self._natives, directions[class_]
                    )
                replacement = (
                    None
                    if gates is None
                    else [
                        (self._intern(name, params, len(q), None, pending), list(q))
                        for name, q, params in gates
                    ]
                )
                answers.append((question, replacement))
            self._add(pending)
            for question, replacement in answers:
                self._kernel.decide(question, replacement)

    def _intern(
        self,
        name: str,
        params: tuple[Any, ...],
        arity: int,
        op: Operation | None,
        pending: list[KindIn],
    ) -> int:
        # 0.0 == -0.0 with one hash: a gate holding a zero is interned by its repr, so the
        # two signs stay distinct kinds (their fusions may differ in a signed zero).
        key = (name, params) if 0.0 not in params else (name, repr(params))
        kind = self._ids.get(key)
        if kind is None:
            kind = self._ids[key] = len(self._gates)
            self._gates.append((name, params))
            pending.append(self._describe(name, params, arity, op))
        return kind

    def _describe(
        self, name: str, params: tuple[Any, ...], arity: int, op: Operation | None
    ) -> KindIn:
        gate = op if op is not None else Operation(name, tuple(range(arity)), params)
        if name in DIRECTIVES:
            return (name, None, 0, None, None)
        flags = _NATIVE if self._natives is None or name in self._natives else 0
        flags |= _DIAGONAL if is_diagonal(gate) else 0
        if arity <= _MAX_MATRIX_QUBITS:
            infidelity = gate_infidelity(name, tuple(params), arity)
            if infidelity <= self._identity_cutoff:
                flags |= _IDENTITY
        flags |= _SELF_INVERSE if name in SELF_INVERSE and not params else 0
        flags |= _SYMMETRIC if name in SYMMETRIC else 0
        flags |= _X_LIKE if name in X_LIKE else 0
        flags |= _CX if name in ("cx", "CX") else 0
        matrix = None
        if arity <= _MAX_MATRIX_QUBITS:
            m = np.ascontiguousarray(matrix_of(name, tuple(params)), dtype=complex)
            matrix = m.view(np.float64).ravel().tolist()
        period = ROTATIONS.get(name)
        rotation = None if period is None else (period, float(params[0]))
        return (name, matrix, flags, INVERSE_PAIRS.get(name), rotation)

    def _add(self, pending: list[KindIn]) -> None:
        if pending:
            self._kernel.add_kinds(pending)

    def _sync(self) -> None:
        """Learn the merged rotations the kernel added since the last look."""
        known = len(self._gates)
        for name, angle in self._kernel.rotations_from(known):
            self._gates.append((name, (angle,)))
