"""``unrollers:basis`` and ``unrollers:decompose``: exact, native, in accepted directions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Backend, Circuit, PassContext, PassError, transpile
from qloom.gates import gate_matrix
from qloom.testing import assert_equivalent, check_pass, circuits
from qloom_unrollers.passes import Decompose
from qloom_unrollers.plan import plan_for

from .conftest import NATIVE_SETS, all_to_all, directed_line, haar, line_circuits

BASIS = {"name": "basis", "passes": ["unrollers:basis"]}
SLOW = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEYS = sorted(NATIVE_SETS)


@pytest.mark.parametrize("key", KEYS)
@SLOW
@given(circuit=circuits(max_qubits=4, max_ops=20, gates=None, max_unitary_qubits=2))
def test_any_library_circuit_becomes_native_on_every_native_set(key, circuit):
    check_pass(BASIS, [all_to_all(key)], [circuit], seed=1)


@pytest.mark.parametrize("key", KEYS)
@SLOW
@given(
    circuit=circuits(max_qubits=4, max_ops=12, gates=["h", "cx", "unitary"], max_unitary_qubits=2)
)
def test_random_unitaries_become_native_on_every_native_set(key, circuit):
    check_pass(BASIS, [all_to_all(key)], [circuit], seed=1)


@pytest.mark.parametrize("key", KEYS)
@SLOW
@given(circuit=line_circuits())
def test_gates_on_directed_pairs_are_turned_around(key, circuit):
    check_pass(BASIS, [directed_line(key)], [circuit], seed=1)


def test_three_qubit_unitaries_are_synthesised():
    circuit = Circuit(3).unitary(haar(5, 8), [2, 0, 1]).ccx(0, 1, 2)
    check_pass(BASIS, [all_to_all("ibm-cz", 3)], [circuit])


@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=15, max_unitary_qubits=3))
def test_decompose_leaves_nothing_wider_than_two_qubits(circuit):
    line = Backend("line", 5, [(i, i + 1) for i in range(4)], default_pipeline="identity")
    out = Decompose().run(circuit, PassContext(line))
    assert all(len(op.qubits) <= 2 for op in out)
    assert_equivalent(circuit, out)


def test_paths_are_found_through_the_table_not_per_vendor():
    ions = plan_for(NATIVE_SETS["ions"])
    assert ions.costs["cx"][0] == 1 and ions.costs["swap"][0] == 3
    assert ions.costs["ccx"][0] == 6
    quantinuum = plan_for(NATIVE_SETS["quantinuum"])
    assert quantinuum.costs["rxx"][0] == 1 and quantinuum.costs["cx"][0] == 1


def test_kak_beats_a_longer_table_path():
    """ch's textbook rule takes two cx; it is locally a single cz."""
    out = transpile(Circuit(2).ch(0, 1), on=all_to_all("ibm-cz", 2), transpiler=BASIS)
    assert out.count_ops()["cz"] == 1


@pytest.mark.parametrize(
    ("key", "entangler"), [("ibm-cz", "cz"), ("quantinuum", "rzz"), ("ions", "ms")]
)
def test_one_entangler_per_controlled_phase(key, entangler):
    circuit = Circuit(2).cp(0.3, 0, 1)
    out = transpile(circuit, on=all_to_all(key, 2), transpiler=BASIS)
    expected = 1 if key != "ibm-cz" else 2
    assert out.count_ops()[entangler] == expected


def test_natives_without_a_one_qubit_basis_are_reported():
    backend = Backend("cx-only", 2, None, ["cx"], default_pipeline="identity")
    with pytest.raises(PassError, match=r"SynthesisError: the natives \['cx'\] have no universal"):
        transpile(Circuit(2).h(0).cx(0, 1), on=backend, transpiler=BASIS)


def test_native_circuits_pass_through_unchanged():
    circuit = Circuit(2).rz(0.5, 0).sx(1).cz(0, 1).x(0).measure_all()
    out = transpile(circuit, on=all_to_all("ibm-cz", 2), transpiler=BASIS)
    assert list(out) == list(circuit)


def test_conditions_and_measurements_are_kept():
    circuit = Circuit(2, 2).h(0).cx(0, 1).measure(0, 0)
    circuit.append("h", (1,), condition=("c", 1))
    circuit.measure(1, 1)
    out = transpile(circuit, on=all_to_all("ibm-cz", 2), transpiler=BASIS)
    conditioned = [op for op in out if op.condition is not None]
    assert conditioned and all(op.qubits == (1,) and op.condition == ("c", 1) for op in conditioned)
    product = np.eye(2)
    for op in conditioned:
        product = gate_matrix(op.name, op.params) @ product
    overlap = np.vdot(product, gate_matrix("h"))
    assert abs(abs(overlap) - 2) < 1e-9
    assert [op.clbits for op in out if op.name == "measure"] == [(0,), (1,)]
