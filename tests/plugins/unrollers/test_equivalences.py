"""Every rule of the equivalence table equals its gate, up to global phase."""

from __future__ import annotations

import numpy as np
import pytest

from qloom.gates import GATES, apply_matrix, gate_matrix
from qloom_unrollers.equivalences import EquivalenceLibrary, Rule, rule, standard_library

RULES = list(standard_library())


def _matrix(steps, num_qubits):
    out = np.eye(1 << num_qubits, dtype=complex)
    for name, qubits, params in steps:
        out = apply_matrix(out, gate_matrix(name, params), qubits, num_qubits)
    return out


def _equal_up_to_phase(a, b):
    index = np.unravel_index(np.argmax(np.abs(b)), b.shape)
    phase = a[index] / b[index]
    return abs(abs(phase) - 1) < 1e-9 and np.allclose(a, phase * b, atol=1e-9)


@pytest.mark.parametrize(
    "index", range(len(RULES)), ids=[f"{r.gate}-{sorted(r.uses)}" for r in RULES]
)
def test_rule_matches_the_gate_matrix(index):
    rule_ = RULES[index]
    gate = GATES[rule_.gate]
    rng = np.random.default_rng(index)
    for _ in range(3):
        params = tuple(rng.uniform(-2 * np.pi, 2 * np.pi, gate.num_params or 0))
        steps = rule_.expand(*params)
        assert {s[0] for s in steps} <= rule_.uses
        assert _equal_up_to_phase(_matrix(steps, gate.num_qubits), gate.matrix(*params))


def test_rules_name_only_library_gates():
    with pytest.raises(ValueError, match="unknown gates"):
        EquivalenceLibrary([Rule("cx", frozenset({"nope"}), lambda: [])])
    library = EquivalenceLibrary()
    library.add(rule("cz", lambda: [("h", (1,), ()), ("cx", (0, 1), ()), ("h", (1,), ())]))
    assert [r.gate for r in library.rules_for("cz")] == ["cz"]
    assert library.rules_for("cx") == []
