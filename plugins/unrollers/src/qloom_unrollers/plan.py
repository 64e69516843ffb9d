"""Which rule takes each gate to a given native set: a cheapest-path search over the table.

Costs are ``(two-qubit natives, gates)`` compared in that order. A native gate costs one
gate; any one-qubit gate costs one when the natives can express every one-qubit unitary
(Euler synthesis does it exactly); a rule costs the sum of its steps. Relaxing every rule
until nothing improves finds each gate's cheapest chain, e.g. ``cx -> cz -> rzz -> rxx -> ms``
for trapped ions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from qloom.gates import DIRECTIVES, GATES
from qloom_unrollers.equivalences import EquivalenceLibrary, Rule, standard_library
from qloom_unrollers.synthesis import one_qubit_bases

__all__ = ["BasisPlan", "plan_for"]

Cost = tuple[int, int]


@dataclass(frozen=True)
class BasisPlan:
    """The cheapest rule per non-native gate, for one native set.

    Attributes:
        natives: the native gate names.
        universal_1q: whether every one-qubit unitary can be synthesised in the natives.
        rules: gate name -> the rule to apply (only gates that are neither native nor
            one-qubit-synthesisable, and that have a path).
        costs: gate name -> cost of reaching the natives from it.
    """

    natives: frozenset[str]
    universal_1q: bool
    rules: dict[str, Rule]
    costs: dict[str, Cost]

    def reaches(self, gate: str) -> bool:
        """Whether ``gate`` has a path to the natives through the table."""
        return gate in self.costs


def _arity(name: str) -> int:
    return GATES[name].num_qubits or 0


def _step_counts(rule: Rule) -> Counter[str]:
    probe = rule.expand(*[0.1 * (i + 1) for i in range(GATES[rule.gate].num_params or 0)])
    return Counter(step[0] for step in probe)


def search(natives: frozenset[str], library: EquivalenceLibrary) -> BasisPlan:
    """Relax every rule of ``library`` until no gate's cost to reach ``natives`` drops."""
    universal_1q = bool(one_qubit_bases(natives))
    costs: dict[str, Cost] = {}
    for name, gate in GATES.items():
        if name in DIRECTIVES or not gate.is_unitary:
            continue
        if name in natives:
            costs[name] = (1 if _arity(name) >= 2 else 0, 1)
        elif gate.num_qubits == 1 and universal_1q:
            costs[name] = (0, 1)
    counted = [(rule, _step_counts(rule)) for rule in library if rule.gate not in natives]
    chosen: dict[str, Rule] = {}
    changed = True
    while changed:
        changed = False
        for rule, counts in counted:
            if rule.gate in natives or (universal_1q and _arity(rule.gate) == 1):
                continue
            if any(name not in costs for name in counts):
                continue
            total = (
                sum(costs[n][0] * k for n, k in counts.items()),
                sum(costs[n][1] * k for n, k in counts.items()),
            )
            if rule.gate not in costs or total < costs[rule.gate]:
                costs[rule.gate] = total
                chosen[rule.gate] = rule
                changed = True
    return BasisPlan(natives, universal_1q, chosen, costs)


@cache
def plan_for(natives: frozenset[str]) -> BasisPlan:
    """The plan for ``natives`` with the standard table (cached per native set)."""
    return search(natives, standard_library())
