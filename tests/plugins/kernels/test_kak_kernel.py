"""The ``qloom-kak`` kernel against the Python KAK code it replaced (``support.weyl_oracle``).

On thousands of Haar-random 4x4 unitaries and on the special ones where eigenvalues meet
(identity, CX, CZ, SWAP, iSWAP, sqrt-SWAP, every library gate, local products, points on
and a hair off the chamber's walls): the Weyl coordinates agree within 1e-9, the entangler
counts are equal, and both decompositions give the input unitary (the kernel's exactly,
phase included). The local factors themselves may differ (another eigensolver picks other
eigenvector signs), which is why only their product is compared.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

from qloom.gates import GATES, gate_matrix
from support import require_distribution
from support import weyl_oracle as oracle

PI4 = math.pi / 4
TOL = 1e-9


@pytest.fixture(autouse=True)
def unrollers() -> None:
    require_distribution("qloom-unrollers")


def haar(rng: np.random.Generator, dim: int) -> np.ndarray:
    z = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    q, r = np.linalg.qr(z)
    d = r.diagonal()
    return q * (d / abs(d))


def local(rng: np.random.Generator) -> np.ndarray:
    return oracle.kron2(haar(rng, 2), haar(rng, 2))


def special_unitaries() -> Iterator[tuple[str, np.ndarray]]:
    """Named gates, with and without random local gates around them."""
    rng = np.random.default_rng(17)
    swap = gate_matrix("swap")
    named = {
        "identity": np.eye(4, dtype=complex),
        "sqrt-swap": _sqrtm(swap),
        "sqrt-iswap": _sqrtm(gate_matrix("iswap")),
    }
    for name in sorted(GATES):
        gate = GATES[name]
        if gate.num_qubits == 2 and gate.is_unitary:
            params = tuple(0.37 * (k + 1) for k in range(gate.num_params or 0))
            named[name] = gate_matrix(name, params)
            if gate.num_params:
                named[f"{name}(pi/2)"] = gate_matrix(name, (math.pi / 2,) * gate.num_params)
    points = [
        (PI4, 0, 0),
        (PI4, PI4, 0),
        (PI4, PI4, PI4),
        (PI4, PI4, -PI4),
        (PI4 / 2,) * 3,
        (PI4, 0.3, -0.2),
        (PI4, 0.2, 0.2),
        (0.3, 0.3, 0.3),
        (0.3, 0.3, -0.3),
        (0.3, 0, 0),
        (PI4, 1e-12, 0),
        (PI4 - 1e-12, 0.2, -0.1),
        (0.3, 0.3 - 1e-9, 1e-9),
        (1e-8, 0, 0),
        (1e-12, 1e-12, 0),
        (0.2, 0.1, 1e-8),
        (PI4 + 1e-12, 0.1, 0),
        (math.pi / 2, 0.1, 0.05),
        (-0.3, 0.2, 0.1),
        (0.7, -0.9, 2.1),
    ]
    for a, b, c in points:
        named[f"can({a:.3g},{b:.3g},{c:.3g})"] = oracle.canonical_gate(a, b, c)
    for name, u in named.items():
        yield name, u
        yield f"{name} in locals", local(rng) @ u @ local(rng)
        yield f"{name} times a phase", np.exp(1.234j) * u
    for k in range(50):
        yield f"local product {k}", local(rng)
    cx = gate_matrix("cx")
    for k in range(100):  # blocks as consolidation builds them
        u = np.eye(4, dtype=complex)
        for _ in range(rng.integers(1, 5)):
            entangler = [cx, gate_matrix("cz"), swap, gate_matrix("rzz", (rng.normal(),))]
            u = entangler[rng.integers(4)] @ local(rng) @ u
        yield f"block {k}", u


def _sqrtm(u: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eig(u)
    root: np.ndarray = vectors @ np.diag(np.sqrt(values.astype(complex))) @ np.linalg.inv(vectors)
    return root


def up_to_phase(a: np.ndarray, b: np.ndarray) -> float:
    """Largest entry-wise difference of ``a`` and ``b`` once the global phase is removed."""
    overlap = np.vdot(b, a)
    phase = overlap / abs(overlap)
    return float(np.abs(a - phase * b).max())


def check_against_oracle(u: np.ndarray) -> None:
    from qloom_kernels import kak_count_entanglers
    from qloom_unrollers.synthesis import kak, weyl_coordinates
    from qloom_unrollers.synthesis.two_qubit import COORDINATE_TOL

    expected = oracle.weyl_coordinates(u)
    coords = weyl_coordinates(u)
    assert np.allclose(coords, expected, rtol=0, atol=TOL), (coords, expected)
    for parametric in (False, True):
        assert kak_count_entanglers(coords, parametric) == oracle.count_entanglers(
            expected, parametric
        )
    d, reference = kak(u), oracle.kak(u)
    assert np.allclose(d.coordinates, reference.coordinates, rtol=0, atol=TOL)
    assert float(np.abs(d.matrix() - u).max()) < TOL
    assert up_to_phase(d.matrix(), reference.matrix()) < TOL
    # The coordinates the circuit keeps are the ones the count saw.
    kept = [abs(v) >= COORDINATE_TOL for v in coords]
    assert kept == [abs(v) >= COORDINATE_TOL for v in expected]


@pytest.mark.parametrize("chunk", range(4))
def test_random_unitaries_match_the_oracle(chunk):
    rng = np.random.default_rng(1000 + chunk)
    for _ in range(750):
        check_against_oracle(haar(rng, 4))


def test_special_unitaries_match_the_oracle():
    cases = list(special_unitaries())
    assert len(cases) > 300
    for name, u in cases:
        try:
            check_against_oracle(u)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


def test_entangler_counts_match_the_oracle_on_known_points():
    from qloom_kernels import kak_count_entanglers

    for coords in [
        (0, 0, 0),
        (PI4, 0, 0),
        (0.3, 0, 0),
        (PI4, PI4, 0),
        (PI4, PI4, PI4),
        (0.3, 0.2, -1e-3),
        (PI4, 5e-11, 0),
        (0.2, 0.1, 2e-10),
    ]:
        for parametric in (False, True):
            assert kak_count_entanglers(coords, parametric) == oracle.count_entanglers(
                coords, parametric
            )


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
