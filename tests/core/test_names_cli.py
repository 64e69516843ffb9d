"""The naming convention on the command line, through a real ``qloom`` process: old names
work with a one-line warning, and ``qloom plugins``/``doctor`` name the plugins to rename."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import require_distribution

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

RENAMED = "pipeline 'mapping-best' was renamed 'mapping_best'"


def qloom(
    *args: str, path: Path | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m qloom ARGS``, with ``path`` first on ``PYTHONPATH``, in ``cwd``."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(path), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "qloom", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


@pytest.fixture
def ghz() -> Path:
    path = EXAMPLES / "ghz.qasm"
    if not path.is_file():
        pytest.skip("examples/ is not beside the tests")
    return path


@pytest.fixture
def badly_named(tmp_path: Path) -> Path:
    """A distribution ``qloom-badname`` whose optimizer is called ``Merge-RZ``, installed
    by its metadata alone on a folder the child process puts on ``PYTHONPATH``."""
    info = tmp_path / "qloom_badname-0.3.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: qloom-badname\nVersion: 0.3.0\nRequires-Dist: qloom>=0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[qloom.optimizers]\nMerge-RZ = qloom.pipeline:identity_pipeline\n"
    )
    return tmp_path


def test_an_old_pipeline_name_works_with_a_one_line_warning(ghz):
    require_distribution("qloom-sim-numpy")
    require_distribution("qloom-placers")
    old = qloom("transpile", str(ghz), "--on", "numpy", "--pipeline", "mapping-best", "--seed", "3")
    new = qloom("transpile", str(ghz), "--on", "numpy", "--pipeline", "mapping_best", "--seed", "3")
    assert old.returncode == 0 and new.returncode == 0, old.stderr + new.stderr
    untimed = [re.sub(r"\d+\.\d+ s\b", "T s", done.stdout) for done in (old, new)]
    assert untimed[0] == untimed[1]  # the same transpilation
    assert f"qloom: warning: {RENAMED}" in old.stderr
    assert "FutureWarning" not in old.stderr and "Traceback" not in old.stderr
    assert "renamed" not in new.stderr


def test_an_old_pass_name_in_qloom_toml_works_with_the_warning(ghz, tmp_path):
    require_distribution("qloom-sim-numpy")
    require_distribution("qloom-template")
    (tmp_path / "qloom.toml").write_text(
        '[pipelines.tidy]\npasses = ["optimizers:drop-identity"]\n'
    )
    done = qloom("transpile", str(ghz), "--on", "numpy", "--pipeline", "tidy", cwd=tmp_path)
    if "no optimizer named 'drop_identity'" in done.stderr:
        pytest.skip("qloom-template is not installed")
    assert done.returncode == 0, done.stderr
    assert "qloom: warning: optimizers:drop-identity was renamed 'drop_identity'" in done.stderr


def test_plugins_lists_conforming_names_without_warnings():
    done = qloom("plugins")
    assert "naming convention" not in done.stderr, done.stderr


def test_plugins_warns_about_a_name_that_breaks_the_convention(badly_named):
    done = qloom("plugins", "--json", path=badly_named)
    rows = json.loads(done.stdout)  # stdout stays valid JSON: the warning is on stderr
    assert {"optimizers", "Merge-RZ"} <= {v for r in rows for v in (r["kind"], r["name"])}
    assert (
        "qloom: warning: optimizers:Merge-RZ breaks qloom's naming convention (snake_case, "
        "[a-z][a-z0-9_]*); call it 'merge_rz' (provided by qloom-badname)"
    ) in done.stderr


def test_doctor_tells_the_maintainers_to_rename_it(badly_named):
    done = qloom("plugins", "doctor", "--only", "qloom-badname", path=badly_named)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "optimizers:Merge-RZ" in done.stdout
    assert "its maintainers should rename it 'merge_rz'" in done.stdout
    report = json.loads(
        qloom("plugins", "doctor", "--only", "qloom-badname", "--json", path=badly_named).stdout
    )
    [part] = report[0]["parts"]
    [problem] = part["problems"]
    assert problem["severity"] == "warning" and "naming convention" in problem["message"]
