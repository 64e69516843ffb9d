"""``placers:noise``: the placement with the lowest estimated error on a calibrated device.

Candidates come from zero-SWAP embeddings (VF2) and from greedy constructions started on
every good qubit; the best few are improved by local search (move a qubit to a free one,
or exchange two) and the lowest estimated error wins (``costs.ErrorModel``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import islice
from typing import Any, ClassVar

import numpy as np

from qloom import Circuit, PassContext
from qloom_placers.base import Placer
from qloom_placers.costs import ErrorModel, error_model
from qloom_placers.dense import dense_mapping
from qloom_placers.graphs import Interactions, coupling_graph, distance_matrix
from qloom_placers.subgraph import CALL_LIMIT, MAX_TRIALS, complete_idle, embeddings

__all__ = ["NoisePlacer", "greedy_builds", "improve"]

REFRESH = 64
"""Local-search steps between exact recomputations of the incrementally updated costs."""


class NoisePlacer(Placer):
    """Prefer low-error qubits and pairs, and placements that need few (and good) SWAPs.

    With ``backend.calibration``: the estimated error of a placement is the sum over
    two-qubit gates of the pair's cost (its ``edge_cost`` when coupled, else SWAPs along the
    lowest-error path plus the gate) and over single-qubit operations of ``qubit_cost``.
    Candidates: up to ``max_trials`` zero-SWAP embeddings (VF2, ``call_limit`` states), and
    one greedy construction per start qubit (up to ``max_seeds`` starts, the best-calibrated
    first): the busiest logical qubit on the start, then each next qubit (most gates to
    placed ones) where it adds the least estimated error. The ``refine`` best candidates
    are improved by steepest-descent local search (up to ``iterations`` moves each); the
    lowest estimate wins, ties to the earlier candidate.

    Without a calibration there is nothing to prefer qubits by: it places like ``dense``
    (and logs that at debug level).

    Options:
        max_trials: zero-SWAP embeddings scored (default 64).
        call_limit: most VF2 states visited (default 1,000,000).
        max_seeds: start qubits of the greedy constructions (default 128).
        refine: candidates improved by local search (default 4).
        iterations: local-search moves per candidate (default 500).
        force: place even when an earlier placer already did (default ``False``).
    """

    option_defaults: ClassVar[Mapping[str, Any]] = {
        **Placer.option_defaults,
        "max_trials": MAX_TRIALS,
        "call_limit": CALL_LIMIT,
        "max_seeds": 128,
        "refine": 4,
        "iterations": 500,
    }

    def place(self, circuit: Circuit, context: PassContext) -> list[int]:
        """The placement with the lowest estimated error."""
        backend = context.backend
        graph = coupling_graph(backend)
        inter = Interactions(circuit)
        if not backend.calibration:
            context.logger.debug("%s: backend has no calibration; placing like dense", self.label)
            return dense_mapping(inter, graph, distance_matrix(graph), context.rng("seeds"))
        model = error_model(backend.calibration, graph)
        candidates: list[np.ndarray] = []
        found = embeddings(inter, graph, int(self.option("call_limit")))
        for embedding in islice(found, max(0, int(self.option("max_trials")))):
            candidates.append(np.array(complete_idle(inter, embedding, graph, model=model)))
        starts = np.argsort(model.goodness, kind="stable")[: max(1, int(self.option("max_seeds")))]
        candidates.extend(greedy_builds(inter, model, starts.tolist()))
        scored = sorted(range(len(candidates)), key=lambda i: (model.cost(inter, candidates[i]), i))
        best: tuple[float, int, np.ndarray] | None = None
        iterations = int(self.option("iterations"))
        for rank, index in enumerate(scored[: max(1, int(self.option("refine")))]):
            mapping = improve(inter, model, candidates[index], iterations)
            entry = (model.cost(inter, mapping), rank, mapping)
            if best is None or entry[:2] < best[:2]:
                best = entry
        assert best is not None
        return [int(p) for p in best[2]]


def greedy_builds(
    inter: Interactions, model: ErrorModel, starts: Sequence[int]
) -> list[np.ndarray]:
    """One placement grown from each physical qubit of ``starts``, each qubit where it adds
    least error.

    The busiest logical qubit goes on the start; then the unplaced qubit with most gates to
    placed ones (ties: most gates, lowest index) goes to the free qubit minimising its
    single-qubit operations' cost plus its gates' pair costs to placed partners. A qubit
    with no placed partner goes to the free qubit with the best ``goodness`` weighted by its
    gates. Idle qubits go last, busiest first, to the free qubits with the lowest cost.

    Which logical qubit comes next depends only on which are placed, never on where, so
    every start places them in the same order; the starts are grown together, one row
    each, with the same arithmetic per row as growing them one at a time.
    """
    k, n, count = inter.num_qubits, len(model.qubit), len(starts)
    weights = inter.matrix
    one_qubit = np.asarray(inter.one_qubit, dtype=float)
    strength = weights.sum(axis=1)
    rows = np.arange(count)
    mapping = np.full((count, k), -1, dtype=int)
    used = np.zeros((count, n), dtype=bool)
    partners = np.zeros((count, k, n))
    attach = np.zeros(k)
    pending = np.zeros(k, dtype=bool)
    pending[inter.active] = True
    scale = float(strength.max(initial=0.0)) + 1.0
    physical = np.asarray(starts, dtype=int)
    for step in range(len(inter.active)):
        # most gates to placed qubits, then most gates, then lowest index (argmax: first)
        logical = int(np.argmax(np.where(pending, attach * scale + strength, -1.0)))
        pending[logical] = False
        if step:
            if attach[logical] > 0:
                cost = one_qubit[logical] * model.qubit + partners[:, logical]
            else:
                cost = np.broadcast_to(
                    one_qubit[logical] * model.qubit + strength[logical] * model.goodness,
                    (count, n),
                )
            physical = np.argmin(np.where(used, np.inf, cost), axis=1)
        mapping[:, logical] = physical
        used[rows, physical] = True
        row = weights[:, logical]
        near = np.flatnonzero(row)
        partners[:, near] += row[None, near, None] * model.pair[physical][:, None, :]
        attach += row
    idle = sorted(inter.idle, key=lambda q: (-inter.one_qubit[q], q))
    cheapest_first = np.lexsort((np.arange(n), model.qubit))  # by cost, then index
    builds = []
    for index in range(count):
        free = cheapest_first[~used[index][cheapest_first]].tolist()
        for logical, free_qubit in zip(idle, free, strict=False):
            mapping[index, logical] = free_qubit
        builds.append(mapping[index])
    return builds


def improve(
    inter: Interactions, model: ErrorModel, mapping: np.ndarray, iterations: int
) -> np.ndarray:
    """Steepest descent on the estimated error: each step makes the best of all moves of
    one logical qubit to a free physical qubit and all exchanges of two logical qubits,
    while one lowers the estimate."""
    mapping = np.array(mapping, dtype=int)
    k, n = len(mapping), len(model.qubit)
    if k == 0:
        return mapping
    weights = inter.matrix
    one_qubit = np.asarray(inter.one_qubit, dtype=float)
    base = one_qubit[:, None] * model.qubit[None, :]
    rows = np.arange(k)
    value = base.copy()
    for step in range(iterations):
        if step % REFRESH == 0:  # exact again, so updates never drift far
            value = base.copy()
            for logical in range(k):
                _shift(value, weights[:, logical], model.pair[mapping[logical]])
        current = value[rows, mapping]
        free = np.ones(n, dtype=bool)
        free[mapping] = False
        move = np.where(free[None, :], value - current[:, None], np.inf)
        at = value[:, mapping]
        swap = at + at.T - current[:, None] - current[None, :]
        swap += 2.0 * weights * model.pair[np.ix_(mapping, mapping)]
        np.fill_diagonal(swap, np.inf)
        best_move = np.unravel_index(int(np.argmin(move)), move.shape)
        best_swap = np.unravel_index(int(np.argmin(swap)), swap.shape)
        gain_move, gain_swap = move[best_move], swap[best_swap]
        if min(gain_move, gain_swap) >= -1e-12:
            break
        if gain_move <= gain_swap:
            logical, target = int(best_move[0]), int(best_move[1])
            source = mapping[logical]
            mapping[logical] = target
            _shift(value, weights[:, logical], model.pair[target] - model.pair[source])
        else:
            a, b = int(best_swap[0]), int(best_swap[1])
            pa, pb = mapping[a], mapping[b]
            mapping[a], mapping[b] = pb, pa
            _shift(value, weights[:, a], model.pair[pb] - model.pair[pa])
            _shift(value, weights[:, b], model.pair[pa] - model.pair[pb])
    return mapping


def _shift(value: np.ndarray, column: np.ndarray, delta: np.ndarray) -> None:
    """Add ``column[l] * delta`` to each row ``l`` of ``value`` where ``column[l]`` is set.

    Elementwise on purpose: a matrix product would call a multithreaded BLAS, which is
    slower at these sizes and much slower on a busy machine.
    """
    near = np.flatnonzero(column)
    if len(near):
        value[near] += column[near, None] * delta[None, :]
