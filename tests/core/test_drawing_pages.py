"""``qloom draw`` on a large circuit: folded pages, a default bound with a summary of what was
left out, ``--full``; long layout lines of ``qloom transpile`` folded and cut (issue 19)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qloom import Circuit, qasm2
from qloom.drawing.text import DEFAULT_MAX_LINES, draw_text, text_diagram
from qloom.drawing.wrap import wrap_list
from qloom.errors import QloomError
from support import require_distribution

QUBITS = 40


def _wide() -> Circuit:
    """A QFT-like circuit on 40 qubits: every pair coupled, so hundreds of narrow columns."""
    circuit = Circuit(QUBITS)
    for i in range(QUBITS):
        circuit.h(i)
        for j in range(i + 1, QUBITS):
            circuit.cx(j, i).rz(0.25, i)
    return circuit


def _qloom(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qloom", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": str(columns)},
    )


@pytest.fixture
def wide_file(tmp_path: Path) -> Path:
    path = tmp_path / "wide.qasm"
    qasm2.dump(_wide(), path)
    return path


def test_draw_stops_at_the_bound_and_says_what_it_left_out(wide_file: Path):
    done = _qloom("draw", str(wide_file), "--width", "100")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    pages = text_diagram(_wide(), width=100).num_pages
    assert pages > 20
    drawn = (DEFAULT_MAX_LINES + 1) // (2 * QUBITS + 2)  # whole pages of 81 lines that fit
    assert len(lines) <= DEFAULT_MAX_LINES + 3
    assert f"... drew {drawn} of {pages:,} pages" in done.stdout
    ops = len(_wide())
    assert f"the circuit: {QUBITS} qubits, {ops:,} operations, 780 two-qubit gates" in done.stdout
    assert "qloom draw --full prints it all" in done.stdout
    assert all(len(line) <= 100 for line in lines[:-2])  # folded to the width


def test_full_draws_every_page_as_draw_text_does(wide_file: Path):
    done = _qloom("draw", str(wide_file), "--width", "100", "--full")
    assert done.returncode == 0, done.stderr
    assert done.stdout == draw_text(_wide(), width=100, max_chars=10**8) + "\n"
    assert "... drew" not in done.stdout


def test_max_lines_and_a_page_taller_than_the_bound(wide_file: Path):
    done = _qloom("draw", str(wide_file), "--max-lines", "30")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 33  # 30 lines of the first page, a blank line and the summary
    assert "drew the first 30 of 80 lines of page 1" in lines[-2]
    bad = _qloom("draw", str(wide_file), "--max-lines", "30", "--full")
    assert bad.returncode == 2 and "not allowed with argument" in bad.stderr


def test_the_character_bound_counts_only_what_is_drawn():
    circuit = _wide()
    with pytest.raises(QloomError, match="max_chars=200000"):
        draw_text(circuit, width=100, max_chars=200_000)
    text = draw_text(circuit, width=100, max_chars=200_000, max_lines=200)
    assert text.count("\n") < 205 and "... drew 2 of" in text


def test_the_summary_counts_pages_and_columns():
    circuit = Circuit(2)
    for _ in range(60):
        circuit.h(0).cx(0, 1)
    diagram = text_diagram(circuit, width=40)
    assert diagram.page_height == 5
    text = "\n".join(diagram.lines(11))  # two pages of 5 lines and the blank between
    assert text.count("«") == 2  # the second page starts with a fold mark on each wire
    assert text.count("»") == 4  # and both go on
    assert f"drew 2 of {diagram.num_pages} pages (columns 1-" in text
    assert "2 qubits, 120 operations, 60 two-qubit gates, depth 120" in text


def test_wrap_list_folds_cuts_and_keeps_short_lists_on_one_line():
    assert wrap_list("initial layout: ", [2, 1, 0]) == ["initial layout: [2, 1, 0]"]
    values = list(range(100, 227))
    lines = wrap_list("initial layout: ", values, width=60, max_lines=3, how_to_see_all="--full")
    assert len(lines) == 4 and all(len(line) <= 60 for line in lines)
    assert lines[1].startswith(" " * 16 + "1")
    shown = [int(v) for v in re.findall(r"\d+", " ".join(lines[:3]))]
    assert shown == values[: len(shown)]
    assert lines[3] == f"{' ' * 16}... {127 - len(shown)} more of 127; --full"
    whole = wrap_list("initial layout: ", values, width=60, max_lines=None)
    assert [int(v) for v in re.findall(r"\d+", " ".join(whole))] == values


def test_transpile_folds_a_long_layout_and_full_prints_it(tmp_path: Path):
    require_distribution("qloom-hw-emulator")
    path = tmp_path / "ghz20.qasm"
    circuit = Circuit(20).h(0)
    for q in range(19):
        circuit.cx(q, q + 1)
    qasm2.dump(circuit, path)
    args = ("transpile", str(path), "--on", "emulator:heavy-hex-27", "--seed", "5")
    short = _qloom(*args, columns=30)
    assert short.returncode == 0, short.stderr
    layout = short.stdout[short.stdout.index("initial layout:") :].splitlines()
    assert all(len(line) <= 30 for line in layout if not line.lstrip().startswith("..."))
    assert "more of 20; --full shows all" in short.stdout
    full = _qloom(*args, "--full", columns=30).stdout
    assert "more of" not in full
    block = full[full.index("initial layout:") : full.index("final layout:")]
    assert len(re.findall(r"\d+", block)) == 20
