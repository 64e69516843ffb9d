"""The compiled one-qubit synthesis gives the golden outputs of the Python code it replaced.

That code (kept as a test oracle during the port, issue 17) and the kernel agreed bit for
bit on every case of ``support.euler_golden``: for every native set that selects a basis
(and ``None``), 1,000 Haar-random unitaries and 578 special ones (identity, diagonal,
X-like, angles at +-pi, angles within a few tolerances of the special values the bases test
for), the gate names and every angle to the last bit; the bases each native set allows; the
error messages. The kernel's outputs must still be exactly those
(``tests/plugins/unrollers/golden/euler.json``; ``make_golden.py`` beside it rewrites the
file, only when the synthesis is meant to change).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from qloom_unrollers.synthesis import SynthesisError, one_qubit_bases, synthesize_1q
from support import euler_golden
from support.euler_golden import NATIVES, NO_BASIS, natives_id

from .conftest import haar


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    return euler_golden.load()


def check(key: str, matrices: list[np.ndarray], natives: frozenset[str] | None, golden) -> None:
    """The kernel's outputs for ``matrices`` are the golden ones under ``key``: the first
    few written out (so a difference shows), all of them through their sha256."""
    outputs = [euler_golden.as_json(synthesize_1q(m, natives)) for m in matrices]
    expected = golden[key]
    for index, (got, want) in enumerate(zip(outputs, expected["first"], strict=False)):
        assert got == want, f"{key} #{index}: {got} != {want}"
    assert euler_golden.summary(outputs) == expected, key


@pytest.mark.parametrize("natives", NATIVES, ids=natives_id)
def test_random_unitaries_give_the_golden_outputs(natives, golden) -> None:
    key = f"random/{natives_id(natives)}"
    check(key, euler_golden.random_matrices(natives), natives, golden)


@pytest.mark.parametrize("natives", NATIVES, ids=natives_id)
def test_special_unitaries_give_the_golden_outputs(natives, golden) -> None:
    key = f"special/{natives_id(natives)}"
    check(key, euler_golden.special_matrices(), natives, golden)


def test_golden_file_covers_every_case(golden) -> None:
    # Recorded from the oracle: 26 native sets x (1,000 random + 578 special) outputs.
    assert len(NATIVES) == len({natives_id(n) for n in NATIVES}) == 26
    assert sum(v["count"] for v in golden.values() if isinstance(v, dict)) == 41_028
    assert len(euler_golden.special_matrices()) == 578


def test_bases_are_the_golden_ones(golden) -> None:
    for natives in [*NATIVES, *NO_BASIS]:
        assert one_qubit_bases(natives) == golden[f"bases/{natives_id(natives)}"], natives


def test_errors_are_the_golden_ones(golden) -> None:
    for case, (matrix, natives) in euler_golden.error_cases().items():
        with pytest.raises(SynthesisError) as got:
            synthesize_1q(matrix, natives)
        assert str(got.value) == golden[f"errors/{case}"], case
    assert synthesize_1q(np.eye(2), frozenset({"cx"})) == []


def test_wrong_shapes_are_not_unitaries() -> None:
    for matrix in (np.eye(3), np.ones(4), np.eye(2)[:1]):
        with pytest.raises(SynthesisError, match="2x2 unitary"):
            synthesize_1q(matrix, None)


def test_non_contiguous_input() -> None:
    matrix = haar(5, 2)
    strided = np.repeat(matrix, 2, axis=1)[:, ::2]
    assert not strided.flags.c_contiguous
    assert synthesize_1q(strided, None) == synthesize_1q(matrix, None)
    assert synthesize_1q(np.asfortranarray(matrix), None) == synthesize_1q(matrix, None)
    assert synthesize_1q(matrix.tolist(), None) == synthesize_1q(matrix, None)


def test_non_finite_matrices_are_not_unitaries() -> None:
    # The Python code it replaced returned angles of nan here; the kernel refuses the matrix.
    for bad in (np.nan, np.inf):
        with pytest.raises(SynthesisError, match="2x2 unitary"):
            synthesize_1q(np.array([[bad, 0], [0, 1]]), frozenset({"rz", "sx"}))
