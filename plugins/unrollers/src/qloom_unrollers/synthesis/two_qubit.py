"""Exact two-qubit synthesis with the fewest native entangling gates.

The target's Weyl coordinates ``(a, b, c)`` fix how many entanglers it needs. With a fixed
gate locally equivalent to CX (``cx``, ``cz``, ``ecr``, ...): 0 for local gates, 1 at
``(pi/4, 0, 0)``, 2 when ``c = 0``, else 3 (Vatan and Williams' three-CX circuit). With a
parametric entangler (``rzz``, ``rxx``, ``ryy``, ``rzx``, ``ms``): one per non-zero
coordinate. A template circuit with the same coordinates is built from CX (or ``rzz``),
and the local gates that turn it into the target come from the two KAK decompositions.
CX and ``rzz`` then become the backend's own entangler through the equivalence table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis.cartan import KAK, kak
from qloom_unrollers.synthesis.errors import SynthesisError
from qloom_unrollers.synthesis.one_qubit import synthesize_1q

__all__ = ["Op", "PARAMETRIC", "num_entanglers", "synthesize_2q"]

Op = tuple[str, tuple[int, ...], tuple[Any, ...]]
Directions = tuple[tuple[int, int], ...]
PARAMETRIC = ("rzz", "rxx", "ryy", "rzx", "ms")
"""Entanglers with a free angle: one of them per non-zero Weyl coordinate."""

_TOL = 1e-9
_I2 = np.eye(2, dtype=complex)
_H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)
_CX01 = gate_matrix("cx")
_CX10 = np.eye(4)[[0, 2, 1, 3]] @ _CX01 @ np.eye(4)[[0, 2, 1, 3]]
_EXCHANGE = np.eye(4)[[0, 2, 1, 3]]
_I4 = np.eye(4, dtype=complex)
_YY = np.kron(gate_matrix("y"), gate_matrix("y"))
# C with C P C^dag = +-Z, so exp(i t PP) = (C x C)^dag exp(i t ZZ) (C x C).
_TO_Z = {
    0: _H,
    1: np.array([[1, 1j], [1j, 1]], dtype=complex) / math.sqrt(2),
    2: _I2,
}

# A step of a template: ("1q", (qubit,), matrix) or (name, (q0, q1), params).
Step = tuple[str, tuple[int, ...], Any]


def _directions(directions: Iterable[tuple[int, int]]) -> Directions:
    found = tuple(sorted({tuple(d) for d in directions}))  # type: ignore[misc]
    if not found:
        raise SynthesisError("no direction allowed for the two-qubit gate")
    return found  # type: ignore[return-value]


def _entangler(natives: frozenset[str] | None) -> str:
    """``"parametric"`` or ``"cx"``: the template family that suits the natives."""
    if natives is None:
        return "cx"
    if natives & set(PARAMETRIC):
        return "parametric"
    from qloom_unrollers.plan import plan_for

    cost = plan_for(natives).costs.get("cx")
    if cost is not None and cost[0] == 1:
        return "cx"
    raise SynthesisError(
        f"the natives {sorted(natives)} have no entangling gate locally equivalent to cx "
        f"or with a free angle ({', '.join(PARAMETRIC)})"
    )


def _count(coords: tuple[float, float, float], family: str) -> int:
    a, _b, _c = coords
    zero = [abs(v) < _TOL for v in coords]
    if family == "parametric":
        return 3 - sum(zero)
    if all(zero):
        return 0
    if abs(a - math.pi / 4) < _TOL and zero[1] and zero[2]:
        return 1
    return 2 if zero[2] else 3


def num_entanglers(
    matrix: np.ndarray,
    natives: frozenset[str] | None,
    directions: Iterable[tuple[int, int]] = ((0, 1), (1, 0)),
) -> int:
    """How many native two-qubit gates ``synthesize_2q`` uses for ``matrix``.

    For CX-like entanglers this uses the invariants of Shende, Bullock and Markov (no
    decomposition): with ``U`` scaled into SU(4) and ``g = U YY U^T YY``, ``U`` is local iff
    ``g = +-I``, needs one CX iff ``tr g = 0`` and ``g^2 = -I``, two iff ``tr g`` is real.
    """
    family = _entangler(natives)
    if family == "parametric":
        return _count(kak(matrix).coordinates, family)
    u = np.asarray(matrix, dtype=complex)
    u = u / np.linalg.det(u) ** 0.25
    g = u @ _YY @ u.T @ _YY
    if np.allclose(g, _I4, rtol=0, atol=_TOL) or np.allclose(g, -_I4, rtol=0, atol=_TOL):
        return 0
    trace = complex(np.trace(g))
    if abs(trace) < _TOL and np.allclose(g @ g, -_I4, rtol=0, atol=_TOL):
        return 1
    return 2 if abs(trace.imag) < _TOL else 3


def synthesize_2q(
    matrix: np.ndarray,
    natives: frozenset[str] | None,
    directions: Iterable[tuple[int, int]] = ((0, 1), (1, 0)),
) -> list[Op]:
    """An exact (up to phase) native circuit on local qubits 0 and 1 for a 4x4 unitary.

    ``directions`` lists the orders of the pair the device accepts for two-qubit gates.

    Raises:
        SynthesisError: the natives cannot express it.
    """
    allowed = _directions(directions)
    family = _entangler(natives)
    target = kak(np.asarray(matrix, dtype=complex))
    count = _count(target.coordinates, family)
    if count == 0:
        steps: list[Step] = []
    elif family == "parametric":
        steps = _parametric_template(target, allowed)
    else:
        steps = _cx_template(target, count, allowed)
    ops = _to_natives(_with_outer_locals(steps, target, family, count, allowed), natives, allowed)
    return ops


# -- templates --------------------------------------------------------------------------------


def _cx_steps(count: int, coords: tuple[float, float, float], allowed: Directions) -> list[Step]:
    a, b, c = coords
    cx01, cx10 = _cx_as_allowed((0, 1), allowed), _cx_as_allowed((1, 0), allowed)
    if count == 1:
        return cx01
    if count == 2:
        middle: list[Step] = [
            ("1q", (0,), gate_matrix("rx", (-2 * a,))),
            ("1q", (1,), gate_matrix("rz", (-2 * b,))),
        ]
        return [*cx01, *middle, *cx01]
    t1, t2, t3 = 2 * c - math.pi / 2, math.pi / 2 - 2 * a, -2 * b - math.pi / 2
    return [
        *cx10,
        ("1q", (0,), gate_matrix("rz", (t1,))),
        ("1q", (1,), gate_matrix("ry", (t2,))),
        *cx01,
        ("1q", (1,), gate_matrix("ry", (t3,))),
        *cx10,
    ]


def _cx_as_allowed(pair: tuple[int, int], allowed: Directions) -> list[Step]:
    """CX on ``pair``, or CX the other way round between Hadamards when only that is allowed."""
    if pair in allowed:
        return [("cx", pair, ())]
    hadamards: list[Step] = [("1q", (0,), _H), ("1q", (1,), _H)]
    return [*hadamards, ("cx", (pair[1], pair[0]), ()), *hadamards]


def _cx_template(target: KAK, count: int, allowed: Directions) -> list[Step]:
    return _cx_steps(count, target.coordinates, allowed)


def _parametric_template(target: KAK, allowed: Directions) -> list[Step]:
    pair = (0, 1) if (0, 1) in allowed else (1, 0)
    steps: list[Step] = []
    for axis, value in enumerate(target.coordinates):
        if abs(value) < _TOL:
            continue
        conj = _TO_Z[axis]
        steps += [("1q", (0,), conj), ("1q", (1,), conj)]
        steps.append(("rzz", pair, (-2 * value,)))
        steps += [("1q", (0,), conj.conj().T), ("1q", (1,), conj.conj().T)]
    return steps


def _steps_matrix(steps: Sequence[Step]) -> np.ndarray:
    out = np.eye(4, dtype=complex)
    for name, qubits, payload in steps:
        if name == "1q":
            m = np.kron(payload, _I2) if qubits == (0,) else np.kron(_I2, payload)
        else:
            m = gate_matrix(name, payload)
            if qubits == (1, 0):
                m = _EXCHANGE @ m @ _EXCHANGE
        out = m @ out
    return out


def _with_outer_locals(
    steps: list[Step], target: KAK, family: str, count: int, allowed: Directions
) -> list[Step]:
    """``steps`` with the local gates before and after that make it equal the target."""
    if not steps:
        first = [("1q", (0,), target.k2a), ("1q", (1,), target.k2b)]
        return [*first, ("1q", (0,), target.k1a), ("1q", (1,), target.k1b)]
    template = kak(_steps_matrix(steps))
    if not np.allclose(template.coordinates, target.coordinates, rtol=0, atol=1e-7):
        raise SynthesisError(  # pragma: no cover - guarded by the tests
            f"template coordinates {template.coordinates} differ from {target.coordinates}"
        )
    # target = T1 C T2 and template = P1 C P2, so target = T1 P1^dag template P2^dag T2.
    before = [
        ("1q", (0,), template.k2a.conj().T @ target.k2a),
        ("1q", (1,), template.k2b.conj().T @ target.k2b),
    ]
    after = [
        ("1q", (0,), target.k1a @ template.k1a.conj().T),
        ("1q", (1,), target.k1b @ template.k1b.conj().T),
    ]
    return [*before, *steps, *after]


# -- to natives -------------------------------------------------------------------------------


def _to_natives(steps: list[Step], natives: frozenset[str] | None, allowed: Directions) -> list[Op]:
    """Entanglers into native gates, one-qubit runs merged and Euler-synthesised."""
    expanded: list[Step] = []
    for name, qubits, payload in steps:
        if name == "1q":
            expanded.append((name, qubits, payload))
        else:
            expanded += _native_entangler(name, qubits, tuple(payload), natives)
    out: list[Op] = []
    pending: list[np.ndarray | None] = [None, None]

    def flush(q: int) -> None:
        m = pending[q]
        if m is not None:
            out.extend((n, (q,), p) for n, p in synthesize_1q(m, natives))
            pending[q] = None

    for name, qubits, payload in expanded:
        if name == "1q":
            q = qubits[0]
            pending[q] = payload if pending[q] is None else payload @ pending[q]
            continue
        flush(0)
        flush(1)
        if qubits not in allowed:
            qubits = (qubits[1], qubits[0])  # symmetric natives only reach here reversed
        out.append((name, qubits, payload))
    flush(0)
    flush(1)
    return out


def _native_entangler(
    name: str, qubits: tuple[int, ...], params: tuple[Any, ...], natives: frozenset[str] | None
) -> list[Step]:
    """``cx`` or ``rzz`` on ``qubits`` as native steps (one-qubit steps as matrices)."""
    if natives is None or name in natives:
        return [(name, qubits, params)]
    from qloom_unrollers.plan import plan_for

    rule = plan_for(natives).rules.get(name)
    if rule is None:
        raise SynthesisError(f"no path from '{name}' to the natives {sorted(natives)}")
    out: list[Step] = []
    for step_name, step_qubits, step_params in rule.expand(*params):
        placed = tuple(qubits[i] for i in step_qubits)
        if len(placed) == 1:
            out.append(("1q", placed, gate_matrix(step_name, step_params)))
        else:
            out += _native_entangler(step_name, placed, tuple(step_params), natives)
    return out
