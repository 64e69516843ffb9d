"""How far a gate is from the identity (up to global phase), the cutoff an
``approximation_degree`` allows, and the tally of what removing such gates cost.

A gate ``U`` on ``d = 2**n`` dimensions has average gate fidelity to the identity
``(d * |tr U / d|**2 + 1) / (d + 1)`` (phase-free). Its infidelity is computed as
``||U - t I||_F**2 / (d + 1)`` with ``t = tr U / d``, which equals ``1 -`` that fidelity for
a unitary ``U`` but does not cancel catastrophically near the identity: ``cp(theta)`` gives
``3/5 sin(theta/2)**2`` to full relative precision even where ``1 - cos(theta)`` rounds to 0.

What removing gates costs is bounded through each gate's distance to the identity in the
operator norm, up to phase: ``delta(G) = min_c ||G - e^{ic} I||``, which is
``2 sin(arc / 4)`` for the shortest arc of the unit circle holding ``G``'s eigenvalues.
Removing ``G_1..G_k`` anywhere in a circuit moves its unitary by at most
``delta = sum delta(G_i)`` in that norm (the norm is unchanged by the rest of the circuit
and obeys the triangle inequality), so every input state, and any subspace of inputs,
keeps a fidelity of at least ``1 - delta**2`` to what the unremoved circuit gives. The sum
of the per-gate infidelities is not such a bound (two ``rz(a)`` on one qubit differ from
the identity by about four times one's infidelity).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, MutableMapping
from functools import lru_cache
from typing import Any

import numpy as np

from qloom.options import check_approximation_degree
from qloom_optimizers.matrices import matrix_of

__all__ = [
    "EXACT_CUTOFF",
    "PROPERTY",
    "cutoff",
    "degree_in",
    "gate_distance",
    "gate_infidelity",
    "matrix_infidelity",
    "record_removals",
]

EXACT_CUTOFF = float(np.finfo(np.float64).eps)
"""The infidelity below which a gate equals the identity at double precision: the
fidelity rounds to 1. Used for ``approximation_degree`` 1.0 (the default)."""

PROPERTY = "removed_identities"
"""The ``context.properties`` key of the tally (see ``record_removals``)."""

_MAX_QUBITS = 10
"""Wider gates are never judged (their matrices get large; none are near the identity)."""


def degree_in(option: float | None, context_degree: float | None) -> float:
    """The ``approximation_degree`` a pass uses: its own option, else the transpilation's
    (``PassContext.approximation_degree``), else 1.0 (exact)."""
    if option is not None:
        return option
    return 1.0 if context_degree is None else context_degree


def cutoff(approximation_degree: float | None) -> float:
    """The largest average gate infidelity a removed gate may have: machine epsilon for
    degree 1.0 (or ``None``), ``1 - degree`` below that.

    Raises:
        ConfigError: the degree is not in (0, 1].
    """
    degree = check_approximation_degree(approximation_degree)
    if degree is None:
        return EXACT_CUTOFF
    return max(EXACT_CUTOFF, 1.0 - degree)


@lru_cache(maxsize=65536)
def gate_infidelity(name: str, params: tuple[Any, ...], num_qubits: int) -> float:
    """1 - the average gate fidelity of gate ``name(params)`` to the identity, up to
    global phase; ``inf`` for a gate too wide to judge."""
    if num_qubits > _MAX_QUBITS:
        return math.inf
    return matrix_infidelity(matrix_of(name, params))


def matrix_infidelity(m: np.ndarray) -> float:
    """1 - the average gate fidelity of unitary ``m`` to the identity, up to global phase."""
    d = m.shape[0]
    t = np.trace(m) / d
    diff = m - t * np.eye(d)
    return float(np.vdot(diff, diff).real) / (d + 1)


@lru_cache(maxsize=4096)
def gate_distance(name: str, params: tuple[Any, ...], num_qubits: int) -> float:
    """``min_c ||U - e^{ic} I||`` (operator norm) of gate ``name(params)``: ``2 sin(arc/4)``
    for the shortest arc holding its eigenvalues; ``inf`` for a gate too wide to judge."""
    if num_qubits > _MAX_QUBITS:
        return math.inf
    m = matrix_of(name, params)
    if not np.any(m - m[0, 0] * np.eye(m.shape[0])):
        return 0.0  # a phase times the identity, exactly
    phases = np.sort(np.angle(np.linalg.eigvals(m)))
    gaps = np.diff(np.append(phases, phases[0] + 2 * math.pi))
    arc = max(0.0, 2 * math.pi - float(gaps.max()))
    return 2 * math.sin(arc / 4)


def record_removals(
    properties: MutableMapping[str, Any], removed: Iterable[tuple[float, float, int]]
) -> None:
    """Add removed gates to the tally in ``properties[PROPERTY]``.

    ``removed`` holds ``(infidelity, distance, count)``: ``count`` gates of that average
    gate infidelity and distance (``gate_infidelity``, ``gate_distance``). The tally holds
    ``gates`` (how many went), ``infidelity`` (the sum of their average gate
    infidelities), ``distance`` (the sum of their distances) and ``infidelity_bound``
    (``min(1, distance**2)``: no input state's fidelity to the unremoved circuit's output
    is below ``1 - infidelity_bound``, so neither is the process or average gate fidelity).
    """
    tally = properties.setdefault(
        PROPERTY, {"gates": 0, "infidelity": 0.0, "distance": 0.0, "infidelity_bound": 0.0}
    )
    for infidelity, distance, count in removed:
        tally["gates"] += count
        tally["infidelity"] += count * infidelity
        tally["distance"] += count * distance
    tally["infidelity_bound"] = min(1.0, tally["distance"] ** 2)
