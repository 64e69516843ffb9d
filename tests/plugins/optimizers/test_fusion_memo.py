"""The memo of 1q fusion: the same output as synthesising every run, bit for bit, and each
distinct run synthesised once (issue 17 item 4)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qloom_optimizers.runs as runs_module
from qloom import Circuit, Operation
from qloom_optimizers.fusion import fuse_single_qubit_runs
from qloom_optimizers.matrices import matrix_of, unitary_op
from qloom_unrollers.synthesis import synthesize_1q

NATIVES = [frozenset({"cz", "rz", "sx", "x"}), frozenset({"cx", "u"}), None]
ANGLES = [0.0, -0.0, 0.5, -0.5, np.pi / 2, np.pi, 1e-13, 2.25]
GATES_1Q = st.one_of(
    st.sampled_from(["h", "x", "sx", "s", "t", "tdg"]).map(lambda name: (name, ())),
    st.tuples(st.sampled_from(["rz", "rx", "ry"]), st.tuples(st.sampled_from(ANGLES))),
    st.tuples(st.just("u"), st.tuples(*[st.sampled_from(ANGLES)] * 3)),
)


def unmemoised(circuit: Circuit, natives: frozenset[str] | None) -> Circuit:
    """The fusion as it was before the memo: every run multiplied and synthesised."""
    out: list[Operation] = []
    runs: dict[int, list[Operation]] = {}

    def flush(qubit: int) -> None:
        run = runs.pop(qubit, None)
        if not run:
            return
        foreign = natives is not None and any(op.name not in natives for op in run)
        if len(run) == 1 and not foreign:
            out.extend(run)
            return
        product = np.eye(2, dtype=complex)
        for op in run:
            product = matrix_of(op.name, tuple(op.params)) @ product
        gates = synthesize_1q(product, natives)
        if len(gates) < len(run) or foreign:
            out.extend(Operation(name, (qubit,), tuple(params)) for name, params in gates)
        else:
            out.extend(run)

    for op in circuit:
        if len(op.qubits) == 1 and unitary_op(op):
            runs.setdefault(op.qubits[0], []).append(op)
            continue
        for qubit in op.qubits:
            flush(qubit)
        if op.name == "barrier" and not op.qubits:
            for qubit in list(runs):
                flush(qubit)
        out.append(op)
    for qubit in sorted(runs):
        flush(qubit)
    return circuit.copy_with(out)


def exact(circuit: Circuit) -> list[tuple[str, tuple[int, ...], str]]:
    """The operations with their parameters as ``repr`` (keeps -0.0 apart from 0.0)."""
    return [(op.name, op.qubits, repr(tuple(op.params))) for op in circuit]


@st.composite
def runs_between_entanglers(draw: st.DrawFn) -> Circuit:
    circuit = Circuit(3)
    for _ in range(draw(st.integers(1, 6))):
        for qubit in range(3):
            for name, params in draw(st.lists(GATES_1Q, max_size=4)):
                circuit.append(name, [qubit], params)
        a, b = draw(st.sampled_from([(0, 1), (1, 2), (2, 0)]))
        circuit.append("cz", [a, b])
    return circuit


@settings(max_examples=150, derandomize=True, deadline=None)
@given(circuit=runs_between_entanglers(), natives=st.sampled_from(NATIVES))
def test_memoised_fusion_is_bit_identical_to_synthesising_every_run(circuit, natives):
    expected = exact(unmemoised(circuit, natives))
    assert exact(fuse_single_qubit_runs(circuit, natives)) == expected
    assert exact(fuse_single_qubit_runs(circuit, natives)) == expected  # now from the memo


def test_each_distinct_run_is_synthesised_once(monkeypatch: pytest.MonkeyPatch):
    calls: list[int] = []

    def counted(matrix: np.ndarray, natives: frozenset[str] | None) -> list:
        calls.append(1)
        return synthesize_1q(matrix, natives)

    monkeypatch.setattr(runs_module, "synthesize_1q", counted)
    runs_module._fuse_memo.cache_clear()  # runs synthesised by earlier tests would not count
    circuit = Circuit(4)
    for _ in range(5):
        for qubit in range(4):
            circuit.h(qubit).rz(0.25, qubit).h(qubit)
        circuit.cz(0, 1).cz(2, 3)
    natives = frozenset({"cz", "rz", "sx", "x"})
    fused = fuse_single_qubit_runs(circuit, natives)
    assert len(calls) == 1
    assert exact(fused) == exact(unmemoised(circuit, natives))


def test_a_run_with_a_signed_zero_is_not_taken_for_its_twin():
    natives = frozenset({"cz", "rz", "sx", "x"})
    plus = Circuit(1).h(0).rz(0.0, 0).h(0).rx(0.0, 0)
    minus = Circuit(1).h(0).rz(-0.0, 0).h(0).rx(-0.0, 0)
    for circuit in (plus, minus, plus):
        assert exact(fuse_single_qubit_runs(circuit, natives)) == exact(
            unmemoised(circuit, natives)
        )
