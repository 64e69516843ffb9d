"""The ``qloom-kak`` kernel gives the golden outputs of the Python KAK code it replaced.

That code (kept as a test oracle during the port, issue 17) and the kernel agreed on every
case of ``support.kak_golden``: 3,000 Haar-random 4x4 unitaries and 318 special ones where
eigenvalues meet (identity, CX, CZ, SWAP, iSWAP, sqrt-SWAP, every library gate, local
products, points on and a hair off the chamber's walls, 2q blocks), with the Weyl
coordinates within 1e-9 and the entangler counts equal. The kernel must still give the
recorded coordinates within 1e-9 (it is not bit-identical: another eigensolver) and exactly
the recorded counts (``tests/plugins/unrollers/golden/kak.json``; ``make_kak_golden.py``
rewrites it, only when the decomposition is meant to change). Its decompositions must give
the input unitary, phase included; the local factors themselves are not recorded (another
eigensolver picks other eigenvector signs).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from support import kak_golden, require_distribution
from support.kak_golden import TOL


@pytest.fixture(autouse=True)
def unrollers() -> None:
    require_distribution("qloom-unrollers")


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    return kak_golden.load()


def check_against_golden(u: np.ndarray, expected: dict[str, Any] | None) -> dict[str, Any]:
    """``u``'s coordinates (from ``weyl_coordinates`` and from ``kak``) are ``expected``'s
    within ``TOL`` with the same counts and zero pattern, and ``kak(u)`` gives ``u``; returns
    the kernel's point (for the hash of the exact parts)."""
    from qloom_kernels import kak_count_entanglers
    from qloom_unrollers.synthesis import kak, weyl_coordinates

    got = kak_golden.point(u, weyl_coordinates, kak_count_entanglers)
    d = kak(u)
    assert np.allclose(d.coordinates, got["coordinates"], rtol=0, atol=TOL)
    assert float(np.abs(d.matrix() - u).max()) < TOL
    if expected is not None:
        assert np.allclose(got["coordinates"], expected["coordinates"], rtol=0, atol=TOL), (
            got,
            expected,
        )
        assert kak_golden.exact_part(got) == kak_golden.exact_part(expected), (got, expected)
    return got


@pytest.mark.parametrize("chunk", range(kak_golden.CHUNKS))
def test_random_unitaries_give_the_golden_outputs(chunk, golden):
    expected = golden[f"random/{chunk}"]
    unitaries = kak_golden.random_unitaries(chunk)
    samples = expected["first"] + [None] * (len(unitaries) - len(expected["first"]))
    points = [check_against_golden(u, want) for u, want in zip(unitaries, samples, strict=True)]
    summary = kak_golden.random_summary(points)
    assert summary["count"] == expected["count"] == kak_golden.PER_CHUNK
    assert summary["exact_sha256"] == expected["exact_sha256"]


def test_special_unitaries_give_the_golden_outputs(golden):
    cases = list(kak_golden.special_unitaries())
    assert len(cases) == len({name for name, _ in cases}) > 300
    assert {f"special/{name}" for name, _ in cases} == {k for k in golden if "special/" in k}
    for name, u in cases:
        try:
            check_against_golden(u, golden[f"special/{name}"])
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


def test_entangler_counts_are_the_golden_ones_on_known_points(golden):
    from qloom_kernels import kak_count_entanglers

    for coords in kak_golden.POINTS:
        expected = golden[f"points/{kak_golden.point_id(coords)}"]
        assert kak_golden.counts(coords, kak_count_entanglers) == expected, coords


def test_non_unitary_and_malformed_matrices_are_refused():
    from qloom_kernels import kak_decompose
    from qloom_unrollers.synthesis import SynthesisError, kak, weyl_coordinates

    for bad in (1.1 * np.eye(4), np.full((4, 4), np.nan)):
        with pytest.raises(SynthesisError, match="not unitary"):
            weyl_coordinates(bad)
        with pytest.raises(SynthesisError, match="not unitary"):
            kak(bad)
    with pytest.raises(SynthesisError, match="4x4"):
        kak(np.eye(2))
    with pytest.raises(ValueError, match="256 bytes"):
        kak_decompose(b"\0" * 8)
