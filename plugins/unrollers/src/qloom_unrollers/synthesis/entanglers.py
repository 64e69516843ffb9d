"""The native two-qubit gates synthesis can build on, and how each one makes its building block.

Two kinds qualify (Zhang et al.: gates with equal Weyl coordinates differ only by local
gates):

* fixed gates locally equivalent to CX (Weyl point ``(pi/4, 0, 0)``: ``cx``, ``cz``,
  ``ecr``, ``cy``, ``ch``, ...). Each one, in each orientation, gives
  ``G = exp(i pi/4 XX)`` with local gates read off its own KAK decomposition;
* parametric families that give ``exp(i t ZZ)`` for any ``t`` up to local gates (``rzz``,
  ``rxx``, ``ryy``, ``rzx``, ``ms``, ``cp``/``cu1``, ``crz``, ``crx``, ``cry``), with the
  local gates written out below.

Everything is expressed as *steps* on local qubits 0 and 1: ``("1q", (q,), matrix)`` for a
one-qubit unitary still to be synthesised, or ``(name, qubits, params)`` for a native gate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from qloom.gates import GATES, gate_matrix
from qloom_unrollers.synthesis.errors import SynthesisError
from qloom_unrollers.synthesis.weyl import kak, weyl_coordinates

__all__ = [
    "BOTH",
    "Entangler",
    "Step",
    "basis_entangler",
    "canonical_cx_steps",
    "cx_steps",
    "entanglers",
    "merge_runs",
    "normalise_directions",
    "zz_steps",
]

Step = tuple[str, tuple[int, ...], Any]
"""``("1q", (qubit,), 2x2 matrix)`` or ``(native name, qubits, params)``."""

Directions = tuple[tuple[int, int], ...]
BOTH: Directions = ((0, 1), (1, 0))

_I2 = np.eye(2, dtype=complex)
_H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)
_W = gate_matrix("rx", (math.pi / 2,))  # W Y W^dag = Z
_W_DAG = _W.conj().T
_EXCHANGE = np.eye(4)[[0, 2, 1, 3]]
_CX_POINT = (math.pi / 4, 0.0, 0.0)

PARAMETRIC_NAMES = ("rzz", "rxx", "ryy", "ms", "rzx", "cp", "cu1", "crz", "crx", "cry")
"""Parametric entanglers, most preferred first: one gate per non-zero Weyl coordinate."""
FIXED_PREFERENCE = ("cx", "CX", "cz", "ecr", "cy", "ch")
"""Fixed CX-like entanglers, most preferred first (others locally equivalent to CX follow)."""


@dataclass(frozen=True)
class Entangler:
    """A native two-qubit gate used as the synthesis basis, in one accepted orientation.

    Attributes:
        name: the gate's name.
        qubits: the local order it is applied in, ``(0, 1)`` or ``(1, 0)``.
        parametric: True for a family giving ``exp(i t ZZ)`` for any ``t`` (one gate per
            non-zero Weyl coordinate), False for a fixed gate locally equivalent to CX.
    """

    name: str
    qubits: tuple[int, int]
    parametric: bool


def normalise_directions(directions: Iterable[tuple[int, int]]) -> Directions:
    """The accepted orientations as a tuple, ``(0, 1)`` first; checked."""
    found = {(int(a), int(b)) for a, b in directions}
    if not found or not found <= set(BOTH):
        raise SynthesisError(
            f"directions must be a non-empty subset of {list(BOTH)}, got {sorted(found)}"
        )
    return tuple(d for d in BOTH if d in found)


@cache
def _is_cx_like(name: str) -> bool:
    gate = GATES.get(name)
    if gate is None or gate.num_qubits != 2 or gate.num_params != 0 or not gate.is_unitary:
        return False
    return bool(np.allclose(weyl_coordinates(gate_matrix(name)), _CX_POINT, rtol=0, atol=1e-9))


def entanglers(
    natives: frozenset[str] | None, directions: Iterable[tuple[int, int]] = BOTH
) -> list[Entangler]:
    """The native two-qubit gates usable as a synthesis basis, in each accepted orientation.

    Parametric families come first (they never need more gates than a CX-like one), then
    fixed CX-like gates; ``None`` (no constraint) means ``cx``.
    """
    allowed = normalise_directions(directions)
    if natives is None:
        return [Entangler("cx", d, False) for d in allowed]
    parametric = [n for n in PARAMETRIC_NAMES if n in natives]
    fixed = [n for n in FIXED_PREFERENCE if n in natives and _is_cx_like(n)]
    fixed += sorted(n for n in natives if n not in fixed and _is_cx_like(n))
    return [Entangler(n, d, True) for n in parametric for d in allowed] + [
        Entangler(n, d, False) for n in fixed for d in allowed
    ]


def basis_entangler(
    natives: frozenset[str] | None, directions: Iterable[tuple[int, int]]
) -> Entangler:
    """The entangler synthesis uses: the first of ``entanglers``.

    Raises:
        SynthesisError: no native gate is CX-like or parametric.
    """
    found = entanglers(natives, directions)
    if not found:
        raise SynthesisError(
            f"the natives {sorted(natives or ())} have no entangling gate synthesis can use "
            f"(one locally equivalent to cx, e.g. {', '.join(FIXED_PREFERENCE)}, or one with "
            f"a free angle: {', '.join(PARAMETRIC_NAMES)})"
        )
    return found[0]


# -- the building blocks ------------------------------------------------------------------------


def _pair_steps(matrices: tuple[np.ndarray, np.ndarray], qubits: tuple[int, int]) -> list[Step]:
    """One-qubit steps: ``matrices[k]`` on ``qubits[k]``."""
    return [("1q", (qubits[0],), matrices[0]), ("1q", (qubits[1],), matrices[1])]


def _placed(name: str, params: tuple[float, ...], qubits: tuple[int, int]) -> np.ndarray:
    m = gate_matrix(name, params)
    return m if qubits == (0, 1) else _EXCHANGE @ m @ _EXCHANGE


@cache
def _fixed_g_steps(entangler: Entangler) -> tuple[Step, ...]:
    """``exp(i pi/4 XX)`` from one fixed CX-like gate: ``E = p K1 G K2``, so ``G ~ K1^+ E K2^+``."""
    d = kak(_placed(entangler.name, (), entangler.qubits))
    if not np.allclose(d.coordinates, _CX_POINT, rtol=0, atol=1e-9):
        raise SynthesisError(f"'{entangler.name}' is not locally equivalent to cx")
    before = (d.k2[0].conj().T, d.k2[1].conj().T)
    after = (d.k1[0].conj().T, d.k1[1].conj().T)
    return (
        *_pair_steps(before, (0, 1)),
        (entangler.name, entangler.qubits, ()),
        *_pair_steps(after, (0, 1)),
    )


def _rz(t: float) -> np.ndarray:
    return gate_matrix("rz", (t,))


# name -> t -> (params, before, after) with exp(i t ZZ) = after . gate(params) . before, the
# local pairs indexed by the gate's own qubit order. Each line is an identity checked in tests.
_Realise = Callable[
    [float], tuple[tuple[float, ...], tuple[np.ndarray, ...], tuple[np.ndarray, ...]]
]
_PARAMETRIC: dict[str, _Realise] = {
    "rzz": lambda t: ((-2 * t,), (_I2, _I2), (_I2, _I2)),
    "rxx": lambda t: ((-2 * t,), (_H, _H), (_H, _H)),
    "ryy": lambda t: ((-2 * t,), (_W_DAG, _W_DAG), (_W, _W)),
    "rzx": lambda t: ((-2 * t,), (_I2, _H), (_I2, _H)),
    # ms(pi, 0, x) = exp(+i x/2 XX) and ms(0, 0, x) = exp(-i x/2 XX): keep the angle >= 0.
    "ms": lambda t: (((math.pi, 0.0, 2 * t) if t > 0 else (0.0, 0.0, -2 * t)), (_H, _H), (_H, _H)),
    # cp(4t) = e^{it} (Rz(2t) x Rz(2t)) exp(i t ZZ)
    "cp": lambda t: ((4 * t,), (_I2, _I2), (_rz(-2 * t), _rz(-2 * t))),
    "cu1": lambda t: ((4 * t,), (_I2, _I2), (_rz(-2 * t), _rz(-2 * t))),
    # crz(4t) = (I x Rz(2t)) exp(i t ZZ); crx and cry are crz with the target's axis turned.
    "crz": lambda t: ((4 * t,), (_I2, _I2), (_I2, _rz(-2 * t))),
    "crx": lambda t: ((4 * t,), (_I2, _H), (_I2, _H @ gate_matrix("rx", (-2 * t,)))),
    "cry": lambda t: ((4 * t,), (_I2, _W_DAG), (_I2, _W @ gate_matrix("ry", (-2 * t,)))),
}


def zz_steps(entangler: Entangler, t: float) -> list[Step]:
    """``exp(i t ZZ)`` on local qubits 0 and 1, with one native gate."""
    if not entangler.parametric:
        raise SynthesisError(f"'{entangler.name}' has no free angle")
    params, before, after = _PARAMETRIC[entangler.name](t)
    q = entangler.qubits  # the gate's k-th qubit is local qubit q[k]
    return [
        *_pair_steps((before[0], before[1]), q),
        (entangler.name, q, params),
        *_pair_steps((after[0], after[1]), q),
    ]


def merge_runs(steps: Iterable[Step]) -> list[Step]:
    """``steps`` with each qubit's consecutive one-qubit steps multiplied into one."""
    out: list[Step] = []
    pending: dict[int, np.ndarray] = {}
    for name, qubits, payload in steps:
        if name == "1q":
            before = pending.get(qubits[0])
            pending[qubits[0]] = payload if before is None else payload @ before
            continue
        out += [("1q", (q,), pending.pop(q)) for q in qubits if q in pending]
        out.append((name, qubits, payload))
    out += [("1q", (q,), pending[q]) for q in sorted(pending)]
    return out


