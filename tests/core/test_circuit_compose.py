"""``Circuit.extend(other, qubits=..., clbits=...)`` and ``Circuit.execute(on=...)``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qloom
from qloom import Circuit, CircuitError, Layout, Operation
from qloom.gates import apply_matrix
from qloom.testing import assert_equivalent
from qloom.testing.dense import apply_operations
from qloom.testing.strategies import circuits
from support.parts import BasisStateBackend

SETTINGS = settings(max_examples=40, derandomize=True, deadline=None)


def _unitary(circuit: Circuit) -> np.ndarray:
    n = circuit.num_qubits
    return apply_operations(np.eye(1 << n, dtype=complex), circuit, n)


@st.composite
def placed(draw):
    """A small circuit, a wider circuit, and distinct qubits of the wide one for the small."""
    small = draw(circuits(max_qubits=3, max_ops=12))
    wide = draw(circuits(min_qubits=small.num_qubits, max_qubits=5, max_ops=12))
    qubits = draw(st.permutations(range(wide.num_qubits)))[: small.num_qubits]
    return small, wide, list(qubits)


@SETTINGS
@given(placed())
def test_extend_onto_chosen_qubits_is_the_small_circuit_under_that_layout(case):
    small, wide, qubits = case
    onto = Circuit(wide.num_qubits).extend(small, qubits=qubits)
    assert_equivalent(small, onto, Layout(qubits, tuple(range(wide.num_qubits))))


@SETTINGS
@given(placed())
def test_extend_composes_after_the_existing_operations(case):
    small, wide, qubits = case
    before = wide.copy()
    out = wide.extend(small, qubits=qubits)
    assert out is wide and len(wide) == len(before) + len(small)  # in place, chained
    expected = apply_matrix(_unitary(before), _unitary(small), qubits, wide.num_qubits)
    np.testing.assert_allclose(_unitary(wide), expected, atol=1e-9)


def test_extend_without_qubits_keeps_numbers_and_accepts_operations():
    c = Circuit(3).h(0)
    c.extend(Circuit(2).cx(0, 1))
    c.extend([Operation("x", (2,))])
    c.extend([Operation("cx", (0, 1))], qubits=[2, 1])
    assert [(op.name, op.qubits) for op in c] == [
        ("h", (0,)),
        ("cx", (0, 1)),
        ("x", (2,)),
        ("cx", (2, 1)),
    ]
    c.extend(c)  # its own operations, read before any is added
    assert len(c) == 8


def test_extend_maps_clbits_and_carries_conditions_to_the_register_they_land_on():
    inner = Circuit(1, 1, cregs=[("flag", 1)]).x(0).measure(0, 0)
    inner.append("x", [0], condition=("flag", 1))
    outer = Circuit(3, 3, cregs=[("a", 2), ("b", 1)])
    outer.extend(inner, qubits=[2], clbits=[2])
    assert outer[1] == Operation("measure", (2,), (), (2,))
    assert outer[2].condition == ("b", 1)
    with pytest.raises(CircuitError, match=r"register 'flag' cannot be carried over.*\[1\]"):
        outer.extend(inner, qubits=[0], clbits=[1])


@pytest.mark.parametrize(
    ("qubits", "clbits", "message"),
    [
        ([0], None, "qubits= needs 2 entries, one per qubit, got 1"),
        ([0, 1, 2], None, "qubits= needs 2 entries, one per qubit, got 3"),
        ([1, 1], None, "qubits= repeats qubit 1"),
        ([0, 3], None, "qubits=: qubit 3 out of range for 3 qubits"),
        ([0, -1], None, "qubits=: qubit -1 out of range for 3 qubits"),
        ([0, 1], [0, 0], "clbits= needs 1 entries, one per clbit, got 2"),
        ([0, 1], [5], "clbits=: clbit 5 out of range for 2 clbits"),
    ],
)
def test_extend_refuses_bad_bit_maps_and_adds_nothing(qubits, clbits, message):
    c = Circuit(3, 2).h(0)
    other = Circuit(2, 1).cx(0, 1).measure(1, 0)
    with pytest.raises(CircuitError, match=message.replace("[", "\\[")):
        c.extend(other, qubits=qubits, clbits=clbits)
    assert len(c) == 1


def test_extend_of_a_wider_circuit_asks_for_qubits():
    with pytest.raises(CircuitError, match="use 4 qubits, this circuit has 2: give qubits="):
        Circuit(2).extend(Circuit(4).h(3))
    with pytest.raises(CircuitError, match="use 1 clbits, this circuit has 0: give clbits="):
        Circuit(2).extend(Circuit(1, 1).measure(0, 0))
    with pytest.raises(CircuitError, match="qubits= needs at least 3 entries"):
        Circuit(4).extend([Operation("x", (2,))], qubits=[0, 1])
    c = Circuit(2).h(0)
    with pytest.raises(CircuitError, match="'cx' repeats a qubit"):  # each op is checked too
        c.extend([Operation("x", (0,)), Operation("cx", (1, 1))], qubits=[1, 0])
    assert len(c) == 1


def test_circuit_execute_is_qloom_execute():
    circuit = Circuit(2).x(1)
    mine = circuit.execute(on=BasisStateBackend("2"), shots=7, seed=11)
    theirs = qloom.execute(circuit, on=BasisStateBackend("2"), shots=7, seed=11)
    assert mine.counts == theirs.counts == {"10": 7}
    assert mine.metadata == theirs.metadata and mine.metadata["seed"] == 11
    assert len(circuit) == 1  # measured on a copy, like qloom.execute


def test_circuit_execute_passes_every_option_on():
    with pytest.raises(qloom.QloomError, match="shots must be at least 1"):
        Circuit(1).x(0).execute(on=BasisStateBackend(), shots=0)
    qloom.set_backend(BasisStateBackend("2"))
    assert Circuit(2).x(0).execute(shots=3).counts == {"01": 3}
