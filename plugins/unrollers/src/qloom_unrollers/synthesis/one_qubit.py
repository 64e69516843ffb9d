"""Exact one-qubit synthesis: Euler angles in whichever basis the natives allow.

Every basis starts from the ZYZ angles of the matrix, ``U = e^{ia} Rz(phi) Ry(theta)
Rz(lam)``, and rewrites ``Ry`` with the basis's own gates; angles that vanish (mod 2 pi)
drop their gate. Among the bases the natives allow, the shortest sequence wins (then the
one with fewer non-``rz`` gates, ``rz`` being virtual on most hardware).
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable

import numpy as np

from qloom_unrollers.synthesis.errors import SynthesisError

__all__ = ["Gate1q", "euler_angles", "one_qubit_bases", "synthesize_1q"]

Gate1q = tuple[str, tuple[float, ...]]
_ATOL = 1e-10
_PI = math.pi


def _wrap(angle: float) -> float:
    """``angle`` in (-pi, pi]."""
    wrapped = math.remainder(angle, 2 * _PI)
    return _PI if wrapped <= -_PI + _ATOL else wrapped


def _zero(angle: float) -> bool:
    return abs(math.remainder(angle, 2 * _PI)) < _ATOL


def euler_angles(matrix: np.ndarray) -> tuple[float, float, float]:
    """``(theta, phi, lam)`` with ``matrix = phase * Rz(phi) Ry(theta) Rz(lam)``."""
    m = np.asarray(matrix, dtype=complex)
    det = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]
    v = m / cmath.sqrt(det)
    theta = 2 * math.atan2(abs(v[1, 0]), abs(v[0, 0]))
    total = 2 * cmath.phase(v[1, 1]) if abs(v[1, 1]) > _ATOL else 0.0
    diff = 2 * cmath.phase(v[1, 0]) if abs(v[1, 0]) > _ATOL else 0.0
    return theta, (total + diff) / 2, (total - diff) / 2


def _rz_run(*angles_and_gates: Gate1q | float) -> list[Gate1q]:
    """Gates in time order; a float is an ``rz`` angle, dropped when it vanishes."""
    out: list[Gate1q] = []
    for item in angles_and_gates:
        if isinstance(item, tuple):
            out.append(item)
        elif not _zero(item):
            out.append(("rz", (_wrap(item),)))
    return out


def _zsx(theta: float, phi: float, lam: float, natives: frozenset[str]) -> list[Gate1q]:
    if _zero(theta):
        return _rz_run(phi + lam)
    if abs(theta - _PI / 2) < _ATOL:
        return _rz_run(lam - _PI / 2, ("sx", ()), phi + _PI / 2)
    if abs(theta - _PI) < _ATOL and "x" in natives:
        return _rz_run(lam - _PI / 2, ("x", ()), phi + _PI / 2)
    # Ry(theta) = Rz(-pi) SX Rz(theta + pi) SX, up to phase (with SX = Rx(pi/2)).
    return _rz_run(lam, ("sx", ()), theta + _PI, ("sx", ()), phi + _PI)


def _zyz(theta: float, phi: float, lam: float) -> list[Gate1q]:
    middle: list[Gate1q | float] = [] if _zero(theta) else [("ry", (_wrap(theta),))]
    return _rz_run(lam, *middle, phi)


def _zxz(theta: float, phi: float, lam: float) -> list[Gate1q]:
    if _zero(theta):
        return _rz_run(phi + lam)
    return _rz_run(lam - _PI / 2, ("rx", (_wrap(theta),)), phi + _PI / 2)


def _xyx(matrix: np.ndarray) -> list[Gate1q]:
    hadamard = np.array([[1, 1], [1, -1]]) / math.sqrt(2)
    theta, phi, lam = euler_angles(hadamard @ matrix @ hadamard)
    out: list[Gate1q] = []
    for name, angle in (("rx", lam), ("ry", -theta), ("rx", phi)):
        if not _zero(angle):
            out.append((name, (_wrap(angle),)))
    return out


def _u(theta: float, phi: float, lam: float, name: str) -> list[Gate1q]:
    if _zero(theta) and _zero(phi + lam):
        return []
    return [(name, (theta, _wrap(phi), _wrap(lam)))]


def _xy_quaternion(matrix: np.ndarray) -> tuple[float, float, float, float]:
    """``(w, x, y, z)`` with ``matrix ~ w I - i (x X + y Y + z Z)``, ``w >= 0``."""
    m = np.asarray(matrix, dtype=complex)
    det = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]
    v = m / cmath.sqrt(det)
    w, z = v[0, 0].real, -v[0, 0].imag
    x, y = -v[1, 0].imag, v[1, 0].real
    if w < 0:
        w, x, y, z = -w, -x, -y, -z
    return w, x, y, z


def _prx(matrix: np.ndarray) -> list[Gate1q]:
    """At most two rotations about XY-plane axes, ``R(t, p1) R(t, p2)`` (equal angles).

    With quaternions, the product of two such rotations has Z part ``s^2 sin(p2 - p1)``
    and scalar part ``c^2 - s^2 cos(p2 - p1)`` (``c, s`` of ``t/2``): given the target's
    scalar ``w`` and Z part ``z``, ``s^2 = ((1 - w)^2 + z^2) / (2 (1 - w))``, always in [0, 1].
    """
    w, x, y, z = _xy_quaternion(matrix)
    if abs(z) < _ATOL:
        if math.hypot(x, y) < _ATOL:
            return []
        return [("prx", (2 * math.atan2(math.hypot(x, y), w), math.atan2(y, x)))]
    omw = (x * x + y * y + z * z) / (1 + w)  # 1 - w, without cancellation
    # s^2 and c^2 of t/2, and tan(delta), each as a ratio with no cancellation.
    s2, c2 = omw * omw + z * z, x * x + y * y
    t = 2 * math.atan2(math.sqrt(s2), math.sqrt(c2))
    delta = math.atan2(2 * omw * z, omw * omw - z * z)
    mid = math.atan2(y, x) if math.hypot(x, y) > _ATOL else 0.0
    for centre in (mid, mid + _PI):
        p1, p2 = centre - delta / 2, centre + delta / 2
        gates: list[Gate1q] = [("prx", (t, _wrap(p2))), ("prx", (t, _wrap(p1)))]
        if _same(_sequence_matrix(gates), matrix):
            return gates
    raise SynthesisError("prx synthesis did not converge")  # pragma: no cover


def _gpi(theta: float, phi: float, lam: float) -> list[Gate1q]:
    """gpi2 and gpi pulses: ``Ry`` as two quarter turns about XY axes, ``Rz`` as two half turns.

    ``U = Rz(phi) Ry(theta) Rz(lam) = R(pi/2, phi) R(pi/2, pi + phi - theta) Rz(g)`` with
    ``g = phi - theta + lam``, and ``Rz(g) = R(pi, g/2) R(pi, 0)`` (matrix order).
    """
    out: list[Gate1q] = []
    g = phi - theta + lam
    if not _zero(g):
        out += [("gpi", (0.0,)), ("gpi", (_wrap(g / 2),))]
    if not _zero(theta):
        out += [("gpi2", (_wrap(_PI + phi - theta),)), ("gpi2", (_wrap(phi),))]
    elif out:
        # Rz(phi + lam) alone: R(pi/2, phi) R(pi/2, pi + phi) is the identity, so drop it.
        out = [("gpi", (0.0,)), ("gpi", (_wrap((phi + lam) / 2),))]
    return out


def _gpi_shortest(matrix: np.ndarray, angles: tuple[float, float, float]) -> list[Gate1q]:
    """The two-pulse ``prx`` form when its pulses are quarter or half turns, else ``_gpi``."""
    pulses = _prx(matrix)
    names = {_PI / 2: "gpi2", _PI: "gpi"}
    converted: list[Gate1q] = []
    for _, (theta, phi) in pulses:
        name = next((n for t, n in names.items() if abs(theta - t) < _ATOL), None)
        if name is None:
            return _gpi(*angles)
        converted.append((name, (phi,)))
    general = _gpi(*angles)
    return converted if len(converted) <= len(general) else general


_Basis = Callable[[np.ndarray, tuple[float, float, float], frozenset[str]], list[Gate1q]]
_BASES: dict[str, tuple[frozenset[str], _Basis]] = {
    "U": (frozenset({"u"}), lambda m, a, n: _u(*a, "u")),
    "U3": (frozenset({"u3"}), lambda m, a, n: _u(*a, "u3")),
    "ZSX": (frozenset({"rz", "sx"}), lambda m, a, n: _zsx(*a, n)),
    "ZYZ": (frozenset({"rz", "ry"}), lambda m, a, n: _zyz(*a)),
    "ZXZ": (frozenset({"rz", "rx"}), lambda m, a, n: _zxz(*a)),
    "XYX": (frozenset({"rx", "ry"}), lambda m, a, n: _xyx(m)),
    "PRX": (frozenset({"prx"}), lambda m, a, n: _prx(m)),
    "GPI": (frozenset({"gpi", "gpi2"}), lambda m, a, n: _gpi_shortest(m, a)),
}


def one_qubit_bases(natives: frozenset[str] | None) -> list[str]:
    """Names of the Euler bases ``natives`` can express (all of them when ``None``)."""
    return [name for name, (needs, _) in _BASES.items() if natives is None or needs <= natives]


def synthesize_1q(matrix: np.ndarray, natives: frozenset[str] | None) -> list[Gate1q]:
    """The fewest native gates equal to the 2x2 ``matrix`` up to phase (``[]`` for identity).

    Raises:
        SynthesisError: no Euler basis fits the natives.
    """
    bases = one_qubit_bases(natives)
    if not bases:
        raise SynthesisError(
            f"the natives {sorted(natives or ())} have no universal one-qubit basis "
            "(need e.g. rz+sx, rz+ry, rz+rx, rx+ry, u, prx or gpi+gpi2)"
        )
    m = np.asarray(matrix, dtype=complex)
    angles = euler_angles(m)
    allowed = natives if natives is not None else frozenset({"x"})
    best: list[Gate1q] | None = None
    for name in bases:
        gates = _BASES[name][1](m, angles, allowed)
        if best is None or _rank(gates) < _rank(best):
            best = gates
    assert best is not None
    return best


def _rank(gates: list[Gate1q]) -> tuple[int, int]:
    return len(gates), sum(1 for name, _ in gates if name != "rz")


def _sequence_matrix(gates: list[Gate1q]) -> np.ndarray:
    from qloom.gates import gate_matrix

    out = np.eye(2, dtype=complex)
    for name, params in gates:
        out = gate_matrix(name, params) @ out
    return out


def _same(a: np.ndarray, b: np.ndarray, atol: float = 1e-7) -> bool:
    overlap = np.vdot(a, b)
    return bool(
        abs(abs(overlap) - 2) < atol * 4
        and np.allclose(a * (overlap / abs(overlap)), b, rtol=0, atol=atol)
    )
