"""Golden outputs of the compiled KAK decomposition: the cases, an outcome, the file.

``qloom_unrollers.synthesis.weyl_coordinates``/``kak`` and the entangler count of
``two_qubit`` run the ``qloom-kak`` kernel, a port of the Python code they replaced
(issue 17). That code was kept as a test oracle during the port and was then replaced by
these recorded outputs: every case below was computed by the oracle and by the kernel, the
Weyl coordinates agreed within ``TOL`` and the entangler counts exactly, and the oracle's
values are stored in ``tests/plugins/unrollers/golden/kak.json``.
``tests/plugins/unrollers/make_kak_golden.py`` rewrites the file from the kernel; it is run
only when the decomposition's output is meant to change.

The kernel diagonalises with nalgebra instead of LAPACK, so its coordinates equal the old
ones only to rounding: they are compared within ``TOL``, never by a hash. Counts (whole
numbers) and which coordinates count as zero are exact, and are hashed where there are
many. The local factors are not recorded: within a degenerate eigenspace any basis is
valid; the tests check instead that the decomposition multiplies back to its input.

Keys of the file:

- ``special/<name>``: named gates (every two-qubit library gate, sqrt-SWAP, canonical gates
  on and a hair off the chamber's walls), each alone, between random local gates and times
  a phase, local products and blocks as consolidation builds them (``special_unitaries``):
  the coordinates and the counts ``[fixed, parametric]``;
- ``random/<chunk>``: 750 Haar-random unitaries per chunk: the first ``SAMPLE``
  coordinates and counts written out, and the sha256 of every unitary's counts and zero
  pattern;
- ``points/<a,b,c>``: the counts at Weyl points on the counting thresholds.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from qloom.gates import GATES, gate_matrix
from qloom_unrollers.synthesis.weyl import canonical_gate, kron2
from support.golden import GoldenFiles

FILES = GoldenFiles(Path(__file__).resolve().parents[1] / "plugins" / "unrollers" / "golden")
GROUP = "kak"
"""The golden file is ``FILES.path(GROUP)`` (one JSON object, one key per line)."""

TOL = 1e-9
"""How far a coordinate may be from the recorded one (the kernel is not bit-identical)."""

COORDINATE_TOL = 1e-10
"""A coordinate below this counts as zero (``two_qubit.COORDINATE_TOL``)."""

SAMPLE = 50
"""Random unitaries per chunk whose coordinates are written out."""

CHUNKS = 4
PER_CHUNK = 750
PI4 = math.pi / 4

Coordinates = Callable[[np.ndarray], tuple[float, float, float]]
Count = Callable[[tuple[float, float, float], bool], int]

POINTS: list[tuple[float, float, float]] = [
    (0, 0, 0),
    (PI4, 0, 0),
    (0.3, 0, 0),
    (PI4, PI4, 0),
    (PI4, PI4, PI4),
    (0.3, 0.2, -1e-3),
    (PI4, 5e-11, 0),
    (0.2, 0.1, 2e-10),
]
"""Weyl points at and around the thresholds of the entangler count."""


def haar(rng: np.random.Generator, dim: int) -> np.ndarray:
    """A Haar-random ``dim x dim`` unitary, drawn from ``rng``."""
    z = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    q, r = np.linalg.qr(z)
    d = r.diagonal()
    unitary: np.ndarray = q * (d / abs(d))
    return unitary


def local(rng: np.random.Generator) -> np.ndarray:
    """A random product of two one-qubit unitaries."""
    return kron2(haar(rng, 2), haar(rng, 2))


def sqrtm(u: np.ndarray) -> np.ndarray:
    """A square root of the diagonalisable ``u``."""
    values, vectors = np.linalg.eig(u)
    root: np.ndarray = vectors @ np.diag(np.sqrt(values.astype(complex))) @ np.linalg.inv(vectors)
    return root


def special_unitaries() -> Iterator[tuple[str, np.ndarray]]:
    """Named gates, with and without random local gates around them, and 2q blocks."""
    rng = np.random.default_rng(17)
    swap = gate_matrix("swap")
    named = {
        "identity": np.eye(4, dtype=complex),
        "sqrt-swap": sqrtm(swap),
        "sqrt-iswap": sqrtm(gate_matrix("iswap")),
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
        named[f"can({a:.3g},{b:.3g},{c:.3g})"] = canonical_gate(a, b, c)
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


def random_unitaries(chunk: int) -> list[np.ndarray]:
    """The Haar-random unitaries of ``chunk`` (0 to ``CHUNKS - 1``)."""
    rng = np.random.default_rng(1000 + chunk)
    return [haar(rng, 4) for _ in range(PER_CHUNK)]


def point_id(coords: tuple[float, float, float]) -> str:
    return ",".join(repr(float(v)) for v in coords)


def counts(coords: tuple[float, float, float], count: Count) -> list[int]:
    """Entanglers at ``coords``: ``[fixed, parametric]``."""
    return [count(coords, False), count(coords, True)]


def point(u: np.ndarray, coordinates: Coordinates, count: Count) -> dict[str, Any]:
    """``u``'s coordinates (exact reprs) and counts."""
    coords = tuple(float(v) for v in coordinates(u))
    assert len(coords) == 3
    return {"coordinates": list(coords), "entanglers": counts(coords, count)}  # type: ignore[arg-type]


def exact_part(point: dict[str, Any]) -> list[Any]:
    """What of ``point`` must match exactly: the counts and which coordinates count as zero."""
    return [point["entanglers"], [abs(v) >= COORDINATE_TOL for v in point["coordinates"]]]


def random_summary(points: list[dict[str, Any]]) -> dict[str, Any]:
    """How many, the sha256 of their exact parts, and the first ``SAMPLE`` written out."""
    exact = [exact_part(p) for p in points]
    digest = hashlib.sha256(json.dumps(exact).encode()).hexdigest()
    return {"count": len(points), "exact_sha256": digest, "first": points[:SAMPLE]}


def outcomes(coordinates: Coordinates, count: Count) -> dict[str, Any]:
    """Every key of the golden file, computed with ``coordinates`` (a 4x4 unitary's Weyl
    coordinates) and ``count`` (entanglers at a Weyl point, fixed or parametric)."""
    out: dict[str, Any] = {}
    for name, u in special_unitaries():
        out[f"special/{name}"] = point(u, coordinates, count)
    for chunk in range(CHUNKS):
        points = [point(u, coordinates, count) for u in random_unitaries(chunk)]
        out[f"random/{chunk}"] = random_summary(points)
    for coords in POINTS:
        out[f"points/{point_id(coords)}"] = counts(coords, count)
    return out


def load() -> dict[str, Any]:
    """The golden outcomes by key."""
    return FILES.load(GROUP)