@cache
def _canonical_cx_steps(entangler: Entangler) -> tuple[Step, ...]:
    if entangler.parametric:
        hh = (_H, _H)
        steps = [
            *_pair_steps(hh, (0, 1)),
            *zz_steps(entangler, math.pi / 4),
            *_pair_steps(hh, (0, 1)),
        ]
    else:
        steps = list(_fixed_g_steps(entangler))
    return tuple(merge_runs(steps))


def canonical_cx_steps(entangler: Entangler) -> list[Step]:
    """``G = exp(i pi/4 XX)`` (the Weyl point of CX) with one native gate."""
    return list(_canonical_cx_steps(entangler))


@cache
def _cx_locals() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    d = kak(gate_matrix("cx"))
    return (d.k2[0], d.k2[1]), (d.k1[0], d.k1[1])


@cache
def _cx_steps(entangler: Entangler) -> tuple[Step, ...]:
    before, after = _cx_locals()
    steps = [
        *_pair_steps(before, (0, 1)),
        *canonical_cx_steps(entangler),
        *_pair_steps(after, (0, 1)),
    ]
    return tuple(merge_runs(steps))


def cx_steps(entangler: Entangler, control: int = 0, target: int = 1) -> list[Step]:
    """CX from ``control`` to ``target`` with one native gate (other pairs: for ``shannon``)."""
    steps = list(_cx_steps(entangler))
    if (control, target) == (0, 1):
        return steps
    rename = {0: control, 1: target}
    return [(name, tuple(rename[q] for q in qubits), p) for name, qubits, p in steps]
