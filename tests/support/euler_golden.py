"""Golden outputs of the compiled one-qubit synthesis: the cases, an outcome, the file.

``qloom_unrollers.synthesis.synthesize_1q`` runs the ``qloom-euler`` kernel, a port of the
pure-Python synthesis it replaced (issue 17). That code was kept as a test oracle during
the port and was then replaced by these recorded outputs: every case below was synthesised
by the oracle and by the kernel, the two agreed bit for bit (gate names and every angle),
and the outcome is stored in ``tests/plugins/unrollers/golden/euler.json``.
``tests/plugins/unrollers/make_golden.py`` rewrites the file from the kernel; it is run only
when the synthesis's output is meant to change.

The kernel computes with its own ports of CPython's ``hypot`` and ``remainder``, so its
angles do not depend on the interpreter; the inputs come from numpy's generator and QR.

Keys of the file:

- ``random/<natives>``: 1,000 Haar-random unitaries per native set;
- ``special/<natives>``: identity, diagonal, X-like, +-pi and near-tolerance unitaries
  (``special_matrices``), with and without a global phase;

each with the number of matrices, the sha256 of all their outputs and the first outputs
written out (``SAMPLE``) so that a difference shows where it is;

- ``bases/<natives>``: ``one_qubit_bases`` (also for natives with no one-qubit basis);
- ``errors/<case>``: the message of each ``SynthesisError`` in ``ERROR_CASES``.
"""

from __future__ import annotations

import cmath
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from qloom.gates import gate_matrix
from support.golden import GoldenFiles
from support.natives import BASIS_NATIVES, NATIVE_SETS, PI, SPECIAL
from support.unitaries import haar

FILES = GoldenFiles(Path(__file__).resolve().parents[1] / "plugins" / "unrollers" / "golden")
GROUP = "euler"
"""The golden file is ``FILES.path(GROUP)`` (one JSON object, one key per line)."""

Gates = list[tuple[str, tuple[float, ...]]]
Synthesize = Callable[[np.ndarray, "frozenset[str] | None"], Gates]

ANGLE_TOL = 1e-10
"""The synthesis's tolerance for a vanishing or special angle (``ANGLE_TOL`` in the crate)."""

SAMPLE = 6
"""Outputs per key written out in full (the rest are in the sha256)."""

RANDOM_COUNT = 1000

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

NO_BASIS: list[frozenset[str]] = [frozenset({"cx", "h", "t"}), frozenset()]
"""Natives without a universal one-qubit basis (for ``bases/``)."""

NEAR = [0.0, 0.25, 0.5, 0.99, 1.01, 2.0, 4.0]
"""Offsets from special angles, in units of the tolerance (``ANGLE_TOL``)."""


def natives_id(natives: frozenset[str] | None) -> str:
    """``all`` for ``None``, ``none`` for no natives, else the sorted names joined by ``+``."""
    if natives is None:
        return "all"
    return "+".join(sorted(natives)) or "none"


def random_matrices(natives: frozenset[str] | None) -> list[np.ndarray]:
    """The Haar-random unitaries of ``natives`` (seeds from its index in ``NATIVES``)."""
    seed = NATIVES.index(natives)
    return [haar(seed * 100_003 + i, 2) for i in range(RANDOM_COUNT)]


def special_matrices() -> list[np.ndarray]:
    """Identity, diagonal, X-like, +-pi and near-tolerance unitaries, with global phases."""
    out = [gate_matrix(name, params) for name, params in SPECIAL]
    out += [np.eye(2), cmath.exp(0.7j) * np.eye(2), np.diag([1, 1 + 1e-13j])]
    for k in NEAR:
        for sign in (1, -1):
            d = sign * k * ANGLE_TOL
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


def error_cases() -> dict[str, tuple[np.ndarray, frozenset[str] | None]]:
    """Inputs ``synthesize_1q`` refuses: no basis, not a unitary."""
    return {
        "t-with-cx+h": (gate_matrix("t"), frozenset({"cx", "h"})),
        "haar-with-no-natives": (haar(3, 2), frozenset()),
        "zero-matrix": (np.zeros((2, 2)), None),
        "tiny-matrix": (np.array([[1e-7, 0], [0, 1e-7]]), frozenset({"rz", "sx"})),
    }


def as_json(gates: Gates) -> list[list[Any]]:
    """``[[name, [angles]], ...]``; JSON keeps a float's shortest repr, which is exact."""
    return [[name, list(params)] for name, params in gates]


def summary(outputs: list[list[list[Any]]]) -> dict[str, Any]:
    """How many outputs, the sha256 of all of them, and the first ``SAMPLE`` in full."""
    digest = hashlib.sha256(json.dumps(outputs).encode()).hexdigest()
    return {"count": len(outputs), "sha256": digest, "first": outputs[:SAMPLE]}


def outcomes(
    synthesize: Synthesize,
    bases: Callable[[frozenset[str] | None], list[str]],
    error: type[Exception],
) -> dict[str, Any]:
    """Every key of the golden file, computed with ``synthesize`` and ``bases`` (the kernel's
    ``synthesize_1q`` and ``one_qubit_bases``, or what they replaced); ``error`` is the
    exception type they raise."""
    out: dict[str, Any] = {}
    special = special_matrices()
    for natives in NATIVES:
        name = natives_id(natives)
        for group, matrices in (("random", random_matrices(natives)), ("special", special)):
            out[f"{group}/{name}"] = summary([as_json(synthesize(m, natives)) for m in matrices])
    for natives in [*NATIVES, *NO_BASIS]:
        out[f"bases/{natives_id(natives)}"] = bases(natives)
    for case, (matrix, natives) in error_cases().items():
        try:
            synthesize(matrix, natives)
        except error as exc:
            out[f"errors/{case}"] = str(exc)
        else:
            raise AssertionError(f"{case} was synthesised")
    return out


def load() -> dict[str, Any]:
    """The golden outcomes by key."""
    return FILES.load(GROUP)
