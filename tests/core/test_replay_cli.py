"""``qloom replay`` and the records the other commands write, through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import require_distribution

DEVICE = "emulator:heavy-hex-27"

PROGRAM = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[5];
creg c[5];
h q[0];
cx q[0], q[3];
cx q[1], q[4];
rz(0.3) q[4];
cx q[4], q[2];
cx q[3], q[1];
measure q -> c;
"""


@pytest.fixture(autouse=True)
def _plugins() -> None:
    require_distribution("qloom-hw-emulator")
    require_distribution("qloom-levels")


def qloom(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QLOOM_")}
    return subprocess.run(
        [sys.executable, "-m", "qloom", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "prog.qasm"
    path.write_text(PROGRAM)
    return path


@pytest.fixture
def record_file(tmp_path: Path, program: Path) -> Path:
    path = tmp_path / "record.json"
    done = qloom(
        "transpile", program, "--on", DEVICE, "--seed", "7", "--provenance", path, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return path


def edit(path: Path, change: Any) -> Path:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


def test_replay_of_a_transpile_record_is_identical(tmp_path, record_file):
    out = tmp_path / "again.qasm"
    done = qloom("replay", record_file, "-o", out, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "identical" in done.stdout and "rebuilt from its name" in done.stdout
    first = tmp_path / "first.qasm"
    transpiled = qloom(
        "transpile",
        tmp_path / "prog.qasm",
        "--on",
        DEVICE,
        "--seed",
        "7",
        "-o",
        first,
        cwd=tmp_path,
    )
    assert transpiled.returncode == 0, transpiled.stderr
    assert out.read_text() == first.read_text()


def test_replay_names_a_version_that_differs(tmp_path, record_file):
    edit(record_file, lambda r: r["distributions"].update({"qloom-routers": "0.0.1"}))
    done = qloom("replay", record_file, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (verdict,) = json.loads(done.stdout)
    assert verdict["status"] == "identical"
    assert {"distribution": "qloom-routers", "recorded": "0.0.1", "installed": "0.1.0"} in (
        verdict["versions"]
    )
    text = qloom("replay", record_file, cwd=tmp_path).stdout
    assert "qloom-routers: recorded 0.0.1, installed 0.1.0" in text


def test_replay_exits_1_when_the_output_differs(tmp_path, record_file):
    edit(record_file, lambda r: r["output"].update(sha256="0" * 64))
    done = qloom("replay", record_file, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "different: the output differs: recorded sha256 000000000000" in done.stdout


def test_replay_exits_2_on_a_tampered_input(tmp_path, record_file):
    edit(record_file, lambda r: r["input"]["circuit"]["ops"][1][1].reverse())
    done = qloom("replay", record_file, cwd=tmp_path)
    assert done.returncode == 2
    assert "cannot replay" in done.stdout and "does not match the recorded input" in done.stdout


def test_replay_exits_2_on_a_missing_part(tmp_path, record_file):
    def rename(record: dict[str, Any]) -> None:
        record["pipeline"]["passes"].append({"kind": "routers", "name": "teleport"})

    edit(record_file, rename)
    done = qloom("replay", record_file, cwd=tmp_path)
    assert done.returncode == 2 and "routers:teleport" in done.stdout


def test_replay_refuses_oversized_and_malformed_files(tmp_path, record_file):
    done = qloom("replay", record_file, "--max-bytes", "100", cwd=tmp_path)
    assert done.returncode == 2
    assert "over the 100-byte limit" in done.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "format": qloom\n}')
    done = qloom("replay", bad, cwd=tmp_path)
    assert done.returncode == 2 and "bad.json:2:13: not JSON" in done.stderr
    done = qloom("replay", tmp_path / "absent.json", cwd=tmp_path)
    assert done.returncode == 2 and "no such file" in done.stderr


def test_a_record_without_its_input_replays_with_input(tmp_path, record_file, program):
    def drop(record: dict[str, Any]) -> None:
        record["input"]["circuit"] = None
        record["input"]["omitted"] = "too large"

    edit(record_file, drop)
    done = qloom("replay", record_file, cwd=tmp_path)
    assert done.returncode == 2 and "not in the record (too large)" in done.stdout
    done = qloom("replay", record_file, "--input", program, cwd=tmp_path)
    assert done.returncode == 0 and "identical" in done.stdout, done.stdout + done.stderr
    other = tmp_path / "other.qasm"
    other.write_text(PROGRAM.replace("h q[0];", "x q[0];"))
    done = qloom("replay", record_file, "--input", other, cwd=tmp_path)
    assert done.returncode == 2 and "given input circuit does not match" in done.stdout


def test_run_json_carries_a_record_that_replays(tmp_path, program):
    done = qloom(
        "run", program, "--on", DEVICE, "--seed", "3", "--shots", "32", "--json", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["provenance"]["seed"] == 3 and data["seed"] == 3
    path = tmp_path / "run.json"
    path.write_text(done.stdout)
    replayed = qloom("replay", path, cwd=tmp_path)
    assert replayed.returncode == 0 and "identical" in replayed.stdout


def test_transpile_report_json_carries_the_record(tmp_path, program):
    report = tmp_path / "report.json"
    done = qloom(
        "transpile", program, "--on", DEVICE, "--seed", "2", "--report-json", report, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text())["provenance"]["seed"] == 2
    assert qloom("replay", report, cwd=tmp_path).returncode == 0


def test_compile_on_processes_then_replay_every_row(tmp_path, program):
    require_distribution("qloom-executors")
    second = tmp_path / "second.qasm"
    second.write_text(PROGRAM.replace("h q[0];", "h q[0];\nx q[2];"))
    out = tmp_path / "out"
    done = qloom(
        "compile",
        program,
        second,
        "--on",
        DEVICE,
        "--seed",
        "4",
        "--executor",
        "processes",
        "--workers",
        "2",
        "--out",
        out,
        "--no-progress",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    replayed = qloom("replay", out / "report.json", cwd=tmp_path)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    lines = [line for line in replayed.stdout.splitlines() if ": identical:" in line]
    assert [line.split(":")[0] for line in lines] == [str(program), str(second)]
    on_workers = qloom(
        "replay", out / "report.json", "--executor", "processes", "--workers", "2", cwd=tmp_path
    )
    assert on_workers.returncode == 0, on_workers.stdout + on_workers.stderr
    assert on_workers.stdout.count(": identical:") == 2
    assert on_workers.stdout.count("replayed on worker") == 2
