"""The template's own tests: the pass keeps the circuit's meaning and drops every id."""

from __future__ import annotations

import qloom
from qloom import Backend, Circuit
from qloom.testing import assert_equivalent, check_pass
from qloom_template import DropIdentity


def test_drop_identity_removes_id_gates():
    circuit = Circuit(2).h(0).id(1).cx(0, 1).id(0)
    out = qloom.transpile(circuit, on=Backend("sim"), transpiler=DropIdentity())
    assert [op.name for op in out] == ["h", "cx"]
    assert out.layout is not None and out.layout.is_trivial()
    assert_equivalent(circuit, out)


def test_conformance():
    circuits = [Circuit(3).h(0).id(1).cx(0, 2).id(2), Circuit(1).id(0).x(0)]
    check_pass(DropIdentity(), [Backend("sim")], circuits)


def test_found_by_name_in_pipelines():
    pipeline = qloom.get_pipeline({"passes": ["optimizers:drop_identity"]})
    assert isinstance(pipeline.passes[0], DropIdentity)
