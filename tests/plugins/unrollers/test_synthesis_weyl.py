"""KAK and Weyl coordinates: exact reconstruction, canonical chamber, degenerate cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from qloom.gates import GATES, gate_matrix
from qloom_unrollers.synthesis import KAK, SynthesisError, canonical_gate, kak, weyl_coordinates

from .conftest import haar

PI4 = math.pi / 4
SEEDS = st.integers(0, 2**32 - 1)
_X = gate_matrix("x")
_Y = gate_matrix("y")
_Z = gate_matrix("z")

TWO_QUBIT_GATES = [
    (name, tuple(0.37 * (k + 1) for k in range(GATES[name].num_params or 0)))
    for name in sorted(GATES)
    if GATES[name].num_qubits == 2 and GATES[name].is_unitary
]


def assert_kak_exact(matrix: np.ndarray) -> KAK:
    d = kak(matrix)
    assert np.linalg.norm(d.matrix() - matrix, 2) < 1e-9  # exact, phase included
    a, b, c = d.coordinates
    assert PI4 + 1e-10 >= a >= b - 1e-12  # a = pi/4 - eps with c < 0 may become pi/4 + eps
    assert b + 1e-12 >= abs(c)
    if abs(a - PI4) < 1e-12:
        assert c >= -1e-12
    for k in (*d.k1, *d.k2):
        assert np.allclose(k.conj().T @ k, np.eye(2), rtol=0, atol=1e-10)
    assert np.allclose(d.coordinates, weyl_coordinates(matrix), rtol=0, atol=1e-9)
    return d


def local(seed: int) -> np.ndarray:
    return np.kron(haar(seed, 2), haar(seed + 1000, 2))


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_haar_random_unitaries(seed):
    assert_kak_exact(haar(seed, 4))


@pytest.mark.parametrize(("name", "params"), TWO_QUBIT_GATES, ids=lambda v: str(v))
def test_library_gates_and_their_products(name, params):
    matrix = gate_matrix(name, params)
    assert_kak_exact(matrix)
    assert_kak_exact(local(3) @ matrix @ local(4))
    assert_kak_exact(matrix @ gate_matrix("cx") @ matrix)


@pytest.mark.parametrize(
    ("gate", "params", "coordinates"),
    [
        ("cx", (), (PI4, 0, 0)),
        ("CX", (), (PI4, 0, 0)),
        ("cz", (), (PI4, 0, 0)),
        ("cy", (), (PI4, 0, 0)),
        ("ch", (), (PI4, 0, 0)),
        ("ecr", (), (PI4, 0, 0)),
        ("iswap", (), (PI4, PI4, 0)),
        ("swap", (), (PI4, PI4, PI4)),
        ("rzz", (0.3,), (0.15, 0, 0)),
        ("rxx", (-0.3,), (0.15, 0, 0)),
        ("cp", (0.8,), (0.2, 0, 0)),
        ("csx", (), (PI4 / 2, 0, 0)),
        ("rzz", (math.pi / 2,), (PI4, 0, 0)),
        ("rzz", (math.pi,), (0, 0, 0)),
    ],
)
def test_coordinates_of_named_gates(gate, params, coordinates):
    assert np.allclose(weyl_coordinates(gate_matrix(gate, params)), coordinates, atol=1e-9)


def test_local_gates_have_zero_coordinates():
    assert weyl_coordinates(np.eye(4)) == pytest.approx((0, 0, 0), abs=1e-12)
    d = assert_kak_exact(local(7))
    assert d.coordinates == pytest.approx((0, 0, 0), abs=1e-9)


def test_canonical_gate_is_the_exponential():
    xx, yy, zz = (np.kron(p, p) for p in (_X, _Y, _Z))
    for a, b, c in [(0.3, -0.2, 0.1), (PI4, PI4, -PI4), (1.3, 2.0, -0.7)]:
        expected = scipy.linalg.expm(1j * (a * xx + b * yy + c * zz))
        assert np.allclose(canonical_gate(a, b, c), expected, rtol=0, atol=1e-12)


def test_coordinates_do_not_change_under_local_gates():
    matrix = haar(5, 4)
    expected = weyl_coordinates(matrix)
    for seed in range(5):
        moved = local(seed) @ matrix @ local(seed + 50)
        assert np.allclose(weyl_coordinates(moved), expected, rtol=0, atol=1e-9)


# The chamber's faces, edges and corners, where eigenvalues of the magic-basis matrix
# coincide: the classic failure of a KAK built on a generic eigensolver.
BOUNDARY = [0.0, 1e-13, 1e-9, 0.2, PI4 - 1e-12, PI4, -PI4, 0.5, math.pi / 2]


@pytest.mark.parametrize("a", BOUNDARY)
def test_degenerate_points_with_locals_and_noise(a):
    noise = np.eye(4) + 1e-13 * haar(9, 4)
    for b, c in itertools.product(BOUNDARY, repeat=2):
        point = canonical_gate(a, b, c)
        assert_kak_exact(point)
        assert_kak_exact(local(int(1000 * (a + b + c)) % 997) @ point @ local(3) @ noise)


def test_long_fused_gate_sequences():
    rng = np.random.default_rng(2)
    pieces = [gate_matrix(n) for n in ("cx", "cz", "swap")] + [
        np.kron(gate_matrix(n), np.eye(2)) for n in ("h", "t", "s", "sx")
    ]
    pieces += [np.kron(np.eye(2), gate_matrix(n)) for n in ("h", "t", "s", "sx")]
    for _ in range(30):
        matrix = np.eye(4, dtype=complex)
        for index in rng.integers(len(pieces), size=300):
            matrix = pieces[index] @ matrix
        assert_kak_exact(matrix)


def test_not_a_unitary_is_an_error():
    with pytest.raises(SynthesisError):
        kak(np.ones((4, 4)))
    with pytest.raises(SynthesisError):
        weyl_coordinates(np.eye(2))
