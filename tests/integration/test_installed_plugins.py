"""Installed third-party plugins, seen the way a user sees them: through the CLI and API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import qloom
from qloom import BrokenPluginError, Circuit, Layout
from qloom.testing import assert_backend_accepts, assert_equivalent
from support import require_distribution

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(autouse=True)
def fixtures_installed():
    require_distribution("qloom-fixture-good")
    require_distribution("qloom-fixture-broken")


def qloom_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qloom", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_plugins_lists_the_good_and_reports_the_broken():
    done = qloom_cli("plugins", "--json")
    assert done.returncode == 0, done.stderr
    rows = {(r["kind"], r["name"]): r for r in json.loads(done.stdout)}
    good = rows["backends", "toyline"]
    assert (good["distribution"], good["version"], good["status"]) == (
        "qloom-fixture-good",
        "1.2.3",
        "ok",
    )
    assert rows["placers", "reverse"]["status"] == "ok"
    assert rows["pipelines", "fixture_hooked"]["status"] == "ok"
    assert rows["hooks", "fixture_good"]["status"] == "ok"
    broken = rows["backends", "brokenimport"]
    assert broken["status"] == "broken" and "qloom_nonexistent_dependency" in broken["error"]
    assert "calibration file is corrupt" in rows["backends", "brokenbuild"]["error"]
    assert "lookup table" in rows["routers", "brokenbuild"]["error"]
    assert rows["hooks", "fixture_broken"]["status"] == "broken"


def test_plugins_table_explains_what_to_do():
    done = qloom_cli("plugins")
    assert "why: ModuleNotFoundError: No module named 'qloom_nonexistent_dependency'" in done.stdout
    assert "broken:" in done.stdout and "QLOOM_DISABLE_PLUGINS" in done.stdout
    assert qloom_cli("plugins", "--strict").returncode == 1


def test_disabling_a_distribution_hides_it():
    done = qloom_cli("plugins", "--json", env={"QLOOM_DISABLE_PLUGINS": "qloom-fixture-broken"})
    names = {r["name"] for r in json.loads(done.stdout)}
    assert "toyline" in names and "brokenimport" not in names and "fixture_broken" not in names
    done = qloom_cli("plugins", "--json", env={"QLOOM_DISABLE_PLUGINS": "*"})
    assert {r["distribution"] for r in json.loads(done.stdout)} == {"qloom"}


def test_broken_plugin_does_not_break_the_good_one():
    with pytest.raises(BrokenPluginError, match="calibration file is corrupt"):
        qloom.get_backend("brokenbuild")
    result = qloom.execute(Circuit(3).x(0).cx(0, 1), on="toyline:3", shots=4, seed=2)
    assert result.counts == {"011": 4}


def test_backend_default_pipeline_permutes_and_results_stay_logical():
    result = qloom.execute(Circuit(4).x(0), on="toyline:4", shots=3, seed=1)
    assert result.metadata["pipeline"] == "reverse"
    assert result.layout == Layout((3, 2, 1, 0), (0, 1, 2, 3))
    assert result.counts == {"0001": 3}


def test_reverse_placer_output_is_equivalent_and_accepted():
    circuit = Circuit(4).x(0).cx(0, 1).swap(1, 2).cx(2, 3)
    backend = qloom.get_backend("toyline:4")
    out = qloom.transpile(circuit, on=backend, seed=3)
    assert out.layout is not None and out.layout.initial == (3, 2, 1, 0)
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out)


def test_hook_plugin_sees_passes():
    from qloom_fixture_good import hooks

    before = len(hooks.FINISHED)
    qloom.transpile(Circuit(2).cx(0, 1), on="toyline:2", seed=1)
    assert hooks.FINISHED[before:] == ["placers:reverse"]


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_an_installed_plugin_refuses_wide_circuits_in_qloom_compile(tmp_path: Path, executor: str):
    """A third-party ``qloom_task_vet`` hook, found through the entry-point group, refuses
    the circuit over its limit; ``qloom compile`` reports it and compiles the others."""
    narrow, wide = tmp_path / "narrow.qasm", tmp_path / "wide.qasm"
    narrow.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncx q[0],q[1];\n')
    wide.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[4];\ncx q[2],q[3];\n')
    args = ["compile", str(narrow), str(wide), "--on", "toyline:4", "--seed", "1"]
    args += ["--executor", executor, "--workers", "1", "--no-progress"]
    allowed = qloom_cli(*args)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    refused = qloom_cli(*args, env={"QLOOM_FIXTURE_MAX_QUBITS": "3"})
    assert refused.returncode == 1, refused.stdout + refused.stderr
    rows = {line.split()[0]: line for line in refused.stdout.splitlines()[1:]}
    assert rows["narrow.qasm"].split()[1] == "DONE"
    assert rows["wide.qasm"].split()[1] == "FAILED"
    assert "TaskRefused: task " in rows["wide.qasm"]
    assert "fixture-good refuses 4 qubits (its limit is 3)" in rows["wide.qasm"]
    assert "1 compiled, 1 failed" in refused.stderr
