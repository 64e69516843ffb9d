"""Rewriting a circuit into a backend's native gates, in the directions it accepts.

One-qubit gates go through exact Euler synthesis. Two-qubit gates follow the cheapest chain
of the equivalence table, unless exact KAK synthesis needs fewer native two-qubit gates
(``ch`` is one ``cz`` with local gates, not the two of its textbook rule); ``unitary``
gates and gates the table cannot reach are synthesised. A native gate on a pair the
device accepts only the other way round is turned around (flipped when symmetric, else
resynthesised in the accepted direction). Results are cached per gate, parameters and
direction as checked operation templates on local qubits, so a circuit of many repeated
gates translates at a dictionary lookup and a relabelling a gate; the output is built
unchecked (``Circuit.copy_with``), each template having been checked once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from qloom import Backend, Circuit, Operation
from qloom.gates import DIRECTIVES, gate_matrix
from qloom_unrollers.equivalences import Step, standard_library
from qloom_unrollers.plan import BasisPlan, plan_for
from qloom_unrollers.synthesis import (
    SynthesisError,
    num_entanglers,
    synthesize_1q,
    synthesize_2q,
    synthesize_unitary,
)

__all__ = ["Translator", "accepted_directions", "decompose_wide"]

Directions = tuple[tuple[int, int], ...]
BOTH: Directions = ((0, 1), (1, 0))
# A gate's native steps, each (name, pick, params): pick 0 or 1 is the gate's first or
# second qubit, 2 the pair in order, 3 the pair reversed.
Template = tuple[tuple[str, int, tuple[Any, ...]], ...]
_PICKS = {(0,): 0, (1,): 1, (0, 1): 2, (1, 0): 3}
_EXCHANGE = np.eye(4)[[0, 2, 1, 3]]


class Translator:
    """Translates circuits for one backend; reuse it to reuse its caches."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.natives = backend.natives
        self.plan: BasisPlan | None = None if self.natives is None else plan_for(self.natives)
        self._pair_cache: dict[tuple[str, tuple[Any, ...], Directions], list[Step]] = {}
        self._one_cache: dict[tuple[str, tuple[Any, ...]], list[Step]] = {}
        self._directions: dict[tuple[int, int], Directions] = {}
        self._templates: dict[tuple[Any, ...], Template] = {}
        self._checker = Circuit(2)

    def translate(self, circuit: Circuit) -> Circuit:
        """``circuit`` with every gate native and every two-qubit gate in an accepted direction."""
        natives = self.natives
        if natives is None:
            return circuit
        directions, templates = self.directions, self._templates
        check = circuit.copy_empty().operation  # for the rare gates on three or more qubits
        # An operation seen before expands to the same (immutable) operations: reuse them,
        # as the QASM reader shares equal operations. Equal operations may differ in the
        # sign of a zero parameter, but expanded steps take their parameters from the
        # template, which is keyed alike.
        seen: dict[Operation, tuple[Operation, ...]] = {}
        out: list[Operation] = []
        push, grow = out.append, out.extend
        for op in circuit:
            name, qubits = op.name, op.qubits
            if name in DIRECTIVES:
                push(op)
            elif len(qubits) == 1:
                if name in natives:
                    push(op)
                    continue
                found = seen.get(op)
                if found is None:
                    key: tuple[Any, ...] = (name, op.params)
                    steps = templates.get(key)
                    if steps is None:
                        steps = self._template(key, self._one(name, tuple(op.params)))
                    cond = op.condition
                    found = seen[op] = tuple(
                        [Operation(n, qubits, p, (), cond) for n, _, p in steps]
                    )
                grow(found)
            elif len(qubits) == 2:
                pair = directions(*qubits)
                if name in natives and pair != ((1, 0),):
                    push(op)
                    continue
                found = seen.get(op)
                if found is None:
                    key = (name, op.params, pair)
                    steps = templates.get(key)
                    if steps is None:
                        steps = self._template(key, self._pair(name, tuple(op.params), pair))
                    a, b = qubits
                    picks = ((a,), (b,), qubits, (b, a))
                    cond = op.condition
                    found = seen[op] = tuple(
                        [Operation(n, picks[i], p, (), cond) for n, i, p in steps]
                    )
                grow(found)
            else:
                for step in self._expand(name, op.params, qubits):
                    push(check(*step, (), op.condition))
        return circuit.copy_with(out)

    def _template(self, key: tuple[Any, ...], steps: list[Step]) -> Template:
        """Check and normalise ``steps`` once (as ``append`` would) and cache them."""
        checked = (self._checker.operation(n, q, p) for n, q, p in steps)
        found = tuple((op.name, _PICKS[op.qubits], op.params) for op in checked)
        self._templates[key] = found
        return found

    def directions(self, a: int, b: int) -> Directions:
        """Orders of ``(a, b)`` the device accepts for a two-qubit gate (both if uncoupled)."""
        key = (a, b)
        found = self._directions.get(key)
        if found is None:
            found = accepted_directions(self.backend, a, b)
            self._directions[key] = found
        return found

    def _expand(
        self, name: str, params: Sequence[Any], qubits: Sequence[int]
    ) -> list[tuple[str, tuple[int, ...], tuple[Any, ...]]]:
        """Native steps for one gate on ``qubits`` (device qubits)."""
        params = tuple(params)
        if len(qubits) == 1:
            return [(n, (qubits[0],), p) for n, _, p in self._one(name, params)]
        if len(qubits) == 2:
            a, b = qubits
            local = self._pair(name, params, self.directions(a, b))
            return [(n, tuple(qubits[i] for i in q), p) for n, q, p in local]
        return self._wide(name, params, qubits)

    def _one(self, name: str, params: tuple[Any, ...]) -> list[Step]:
        key = (name, params)
        found = self._one_cache.get(key)
        if found is None:
            if name in self.natives:  # type: ignore[operator]
                found = [(name, (0,), params)]
            else:
                gates = synthesize_1q(gate_matrix(name, params), self.natives)
                found = [(n, (0,), p) for n, p in gates]
            self._one_cache[key] = found
        return found

    def _pair(self, name: str, params: tuple[Any, ...], directions: Directions) -> list[Step]:
        key = (name, params, directions)
        found = self._pair_cache.get(key)
        if found is None:
            found = self._translate_pair(name, params, directions)
            self._pair_cache[key] = found
        return found

    def _translate_pair(
        self, name: str, params: tuple[Any, ...], directions: Directions
    ) -> list[Step]:
        assert self.natives is not None and self.plan is not None
        if name in self.natives and (0, 1) in directions:
            return [(name, (0, 1), params)]
        matrix = gate_matrix(name, params)
        if name in self.natives:
            if np.allclose(_EXCHANGE @ matrix @ _EXCHANGE, matrix, rtol=0, atol=1e-12):
                return [(name, (1, 0), params)]
            return _synthesize_pair(matrix, self.natives, directions, name)
        rule = self.plan.rules.get(name)
        if rule is None:
            return _synthesize_pair(matrix, self.natives, directions, name)
        steps: list[Step] = []
        for step_name, step_qubits, step_params in rule.expand(*params):
            if len(step_qubits) == 1:
                steps += [(n, step_qubits, p) for n, _, p in self._one(step_name, step_params)]
            else:
                local = self._pair(step_name, step_params, _orient(directions, step_qubits))
                steps += [(n, tuple(step_qubits[i] for i in q), p) for n, q, p in local]
        used = sum(1 for step in steps if len(step[1]) == 2)
        if used > 1 and num_entanglers(matrix, self.natives, directions) < used:
            return _synthesize_pair(matrix, self.natives, directions, name)
        return steps

    def _wide(
        self, name: str, params: tuple[Any, ...], qubits: Sequence[int]
    ) -> list[tuple[str, tuple[int, ...], tuple[Any, ...]]]:
        assert self.plan is not None
        rule = self.plan.rules.get(name)
        if rule is None:
            local = synthesize_unitary(gate_matrix(name, params), self.natives)
        else:
            local = list(rule.expand(*params))
        out: list[tuple[str, tuple[int, ...], tuple[Any, ...]]] = []
        for step_name, step_qubits, step_params in local:
            out += self._expand(step_name, step_params, tuple(qubits[i] for i in step_qubits))
        return out


