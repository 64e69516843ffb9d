"""The table of gate equivalences the basis translator searches.

A ``Rule`` says how one library gate is made of others: ``cp(l) = p(l/2) a; cx a,b; ...``.
Rules are plain data plus a function of the gate's parameters; the translator chains them
(``cx -> cz -> rzz -> rxx -> ms``) to reach whatever gates a backend lists as native, so no
vendor is written into the code. Every rule is checked against the library matrices by
the tests (equal up to global phase).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from qloom.gates import GATES
from qloom.qasm2.exporter import GATE_DEFINITIONS

__all__ = ["EquivalenceLibrary", "Rule", "Step", "rule", "standard_library"]

Step = tuple[str, tuple[int, ...], tuple[float, ...]]
"""One gate of an expansion: name, qubit positions within the rule's gate, parameters."""

Expansion = Callable[..., Sequence[Step]]

_PI = math.pi


@dataclass(frozen=True)
class Rule:
    """``gate`` equals the steps ``expand(*params)`` returns (up to global phase).

    Attributes:
        gate: the gate this rule rewrites.
        uses: the gate names its expansions use (the same for every parameter value).
        expand: parameters of ``gate`` -> the steps.
    """

    gate: str
    uses: frozenset[str]
    expand: Expansion


class EquivalenceLibrary:
    """Rules by gate name; a plugin or user may add their own with ``add``."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, list[Rule]] = defaultdict(list)
        for rule in rules:
            self.add(rule)

    def add(self, rule: Rule) -> None:
        """Add a rule (checked against the library's gate names)."""
        unknown = sorted({rule.gate, *rule.uses} - set(GATES))
        if unknown:
            raise ValueError(f"rule for '{rule.gate}' uses unknown gates {unknown}")
        self._rules[rule.gate].append(rule)

    def rules_for(self, gate: str) -> list[Rule]:
        """The rules rewriting ``gate`` (empty when there are none)."""
        return list(self._rules.get(gate, ()))

    def __iter__(self) -> Iterable[Rule]:  # type: ignore[override]
        for rules in self._rules.values():
            yield from rules

    def __len__(self) -> int:
        return sum(len(r) for r in self._rules.values())


def rule(gate: str, expand: Expansion) -> Rule:
    """A rule whose ``uses`` is read off one expansion (rules never branch on values)."""
    num_params = GATES[gate].num_params or 0
    probe = expand(*[0.1 * (i + 1) for i in range(num_params)])
    return Rule(gate, frozenset(step[0] for step in probe), expand)


def _one(name: str, qubit: int, *params: float) -> Step:
    return (name, (qubit,), tuple(params))


def _two(name: str, a: int, b: int, *params: float) -> Step:
    return (name, (a, b), tuple(params))


def _cu(theta: float, phi: float, lam: float, gamma: float) -> list[Step]:
    """Controlled-U3 with a phase, from two cx (the ABC construction)."""
    return [
        _one("p", 0, gamma + (lam + phi) / 2),
        _one("p", 1, (lam - phi) / 2),
        _two("cx", 0, 1),
        _one("u", 1, -theta / 2, 0.0, -(phi + lam) / 2),
        _two("cx", 0, 1),
        _one("u", 1, theta / 2, phi, 0.0),
    ]


def _controlled_rules() -> list[Rule]:
    """Controlled single-qubit gates, each as a ``cu`` with its exact target matrix."""
    as_cu: dict[str, Expansion] = {
        "cu": lambda t, p, lam, g: _cu(t, p, lam, g),
        "cu3": lambda t, p, lam: _cu(t, p, lam, 0.0),
        "cp": lambda lam: _cu(0.0, 0.0, lam, 0.0),
        "cu1": lambda lam: _cu(0.0, 0.0, lam, 0.0),
        "crz": lambda t: _cu(0.0, 0.0, t, -t / 2),
        "cry": lambda t: _cu(t, 0.0, 0.0, 0.0),
        "crx": lambda t: _cu(t, -_PI / 2, _PI / 2, 0.0),
        "ch": lambda: _cu(_PI / 2, 0.0, _PI, 0.0),
        "cy": lambda: [_one("sdg", 1), _two("cx", 0, 1), _one("s", 1)],
        "csx": lambda: _cu(_PI / 2, -_PI / 2, _PI / 2, _PI / 4),
        "cz": lambda: [_one("h", 1), _two("cx", 0, 1), _one("h", 1)],
    }
    return [rule(name, fn) for name, fn in as_cu.items()]


def _entangler_rules() -> list[Rule]:
    """How the common entangling gates turn into one another."""
    h0, h1 = _one("h", 0), _one("h", 1)
    return [
        rule("CX", lambda: [_two("cx", 0, 1)]),
        rule("cx", lambda: [h1, _two("cz", 0, 1), h1]),
        # CZ = exp(i pi/4 (1 - Z0 - Z1 + Z0 Z1)): two virtual rz and a ZZ quarter turn.
        rule(
            "cz",
            lambda: [_one("rz", 0, _PI / 2), _one("rz", 1, _PI / 2), _two("rzz", 0, 1, -_PI / 2)],
        ),
        # CX = exp(i pi/4 (1 - Z0)(1 - X1)) = rz0 rx1 rzx(-pi/2), and rzx(-pi/2) = ecr x0.
        rule(
            "cx",
            lambda: [
                _one("x", 0),
                _two("ecr", 0, 1),
                _one("rz", 0, _PI / 2),
                _one("rx", 1, _PI / 2),
            ],
        ),
        rule(
            "ecr", lambda: [_two("rzx", 0, 1, _PI / 4), _one("x", 0), _two("rzx", 0, 1, -_PI / 4)]
        ),
        rule("rzz", lambda t: [_two("cx", 0, 1), _one("rz", 1, t), _two("cx", 0, 1)]),
        rule("rzz", lambda t: [h0, h1, _two("rxx", 0, 1, t), h0, h1]),
        rule("rzz", lambda t: [h1, _two("rzx", 0, 1, t), h1]),
        rule("rxx", lambda t: [h0, h1, _two("rzz", 0, 1, t), h0, h1]),
        rule("rxx", lambda t: [_two("ms", 0, 1, 0.0, 0.0, t)]),
        rule("rzx", lambda t: [h1, _two("rzz", 0, 1, t), h1]),
        rule(
            "ryy",
            lambda t: [
                _one("rx", 0, _PI / 2),
                _one("rx", 1, _PI / 2),
                _two("rzz", 0, 1, t),
                _one("rx", 0, -_PI / 2),
                _one("rx", 1, -_PI / 2),
            ],
        ),
        rule(
            "ms",
            lambda p0, p1, t: [
                _one("rz", 0, -p0),
                _one("rz", 1, -p1),
                _two("rxx", 0, 1, t),
                _one("rz", 0, p0),
                _one("rz", 1, p1),
            ],
        ),
        rule("swap", lambda: [_two("cx", 0, 1), _two("cx", 1, 0), _two("cx", 0, 1)]),
        rule(
            "iswap",
            lambda: [_one("s", 0), _one("s", 1), h0, _two("cx", 0, 1), _two("cx", 1, 0), h1],
        ),
    ]


def _multi_qubit_rules() -> list[Rule]:
    """Gates on three or more qubits, down to one- and two-qubit gates."""
    ccx = [
        _one("h", 2), _two("cx", 1, 2), _one("tdg", 2), _two("cx", 0, 2), _one("t", 2),
        _two("cx", 1, 2), _one("tdg", 2), _two("cx", 0, 2), _one("t", 1), _one("t", 2),
        _one("h", 2), _two("cx", 0, 1), _one("t", 0), _one("tdg", 1), _two("cx", 0, 1),
    ]  # fmt: skip
    rules = [
        rule("ccx", lambda: ccx),
        rule("cswap", lambda: [_two("cx", 2, 1), ("ccx", (0, 1, 2), ()), _two("cx", 2, 1)]),
    ]
    rules += [
        rule(name, _qasm_definition(name)) for name in ("rccx", "rc3x", "c3x", "c3sqrtx", "c4x")
    ]
    return rules


def _qasm_definition(name: str) -> Expansion:
    """A fixed gate's expansion read from its OpenQASM 2 definition (``GATE_DEFINITIONS``)."""

    def expand() -> Sequence[Step]:
        return _parsed_definition(name)

    return expand


@cache
def _parsed_definition(name: str) -> tuple[Step, ...]:
    from qloom import qasm2

    needs = GATE_DEFINITIONS[name][1]
    texts = [
        GATE_DEFINITIONS[n][0].replace(f"gate {n}", f"gate rule_{n}", 1) for n in (*needs, name)
    ]
    for dependency in needs:
        texts = [t.replace(f" {dependency} ", f" rule_{dependency} ") for t in texts]
    width = GATES[name].num_qubits or 0
    args = ",".join(f"q[{i}]" for i in range(width))
    program = (
        'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
        + "\n".join(texts)
        + f"\nqreg q[{width}];\nrule_{name} {args};\n"
    )
    return tuple((op.name, op.qubits, tuple(op.params)) for op in qasm2.loads(program))


@cache
def standard_library() -> EquivalenceLibrary:
    """The built-in table: textbook identities between the library's gates."""
    return EquivalenceLibrary([*_controlled_rules(), *_entangler_rules(), *_multi_qubit_rules()])
