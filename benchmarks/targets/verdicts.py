"""Issue 17's targets as plain figures: qloom's, Qiskit's, their ratio, met or not.

Pure functions over the rows of the synthesis benchmark (``bench_synthesis.py --json``) and
over plain numbers, so ``bench_targets.py`` only runs things and prints, and these verdicts
can be checked without running a transpiler (``test_verdicts.py``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """One target: ``measured`` against ``reference`` (or alone, when there is none).

    ``limit`` bounds ``measured / reference`` (or ``measured`` itself when ``reference`` is
    ``None``); ``at_most`` says which side is good: ``True`` for a time (lower is better),
    ``False`` for a throughput (higher is better). A target not measured has ``measured``
    ``None`` and says why in ``note``.
    """

    name: str
    measured: float | None
    reference: float | None
    limit: float
    at_most: bool = True
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """measured / reference, or ``None`` when either is missing (or the reference is 0)."""
        if self.measured is None or self.reference is None or self.reference <= 0:
            return None
        return self.measured / self.reference

    @property
    def value(self) -> float | None:
        """What the limit applies to: the ratio when there is a reference, else the figure."""
        if self.reference is None:
            return self.measured
        return self.ratio

    @property
    def verdict(self) -> str:
        """``met``, ``not met`` or ``not measured``."""
        value = self.value
        if value is None or math.isnan(value):
            return "not measured"
        ok = value <= self.limit if self.at_most else value >= self.limit
        return "met" if ok else "not met"


def common_pairs(rows: Sequence[Row], mine: str, theirs: str) -> list[tuple[Row, Row]]:
    """(mine, theirs) rows of every job (device, circuit) both tools finished (``ok``)."""
    done = {
        (r["topo"], r["circuit"], r["tool"]): r
        for r in rows
        if r.get("status") == "ok" and r["tool"] in (mine, theirs)
    }
    keys = sorted({(t, c) for t, c, _ in done})
    return [
        (done[(t, c, mine)], done[(t, c, theirs)])
        for t, c in keys
        if (t, c, mine) in done and (t, c, theirs) in done
    ]


def geomean(values: Iterable[float]) -> float:
    """Geometric mean (``nan`` for no values)."""
    vals = list(values)
    if not vals:
        return math.nan
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


def suite_times(rows: Sequence[Row], mine: str, theirs: str) -> dict[str, float]:
    """Total and geometric-mean per-job time of two tools over the jobs both finished.

    Times under a microsecond count as one (a log of 0 is undefined), as in the synthesis
    benchmark's tables. Also the 2q counts' geometric means over the same jobs.
    """
    pairs = common_pairs(rows, mine, theirs)
    return {
        "jobs": float(len(pairs)),
        "total_mine": sum(a["t"] for a, _ in pairs),
        "total_theirs": sum(b["t"] for _, b in pairs),
        "gm_mine": geomean(max(a["t"], 1e-6) for a, _ in pairs),
        "gm_theirs": geomean(max(b["t"], 1e-6) for _, b in pairs),
        "gm2q_mine": geomean(max(a["n2q"], 1) for a, _ in pairs),
        "gm2q_theirs": geomean(max(b["n2q"], 1) for _, b in pairs),
    }


def heaviest(rows: Sequence[Row], mine: str, theirs: str, count: int = 3) -> list[Row]:
    """``mine``'s slowest jobs among those both tools finished: what a total time rests on."""
    pairs = common_pairs(rows, mine, theirs)
    return sorted((a for a, _ in pairs), key=lambda r: -float(r["t"]))[:count]


def suite_targets(rows: Sequence[Row], mine: str, theirs: str) -> list[Target]:
    """Issue 17: ``mine`` total and geometric-mean time over the whole suite <= ``theirs``."""
    figures = suite_times(rows, mine, theirs)
    jobs = int(figures["jobs"])
    if not jobs:
        note = f"no job finished by both {mine} and {theirs}"
        return [
            Target(f"suite total time, {mine} vs {theirs}", None, None, 1.0, note=note),
            Target(f"suite gm time, {mine} vs {theirs}", None, None, 1.0, note=note),
        ]
    gm2q = figures["gm2q_mine"] / figures["gm2q_theirs"]
    note = f"over {jobs} jobs both finished; gm 2q {mine}/{theirs} {gm2q:.3f}"
    return [
        Target(
            f"suite total time, {mine} vs {theirs}",
            figures["total_mine"],
            figures["total_theirs"],
            1.0,
            note=note,
        ),
        Target(
            f"suite gm time per job, {mine} vs {theirs}",
            figures["gm_mine"],
            figures["gm_theirs"],
            1.0,
            note=note,
        ),
    ]


def find_row(rows: Sequence[Row], topo: str, circuit: str, tool: str) -> Row | None:
    """The row of one job, or ``None``."""
    return next(
        (r for r in rows if (r["topo"], r["circuit"], r["tool"]) == (topo, circuit, tool)),
        None,
    )


def job_time(row: Row | None) -> float | None:
    """The wall time of a finished job, else ``None``."""
    return float(row["t"]) if row is not None and row.get("status") == "ok" else None


@dataclass(frozen=True)
class CountChange:
    """2q counts of one tool against an earlier run, over the jobs both runs finished."""

    tool: str
    jobs: int
    worse: list[tuple[str, str, int, int]]
    """(device, circuit, earlier 2q, now 2q) of every job whose count went up."""
    better: int
    gm_ratio: float
    """Geometric mean of now / earlier per job (counts of 0 taken as 1)."""
    lost: list[tuple[str, str]]
    """(device, circuit) of jobs the earlier run finished and this one ran but did not."""


def count_changes(rows: Sequence[Row], baseline: Sequence[Row], tool: str) -> CountChange:
    """How ``tool``'s 2q counts moved from ``baseline`` (an earlier run's rows) to ``rows``."""
    before = {
        (r["topo"], r["circuit"]): int(r["n2q"])
        for r in baseline
        if r["tool"] == tool and r.get("status") == "ok"
    }
    now = {
        (r["topo"], r["circuit"]): int(r["n2q"])
        for r in rows
        if r["tool"] == tool and r.get("status") == "ok"
    }
    tried = {
        (r["topo"], r["circuit"])
        for r in rows
        if r["tool"] == tool and r.get("status") not in ("ok", "too-wide")
    }
    lost = sorted(k for k in before if k in tried)
    keys = sorted(set(before) & set(now))
    worse = [(t, c, before[(t, c)], now[(t, c)]) for t, c in keys if now[(t, c)] > before[(t, c)]]
    better = sum(1 for k in keys if now[k] < before[k])
    ratio = geomean(max(now[k], 1) / max(before[k], 1) for k in keys)
    return CountChange(tool, len(keys), worse, better, ratio, lost)


def count_target(change: CountChange) -> Target:
    """No job's 2q count above the earlier run's: the figure is the number of worse jobs,
    counting a job the earlier run finished and this one did not (timeout, error) as worse."""
    if not change.jobs and not change.lost:
        return Target(
            f"2q counts vs baseline, {change.tool}",
            None,
            None,
            0.0,
            unit="jobs worse",
            note="no job in both runs",
        )
    return Target(
        f"2q counts vs baseline, {change.tool}",
        float(len(change.worse) + len(change.lost)),
        None,
        0.0,
        unit="jobs worse",
        note=f"of {change.jobs} jobs; {change.better} better; gm now/before {change.gm_ratio:.3f}"
        + (f"; {len(change.lost)} not finished now" if change.lost else ""),
    )


def median(values: Sequence[float]) -> float | None:
    """The median, or ``None`` for no values."""
    return statistics.median(values) if values else None
