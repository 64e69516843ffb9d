"""Issue 18's verdict lines from hand-made rows (``python -m pytest benchmarks/synthesis``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1] / "mapping")]

import targets18  # noqa: E402


def row(topo: str, circuit: str, tool: str, n2q: int, depth: int, status: str = "ok") -> dict:
    return {
        "topo": topo,
        "circuit": circuit,
        "tool": tool,
        "n2q": n2q,
        "depth2q": depth,
        "status": status,
    }


def test_met_and_not_met_and_the_worst_circuits_named():
    rows = [
        row("hh127", "a", "qk3", 100, 50),
        row("hh127", "a", "qloom:O3", 90, 40),
        row("hh127", "b", "qk3", 100, 50),
        row("hh127", "b", "qloom:O3", 120, 60),
        row("hh127", "a", "qloom:O2", 95, 50),
        row("hh127", "b", "qloom:O2", 95, 50),
        row("line32", "a", "qk3", 100, 50),
        row("line32", "a", "qloom:O3", 96, 40),
    ]
    lines = targets18.verdicts(rows)
    o3 = next(line for line in lines if line.startswith("issue 18 O3 2q vs qk3 on hh127"))
    assert "(2 circuits): 1.039" in o3 and "NOT met" in o3  # sqrt(0.9 * 1.2)
    assert any("on line32 (1 circuits): 0.960 (limit 0.97: met)" in line for line in lines)
    o2 = next(line for line in lines if line.startswith("issue 18 O2 2q vs qk3 on hh127"))
    assert "0.950" in o2 and "(limit 0.97: met)" in o2
    worst = next(line for line in lines if "above 1.15x" in line)
    assert "1 of 3 (NOT met): b@hh127 120/100 = 1.20" in worst
    depth = next(line for line in lines if "2q depth vs qk3 on hh127" in line)
    assert "0.980" in depth and "met" in depth  # sqrt(0.8 * 1.2)


def test_without_qiskit_nothing_is_claimed():
    assert targets18.verdicts([row("hh127", "a", "qloom:O3", 90, 40)]) == [
        "issue 18 targets: not measured (Qiskit level 3 did not run)"
    ]


def test_a_failed_job_is_left_out():
    rows = [
        row("grid100", "a", "qk3", 100, 50),
        row("grid100", "a", "qloom:O3", 50, 40, "error"),
        row("grid100", "b", "qk3", 100, 50),
        row("grid100", "b", "qloom:O3", 90, 40),
    ]
    line = targets18.verdicts(rows)[0]
    assert line == "issue 18 O3 2q vs qk3 on grid100 (1 circuits): 0.900 (limit 0.93: met)"
