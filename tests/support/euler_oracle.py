"""Test oracle: the pure-Python one-qubit synthesis that ``qloom_kernels.OneQubitNatives``
(crate ``qloom-euler``) ports.

This is ``qloom_unrollers.synthesis.euler`` as it was before the synthesis moved to Rust
(issue 17), kept unchanged, only as the reference the compiled kernel must reproduce
(tests/plugins/kernels/test_euler_kernel.py, benchmarks/kernels/bench_euler.py). It is not
used by any plugin; do not maintain it as an engine.

The original description follows.

Exact one-qubit synthesis: the fewest native gates for a 2x2 unitary, up to phase.

A one-qubit unitary is, up to phase, a unit quaternion ``(w, x, y, z)`` meaning
``w I - i (x X + y Y + z Z)``. Every basis reads its angles from that quaternion with plain
``math`` (no numpy per call): Euler angles about two axes (``ZYZ``, ``ZXZ``, ``XYX``, ...)
after relabelling the axes, ``rz``/``sx`` sequences, XY-plane pulses (``prx``: any rotation
is two pulses of equal angle; ``gpi``/``gpi2``: at most three). Each basis proposes a few
exact sequences; angles that vanish modulo 2 pi drop their gate, and the shortest sequence
over all bases the natives allow wins (ties: fewer gates that are not virtual Z rotations).
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from qloom_unrollers.synthesis.errors import SynthesisError

__all__ = ["Gate1q", "one_qubit_bases", "quaternion", "synthesize_1q", "zyz_angles"]

Gate1q = tuple[str, tuple[float, ...]]
"""One gate on one qubit: ``(name, params)``."""

Quaternion = tuple[float, float, float, float]

ANGLE_TOL = 1e-10
"""Angles closer than this to zero (mod 2 pi), or to a special value, count as equal to it."""

_PI = math.pi
_HALF_PI = math.pi / 2
_VIRTUAL_Z = ("rz", "p", "u1")
"""Z rotations, in order of preference; hardware applies them as frame changes (free)."""
_U_NAMES = ("u", "u3", "U")
_AXIS_GATE = {"x": "rx", "y": "ry"}


# -- angles -----------------------------------------------------------------------------------


def _wrap(angle: float) -> float:
    """``angle`` in (-pi, pi]."""
    wrapped = math.remainder(angle, 2 * _PI)
    return _PI if wrapped <= -_PI + ANGLE_TOL else wrapped


def _vanishes(angle: float) -> bool:
    return abs(math.remainder(angle, 2 * _PI)) < ANGLE_TOL


def _near(value: float, target: float) -> bool:
    return abs(value - target) < ANGLE_TOL


def quaternion(matrix: np.ndarray) -> Quaternion:
    """``(w, x, y, z)``, ``w >= 0``, with ``matrix ~ w I - i (x X + y Y + z Z)`` up to phase."""
    (m00, m01), (m10, m11) = np.asarray(matrix, dtype=complex).tolist()
    root = cmath.sqrt(m00 * m11 - m01 * m10)
    if abs(root) < 1e-6:
        raise SynthesisError("synthesize_1q needs a 2x2 unitary")
    v00, v01, v10, v11 = m00 / root, m01 / root, m10 / root, m11 / root
    w = (v00 + v11).real / 2
    x = -(v01 + v10).imag / 2
    y = (v10 - v01).real / 2
    z = (v11 - v00).imag / 2
    norm = math.sqrt(w * w + x * x + y * y + z * z)
    if w < 0:
        norm = -norm
    return w / norm, x / norm, y / norm, z / norm


def zyz_angles(q: Quaternion) -> tuple[float, float, float]:
    """``(theta, phi, lam)``, ``theta`` in [0, pi], with ``q ~ Rz(phi) Ry(theta) Rz(lam)``.

    Multiplying out the quaternions gives ``w + iz = cos(theta/2) e^{i(phi+lam)/2}`` and
    ``y - ix = sin(theta/2) e^{i(phi-lam)/2}``; a factor that vanishes leaves its angle free
    (set to zero, so a diagonal or anti-diagonal matrix gets no spurious rotation).
    """
    w, x, y, z = q
    cos_part, sin_part = math.hypot(w, z), math.hypot(x, y)
    theta = 2 * math.atan2(sin_part, cos_part)
    total = 2 * math.atan2(z, w) if cos_part > ANGLE_TOL else 0.0
    difference = 2 * math.atan2(-x, y) if sin_part > ANGLE_TOL else 0.0
    return theta, (total + difference) / 2, (total - difference) / 2


def _relabelling(outer: str, middle: str) -> tuple[int, int, int, float]:
    """Indices into ``(w, x, y, z)`` and a sign that put ``outer`` on Z and ``middle`` on Y.

    The new X, Y, Z are the old ``third``, ``middle``, ``outer`` axes; an odd permutation
    needs one sign flip to stay a rotation.
    """
    axes = "xyz"
    third = next(a for a in axes if a not in (outer, middle))
    perm = [axes.index(third), axes.index(middle), axes.index(outer)]
    odd = sum(1 for i in range(3) for j in range(i + 1, 3) if perm[i] > perm[j]) % 2
    return perm[0] + 1, perm[1] + 1, perm[2] + 1, -1.0 if odd else 1.0


# -- candidate sequences, one function per basis -----------------------------------------------


class _Natives:
    """What one-qubit gates the natives offer (``None``: the whole library)."""

    def __init__(self, natives: frozenset[str] | None) -> None:
        def has(name: str) -> bool:
            return natives is None or name in natives

        self.z = next((n for n in _VIRTUAL_Z if has(n)), None)
        self.u = next((n for n in _U_NAMES if has(n)), None)
        self.rotation = {"z": self.z, **{a: g for a, g in _AXIS_GATE.items() if has(g)}}
        self.sx, self.sxdg, self.x = has("sx"), has("sxdg"), has("x")
        self.prx = has("prx")
        self.gpi, self.gpi2 = has("gpi"), has("gpi2")


def _rot(name: str, angle: float) -> list[Gate1q]:
    """``[(name, (angle,))]`` with the angle in (-pi, pi], or ``[]`` when it vanishes."""
    wrapped = math.remainder(angle, 2 * _PI)
    if -ANGLE_TOL < wrapped < ANGLE_TOL:
        return []
    return [(name, (_PI if wrapped <= -_PI + ANGLE_TOL else wrapped,))]


def _axis_pair(outer: str, middle: str) -> Callable[[Quaternion, _Natives], list[list[Gate1q]]]:
    """Euler angles about ``outer``, ``middle``, ``outer``: at most three rotations."""

    i, j, k, sign = _relabelling(outer, middle)

    def candidates(q: Quaternion, nat: _Natives) -> list[list[Gate1q]]:
        a, b = nat.rotation[outer], nat.rotation[middle]
        assert a is not None and b is not None
        theta, phi, lam = zyz_angles((q[0], sign * q[i], q[j], q[k]))
        if _vanishes(theta):
            return [_rot(a, phi + lam)]
        # R_A(phi) R_B(theta) R_A(lam) = R_A(phi + pi) R_B(-theta) R_A(lam + pi), up to phase.
        out = [
            _rot(a, lam) + _rot(b, theta) + _rot(a, phi),
            _rot(a, lam + _PI) + _rot(b, -theta) + _rot(a, phi + _PI),
        ]
        if _near(theta, _PI):  # R_A(phi) R_B(pi) R_A(lam) = R_B(pi) R_A(lam - phi)
            out.append([*_rot(a, lam - phi), (b, (_PI,))])
        return out

    return candidates


def _zxz(q: Quaternion) -> tuple[float, float, float]:
    """``(theta, phi, lam)`` with ``q ~ Rz(phi) Rx(theta) Rz(lam)``."""
    return zyz_angles((q[0], -q[2], q[1], q[3]))  # _relabel(q, "z", "x")


def _zsx(q: Quaternion, nat: _Natives) -> list[list[Gate1q]]:
    """Z rotations around ``sx`` (and ``x``/``sxdg`` when native): at most five gates."""
    z = nat.z
    assert z is not None
    theta, phi, lam = _zxz(q)
    if _vanishes(theta):
        return [_rot(z, phi + lam)]
    sx: Gate1q = ("sx", ())
    out: list[list[Gate1q]] = []
    if _near(theta, _HALF_PI):
        out.append([*_rot(z, lam), sx, *_rot(z, phi)])
        # Rx(pi/2) = Rz(pi) Rx(-pi/2) Rz(-pi) and Rx(-pi/2) = X SX, up to phase.
        if nat.sxdg:
            out.append([*_rot(z, lam - _PI), ("sxdg", ()), *_rot(z, phi + _PI)])
        if nat.x:
            out.append([*_rot(z, lam - _PI), sx, ("x", ()), *_rot(z, phi + _PI)])
    if _near(theta, _PI):  # Rz(phi) X Rz(lam) = X Rz(lam - phi)
        half_turns = [("x", ())] if nat.x else [sx, sx]
        out.append([*_rot(z, lam - phi), *half_turns])
    # Rx(theta) = Rz(-pi/2) SX Rz(pi - theta) SX Rz(3pi/2), and its mirror with -theta.
    out.append(
        [*_rot(z, lam + 3 * _HALF_PI), sx, *_rot(z, _PI - theta), sx, *_rot(z, phi - _HALF_PI)]
    )
    out.append([*_rot(z, lam + _HALF_PI), sx, *_rot(z, _PI + theta), sx, *_rot(z, phi + _HALF_PI)])
    return out


def _u(q: Quaternion, nat: _Natives) -> list[list[Gate1q]]:
    assert nat.u is not None
    theta, phi, lam = zyz_angles(q)
    if _vanishes(theta) and _vanishes(phi + lam):
        return [[]]
    return [[(nat.u, (theta, _wrap(phi), _wrap(lam)))]]


def _single_pulse(q: Quaternion) -> tuple[float, float] | None:
    """``(theta, phi)`` when ``q`` is one rotation about an axis in the XY plane."""
    w, x, y, z = q
    if abs(z) > ANGLE_TOL / 2:
        return None
    return 2 * math.atan2(math.hypot(x, y), w), math.atan2(y, x)


def _equal_pulses(q: Quaternion) -> tuple[float, float, float]:
    """``(t, p1, p2)`` with ``q = R(t, p2) R(t, p1)``, ``R`` a rotation about an XY axis.

    Multiplying the two pulses gives scalar ``cos^2 - sin^2 cos(d)``, Z part ``-sin^2 sin(d)``
    (half-angle ``cos``/``sin`` of ``t``, ``d = p2 - p1``) and an XY part along the mean
    phase. Solving: ``tan(d/2) = -z / (1 - w)`` and ``sin^2(t/2) = ((1-w)^2 + z^2) /
    (2 (1 - w))``, which is at most 1 because ``z^2 <= 1 - w^2``: two pulses always suffice.
    """
    w, x, y, z = q
    one_minus_w = (x * x + y * y + z * z) / (1 + w)  # 1 - w without cancellation
    t = 2 * math.atan2(math.hypot(one_minus_w, z), math.hypot(x, y))
    half_d = math.atan2(-z, one_minus_w)
    mean = math.atan2(y, x) if math.hypot(x, y) > ANGLE_TOL else 0.0
    return t, mean - half_d, mean + half_d


def _is_identity(q: Quaternion) -> bool:
    return 2 * math.atan2(math.sqrt(q[1] ** 2 + q[2] ** 2 + q[3] ** 2), abs(q[0])) < ANGLE_TOL


def _prx(q: Quaternion, nat: _Natives) -> list[list[Gate1q]]:
    """One pulse when the axis lies in the XY plane, else two (or one and a Z rotation)."""
    if _is_identity(q):
        return [[]]
    single = _single_pulse(q)
    if single is not None:
        return [[("prx", (single[0], _wrap(single[1])))]]
    t, p1, p2 = _equal_pulses(q)
    out: list[list[Gate1q]] = [[("prx", (t, _wrap(p1))), ("prx", (t, _wrap(p2)))]]
    if nat.z is not None:
        # Rz(phi) Rx(theta) Rz(lam) = prx(theta, phi) Rz(phi + lam)
        theta, phi, lam = _zxz(q)
        pulse: list[Gate1q] = [] if _vanishes(theta) else [("prx", (theta, _wrap(phi)))]
        out.append([*_rot(nat.z, phi + lam), *pulse])
    return out


def _times_x(q: Quaternion) -> Quaternion:
    """The quaternion of ``U X`` (X as the unit quaternion ``(0, 1, 0, 0)``)."""
    w, x, y, z = q
    return -x, w, z, -y


def _gpi(q: Quaternion, nat: _Natives) -> list[list[Gate1q]]:
    """Half-turn (``gpi``) and quarter-turn (``gpi2``) pulses: at most three.

    ``gpi(p) ~ prx(pi, p)`` and ``gpi2(p) = prx(pi/2, p)``. Two ``gpi`` make a Z rotation,
    ``gpi2 gpi`` reaches rotations whose XY part has weight 1/2, and in general
    ``U = gpi2(a) gpi(b) gpi2(c)`` (matrix order): with ``prx(pi, b) = Rz(2b) X`` and
    ``prx(pi/2, p) = Rz(p) SX Rz(-p)``, ``U X = Rz(a) SX Rz(2b - a - c) SX Rz(c)``, so the
    ``rz``/``sx`` angles of ``U X`` give ``a``, ``b``, ``c``.
    """
    if _is_identity(q):
        return [[]]
    out: list[list[Gate1q]] = []
    single = _single_pulse(q)
    if single is not None:
        theta, phi = single
        if _near(theta, _HALF_PI):
            out.append([("gpi2", (_wrap(phi),))])
        if _near(theta, _PI) and nat.gpi:
            out.append([("gpi", (_wrap(phi),))])
    w, x, y, z = q
    if nat.gpi and math.hypot(x, y) < ANGLE_TOL / 2:  # gpi(g/2) gpi(0) = Rz(g)
        out.append([("gpi", (0.0,)), ("gpi", (_wrap(math.atan2(z, w)),))])
    t, p1, p2 = _equal_pulses(q)
    if _near(t, _HALF_PI):
        out.append([("gpi2", (_wrap(p1),)), ("gpi2", (_wrap(p2),))])
    xy_angle = 2 * math.atan2(math.hypot(x, y), math.hypot(w, z))
    if nat.gpi and _near(xy_angle, _HALF_PI):
        # gpi2(p) gpi(r) has XY part (cos r, sin r)/sqrt2 and (cos(p - r), sin(p - r)) ~ (-w, -z).
        r = math.atan2(y, x)
        p = r + math.atan2(-z, -w)
        out.append([("gpi", (_wrap(r),)), ("gpi2", (_wrap(p),))])
    if nat.z is not None:
        theta, phi, lam = _zxz(q)
        for turn, name in ((_HALF_PI, "gpi2"), (_PI, "gpi")):
            if _near(theta, turn) and (name == "gpi2" or nat.gpi):
                out.append([*_rot(nat.z, phi + lam), (name, (_wrap(phi),))])
        # Rz(a) SX Rz(b) SX Rz(c) = gpi2(a) gpi2(a + b) Rz(a + b + c)
        a, b, c = _zsx_angles(q)
        out.append([*_rot(nat.z, a + b + c), ("gpi2", (_wrap(a + b),)), ("gpi2", (_wrap(a),))])
    if nat.gpi:
        a, b, c = _zsx_angles(_times_x(q))
        out.append(
            [("gpi2", (_wrap(c),)), ("gpi", (_wrap((a + b + c) / 2),)), ("gpi2", (_wrap(a),))]
        )
    return out


def _zsx_angles(q: Quaternion) -> tuple[float, float, float]:
    """``(a, b, c)`` with ``q ~ Rz(a) SX Rz(b) SX Rz(c)`` (matrix order)."""
    theta, phi, lam = _zxz(q)
    return phi - _HALF_PI, _PI - theta, lam + 3 * _HALF_PI


# -- choosing -----------------------------------------------------------------------------------

_Candidates = Callable[[Quaternion, _Natives], list[list[Gate1q]]]


def _basis_table() -> dict[str, tuple[Callable[[_Natives], bool], _Candidates]]:
    table: dict[str, tuple[Callable[[_Natives], bool], _Candidates]] = {
        "ZSX": (lambda n: n.z is not None and n.sx, _zsx),
        "U": (lambda n: n.u is not None, _u),
    }
    for outer, middle in ("zy", "zx", "xy", "xz", "yx", "yz"):

        def available(n: _Natives, o: str = outer, m: str = middle) -> bool:
            return n.rotation.get(o) is not None and n.rotation.get(m) is not None

        table[f"{outer}{middle}{outer}".upper()] = (available, _axis_pair(outer, middle))
    table["PRX"] = (lambda n: n.prx, _prx)
    table["GPI"] = (lambda n: n.gpi2 and (n.gpi or n.z is not None), _gpi)
    return table


_BASES = _basis_table()


@lru_cache(maxsize=256)
def _bases_for(natives: frozenset[str] | None) -> tuple[_Natives, tuple[str, ...]]:
    nat = _Natives(natives)
    return nat, tuple(name for name, (available, _) in _BASES.items() if available(nat))


# With every gate allowed, ``u`` does anything in one gate; only ``rz``/``x``/``sx``/``sxdg``
# (and the identity) can do better, so the other bases need not be tried.
_UNCONSTRAINED = ("ZSX", "U")


def one_qubit_bases(natives: frozenset[str] | None) -> list[str]:
    """Names of the Euler bases ``natives`` can express (every basis when ``None``).

    ``ZSX`` (``rz`` or ``p`` or ``u1``, ``sx``, optionally ``x``/``sxdg``), ``U``
    (``u``/``u3``/``U``), the rotation pairs ``ZYZ``, ``ZXZ``, ``XYX``, ``XZX``, ``YXY``,
    ``YZY``, ``PRX`` and ``GPI`` (``gpi2`` with ``gpi`` or a Z rotation).
    """
    return list(_bases_for(natives)[1])


def _rank(gates: list[Gate1q]) -> tuple[int, int]:
    return len(gates), sum(1 for name, _ in gates if name not in _VIRTUAL_Z)


def synthesize_1q(matrix: np.ndarray, natives: frozenset[str] | None) -> list[Gate1q]:
    """The fewest native gates equal to the 2x2 unitary ``matrix`` up to phase.

    Args:
        matrix: a 2x2 unitary.
        natives: native gate names, or ``None`` for the whole gate library.

    Returns:
        ``(name, params)`` in time order; ``[]`` for a multiple of the identity. Angles are
        in (-pi, pi] (``u``'s theta and ``prx``'s in [0, pi]).

    Raises:
        SynthesisError: the natives have no universal one-qubit basis (and the matrix is not
            the identity), or the matrix is not a 2x2 unitary.
    """
    q = quaternion(matrix)
    nat, bases = _bases_for(natives)
    if not bases:
        if _is_identity(q):
            return []
        raise SynthesisError(
            f"the natives {sorted(natives or ())} have no universal one-qubit basis "
            "(need e.g. rz+sx, rz+ry, rz+rx, rx+ry, u, prx or gpi+gpi2)"
        )
    best: list[Gate1q] | None = None
    best_rank = (99, 99)
    if nat.z is not None:  # a diagonal matrix is one virtual Z rotation, in any basis
        theta, phi, lam = zyz_angles(q)
        if _vanishes(theta):
            best = _rot(nat.z, phi + lam)
            best_rank = _rank(best)
    for name in _UNCONSTRAINED if natives is None else bases:
        for gates in _BASES[name][1](q, nat):
            rank = _rank(gates)
            if rank < best_rank:
                best, best_rank = gates, rank
    assert best is not None
    return best
