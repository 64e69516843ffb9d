"""``qloom tune`` through a real subprocess: it writes the pipeline and prints the table;
bad options are named with their valid values."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qloom import Circuit, qasm2

pytest.importorskip("qloom_levels")
pytest.importorskip("qloom_hw_emulator")


def _qasm(folder: Path) -> Path:
    folder.mkdir()
    for n in (3, 4, 5):
        circuit = Circuit(n, name=f"qft{n}")
        for i in range(n):
            circuit.h(i)
            for j in range(i + 1, n):
                circuit.cp(math.pi / 2 ** (j - i), j, i)
        qasm2.dump(circuit, folder / f"qft{n}.qasm")
    return folder


def _device(folder: Path) -> str:
    path = folder / "line5.toml"
    path.write_text(
        'natives = ["cz", "rz", "sx", "x"]\nvirtual = ["rz"]\n\n'
        "[topology]\nqubits = 5\ndirected = false\nedges = [[0, 1], [1, 2], [2, 3], [3, 4]]\n"
    )
    return f"emulator:{path}"


def _qloom(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QLOOM_CONFIG"}
    env["QLOOM_PROGRESS_DELAY"] = "0"  # with --progress, the bar shows at once
    return subprocess.run(
        [sys.executable, "-m", "qloom", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_tune_writes_the_pipeline_prints_the_table_and_compile_uses_it(tmp_path: Path) -> None:
    circuits, on = _qasm(tmp_path / "circuits"), _device(tmp_path)
    (tmp_path / "qloom.toml").write_text('# kept\nbackend = "numpy"\n')
    args = ["--on", on, "--budget", "2m", "--out", "line_tuned", "--seed", "4", "--depth", "1"]
    done = _qloom("tune", circuits, *args, "--holdout", "0.34", "--progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "tuning: " in done.stderr and " evaluations |" in done.stderr  # the tqdm bar
    assert "ROUND  CANDIDATE" in done.stdout and "(baseline)" in done.stdout
    assert "… -> O3 search(trials=4)" in done.stdout
    assert "HELD-OUT CIRCUIT" in done.stdout and "total" in done.stdout
    assert "wrote pipeline 'line_tuned'" in done.stdout
    text = (tmp_path / "qloom.toml").read_text()
    assert text.startswith('# kept\nbackend = "numpy"\n') and "[pipelines.line_tuned]" in text
    out = tmp_path / "out"
    compiled = _qloom(
        "compile", circuits, "--on", on, "--pipeline", "line_tuned", "--out", out, cwd=tmp_path
    )
    assert compiled.returncode == 0, compiled.stderr
    assert len(list(out.glob("*.qasm"))) == 3


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--budget", "soon", "--budget: 'soon' is not a usable duration; use seconds (90, 60s"),
        ("--metric", "swaps", "--metric: unknown metric 'swaps'; valid: 2q, depth, depth2q, error"),
        ("--strategy", "random", "--strategy: unknown strategy 'random'; valid: greedy, beam"),
        ("--holdout", "1", "--holdout: holdout 1.0: a fraction in [0, 1)"),
    ],
)
def test_bad_options_are_named_with_their_valid_values(
    tmp_path: Path, option: str, value: str, expected: str
) -> None:
    circuits, on = _qasm(tmp_path / "circuits"), _device(tmp_path)
    done = _qloom("tune", circuits, "--on", on, "--out", "x", option, value, cwd=tmp_path)
    assert done.returncode == 1
    assert expected in done.stderr
    assert not (tmp_path / "qloom.toml").exists()


def test_an_installed_pipeline_name_is_refused(tmp_path: Path) -> None:
    circuits, on = _qasm(tmp_path / "circuits"), _device(tmp_path)
    done = _qloom("tune", circuits, "--on", on, "--out", "O3", cwd=tmp_path)
    assert done.returncode == 1
    assert "--out O3: an installed pipeline has that name" in done.stderr
