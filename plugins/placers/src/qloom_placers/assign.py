"""Greedy assignment of logical qubits to physical ones, each next to its placed partners.

Shared by ``dense`` (inside its chosen region) and ``line`` (for qubits beyond the path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from qloom_placers.graphs import Interactions

__all__ = ["greedy_assign", "swap_estimate"]


def greedy_assign(
    inter: Interactions,
    candidates: Sequence[int],
    dist: np.ndarray,
    placed: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Place every logical qubit not in ``placed`` on a distinct qubit of ``candidates``.

    The next qubit is the unplaced one with the most gates to placed qubits (ties: most
    gates overall, then lowest index); it goes to the free candidate minimising its gate
    count times distance to each placed partner (ties: earlier in ``candidates``). A qubit
    without placed partners (the first one, or the start of another connected group) takes
    the first free candidate, so ``candidates`` lists the preferred qubits first. Qubits
    without two-qubit gates go last, in index order, to the remaining candidates.

    Args:
        inter: the circuit's interactions.
        candidates: physical qubits to use, preferred first; at least as many as needed.
        dist: hop distances between physical qubits.
        placed: logical qubits already placed (kept as they are).

    Returns:
        The complete mapping from each logical qubit to its physical qubit.
    """
    mapping = dict(placed or {})
    used = set(mapping.values())
    free = np.array([p for p in candidates if p not in used], dtype=int)
    taken = np.zeros(len(free), dtype=bool)
    if len(free) < inter.num_qubits - len(mapping):
        raise ValueError("not enough candidate qubits for the circuit")
    pending = [q for q in inter.active if q not in mapping]
    attach = {q: sum(w for p, w in inter.neighbors[q].items() if p in mapping) for q in pending}
    strength = {q: inter.strength(q) for q in pending}
    while pending:
        logical = max(pending, key=lambda q: (attach[q], strength[q], -q))
        pending.remove(logical)
        partners = [(mapping[p], w) for p, w in inter.neighbors[logical].items() if p in mapping]
        if partners:
            cost = sum(w * dist[phys, free] for phys, w in partners)
            cost = np.where(taken, np.inf, cost)
            slot = int(np.argmin(cost))
        else:
            slot = int(np.argmin(taken))
        taken[slot] = True
        mapping[logical] = int(free[slot])
        for partner, w in inter.neighbors[logical].items():
            if partner in attach:
                attach[partner] += w
    for logical in inter.idle:
        if logical not in mapping:
            slot = int(np.argmin(taken))
            taken[slot] = True
            mapping[logical] = int(free[slot])
    return mapping


def swap_estimate(inter: Interactions, mapping: Mapping[int, int], dist: np.ndarray) -> float:
    """Gates times (distance - 1) over the interacting pairs: a rough count of SWAPs."""
    return float(
        sum(w * (dist[mapping[a], mapping[b]] - 1.0) for (a, b), w in inter.weights.items())
    )
