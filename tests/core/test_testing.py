"""qloom.testing: equivalence up to layout, backend and pass conformance, strategies."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, ClassVar

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qloom import Backend, Circuit, CircuitError, Layout, Pass, PassContext, Pipeline, Result
from qloom.gates import GATES
from qloom.testing import (
    assert_backend_accepts,
    assert_equivalent,
    check_backend,
    check_pass,
    circuits,
    coupling_maps,
)
from qloom.testing.dense import probabilities
from qloom.testing.strategies import library_gates

SETTINGS = settings(max_examples=50, derandomize=True, deadline=None)


def sample() -> Circuit:
    return Circuit(3).h(0).cx(0, 1).t(2).cx(1, 2).rz(0.3, 0).ry(0.2, 2)


# -- assert_equivalent: what must pass --------------------------------------------------------


def test_a_circuit_is_equivalent_to_itself_and_barriers_are_ignored():
    c = sample()
    assert_equivalent(c, c.copy())
    with_barriers = Circuit(3).h(0).barrier().cx(0, 1).t(2).barrier(1, 2).cx(1, 2)
    with_barriers.rz(0.3, 0).ry(0.2, 2)
    assert_equivalent(c, with_barriers)


def test_global_phase_is_ignored():
    assert_equivalent(Circuit(1).rz(0.7, 0), Circuit(1).p(0.7, 0))
    assert_equivalent(Circuit(2).cx(0, 1), Circuit(2).h(1).cz(0, 1).h(1))


def test_initial_layout_is_followed():
    c = sample()
    perm = [2, 0, 1]
    assert_equivalent(c, c.remap(perm), Layout(tuple(perm)))
    moved = c.remap(perm)
    moved.layout = Layout(tuple(perm))
    assert_equivalent(c, moved)


def test_final_permutation_from_routing_is_followed():
    # logical cx(0, 2) on a line 0-1-2: swap 1 and 2 first, so logical 2 ends on physical 1
    c = Circuit(3).h(0).cx(0, 2).x(1)
    routed = Circuit(3).h(0).x(1).swap(1, 2).cx(0, 1)
    assert_equivalent(c, routed, Layout((0, 1, 2), (0, 2, 1)))


def test_ancillas_start_in_zero_and_may_be_used():
    c = Circuit(2).h(0).cx(0, 1)
    # logical 0 on physical 3, logical 1 on physical 1, ancillas 0 and 2
    wide = Circuit(4).h(3).cx(3, 2).cx(2, 1).cx(3, 2)
    assert_equivalent(c, wide, Layout((3, 1), (0, 1, 2, 3)))


def test_final_measurements_are_compared_through_the_layout():
    c = Circuit(2).x(0)
    c.measure_all()
    moved = Circuit(2, 2, cregs=[("meas", 2)]).x(1).barrier().measure(1, 0).measure(0, 1)
    assert_equivalent(c, moved, Layout((1, 0)))


def test_random_state_mode_for_wide_circuits():
    c = Circuit(12)
    for q in range(12):
        c.h(q).rz(0.1 * q, q)
    for q in range(11):
        c.cx(q, q + 1)
    perm = list(reversed(range(12)))
    assert_equivalent(c, c.remap(perm), Layout(tuple(perm)), random_states=2)


def test_layout_defaults_to_trivial_and_is_widened_to_the_circuit():
    c = Circuit(2).h(0)
    assert_equivalent(c, Circuit(3).h(0))
    assert_equivalent(c, Circuit(3).h(1), Layout((1, 0)))


# -- assert_equivalent: what must fail ---------------------------------------------------------


def fails(original: Circuit, transpiled: Circuit, layout: Layout | None = None, **kw) -> str:
    with pytest.raises(AssertionError) as info:
        assert_equivalent(original, transpiled, layout, **kw)
    return str(info.value)


def test_a_dropped_gate_fails():
    c = sample()
    dropped = Circuit(3).h(0).cx(0, 1).cx(1, 2).rz(0.3, 0).ry(0.2, 2)  # no t(2)
    message = fails(c, dropped)
    assert "not equivalent" in message and "relative phase" in message
    assert "OPENQASM" in message or "ops" in message


def test_a_wrong_gate_fails_and_names_the_input_and_fidelity():
    c = sample()
    wrong = Circuit(3).h(0).cx(0, 1).s(2).cx(1, 2).rz(0.3, 0).ry(0.2, 2)
    assert "logical basis state" in fails(c, wrong)
    message = fails(Circuit(2).cx(0, 1), Circuit(2).cx(1, 0))
    assert "basis state |01>" in message and "output fidelity 0" in message


def test_a_wrong_initial_layout_fails():
    c = sample()
    moved = c.remap([2, 0, 1])
    assert "initial layout [1, 2, 0]" in fails(c, moved, Layout((1, 2, 0)))
    fails(c, moved)  # the trivial layout is wrong too


def test_a_wrong_final_permutation_fails():
    c = Circuit(3).h(0).cx(0, 2).x(1)
    routed = Circuit(3).h(0).x(1).swap(1, 2).cx(0, 1)
    message = fails(c, routed, Layout((0, 1, 2)))
    assert "final positions [0, 1, 2]" in message
    fails(c, routed, Layout((0, 1, 2), (0, 1, 2)))


def test_a_dirty_ancilla_fails():
    c = Circuit(1).h(0)
    fails(c, Circuit(2).h(0).x(1))


def test_a_wrong_measurement_fails():
    c = Circuit(2).x(0)
    c.measure_all()
    same_gates = Circuit(2, 2, cregs=[("meas", 2)]).x(1).measure(0, 0).measure(1, 1)
    message = fails(c, same_gates, Layout((1, 0)))
    assert "clbit 0 should be measured from physical qubit 1" in message


def test_random_state_mode_fails_and_names_the_state():
    c = sample()
    wrong = Circuit(3).h(0).cx(0, 1).s(2).cx(1, 2).rz(0.3, 0).ry(0.2, 2)
    message = fails(c, wrong, max_unitary_qubits=0, random_states=2, seed=5)
    assert "random input state #" in message and "seed 5" in message


def test_long_circuits_are_shown_by_their_summary():
    c = Circuit(2)
    for _ in range(40):
        c.h(0).h(0)
    message = fails(c, Circuit(2).x(0))
    assert "80 ops" in message


def test_mid_circuit_measurement_reset_and_conditions_are_refused():
    mid = Circuit(1, 1).measure(0, 0).h(0)
    with pytest.raises(CircuitError, match="follows a measurement"):
        assert_equivalent(mid, mid)
    with pytest.raises(CircuitError, match="reset"):
        assert_equivalent(Circuit(1).reset(0), Circuit(1))
    cond = Circuit(1, 1).append("x", [0], condition=("c", 1))
    with pytest.raises(CircuitError, match="conditioned"):
        assert_equivalent(cond, cond)


def test_layouts_that_do_not_fit_fail():
    with pytest.raises(AssertionError, match="3 logical qubits but the original circuit has 2"):
        assert_equivalent(Circuit(2), Circuit(3), Layout((0, 1, 2)))
    with pytest.raises(AssertionError, match="only 2"):
        assert_equivalent(Circuit(2), Circuit(2), Layout((0, 1), (0, 1, 2)))


@SETTINGS
@given(circuits(max_qubits=4, max_ops=20), st.randoms(use_true_random=False))
def test_any_circuit_is_equivalent_to_itself_relabelled(circuit, random):
    perm = list(range(circuit.num_qubits))
    random.shuffle(perm)
    assert_equivalent(circuit, circuit.remap(perm), Layout(tuple(perm)))


# -- backends ----------------------------------------------------------------------------------


def line(n: int = 3, natives: tuple[str, ...] = ("cx", "rz", "sx", "x")) -> Backend:
    return Backend("line", n, [(q, q + 1) for q in range(n - 1)], natives)


def test_assert_backend_accepts():
    assert_backend_accepts(Circuit(3).cx(0, 1).rz(0.1, 2), line())
    with pytest.raises(AssertionError, match=r"pair \(0, 2\) is not coupled"):
        assert_backend_accepts(Circuit(3).cx(0, 2), line())
    with pytest.raises(AssertionError, match="'h' is not a native gate"):
        assert_backend_accepts(Circuit(3).h(0), line())


def test_check_backend_on_compilation_targets():
    report = check_backend(line())
    assert not report.failures
    assert [c.name for c in report.skipped] == ["execution"]
    assert not check_backend(Backend("sim")).failures
    directed = Backend("dir", 2, nx.DiGraph([(0, 1)]), ["cx", "h"])
    assert not check_backend(directed).failures


class DenseBackend(Backend):
    """Executes small circuits exactly with qloom.testing.dense, sampling with the seed."""

    def __init__(self, name: str = "dense", natives=("h", "cx", "x", "rz")) -> None:
        super().__init__(name, 3, [(0, 1), (1, 2)], natives)

    def key(self, bits: list[int]) -> str:
        return "".join(str(b) for b in reversed(bits))  # clbit 0 rightmost

    def rng(self, seed: int | None) -> np.random.Generator:
        return np.random.default_rng(seed)

    def run(self, circuit: Circuit, shots: int, seed: int | None) -> Result:
        probs = probabilities(circuit)
        measures = [(op.qubits[0], op.clbits[0]) for op in circuit if op.name == "measure"]
        draws = self.rng(seed).choice(len(probs), size=shots, p=probs / probs.sum())
        counts: dict[str, int] = {}
        n = circuit.num_qubits
        for index in draws.tolist():
            bits = [0] * circuit.num_clbits
            for q, c in measures:
                bits[c] = (index >> (n - 1 - q)) & 1
            key = self.key(bits)
            counts[key] = counts.get(key, 0) + 1
        return Result(counts, shots, self.name, seed)


class ReversedKeys(DenseBackend):
    """The classic bug: clbit 0 written leftmost."""

    def key(self, bits: list[int]) -> str:
        return "".join(str(b) for b in bits)


class IgnoresSeed(DenseBackend):
    def rng(self, seed: int | None) -> np.random.Generator:
        return np.random.default_rng()


class AcceptsAnyQubit(DenseBackend):
    def __contains__(self, item: object) -> bool:
        return isinstance(item, int) or super().__contains__(item)


def test_check_backend_passes_a_correct_executing_backend():
    report = check_backend(DenseBackend())
    names = [c.name for c in report.checks if c.status == "pass"]
    assert any("GHZ on 3 qubits" in n for n in names)
    assert any("basis state" in n for n in names)


@pytest.mark.parametrize(
    ("backend", "failure"),
    [
        (ReversedKeys(), "clbit 0 rightmost"),
        (IgnoresSeed(), "the same seed gives the same counts"),
        (AcceptsAnyQubit(), "qubit 3 (out of range) is refused"),
    ],
    ids=["reversed-keys", "ignores-seed", "accepts-any-qubit"],
)
def test_check_backend_lists_every_failure(backend, failure):
    with pytest.raises(AssertionError, match="conformance check") as info:
        check_backend(backend)
    assert failure in str(info.value)


def test_check_backend_says_what_its_natives_cannot_express():
    report = check_backend(DenseBackend(natives=("rz", "cx")))
    skipped = {c.name: c.detail for c in report.skipped}
    assert "superposition" in skipped["GHZ distribution"]


# -- passes ------------------------------------------------------------------------------------


class Reverse(Pass):
    """Place logical i on physical n-1-i; optionally record a wrong layout."""

    kind = "placers"
    option_defaults: ClassVar[Mapping[str, Any]] = {"lie": False}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        n = circuit.num_qubits
        perm = [n - 1 - q for q in range(n)]
        if not self.option("lie"):
            context.compose(Layout(tuple(perm)))
        return circuit.remap(perm)


class Shuffle(Pass):
    """A random placement that ignores the seed it is given (a determinism bug)."""

    kind = "placers"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        perm = [int(p) for p in np.random.default_rng().permutation(circuit.num_qubits)]
        context.compose(Layout(tuple(perm)))
        return circuit.remap(perm)


class AddH(Pass):
    """Prepend h h on qubit 0 (the identity, written with a gate some backends lack)."""

    kind = "optimizers"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return circuit.copy_empty().h(0).h(0).extend(circuit)


def bench() -> list[Circuit]:
    measured = Circuit(3).h(0).cx(0, 1).cx(1, 2)
    measured.measure_all()
    return [sample(), measured, Circuit(4).ccx(0, 1, 3).swap(2, 0)]


def test_check_pass_accepts_a_correct_pass():
    report = check_pass(Reverse(), [Backend("sim")], bench())
    assert not report.failures and len(report.checks) == 9
    check_pass(Pipeline([Reverse(), AddH()]), [Backend("sim")], bench())


def test_check_pass_catches_a_wrong_layout():
    with pytest.raises(AssertionError) as info:
        check_pass(Reverse(lie=True), [Backend("sim")], bench())
    assert "equivalent" in str(info.value) and "3 conformance check(s) failed" in str(info.value)


def test_check_pass_catches_nondeterminism():
    with pytest.raises(AssertionError, match="deterministic"):
        check_pass(Shuffle(), [Backend("sim")], [Circuit(6).h(0).cx(0, 5)])


def test_check_pass_expectation_of_acceptance():
    target = Backend("native", 3, None, ["cx", "x"])
    with pytest.raises(AssertionError, match=r"transpiles.*BackendViolation"):
        check_pass(AddH(), [target], [Circuit(3).cx(0, 1)])
    report = check_pass(AddH(), [target], [Circuit(3).cx(0, 1)], expect_accepted=False)
    assert not report.failures


# -- strategies --------------------------------------------------------------------------------


@SETTINGS
@given(circuits(max_qubits=4, max_ops=10))
def test_circuits_are_within_bounds(circuit):
    assert 1 <= circuit.num_qubits <= 4 and len(circuit) <= 10
    assert all(op.name in GATES and op.name != "unitary" for op in circuit)


@SETTINGS
@given(circuits(max_qubits=3, max_ops=8, gates=["cx", "unitary"], max_unitary_qubits=2))
def test_circuits_with_chosen_gates_and_unitaries(circuit):
    for op in circuit:
        assert op.name in ("cx", "unitary")
        if op.name == "unitary":
            m = np.array(op.params).reshape(2 ** len(op.qubits), -1)
            assert np.allclose(m.conj().T @ m, np.eye(len(m)))


def test_circuits_rejects_bad_gate_lists():
    with pytest.raises(ValueError, match="barrier"):
        circuits(gates=["barrier"])
    with pytest.raises(ValueError, match="at least 3 qubits"):
        circuits(max_qubits=2, gates=["ccx"])
    assert "unitary" not in library_gates() and "measure" not in library_gates()


@SETTINGS
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(st.just(n), coupling_maps(n))))
def test_coupling_maps_are_connected(case):
    n, graph = case
    assert sorted(graph.nodes) == list(range(n)) and nx.is_connected(graph)
    assert not any(a == b for a, b in graph.edges)


def test_strategies_explain_a_missing_hypothesis(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ImportError, match="pip install hypothesis"):
        circuits()
