"""The compiled one-qubit synthesis reproduces the Python code it replaced.

The oracle is that code, kept unchanged in ``support.euler_oracle``. For every native set
that selects a basis (and ``None``), on thousands of Haar-random unitaries and on special
cases (identity, diagonal, X-like, angles at +-pi, angles within a few tolerances of the
special values the bases test for), the gate names must be identical and every angle within
1e-9. The kernel repeats CPython 3.11's float arithmetic, so on that interpreter (and 3.10)
the angles must be bit-identical too (``math.hypot`` became a different, fma-based algorithm
in 3.12).
"""

from __future__ import annotations

import cmath
import math
import sys

import numpy as np
import pytest

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis import SynthesisError, one_qubit_bases, synthesize_1q
from support import euler_oracle
from support.natives import NATIVE_SETS

from .conftest import haar
from .test_synthesis_euler import BASIS_NATIVES, SPECIAL

PI = math.pi
TOL = euler_oracle.ANGLE_TOL
BIT_IDENTICAL = sys.version_info < (3, 12)

NATIVES: list[frozenset[str] | None] = [
    None,
    *BASIS_NATIVES.values(),
    *NATIVE_SETS.values(),
    frozenset({"u1", "rx"}),
    frozenset({"ry", "rx", "p"}),
    frozenset({"gpi", "gpi2", "rz"}),
    frozenset({"U", "p", "sx", "sxdg", "x"}),
]
"""Every basis alone, the issue-5 device sets, and mixes where several bases compete."""

NEAR = [0.0, 0.25, 0.5, 0.99, 1.01, 2.0, 4.0]
"""Offsets from special angles, in units of the tolerance (``ANGLE_TOL``)."""


def special_matrices() -> list[np.ndarray]:
    """Identity, diagonal, X-like, +-pi and near-tolerance unitaries, with global phases."""
    out = [gate_matrix(name, params) for name, params in SPECIAL]
    out += [np.eye(2), cmath.exp(0.7j) * np.eye(2), np.diag([1, 1 + 1e-13j])]
    for k in NEAR:
        for sign in (1, -1):
            d = sign * k * TOL
            out += [gate_matrix("rz", (a + d,)) for a in (0.0, PI / 2, PI, -PI, 2 * PI, 3 * PI)]
            out += [gate_matrix("p", (PI + d,)), gate_matrix("rx", (PI / 2 + d,))]
            out += [gate_matrix("ry", (PI + d,)), gate_matrix("rx", (-PI + d,))]
            out += [gate_matrix("u", (PI / 2 + d, PI, -PI)), gate_matrix("u", (d, 0.3, -0.3))]
            out += [gate_matrix("u", (PI - d, PI + d, -PI - d))]
            out += [gate_matrix("prx", (PI / 2 + d, PI)), gate_matrix("prx", (PI + d, -PI))]
            out += [gate_matrix("gpi", (-PI + d,)), gate_matrix("gpi2", (PI + d,))]
            # an XY-plane rotation with a Z component at the single-pulse threshold
            out += [gate_matrix("prx", (1.0, 0.4)) @ gate_matrix("rz", (d,))]
    for a, b in [(0.0, 0.0), (PI, PI), (0.3, -0.3), (-PI, 2.0), (1e-11, 0.0)]:
        out.append(np.array([[0, cmath.exp(1j * a)], [cmath.exp(1j * b), 0]]))  # X-like
        out.append(np.diag([cmath.exp(1j * a), cmath.exp(1j * b)]))  # diagonal
    rng = np.random.default_rng(17)
    return [m * cmath.exp(1j * rng.uniform(-PI, PI)) for m in out] + out


def natives_id(natives: frozenset[str] | None) -> str:
    return "all" if natives is None else "+".join(sorted(natives))


def random_matrices(count: int, seed: int) -> list[np.ndarray]:
    return [haar(seed * 100_003 + i, 2) for i in range(count)]


def compare(matrices: list[np.ndarray], natives: frozenset[str] | None) -> int:
    """Asserts the kernel agrees with the oracle on every matrix; returns how many agree
    bit for bit."""
    identical = 0
    for matrix in matrices:
        expected = euler_oracle.synthesize_1q(matrix, natives)
        got = synthesize_1q(matrix, natives)
        assert [name for name, _ in got] == [name for name, _ in expected], matrix
        pairs = [
            (a, b)
            for (_, g), (_, e) in zip(got, expected, strict=True)
            for a, b in zip(g, e, strict=True)
        ]
        assert all(abs(a - b) <= 1e-9 for a, b in pairs), (matrix, got, expected)
        identical += all(a.hex() == b.hex() for a, b in pairs)
    return identical


@pytest.mark.parametrize("natives", NATIVES, ids=natives_id)
def test_random_unitaries_match_the_oracle(natives: frozenset[str] | None) -> None:
    matrices = random_matrices(1000, NATIVES.index(natives))
    identical = compare(matrices, natives)
    if BIT_IDENTICAL:
        assert identical == len(matrices)


@pytest.mark.parametrize("natives", NATIVES, ids=natives_id)
def test_special_unitaries_match_the_oracle(natives: frozenset[str] | None) -> None:
    matrices = special_matrices()
    identical = compare(matrices, natives)
    if BIT_IDENTICAL:
        assert identical == len(matrices)


def test_bases_match_the_oracle() -> None:
    for natives in [*NATIVES, frozenset({"cx", "h", "t"}), frozenset()]:
        assert one_qubit_bases(natives) == euler_oracle.one_qubit_bases(natives)


def test_errors_match_the_oracle() -> None:
    cases = [
        (gate_matrix("t"), frozenset({"cx", "h"})),
        (haar(3, 2), frozenset()),
        (np.zeros((2, 2)), None),
        (np.array([[1e-7, 0], [0, 1e-7]]), frozenset({"rz", "sx"})),
    ]
    for matrix, natives in cases:
        with pytest.raises(SynthesisError) as expected:
            euler_oracle.synthesize_1q(matrix, natives)
        with pytest.raises(SynthesisError) as got:
            synthesize_1q(matrix, natives)
        assert str(got.value) == str(expected.value)
    assert synthesize_1q(np.eye(2), frozenset({"cx"})) == []


def test_wrong_shapes_are_not_unitaries() -> None:
    for matrix in (np.eye(3), np.ones(4), np.eye(2)[:1]):
        with pytest.raises(SynthesisError, match="2x2 unitary"):
            synthesize_1q(matrix, None)


def test_non_contiguous_input() -> None:
    matrix = haar(5, 2)
    strided = np.repeat(matrix, 2, axis=1)[:, ::2]
    assert not strided.flags.c_contiguous
    assert synthesize_1q(strided, None) == euler_oracle.synthesize_1q(matrix, None)
    assert synthesize_1q(np.asfortranarray(matrix), None) == synthesize_1q(matrix, None)
    assert synthesize_1q(matrix.tolist(), None) == synthesize_1q(matrix, None)


def test_non_finite_matrices_are_not_unitaries() -> None:
    # The oracle returned angles of nan here; the kernel refuses the matrix instead.
    for bad in (np.nan, np.inf):
        with pytest.raises(SynthesisError, match="2x2 unitary"):
            synthesize_1q(np.array([[bad, 0], [0, 1]]), frozenset({"rz", "sx"}))
