"""Greedy and beam search over sessions, scored in parallel on an executor.

Every candidate pipeline is scored on all training circuits: its score is the **sum** of
the metric over them (lower is better). One evaluation is one task (one circuit, one
candidate step after the steps already chosen, then the completion), carrying plain data
only (``qloom.tuning.evaluate``). Tasks are submitted candidate by candidate, a couple per
worker at a time, and not at all once the budget is spent: what finished is used, a
candidate with a missing circuit is "out of budget". Results are gathered by position,
never by finishing order, so the same seed gives the same choice on every executor
(provided the budget lets the search finish).

- **greedy**: from the current pipeline, fork one session per candidate, step it, keep the
  best; stop when no candidate beats the current pipeline, at ``depth`` steps, or when the
  budget runs out.
- **beam**: keep the ``width`` best partial pipelines of each depth, expand every one of
  them by every candidate; the best pipeline seen at any depth wins.

A candidate that leaves the pipeline as it was (a copy of the entry it would replace) is
not tried; one that changes nothing on every circuit (same circuit, layout and placement)
is "no change" and never completed; one that fails or leaves a circuit the backend does not
accept is dropped.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from typing import Any

from qloom.errors import QloomError
from qloom.executor import Executor
from qloom.tuning.choices import STRATEGIES
from qloom.tuning.evaluate import evaluate
from qloom.tuning.space import Entry, SearchSpace, covered_entry, describe, entry_key

__all__ = ["STRATEGIES", "Evaluator", "Tried", "beam", "greedy"]

OK, NO_CHANGE, FAILED, NOT_EXECUTABLE, OUT_OF_BUDGET = (
    "ok",
    "no change",
    "failed",
    "not executable",
    "out of budget",
)


@dataclass(frozen=True)
class Tried:
    """One pipeline the search scored.

    Attributes:
        steps: the chosen steps (between the baseline's front and its completion).
        status: ``ok``, ``no change``, ``failed``, ``not executable`` or ``out of budget``.
        score: the metric summed over the training circuits (``None`` unless ``ok``).
        values: the metric per training circuit (``ok`` only).
        seconds: the evaluations' own wall time, summed over circuits.
        round: the search depth it was tried at (0: the baseline).
        detail: why it failed, for the failed.
        label: the steps shortly, runs of the baseline's own entries as ``…``
            (``… -> routers:sabre(trials=32) -> …``).
    """

    steps: tuple[Entry, ...]
    status: str
    score: float | None
    values: tuple[float, ...]
    seconds: float
    round: int
    detail: str = ""
    label: str = "(baseline)"


class Evaluator:
    """Scores partial pipelines on the training circuits through ``executor``.

    Args:
        executor: where the evaluations run.
        space: the baseline's front and completion.
        circuits: the training circuits as ``qloom.circuit_data`` with their cache keys.
        common: ``backend``, ``backend_options``, ``seed``, ``metric`` for every job.
        deadline: ``time.monotonic()`` after which nothing more is submitted.
        window: evaluations in flight at once (a couple per worker).
        on_result: called after each evaluation (progress).
    """

    def __init__(
        self,
        executor: Executor,
        space: SearchSpace,
        circuits: Sequence[tuple[str, Any]],
        common: dict[str, Any],
        deadline: float,
        window: int,
        on_result: Callable[[], None] | None = None,
    ) -> None:
        self.executor, self.space, self.circuits = executor, space, list(circuits)
        self.common, self.deadline = common, deadline
        self.window = max(1, window)
        self.on_result = on_result
        self.tried: list[Tried] = []

    @property
    def spent(self) -> bool:
        """Whether the budget is used up."""
        return time.monotonic() >= self.deadline

    def score(
        self, batch: Sequence[tuple[tuple[Entry, ...], Entry | None]], round_: int, budgeted: bool
    ) -> list[Tried]:
        """Score each ``(steps, candidate)``: ``steps + [candidate]`` completed, on every
        training circuit. Unbudgeted, everything runs (the baseline)."""
        n = len(self.circuits)
        results: list[list[dict[str, Any] | None]] = [[None] * n for _ in batch]
        dead: set[int] = set()
        queue: deque[tuple[int, int, bool]] = deque(
            (b, c, True) for b in range(len(batch)) for c in range(n)
        )
        running: dict[Future[dict[str, Any]], tuple[int, int]] = {}
        stopped = False
        while True:
            while not stopped and queue and len(running) < self.window:
                if budgeted and self.spent:
                    stopped = True
                    break
                b, c, skip = queue.popleft()
                if b in dead:
                    continue
                steps, candidate = batch[b]
                job = self._job(c, steps, candidate, skip)
                running[self.executor.submit(evaluate, job)] = (b, c)
            if not running:
                break
            timeout = max(0.0, self.deadline - time.monotonic()) if budgeted else None
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            if not done:  # the budget ran out with evaluations in flight
                stopped = True
                for future in running:
                    self.executor.cancel(future, "the tuning budget is spent")
                break
            for future in sorted(done, key=lambda f: running[f]):
                b, c = running.pop(future)
                result = _result(future)
                results[b][c] = result
                if self.on_result is not None:
                    self.on_result()
                if "error" in result or result.get("executable") is False:
                    dead.add(b)
                elif all(r is not None for r in results[b]):
                    redo = [i for i, r in enumerate(results[b]) if r and r.get("noop")]
                    if redo and len(redo) < n:  # changed some circuits: complete the rest
                        queue.extendleft((b, i, False) for i in reversed(redo))
                        for i in redo:
                            results[b][i] = None
        out = [
            self._tried(self._taken(steps, candidate), rows, round_)
            for (steps, candidate), rows in zip(batch, results, strict=True)
        ]
        self.tried.extend(out)
        return out

    def _job(
        self, circuit: int, steps: tuple[Entry, ...], candidate: Entry | None, skip: bool
    ) -> dict[str, Any]:
        key, data = self.circuits[circuit]
        taken = self.space.extend(steps, candidate) if candidate is not None else steps
        rest = self.space.rest(taken)
        # a step that changes nothing is skipped only if it also leaves the completion as
        # it was (one that covers a completion entry changes what runs around it)
        skip = skip and rest == self.space.rest(steps)
        return {
            **self.common,
            "circuit": data,
            "circuit_key": key,
            "prefix": [*self.space.front, *steps],
            "extension": list(taken[len(steps) :]),
            "completion": list(rest),
            "skip_noop": skip,
        }

    def _taken(self, steps: tuple[Entry, ...], candidate: Entry | None) -> tuple[Entry, ...]:
        return steps if candidate is None else self.space.extend(steps, candidate)

    def _label(self, steps: tuple[Entry, ...]) -> str:
        completion = self.space.completion
        own = ["…" if s in completion else describe(s, covered_entry(completion, s)) for s in steps]
        shown = [n for i, n in enumerate(own) if n != "…" or i == 0 or own[i - 1] != "…"]
        return " -> ".join(shown) or "(baseline)"

    def _tried(
        self, steps: tuple[Entry, ...], rows: list[dict[str, Any] | None], round_: int
    ) -> Tried:
        seconds = sum(float(r.get("wall", 0.0)) for r in rows if r is not None)
        label = self._label(steps)
        errors = [r["error"] for r in rows if r is not None and "error" in r]
        if errors:
            return Tried(steps, FAILED, None, (), seconds, round_, errors[0], label)
        if any(r is not None and r.get("executable") is False for r in rows):
            return Tried(steps, NOT_EXECUTABLE, None, (), seconds, round_, "", label)
        if any(r is None for r in rows):
            return Tried(steps, OUT_OF_BUDGET, None, (), seconds, round_, "", label)
        if all(r is not None and r.get("noop") for r in rows):
            return Tried(steps, NO_CHANGE, None, (), seconds, round_, "", label)
        values = tuple(float(r["value"]) for r in rows if r is not None)
        return Tried(steps, OK, sum(values), values, seconds, round_, "", label)


def _result(future: Future[dict[str, Any]]) -> dict[str, Any]:
    try:
        return future.result()
    except QloomError as exc:  # the task itself failed (a worker died, it was cancelled)
        return {"error": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:  # a pass broke in a way that is not a qloom error
        return {"error": f"{type(exc).__name__}: {exc}"}


def _ranked(tried: Sequence[Tried]) -> list[Tried]:
    """The scored ones, best first; ties to the earlier tried."""
    scored = [(t.score, i, t) for i, t in enumerate(tried) if t.status == OK]
    return [t for _, _, t in sorted(scored, key=lambda s: (s[0], s[1]))]


def greedy(evaluator: Evaluator, start: Tried, depth: int) -> Tried:
    """Extend ``start`` by the best candidate while one beats it (see the module)."""
    current = start
    for round_ in range(1, depth + 1):
        if evaluator.spent:
            break
        space = evaluator.space
        batch = [
            (current.steps, c)
            for c in space.candidates
            if space.whole(space.extend(current.steps, c)) != space.whole(current.steps)
        ]
        ranked = _ranked(evaluator.score(batch, round_, budgeted=True))
        if not ranked or _score(ranked[0]) >= _score(current):
            break
        current = ranked[0]
    return current


def beam(evaluator: Evaluator, start: Tried, depth: int, width: int) -> Tried:
    """Keep the ``width`` best partial pipelines per depth (see the module)."""
    best, frontier = start, [start]
    space = evaluator.space
    seen = {entry_key(space.whole(start.steps))}
    for round_ in range(1, depth + 1):
        if evaluator.spent or not frontier:
            break
        batch = []
        for node in frontier:
            for candidate in space.candidates:
                key = entry_key(space.whole(space.extend(node.steps, candidate)))
                if key not in seen:
                    seen.add(key)
                    batch.append((node.steps, candidate))
        frontier = _ranked(evaluator.score(batch, round_, budgeted=True))[:width]
        if frontier and _score(frontier[0]) < _score(best):
            best = frontier[0]
    return best


def _score(tried: Tried) -> float:
    assert tried.score is not None
    return tried.score
