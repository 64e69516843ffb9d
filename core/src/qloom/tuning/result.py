"""``TuneResult``: what a tuning run found, how it compares, and the tables it prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qloom.config import get_pipeline
from qloom.pipeline import Pipeline
from qloom.tuning.saving import save_pipeline
from qloom.tuning.search import OK, OUT_OF_BUDGET, Tried

__all__ = ["HeldOut", "TuneResult"]


@dataclass(frozen=True)
class HeldOut:
    """One held-back circuit: the metric with the tuned pipeline and with the baseline
    (``nan`` for one that failed, ``error`` saying why)."""

    name: str
    tuned: float
    baseline: float
    error: str = ""


@dataclass(frozen=True)
class TuneResult:
    """The outcome of ``qloom.tune``.

    Attributes:
        spec: the tuned pipeline as a spec (``front + steps + completion``), named.
        best: the chosen candidate (its steps, its training score).
        baseline: the baseline's own training evaluation (no steps).
        tried: every pipeline scored, in the order tried (the baseline first).
        baseline_name: the pipeline the search started from (``"O3"``).
        metric: what was minimised (summed over the training circuits).
        strategy: ``greedy`` or ``beam``.
        seed: the root seed every evaluation used.
        training: the training circuits' names; held_out: the held-back ones' results.
        elapsed: seconds the search took (baseline included); budget: its budget.
        finished: whether the search ended by itself (not by running out of budget).
    """

    spec: dict[str, Any]
    best: Tried
    baseline: Tried
    tried: tuple[Tried, ...]
    baseline_name: str
    metric: str
    strategy: str
    seed: int
    training: tuple[str, ...]
    held_out: tuple[HeldOut, ...]
    elapsed: float
    budget: float
    finished: bool

    @property
    def name(self) -> str:
        """The tuned pipeline's name."""
        return str(self.spec["name"])

    @property
    def score(self) -> float:
        """The tuned pipeline's training score (the metric summed over training circuits)."""
        assert self.best.score is not None
        return self.best.score

    @property
    def held_out_ratio(self) -> float | None:
        """Tuned total over baseline total on the held-back circuits (< 1: tuned is better);
        ``None`` without held-back circuits, when one of them failed, or when the baseline
        total is 0."""
        base = sum(h.baseline for h in self.held_out)
        if (
            not self.held_out
            or base == 0
            or math.isnan(base)
            or any(h.error for h in self.held_out)
        ):
            return None
        return sum(h.tuned for h in self.held_out) / base

    def pipeline(self) -> Pipeline:
        """The tuned pipeline, built from its spec."""
        return get_pipeline(self.spec)

    def save(self, path: Path | None = None, force: bool = False) -> Path:
        """Write the tuned pipeline into ``qloom.toml`` (see ``qloom.tuning.saving``)."""
        return save_pipeline(self.spec, path, force)

    def table(self, full: bool = False) -> str:
        """What the search tried: candidate, round, status, training score, time.

        Candidates the budget left untried are one line per round (``full``: one each).
        """
        header = ("ROUND", "CANDIDATE", "STATUS", f"{self.metric.upper()} (TRAIN)", "TIME")
        rows: list[tuple[str, ...]] = []
        untried = 0
        for index, t in enumerate(self.tried):
            if t.status == OUT_OF_BUDGET and not full:
                untried += 1
            else:
                rows.append(
                    (
                        str(t.round),
                        t.label,
                        t.status + (" *" if t is self.best else ""),
                        _number(t.score) if t.status == OK else "-",
                        f"{t.seconds:.2f}s",
                    )
                )
            last = index + 1 == len(self.tried) or self.tried[index + 1].round != t.round
            if untried and last:
                what = f"{untried} more candidate{'s' if untried > 1 else ''}"
                rows.append((str(t.round), what, OUT_OF_BUDGET, "-", "-"))
                untried = 0
        return _table(header, rows, right=(0, 3, 4))

    def held_out_table(self) -> str:
        """The held-back circuits: tuned against the baseline, per circuit and in total."""
        header = ("HELD-OUT CIRCUIT", self.name, self.baseline_name, "RATIO")
        rows = [
            (h.name, _number(h.tuned), _number(h.baseline), _ratio(h.tuned, h.baseline))
            for h in self.held_out
        ]
        tuned, base = sum(h.tuned for h in self.held_out), sum(h.baseline for h in self.held_out)
        rows.append(("total", _number(tuned), _number(base), _ratio(tuned, base)))
        table = _table(header, rows, right=(1, 2, 3))
        why = [f"  {h.name} failed: {h.error}" for h in self.held_out if h.error]
        return "\n".join([table, *why])

    def summary(self) -> str:
        """A few lines: what was chosen and how it compares, on training and held out."""
        base = self.baseline.score or 0.0
        lines = [
            f"tuned '{self.name}' ({self.strategy}, seed {self.seed}, {len(self.tried)} "
            f"pipelines tried in {self.elapsed:.1f}s of a {self.budget:g}s budget"
            + ("" if self.finished else ", stopped by the budget")
            + ")",
            f"steps after the {self.baseline_name} front: {self.best.label}",
            f"training ({len(self.training)} circuits): {self.metric} {_number(self.score)} vs "
            f"{self.baseline_name} {_number(base)} ({_ratio(self.score, base)})",
        ]
        ratio = self.held_out_ratio
        if self.held_out:
            tuned = sum(h.tuned for h in self.held_out)
            held = sum(h.baseline for h in self.held_out)
            lines.append(
                f"held out ({len(self.held_out)} circuits): {self.metric} {_number(tuned)} vs "
                f"{self.baseline_name} {_number(held)}"
                + (f" ({ratio:.3f}x)" if ratio is not None else "")
            )
        return "\n".join(lines)


def _number(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.4g}"


def _ratio(value: float, base: float) -> str:
    return "-" if base == 0 or math.isnan(value) or math.isnan(base) else f"{value / base:.3f}x"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join(line(r) for r in [header, *rows])
