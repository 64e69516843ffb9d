"""Exact two-qubit synthesis with the fewest native entangling gates.

The Weyl coordinates ``(a, b, c)`` of the target fix the count. With a gate locally
equivalent to CX: 0 for local gates, 1 at ``(pi/4, 0, 0)``, 2 when ``c = 0``, else 3
(Vatan and Williams; Shende, Markov and Bullock proved these minimal). With a parametric
family: one gate per non-zero coordinate, as ``exp(i(aXX + bYY + cZZ))`` is the product of
three commuting Pauli-pair rotations.

The circuits are exact identities for the canonical gate, so only the target's own KAK
decomposition is computed:

* ``exp(i(aXX + cZZ)) = CX (Rx(-2a) x Rz(-2c)) CX`` (CX turns ``XI`` into ``XX`` and ``IZ``
  into ``ZZ``), and ``Rx(-pi/2) x Rx(-pi/2)`` turns ``ZZ`` into ``YY``: two CX for ``c = 0``;
* conjugating by CX maps ``XX, YY, ZZ`` to ``XI, -XZ, IZ`` and ``exp(-ib XZ) = CZ Rx(2b) CZ``;
  the outer CX and one CZ merge into a controlled ``-iY``, giving
  ``(Sdg x S) CX (Rx(2b) x Sdg H) CX (Rx(-2a) x H Rz(-2c)) CX``: three CX for any point.

Each CX (or ``exp(i t ZZ)``) then becomes the native gate with local corrections, and the
one-qubit gates between entanglers are merged and synthesised once per qubit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from qloom.gates import gate_matrix
from qloom_kernels import kak_count_entanglers, kak_num_entanglers
from qloom_unrollers.synthesis.entanglers import (
    BOTH,
    Entangler,
    Step,
    basis_entangler,
    canonical_cx_steps,
    cx_steps,
    zz_steps,
)
from qloom_unrollers.synthesis.errors import SynthesisError
from qloom_unrollers.synthesis.euler import synthesize_1q
from qloom_unrollers.synthesis.weyl import kak, unitary_bytes, weyl_coordinates

__all__ = [
    "COORDINATE_TOL",
    "Op",
    "lower_steps",
    "num_entanglers",
    "synthesize_2q",
    "two_qubit_steps",
]

Op = tuple[str, tuple[int, ...], tuple[float, ...]]
"""One native gate: ``(name, local qubits, params)``."""

COORDINATE_TOL = 1e-10
"""A Weyl coordinate smaller than this counts as zero (and is dropped from the circuit); the
``qloom-kak`` kernel counts entanglers with the same tolerance."""

_H = gate_matrix("h")
_S = gate_matrix("s")
_SDG = gate_matrix("sdg")
_V = gate_matrix("rx", (-math.pi / 2,))  # V Z V^dag = Y, V X V^dag = X
_V_DAG = _V.conj().T
_W = gate_matrix("rx", (math.pi / 2,))  # W Y W^dag = Z
_TO_Z = (_H, _W, np.eye(2, dtype=complex))  # C P C^dag = Z for P = X, Y, Z


def num_entanglers(
    matrix: np.ndarray,
    natives: frozenset[str] | None,
    directions: Iterable[tuple[int, int]] = BOTH,
) -> int:
    """How many native two-qubit gates ``synthesize_2q`` uses for ``matrix`` (no circuit built).

    Raises:
        SynthesisError: the natives have no usable entangler, or ``matrix`` is not unitary.
    """
    entangler = basis_entangler(natives, directions)
    raw = unitary_bytes(matrix)
    try:
        return kak_num_entanglers(raw, entangler.parametric)
    except ValueError as error:
        raise SynthesisError(str(error)) from None


def synthesize_2q(
    matrix: np.ndarray,
    natives: frozenset[str] | None,
    directions: Iterable[tuple[int, int]] = BOTH,
) -> list[Op]:
    """An exact (up to phase) native circuit on local qubits 0 and 1 for a 4x4 unitary.

    Args:
        matrix: the unitary (qubit 0 is the most significant bit).
        natives: native gate names; ``None`` means any gate (``cx`` and ``u``/``rz``/...).
        directions: the orders of the pair the device accepts for two-qubit gates.

    Returns:
        Native operations in time order, two-qubit ones only in an accepted direction, with
        the fewest entanglers (``num_entanglers``) and at most one one-qubit run per qubit
        between them.

    Raises:
        SynthesisError: the natives have no usable entangler or one-qubit basis.
    """
    entangler = basis_entangler(natives, directions)
    return lower_steps(two_qubit_steps(matrix, entangler), natives)


def two_qubit_steps(matrix: np.ndarray, entangler: Entangler) -> list[Step]:
    """Steps for ``matrix`` with the fewest ``entangler`` gates (one-qubit parts unsynthesised).

    The count comes from ``weyl_coordinates`` (as in ``num_entanglers``, so both always
    agree); coordinates it finds below ``COORDINATE_TOL`` are left out of the circuit.
    """
    u = np.asarray(matrix, dtype=complex)
    coords = weyl_coordinates(u)
    count = kak_count_entanglers(coords, entangler.parametric)
    d = kak(u)
    core: list[Step]
    if entangler.parametric:
        core = []
        for axis, (value, seen) in enumerate(zip(d.coordinates, coords, strict=True)):
            if abs(seen) >= COORDINATE_TOL:
                to_z = _TO_Z[axis]
                core += _both(to_z, to_z)
                core += zz_steps(entangler, value)
                core += _both(to_z.conj().T, to_z.conj().T)
    elif count == 0:
        core = []
    elif count == 1:
        core = canonical_cx_steps(entangler)
    elif count == 2:
        cx = cx_steps(entangler)
        core = [
            *_both(_V_DAG, _V_DAG),
            *cx,
            *_both(gate_matrix("rx", (-2 * d.a,)), gate_matrix("rz", (-2 * d.b,))),
            *cx,
            *_both(_V, _V),
        ]
    else:
        cx = cx_steps(entangler)
        core = [
            *cx,
            *_both(gate_matrix("rx", (-2 * d.a,)), _H @ gate_matrix("rz", (-2 * d.c,))),
            *cx,
            *_both(gate_matrix("rx", (2 * d.b,)), _SDG @ _H),
            *cx,
            *_both(_SDG, _S),
        ]
    return [*_both(*d.k2), *core, *_both(*d.k1)]


def _both(on_0: np.ndarray, on_1: np.ndarray) -> list[Step]:
    return [("1q", (0,), on_0), ("1q", (1,), on_1)]


def lower_steps(steps: Sequence[Step], natives: frozenset[str] | None) -> list[Op]:
    """Native operations for ``steps``: each run of one-qubit steps merged and synthesised."""
    out: list[Op] = []
    pending: dict[int, np.ndarray] = {}

    def flush(qubit: int) -> None:
        m = pending.pop(qubit, None)
        if m is not None:
            out.extend((name, (qubit,), params) for name, params in synthesize_1q(m, natives))

    for name, qubits, payload in steps:
        if name == "1q":
            q = qubits[0]
            before = pending.get(q)
            pending[q] = payload if before is None else payload @ before
            continue
        for q in qubits:
            flush(q)
        out.append((name, tuple(qubits), tuple(payload)))
    for q in sorted(pending):
        flush(q)
    return out
