"""Gate builders: one real method per library gate, with the signature ``help()`` shows."""

from __future__ import annotations

import inspect
import math
import pydoc

import pytest

from qloom import Circuit, Operation
from qloom.builders import GateBuilders
from qloom.gates import GATES
from support import builder_source


def test_builders_file_is_generated_from_gates():
    text = builder_source.TARGET.read_text(encoding="utf-8")
    assert text == builder_source.render(), (
        "core/src/qloom/builders.py differs from GATES: run python tests/support/builder_source.py"
    )


@pytest.mark.parametrize("gate", builder_source.builder_gates(), ids=lambda g: g.name)
def test_every_gate_has_a_builder_with_its_signature(gate):
    method = getattr(Circuit, gate.name)
    assert method is getattr(GateBuilders, gate.name)
    params = list(inspect.signature(method).parameters.values())[1:]
    nparams, nqubits = gate.num_params or 0, gate.num_qubits or 0
    assert len(params) == nparams + nqubits
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty for p in params)
    assert [p.annotation for p in params] == [float] * nparams + [int] * nqubits
    assert [p.name for p in params[nparams:]] == list(builder_source.qubit_names(gate))
    assert method.__doc__ and gate.name in method.__doc__

    angles = [0.1 * (i + 1) for i in range(nparams)]
    qubits = list(range(nqubits))[::-1]
    c = Circuit(nqubits)
    assert method(c, *angles, *qubits) is c
    assert c.operations == (Operation(gate.name, tuple(qubits), tuple(angles)),)
    by_keyword = Circuit(nqubits)
    method(by_keyword, **{p.name: v for p, v in zip(params, angles + qubits, strict=True)})
    assert by_keyword == c


def test_gates_without_builders_are_exactly_the_variadic_and_directives():
    with_builder = {g.name for g in builder_source.builder_gates()}
    assert set(GATES) - with_builder == {"unitary", "measure", "reset", "barrier"}
    for name in ("unitary", "measure", "reset", "barrier"):
        assert callable(getattr(Circuit, name))  # written by hand, with their own signatures


def test_help_shows_the_real_signature():
    text = pydoc.render_doc(Circuit.rz, renderer=pydoc.plaintext)
    assert "rz(self, theta: float, qubit: int) -> 'Circuit'" in text
    assert "rotation about Z" in text
    assert str(inspect.signature(Circuit.cu3)) == (
        "(self, theta: float, phi: float, lam: float, control: int, target: int) -> 'Circuit'"
    )
    assert str(inspect.signature(Circuit.ccx)) == (
        "(self, control1: int, control2: int, target: int) -> 'Circuit'"
    )


def test_builders_check_their_arguments_like_append():
    c = Circuit(2)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'target'"):
        c.cx(0)
    with pytest.raises(TypeError, match="takes 3 positional arguments but 4 were given"):
        c.rz(0.5, 0, 1)
    c.rz(theta=math.pi, qubit=1)
    assert c[0] == Operation("rz", (1,), (math.pi,))


def test_a_gate_without_parameter_names_cannot_be_rendered(monkeypatch):
    monkeypatch.delitem(builder_source.PARAMS, "rz")
    with pytest.raises(ValueError, match="name the 1 parameters of 'rz'"):
        builder_source.render()


def test_the_api_reference_shows_every_builder():
    """The reference page renders ``qloom.builders``, and griffe (what mkdocstrings reads,
    statically) sees each builder's parameters: builders attached at import would be absent."""
    page = builder_source.TARGET.parents[3] / "docs" / "reference" / "circuit.md"
    if not page.is_file():
        pytest.skip("docs/ is not beside the tests (installed test run)")
    assert "::: qloom.builders" in page.read_text(encoding="utf-8").splitlines()
    griffe = pytest.importorskip("griffe")
    module = griffe.load("qloom.builders", search_paths=[str(builder_source.TARGET.parents[1])])
    members = module["GateBuilders"].members
    for gate in builder_source.builder_gates():
        names = [p.name for p in members[gate.name].parameters][1:]
        assert names == [*builder_source.param_names(gate), *builder_source.qubit_names(gate)]
