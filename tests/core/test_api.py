"""transpile and execute: defaults, validation, layouts and logical-order results."""

from __future__ import annotations

import re

import pytest

import qloom
from qloom import Backend, BackendViolation, Circuit, Layout, PassError, Pipeline, QloomError
from qloom.testing import assert_backend_accepts, assert_equivalent
from support.parts import AppendIdentity, BasisStateBackend, Explode, ReverseQubits


def test_identity_transpile_returns_a_copy_with_trivial_layout():
    c = Circuit(2).h(0).cx(0, 1)
    out = qloom.transpile(c, on=Backend("sim"), seed=3)
    assert out == c and out is not c and c.layout is None
    assert out.layout == Layout.trivial(2)
    assert_equivalent(c, out)


def test_transpile_validates_against_the_backend():
    line = Backend("line", 3, [(0, 1), (1, 2)], ["cx", "x"], default_pipeline="identity")
    with pytest.raises(
        BackendViolation,
        match=re.escape(
            "operation 0 (output of pipeline 'identity'): cx on qubits [0, 2]: pair (0, 2)"
        ),
    ):
        qloom.transpile(Circuit(3).cx(0, 2), on=line)


def test_transpile_is_deterministic_under_a_seed():
    pipeline = Pipeline([AppendIdentity(), AppendIdentity()])
    outcomes = [
        qloom.api.run_pipeline(Circuit(1), Backend("sim"), pipeline, seed=11) for _ in range(2)
    ]
    assert outcomes[0].properties == outcomes[1].properties
    assert outcomes[0].seed == 11


def test_permuting_pipeline_records_layout_and_results_stay_logical():
    backend = BasisStateBackend("3")
    circuit = Circuit(3).x(0).cx(0, 1)  # logical state: q0=1, q1=1, q2=0
    plain = qloom.execute(circuit, on=backend, shots=10, seed=1)
    permuted = qloom.execute(
        circuit, on=backend, transpiler=Pipeline([ReverseQubits()]), shots=10, seed=1
    )
    assert plain.counts == permuted.counts == {"011": 10}
    assert permuted.layout == Layout((2, 1, 0), (0, 1, 2))
    out = qloom.transpile(circuit, on=backend, transpiler=ReverseQubits())
    assert [op.qubits for op in out] == [(2,), (2, 1)]
    assert_equivalent(circuit, out)
    assert_backend_accepts(out, backend)


def test_execute_measures_unmeasured_circuits_into_meas():
    result = qloom.execute(Circuit(2).x(1), on=BasisStateBackend("2"), shots=5)
    assert result.counts == {"10": 5} and result.shots == 5
    assert result.metadata["pipeline"] == "identity" and isinstance(result.metadata["seed"], int)


def test_execute_refuses_targets_and_bad_shots():
    with pytest.raises(QloomError, match="compilation target only"):
        qloom.execute(Circuit(1).x(0), on=Backend("target", 1))
    with pytest.raises(QloomError, match="shots must be at least 1"):
        qloom.execute(Circuit(1), on=BasisStateBackend(), shots=0)


def test_failing_pass_surfaces_as_pass_error():
    with pytest.raises(PassError, match=r"pass 'routers:explode'.*ZeroDivisionError"):
        qloom.transpile(Circuit(1), on=Backend("sim"), transpiler=Explode())


def test_set_backend_is_used_by_execute():
    qloom.set_backend(BasisStateBackend("2"))
    assert qloom.execute(Circuit(2).x(0), shots=3).counts == {"01": 3}
