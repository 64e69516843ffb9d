"""Tutorial 1 (docs/writing-a-plugin.md), followed to the letter on a fresh machine.

Its steps are the page's ``docs-test: tutorial`` blocks, run in order as one bash script in
a scratch folder laid out like a qloom checkout (clean copies of the folders the tutorial
uses), with a brand-new venv made by the tutorial's own first command. Between steps the
script prints a marker, so each step's output is checked on its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from support.markdown_blocks import ROOT, Block, blocks

pytestmark = pytest.mark.slow

PAGE = ROOT / "docs" / "writing-a-plugin.md"
CHECKOUT = ["core", "plugins/sim-numpy", "plugins/_template", "examples"]
LEFTOVERS = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", ".venv")
MARK = "@@@ tutorial step: "


def _steps() -> list[Block]:
    return [b for b in blocks(PAGE) if b.directive == "tutorial"]


def _script(steps: list[Block]) -> str:
    parts = ["set -euo pipefail"]
    for step in steps:
        assert step.lang == "bash", f"{step.where}: tutorial steps are bash blocks"
        parts += [f"echo '{MARK}{step.argument}'", step.text]
    return "\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each step's output, by step name, after running the whole tutorial once."""
    if shutil.which("bash") is None:
        pytest.skip("the tutorial's commands are bash")
    home = tmp_path_factory.mktemp("tutorial")
    for folder in CHECKOUT:
        shutil.copytree(ROOT / folder, home / folder, ignore=LEFTOVERS)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QLOOM_") and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    done = subprocess.run(
        ["bash", "-c", _script(_steps())],
        cwd=home,
        env={**env, "COLUMNS": "120"},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, (
        f"the tutorial failed (exit {done.returncode}):\n{done.stdout[-6000:]}\n"
        f"{done.stderr[-6000:]}"
    )
    found: dict[str, str] = {}
    for chunk in done.stdout.split(MARK)[1:]:
        name, _, text = chunk.partition("\n")
        found[name] = text
    return found


def test_every_step_ran(outputs: dict[str, str]) -> None:
    assert list(outputs) == [step.argument for step in _steps()]


def test_the_new_plugin_is_found_by_name(outputs: dict[str, str]) -> None:
    listing = outputs["new"]
    row = next(line for line in listing.splitlines() if line.startswith("optimizers  myopt"))
    assert row.split()[:5] == ["optimizers", "myopt", "qloom-myopt", "0.1.0", "ok"]
    assert " passed" in outputs["template tests"]


def test_the_new_pass_replaces_it(outputs: dict[str, str]) -> None:
    listing = outputs["the entry point"]
    assert 'cancel_pairs = "qloom_myopt.passes:CancelPairs"' in listing
    row = next(line for line in listing.splitlines() if line.startswith("optimizers"))
    assert row.split()[:5] == ["optimizers", "cancel_pairs", "qloom-myopt", "0.1.0", "ok"]
    assert not any(line.split()[:2] == ["optimizers", "myopt"] for line in listing.splitlines())


def test_its_tests_and_the_doctor_pass(outputs: dict[str, str]) -> None:
    text = outputs["the tests"]
    assert "5 passed" in text
    assert "qloom-myopt" in text and "cancel_pairs" in text


def test_it_is_used_by_name(outputs: dict[str, str]) -> None:
    assert "{'x': 1}" in outputs["use it"]
    assert "cancel_pairs" in outputs["pipeline file"]