def accepted_directions(backend: Backend, a: int, b: int) -> Directions:
    """Orders of ``(a, b)`` the device accepts for a two-qubit gate, as local pairs: both
    when it couples them both ways, neither way (not yet routed) or has no couplings."""
    if backend.connectivity is None:
        return BOTH
    forward, backward = (a, b) in backend, (b, a) in backend
    if forward and not backward:
        return ((0, 1),)
    if backward and not forward:
        return ((1, 0),)
    return BOTH


def _orient(directions: Directions, step_qubits: Sequence[int]) -> Directions:
    """The directions of a rule's step on local qubits ``(1, 0)`` are the pair's, reversed."""
    if tuple(step_qubits) == (0, 1) or directions == BOTH:
        return directions
    return tuple((b, a) for a, b in directions)


def _synthesize_pair(
    matrix: np.ndarray, natives: frozenset[str], directions: Directions, name: str
) -> list[Step]:
    try:
        return [(n, tuple(q), tuple(p)) for n, q, p in synthesize_2q(matrix, natives, directions)]
    except SynthesisError as exc:
        raise SynthesisError(
            f"cannot express '{name}' in the natives {sorted(natives)}: {exc}"
        ) from exc


def decompose_wide(circuit: Circuit, max_qubits: int = 2) -> Circuit:
    """``circuit`` with every gate on more than ``max_qubits`` qubits broken down.

    Library gates follow the table's first rule (recursively); wide ``unitary`` gates are
    synthesised with cx and one-qubit gates. Narrow gates are left as they are, so a
    router can work on the result before any native translation.
    """
    if all(len(op.qubits) <= max_qubits or op.name in DIRECTIVES for op in circuit):
        return circuit
    library = standard_library()
    check = circuit.copy_empty().operation  # new operations from the table are checked
    out: list[Operation] = []

    def emit(name: str, qubits: tuple[int, ...], params: tuple[Any, ...], condition: Any) -> None:
        if len(qubits) <= max_qubits or name in DIRECTIVES:
            out.append(check(name, qubits, params, (), condition))
            return
        rules = library.rules_for(name)
        if rules:
            steps: Sequence[Step] = rules[0].expand(*params)
        else:
            steps = synthesize_unitary(gate_matrix(name, params), frozenset({"cx", "u"}))
        for step_name, step_qubits, step_params in steps:
            emit(step_name, tuple(qubits[i] for i in step_qubits), tuple(step_params), condition)

    for op in circuit:
        if len(op.qubits) <= max_qubits or op.name in DIRECTIVES:
            out.append(op)  # already checked: kept as it is
        else:
            emit(op.name, op.qubits, tuple(op.params), op.condition)
    return circuit.copy_with(out)
