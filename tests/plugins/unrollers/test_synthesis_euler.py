"""One-qubit synthesis: every Euler basis exact, the fewest gates, only native gates."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis import SynthesisError, one_qubit_bases, synthesize_1q
from support.natives import BASIS_NATIVES, SPECIAL

from .conftest import NATIVE_SETS, haar

PI = math.pi
SEEDS = st.integers(0, 2**32 - 1)


def sequence_matrix(gates: list[tuple[str, tuple[float, ...]]]) -> np.ndarray:
    out = np.eye(2, dtype=complex)
    for name, params in gates:
        out = gate_matrix(name, params) @ out
    return out


def assert_same_up_to_phase(actual: np.ndarray, expected: np.ndarray, atol: float = 1e-9) -> None:
    overlap = np.vdot(actual, expected)
    assert abs(overlap) > 0.5 * expected.shape[0]
    assert np.linalg.norm(actual * overlap / abs(overlap) - expected, 2) < atol


def check(
    matrix: np.ndarray, natives: frozenset[str] | None
) -> list[tuple[str, tuple[float, ...]]]:
    gates = synthesize_1q(matrix, natives)
    assert_same_up_to_phase(sequence_matrix(gates), matrix)
    if natives is not None:
        assert {name for name, _ in gates} <= natives
    for _, params in gates:
        assert all(isinstance(p, float) and -PI - 1e-12 <= p <= PI + 1e-12 for p in params)
    return gates


# -- exactness ---------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS)
def test_haar_random_unitaries_in_every_basis(seed):
    matrix = haar(seed, 2)
    for natives in [*BASIS_NATIVES.values(), None]:
        check(matrix, natives)


@pytest.mark.parametrize("basis", sorted(BASIS_NATIVES))
@pytest.mark.parametrize(("gate", "params"), SPECIAL, ids=lambda v: str(v))
def test_special_gates_in_every_basis(basis, gate, params):
    check(gate_matrix(gate, params), BASIS_NATIVES[basis])


@pytest.mark.parametrize("key", sorted(NATIVE_SETS))
@settings(max_examples=10, deadline=None)
@given(seed=SEEDS)
def test_issue_native_sets(key, seed):
    check(haar(seed, 2), NATIVE_SETS[key])


def test_near_identity_products_from_fusion():
    matrix = gate_matrix("h") @ gate_matrix("h") @ (np.eye(2) + 1e-14 * haar(3, 2))
    for natives in [*BASIS_NATIVES.values(), None]:
        assert synthesize_1q(matrix, natives) == []


# -- fewest gates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "gate", "params", "count"),
    [
        ("ZSX+x", "id", (), 0),
        ("ZSX+x", "rz", (0.3,), 1),
        ("ZSX+x", "t", (), 1),
        ("ZSX+x", "z", (), 1),
        ("ZSX+x", "x", (), 1),
        ("ZSX+x", "sx", (), 1),
        ("ZSX+x", "y", (), 2),
        ("ZSX+x", "sxdg", (), 2),
        ("ZSX+x", "h", (), 3),
        ("ZSX+x", "rx", (PI / 2,), 1),
        ("ZSX+x", "ry", (PI / 2,), 3),
        ("ZSX+x", "ry", (0.3,), 4),
        ("ZSX", "x", (), 2),
        ("ZSX+sxdg", "sxdg", (), 1),
        ("PSX", "rz", (0.3,), 1),
        ("U", "h", (), 1),
        ("U", "id", (), 0),
        ("ZYZ", "ry", (0.3,), 1),
        ("ZYZ", "h", (), 2),
        ("ZYZ", "rx", (0.3,), 3),
        ("ZXZ", "rx", (0.3,), 1),
        ("XYX", "rz", (0.3,), 3),
        ("XYX", "ry", (0.3,), 1),
        ("RXYZ", "h", (), 2),
        ("PRX", "x", (), 1),
        ("PRX", "ry", (0.3,), 1),
        ("PRX", "h", (), 2),
        ("PRX", "rz", (0.3,), 2),
        ("PRX+rz", "rz", (0.3,), 1),
        ("GPI", "x", (), 1),
        ("GPI", "sx", (), 1),
        ("GPI", "rz", (0.3,), 2),
        ("GPI", "h", (), 2),
        ("GPI", "t", (), 2),
        ("GPI2+rz", "sx", (), 1),
        ("GPI2+rz", "t", (), 1),
    ],
)
def test_fewest_gates(basis, gate, params, count):
    assert len(check(gate_matrix(gate, params), BASIS_NATIVES[basis])) == count


@pytest.mark.parametrize("basis", ["ZSX+x", "ZYZ", "ZXZ", "XYX", "U", "RXYZ"])
def test_at_most_three_or_five_gates(basis):
    limit = 5 if basis.startswith("ZSX") else 3
    for seed in range(20):
        assert len(check(haar(seed, 2), BASIS_NATIVES[basis])) <= limit


def test_two_pulses_always_suffice_for_prx():
    for seed in range(50):
        assert len(check(haar(seed, 2), BASIS_NATIVES["PRX"])) <= 2


def test_three_pulses_always_suffice_for_gpi():
    for seed in range(50):
        assert len(check(haar(seed, 2), BASIS_NATIVES["GPI"])) <= 3


def test_virtual_z_wins_ties():
    natives = frozenset({"u", "rz"})
    assert synthesize_1q(gate_matrix("t"), natives) == [("rz", (pytest.approx(PI / 4),))]
    assert [name for name, _ in synthesize_1q(gate_matrix("h"), natives)] == ["u"]


def test_unconstrained_uses_the_shortest_library_gates():
    assert synthesize_1q(gate_matrix("rz", (0.3,)), None) == [("rz", (pytest.approx(0.3),))]
    assert synthesize_1q(gate_matrix("x"), None) == [("x", ())]
    assert synthesize_1q(gate_matrix("sx"), None) == [("sx", ())]
    assert [name for name, _ in synthesize_1q(gate_matrix("h"), None)] == ["u"]
    assert synthesize_1q(np.eye(2), None) == []


def test_angles_are_normalised():
    gates = synthesize_1q(gate_matrix("rz", (3 * PI / 2,)), BASIS_NATIVES["ZSX"])
    assert gates == [("rz", (pytest.approx(-PI / 2),))]
    gates = synthesize_1q(gate_matrix("rz", (-PI,)), BASIS_NATIVES["ZSX"])
    assert gates == [("rz", (pytest.approx(PI),))]


def test_deterministic():
    matrix = haar(11, 2)
    for natives in BASIS_NATIVES.values():
        assert synthesize_1q(matrix, natives) == synthesize_1q(matrix.copy(), natives)


# -- bases and errors --------------------------------------------------------------------------


def test_bases_the_natives_allow():
    assert one_qubit_bases(frozenset({"cx", "rz", "sx", "x"})) == ["ZSX"]
    assert one_qubit_bases(frozenset({"cz", "prx"})) == ["PRX"]
    assert one_qubit_bases(frozenset({"gpi", "gpi2", "ms"})) == ["GPI"]
    assert one_qubit_bases(frozenset({"rzz", "u"})) == ["U"]
    assert set(one_qubit_bases(frozenset({"rx", "ry", "rz", "cz"}))) == {
        "ZYZ",
        "ZXZ",
        "XYX",
        "XZX",
        "YXY",
        "YZY",
    }
    assert {"ZSX", "U", "ZYZ", "PRX", "GPI"} <= set(one_qubit_bases(None))
    assert one_qubit_bases(frozenset({"cx", "h", "t"})) == []


def test_no_basis_is_an_error_except_for_the_identity():
    with pytest.raises(SynthesisError, match="no universal one-qubit basis"):
        synthesize_1q(gate_matrix("t"), frozenset({"cx", "h"}))
    assert synthesize_1q(np.eye(2), frozenset({"cx"})) == []


def test_not_a_unitary_is_an_error():
    with pytest.raises(SynthesisError):
        synthesize_1q(np.zeros((2, 2)), None)
