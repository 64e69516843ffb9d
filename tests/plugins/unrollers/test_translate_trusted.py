"""``Translator.translate`` builds its output from checked templates, unchecked per gate.

The reference is the per-gate path it replaced: expand each gate and ``append`` every
native step (checked and normalised one at a time). Both must give the same circuit,
down to the types of qubits and parameters, on fresh and on warm caches.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Backend, Circuit, CircuitError
from qloom.gates import DIRECTIVES
from qloom.testing import circuits
from qloom_unrollers.translate import Translator, decompose_wide
from support.trusted import assert_rebuilds_as_checked, typed

from .conftest import NATIVE_SETS, all_to_all, directed_line, line_circuits

SLOW = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEYS = sorted(NATIVE_SETS)


def checked_translation(backend: Backend, circuit: Circuit) -> Circuit:
    """Every gate expanded and its steps appended one by one, each checked."""
    translator = Translator(backend)
    natives = backend.natives
    assert natives is not None
    out = circuit.copy_empty()
    for op in circuit:
        native = op.name in natives and (
            len(op.qubits) != 2 or translator.directions(*op.qubits) != ((1, 0),)
        )
        if op.name in DIRECTIVES or native:
            out.extend((op,))
            continue
        for name, qubits, params in translator._expand(op.name, op.params, op.qubits):
            out.append(name, qubits, params, (), op.condition)
    return out


def assert_same_as_checked(backend: Backend, circuit: Circuit) -> None:
    expected = checked_translation(backend, circuit)
    translator = Translator(backend)
    for _ in range(2):  # cold, then every template cached
        out = translator.translate(circuit)
        assert out == expected
        assert typed(out) == typed(expected)
        assert (out.qregs, out.cregs) == (expected.qregs, expected.cregs)


@pytest.mark.parametrize("key", KEYS)
@SLOW
@given(circuit=line_circuits())
def test_directed_pairs_translate_as_the_checked_path_does(key, circuit):
    assert_same_as_checked(directed_line(key), circuit)


@pytest.mark.parametrize("key", KEYS)
@SLOW
@given(circuit=circuits(max_qubits=4, max_ops=20, gates=None, max_unitary_qubits=3))
def test_any_circuit_translates_as_the_checked_path_does(key, circuit):
    assert_same_as_checked(all_to_all(key), circuit)


def test_conditions_measures_and_barriers_as_the_checked_path():
    circuit = Circuit(3, 2).h(0).cx(0, 1).barrier().measure(0, 0)
    circuit.append("ry", (1,), (0.25,), condition=("c", 1))
    circuit.append("cx", (2, 1), condition=("c", 0))
    circuit.append("ccx", (0, 1, 2), condition=("c", 1))
    circuit.measure(1, 1)
    for key in KEYS:
        assert_same_as_checked(directed_line(key, 3), circuit)


def test_a_template_is_checked_when_it_is_made(monkeypatch):
    translator = Translator(all_to_all("ibm-cz", 2))
    monkeypatch.setattr(translator, "_pair", lambda *args: [("cz", (0, 0), ())])
    with pytest.raises(CircuitError, match="'cz' repeats a qubit"):
        translator.translate(Circuit(2).cx(0, 1))


def test_repeated_gates_and_signed_zeros_as_the_checked_path():
    circuit = Circuit(3, 1)
    for zero in (0.0, -0.0, 0.0):
        for qubit in (0, 1):
            circuit.rz(zero, qubit).ry(zero, qubit).rx(1.5, qubit).h(qubit)
            circuit.append("ry", (qubit,), (zero,), condition=("c", 1))
        circuit.rzz(zero, 0, 1).cp(zero, 1, 0).cx(0, 1).cx(1, 2).cx(2, 1).cz(1, 2)
        circuit.append("cx", (0, 1), condition=("c", 0))
    for key in KEYS:
        assert_same_as_checked(directed_line(key, 3), circuit)
        assert_same_as_checked(all_to_all(key, 3), circuit)


@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=15, max_unitary_qubits=3))
def test_decompose_builds_what_a_checked_rebuild_gives(circuit):
    out = decompose_wide(circuit)
    assert_rebuilds_as_checked(out)
    assert all(len(op.qubits) <= 2 for op in out)
