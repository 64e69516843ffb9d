"""The target arithmetic of ``bench_targets.py`` on hand-made rows (no transpiler run).

Run: python -m pytest benchmarks/targets/test_verdicts.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import verdicts
from verdicts import Target


def row(topo: str, circuit: str, tool: str, t: float, n2q: int, status: str = "ok") -> Any:
    return {"topo": topo, "circuit": circuit, "tool": tool, "t": t, "n2q": n2q, "status": status}


ROWS = [
    row("hh27", "a", "qloom:O3", 2.0, 10),
    row("hh27", "a", "qk3", 1.0, 12),
    row("hh27", "b", "qloom:O3", 0.5, 20),
    row("hh27", "b", "qk3", 2.0, 20),
    # finished by one tool only: left out of every comparison
    row("line32", "c", "qloom:O3", 100.0, 5),
    row("line32", "c", "qk3", 300.0, 5, status="timeout"),
]


def test_a_time_target_is_met_at_or_below_its_limit():
    assert Target("t", 1.5, 1.0, 1.5).verdict == "met"
    assert Target("t", 1.6, 1.0, 1.5).verdict == "not met"
    assert Target("t", 1.5, 1.0, 1.5).ratio == pytest.approx(1.5)


def test_a_throughput_target_is_met_at_or_above_its_limit():
    assert Target("t", 3.0, 73.0, 1.0, at_most=False, unit="circuits/s").verdict == "not met"
    assert Target("t", 80.0, 73.0, 1.0, at_most=False, unit="circuits/s").verdict == "met"


def test_a_target_without_reference_bounds_the_figure_itself():
    assert Target("mapping", 0.93, None, 1.0).verdict == "met"
    assert Target("mapping", 1.2, None, 1.0).verdict == "not met"
    assert Target("mapping", 0.93, None, 1.0).ratio is None


def test_a_missing_figure_is_not_measured():
    assert Target("t", None, 1.0, 1.0).verdict == "not measured"
    assert Target("t", 1.0, None, 1.0, note="x").verdict == "met"
    assert Target("t", 1.0, 0.0, 1.0).verdict == "not measured"


def test_suite_times_use_only_the_jobs_both_tools_finished():
    f = verdicts.suite_times(ROWS, "qloom:O3", "qk3")
    assert f["jobs"] == 2
    assert f["total_mine"] == pytest.approx(2.5)
    assert f["total_theirs"] == pytest.approx(3.0)
    assert f["gm_mine"] == pytest.approx(1.0)  # sqrt(2 * 0.5)
    assert f["gm_theirs"] == pytest.approx(math.sqrt(2.0))
    assert f["gm2q_mine"] == pytest.approx(math.sqrt(200))


def test_heaviest_jobs_are_the_slowest_both_tools_finished():
    slow = verdicts.heaviest(ROWS, "qloom:O3", "qk3", count=1)
    assert [(r["circuit"], r["t"]) for r in slow] == [("a", 2.0)]  # not c: qk3 timed out
    assert [r["circuit"] for r in verdicts.heaviest(ROWS, "qk3", "qloom:O3")] == ["b", "a"]


def test_suite_targets_read_total_and_geometric_mean():
    total, gm = verdicts.suite_targets(ROWS, "qloom:O3", "qk3")
    assert total.ratio == pytest.approx(2.5 / 3.0)
    assert total.verdict == "met"
    assert gm.ratio == pytest.approx(1.0 / math.sqrt(2.0))
    assert gm.verdict == "met"
    slower = verdicts.suite_targets(ROWS, "qk3", "qloom:O3")
    assert [t.verdict for t in slower] == ["not met", "not met"]


def test_suite_targets_without_common_jobs_are_not_measured():
    targets = verdicts.suite_targets(ROWS, "qloom:O1", "qk1")
    assert [t.verdict for t in targets] == ["not measured", "not measured"]


def test_count_changes_list_every_job_that_got_worse():
    before = [
        row("hh27", "a", "qloom:O3", 1.0, 9),
        row("hh27", "b", "qloom:O3", 1.0, 25),
        row("hh27", "d", "qloom:O3", 1.0, 1),  # not in this run: ignored
        row("hh27", "a", "qk3", 1.0, 1),  # another tool: ignored
    ]
    change = verdicts.count_changes(ROWS, before, "qloom:O3")
    assert change.jobs == 2
    assert change.worse == [("hh27", "a", 9, 10)]
    assert change.better == 1
    assert change.gm_ratio == pytest.approx(math.sqrt(10 / 9 * 20 / 25))
    target = verdicts.count_target(change)
    assert target.measured == 1
    assert target.verdict == "not met"


def test_equal_counts_meet_the_count_target():
    change = verdicts.count_changes(ROWS, ROWS, "qloom:O3")
    assert change.worse == []
    assert verdicts.count_target(change).verdict == "met"
    assert verdicts.count_target(verdicts.count_changes(ROWS, [], "qk3")).verdict == (
        "not measured"
    )


def test_a_job_no_longer_finished_counts_as_worse():
    before = [row("line32", "c", "qk3", 1.0, 5), row("hh27", "a", "qk3", 1.0, 12)]
    change = verdicts.count_changes(ROWS, before, "qk3")
    assert change.lost == [("line32", "c")]
    assert change.worse == []
    target = verdicts.count_target(change)
    assert target.measured == 1
    assert target.verdict == "not met"


def test_find_row_and_job_time():
    assert verdicts.job_time(verdicts.find_row(ROWS, "hh27", "a", "qk3")) == 1.0
    assert verdicts.job_time(verdicts.find_row(ROWS, "line32", "c", "qk3")) is None
    assert verdicts.find_row(ROWS, "grid100", "a", "qk3") is None


def test_median():
    assert verdicts.median([3.0, 1.0, 2.0]) == 2.0
    assert verdicts.median([]) is None
