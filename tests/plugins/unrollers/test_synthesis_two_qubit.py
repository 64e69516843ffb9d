"""Two-qubit synthesis: the issue's acceptance test (at most 3 CX/CZ/ECR for any 4x4 unitary,
1 for gates locally equivalent to CX, 2 when the Weyl coordinates allow), parametric
entanglers, directions, and agreement with ``num_entanglers``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis import (
    Entangler,
    SynthesisError,
    canonical_gate,
    entanglers,
    num_entanglers,
    synthesize_1q,
    synthesize_2q,
)

from .conftest import NATIVE_SETS, assert_same_up_to_phase, haar, matrix_of

CX_LIKE = {
    "cx": NATIVE_SETS["ibm-cx"],
    "cz": NATIVE_SETS["ibm-cz"],
    "ecr": NATIVE_SETS["ibm-ecr"],
    "cz-prx": NATIVE_SETS["iqm"],
}
PARAMETRIC = {
    "rzz": NATIVE_SETS["quantinuum"],
    "ms": NATIVE_SETS["ions"],
    "rxx": frozenset({"rxx", "rx", "ry"}),
    "ryy": frozenset({"ryy", "u"}),
    "rzx": frozenset({"rzx", "rz", "sx", "x"}),
    "cp": frozenset({"cp", "u"}),
    "cu1": frozenset({"cu1", "prx"}),
    "crz": frozenset({"crz", "u"}),
    "crx": frozenset({"crx", "u"}),
    "cry": frozenset({"cry", "rz", "ry"}),
}
DIRECTIONS = [((0, 1), (1, 0)), ((0, 1),), ((1, 0),)]
SEEDS = st.integers(0, 2**32 - 1)
PI = math.pi


def local(seed: int) -> np.ndarray:
    return np.kron(haar(seed, 2), haar(seed + 1000, 2))


def two_qubit_count(ops) -> int:
    return sum(1 for _, qubits, _ in ops if len(qubits) == 2)


def check_2q(matrix, natives, directions=DIRECTIONS[0]) -> int:
    """Synthesise; check exact, native, accepted directions, merged runs; the entangler count."""
    ops = synthesize_2q(matrix, natives, directions)
    assert_same_up_to_phase(matrix_of(ops), matrix)
    if natives is not None:
        assert {name for name, _, _ in ops} <= natives
    assert all(len(q) == 1 or q in directions for _, q, _ in ops)
    assert_runs_are_merged(ops, natives)
    count = two_qubit_count(ops)
    assert count == num_entanglers(matrix, natives, directions)
    return count


def assert_runs_are_merged(ops, natives) -> None:
    """Between entanglers each qubit has one run of one-qubit gates, already the shortest."""
    runs: dict[int, list] = {0: [], 1: []}

    def close(qubit):
        run = runs[qubit]
        if run:
            product = np.eye(2, dtype=complex)
            for name, params in run:
                product = gate_matrix(name, params) @ product
            assert len(run) == len(synthesize_1q(product, natives))
        runs[qubit] = []

    for name, qubits, params in ops:
        if len(qubits) == 1:
            runs[qubits[0]].append((name, params))
        else:
            close(0)
            close(1)
    close(0)
    close(1)


# -- the acceptance test -----------------------------------------------------------------


@pytest.mark.parametrize("entangler", sorted(CX_LIKE))
@pytest.mark.parametrize("directions", DIRECTIONS, ids=str)
@settings(max_examples=8, deadline=None)
@given(seed=SEEDS)
def test_haar_random_unitaries_take_three(entangler, directions, seed):
    assert check_2q(haar(seed, 4), CX_LIKE[entangler], directions) == 3


def cx_class() -> list[np.ndarray]:
    cx = gate_matrix("cx")
    exchanged = np.eye(4)[[0, 2, 1, 3]]
    out = [gate_matrix(name) for name in ("cx", "cz", "ecr", "cy", "ch")]
    out += [exchanged @ cx @ exchanged, local(1) @ cx @ local(2), local(3) @ gate_matrix("ecr")]
    out += [gate_matrix("rzz", (PI / 2,)), gate_matrix("cp", (PI,)) @ local(4)]
    return out


def c_zero() -> list[np.ndarray]:
    cx = gate_matrix("cx")
    return [
        cx @ local(5) @ cx,
        cx @ local(6) @ gate_matrix("cz"),
        gate_matrix("rxx", (0.4,)) @ gate_matrix("ryy", (1.1,)),
        gate_matrix("cp", (0.7,)),
        gate_matrix("rzz", (0.3,)) @ local(7),
        gate_matrix("csx"),
        gate_matrix("iswap"),
        gate_matrix("swap") @ cx,
        canonical_gate(0.5, 0.2, 1e-12),
    ]


def three() -> list[np.ndarray]:
    return [
        gate_matrix("swap"),
        canonical_gate(0.4, 0.2, 0.1),
        canonical_gate(0.4, 0.2, -0.1),
        gate_matrix("rxx", (0.4,)) @ gate_matrix("ryy", (1.1,)) @ gate_matrix("rzz", (0.2,)),
        gate_matrix("cx") @ local(8) @ gate_matrix("cx") @ local(9) @ gate_matrix("cx"),
    ]


@pytest.mark.parametrize("entangler", sorted(CX_LIKE))
@pytest.mark.parametrize("directions", DIRECTIONS, ids=str)
def test_counts_follow_the_weyl_coordinates(entangler, directions):
    natives = CX_LIKE[entangler]
    for matrix in cx_class():
        assert check_2q(matrix, natives, directions) == 1
        assert check_2q(local(10) @ matrix @ local(11), natives, directions) == 1
    for matrix in c_zero():
        assert check_2q(local(12) @ matrix, natives, directions) == 2
    for matrix in three():
        assert check_2q(matrix @ local(13), natives, directions) == 3
    assert check_2q(local(14), natives, directions) == 0
    assert synthesize_2q(np.eye(4), natives, directions) == []


def test_a_native_gate_in_an_accepted_direction_stays_one_gate():
    ops = synthesize_2q(gate_matrix("ecr"), NATIVE_SETS["ibm-ecr"], [(0, 1)])
    assert ops == [("ecr", (0, 1), ())]
    reversed_cz = synthesize_2q(gate_matrix("cz"), NATIVE_SETS["ibm-cz"], [(1, 0)])
    assert reversed_cz == [("cz", (1, 0), ())]


# -- parametric entanglers -----------------------------------------------------------------------


@pytest.mark.parametrize("family", sorted(PARAMETRIC))
@pytest.mark.parametrize("directions", DIRECTIONS, ids=str)
def test_parametric_entanglers_take_one_per_nonzero_coordinate(family, directions):
    natives = PARAMETRIC[family]
    assert check_2q(gate_matrix("cp", (0.3,)), natives, directions) == 1
    assert check_2q(gate_matrix("rzz", (1.3,)), natives, directions) == 1
    assert check_2q(gate_matrix("crz", (-2.9,)) @ local(1), natives, directions) == 1
    assert check_2q(gate_matrix("cx"), natives, directions) == 1
    assert check_2q(gate_matrix("iswap"), natives, directions) == 2
    assert check_2q(canonical_gate(0.3, 0.2, 0.0), natives, directions) == 2
    assert check_2q(gate_matrix("swap"), natives, directions) == 3
    assert check_2q(haar(9, 4), natives, directions) == 3
    assert check_2q(local(2), natives, directions) == 0


@pytest.mark.parametrize("key", ["quantinuum", "ions"])
@settings(max_examples=10, deadline=None)
@given(seed=SEEDS)
def test_parametric_haar_random(key, seed):
    assert check_2q(haar(seed, 4), NATIVE_SETS[key]) == 3


def test_ms_angles_stay_between_zero_and_pi_over_two():
    for seed in range(10):
        for name, _, params in synthesize_2q(haar(seed, 4), NATIVE_SETS["ions"]):
            if name == "ms":
                assert 0 <= params[2] <= PI / 2 + 1e-12


def test_parametric_family_is_preferred():
    natives = frozenset({"cx", "rzz", "rz", "sx", "x"})
    ops = synthesize_2q(gate_matrix("cp", (0.4,)), natives)
    assert [name for name, q, _ in ops if len(q) == 2] == ["rzz"]


def test_unconstrained_natives_use_cx():
    ops = synthesize_2q(haar(4, 4), None)
    assert [name for name, q, _ in ops if len(q) == 2] == ["cx"] * 3
    assert check_2q(haar(5, 4), None) == 3


# -- entanglers and errors ------------------------------------------------------------------------


def test_entanglers_in_their_accepted_orientations():
    assert entanglers(NATIVE_SETS["iqm"], [(1, 0)]) == [Entangler("cz", (1, 0), False)]
    assert entanglers(None) == [Entangler("cx", (0, 1), False), Entangler("cx", (1, 0), False)]
    found = entanglers(frozenset({"cx", "rzz", "ch", "swap", "iswap", "u"}), [(0, 1)])
    assert found == [
        Entangler("rzz", (0, 1), True),
        Entangler("cx", (0, 1), False),
        Entangler("ch", (0, 1), False),
    ]
    assert entanglers(frozenset({"swap", "csx", "u"})) == []


def test_no_usable_entangler_is_an_error():
    for natives in (frozenset({"rz", "sx", "swap"}), frozenset({"u", "csx"})):
        with pytest.raises(SynthesisError, match="no entangling gate"):
            synthesize_2q(gate_matrix("cx"), natives)
        with pytest.raises(SynthesisError, match="no entangling gate"):
            num_entanglers(gate_matrix("cx"), natives)


def test_bad_directions_are_an_error():
    with pytest.raises(SynthesisError, match="directions"):
        synthesize_2q(gate_matrix("cx"), None, [])
    with pytest.raises(SynthesisError, match="directions"):
        synthesize_2q(gate_matrix("cx"), None, [(0, 2)])


def test_deterministic():
    matrix = haar(21, 4)
    first = synthesize_2q(matrix, NATIVE_SETS["ibm-ecr"], [(1, 0)])
    assert first == synthesize_2q(matrix.copy(), NATIVE_SETS["ibm-ecr"], [(1, 0)])
