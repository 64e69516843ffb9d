"""The example third-party plugin, installed the way a user installs it, in a brand-new venv.

``pip install qloom qloom-hw-xyz`` is played by pip installing the project's distributions
from clean copies of their folders (not editable, so only what the wheels ship is there, and
no stale ``build/`` of an earlier install sneaks in); then the user's first steps:
``qloom plugins``, ``qloom.execute(..., on="xyz:ladder-12")`` and ``qloom run``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DISTRIBUTIONS = [
    "core",
    "plugins/sim-numpy",
    "plugins/padding",
    "plugins/kernels",
    "plugins/routers",
    "plugins/placers",
    "plugins/unrollers",
    "examples/qloom-hw-xyz",
]
"""What ``pip install qloom qloom-hw-xyz`` brings: the example and its dependencies."""

LEFTOVERS = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", "*.so", "target")

WORKSPACE = ["Cargo.toml", "Cargo.lock", "crates"]
"""The Cargo workspace a compiled plugin's crate belongs to (copied beside it, in place)."""


def _copy(distribution: str, src: Path) -> Path:
    """A clean copy of ``distribution``'s folder; a compiled one keeps its Cargo workspace
    around it at the same relative place, as in a checkout."""
    if not (REPO / distribution / "rust" / "Cargo.toml").is_file():
        return Path(
            shutil.copytree(REPO / distribution, src / Path(distribution).name, ignore=LEFTOVERS)
        )
    root = src / "workspace"
    for item in WORKSPACE:
        if (REPO / item).is_dir():
            shutil.copytree(REPO / item, root / item, ignore=LEFTOVERS, dirs_exist_ok=True)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / item, root / item)
    return Path(shutil.copytree(REPO / distribution, root / distribution, ignore=LEFTOVERS))


def _run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    # No variable of this session's environment may point the new venv back at ours.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QLOOM_") and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _explain(done: subprocess.CompletedProcess[str]) -> str:
    return f"{' '.join(done.args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with qloom and qloom-hw-xyz installed by pip; its ``bin`` folder."""
    home = tmp_path_factory.mktemp("user")
    made = _run([sys.executable, "-m", "venv", str(home / "venv")], home, 120)
    if made.returncode != 0:
        pytest.skip(f"cannot create a venv with pip here: {made.stderr.strip()}")
    bin_dir = home / "venv" / ("Scripts" if os.name == "nt" else "bin")
    python = str(bin_dir / "python")
    if _run([python, "-m", "pip", "--version"], home, 60).returncode != 0:
        pytest.skip("the new venv has no pip")
    sources = [_copy(d, home / "src") for d in DISTRIBUTIONS]
    # Making the venv and these seven installs took 6.5 minutes with both cores busy (load 8);
    # the bound only catches a hang.
    install = _run([python, "-m", "pip", "install", *map(str, sources)], home, 1800)
    assert install.returncode == 0, f"pip install failed: {_explain(install)}"
    return bin_dir


def test_the_plugin_is_installed_from_its_wheel(user_venv, tmp_path):
    snippet = textwrap.dedent(
        """
        import importlib.resources, qloom_hw_xyz
        print(qloom_hw_xyz.__file__)
        print(importlib.resources.files("qloom_hw_xyz").joinpath("py.typed").is_file())
        """
    )
    done = _run([str(user_venv / "python"), "-c", snippet], tmp_path, 60)
    assert done.returncode == 0, _explain(done)
    location, typed = done.stdout.split()
    assert Path(location).is_relative_to(user_venv.parent) and typed == "True"


def test_qloom_plugins_lists_its_parts_and_nothing_is_broken(user_venv, tmp_path):
    done = _run([str(user_venv / "qloom"), "plugins", "--json", "--strict"], tmp_path, 120)
    assert done.returncode == 0, _explain(done)
    rows = {(r["kind"], r["name"]): r for r in json.loads(done.stdout)}
    for part in (("backends", "xyz"), ("optimizers", "xyz_merge_rz"), ("pipelines", "xyz_default")):
        row = rows[part]
        assert (row["distribution"], row["version"], row["status"]) == (
            "qloom-hw-xyz",
            "1.0.0",
            "ok",
        ), row
    assert {r["status"] for r in rows.values()} == {"ok"}


def test_execute_from_python(user_venv, tmp_path):
    snippet = textwrap.dedent(
        """
        import json, qloom
        from qloom import Circuit

        ghz = Circuit(4).h(0).cx(0, 1).cx(1, 2).cx(2, 3)
        result = qloom.execute(ghz, on="xyz:ladder-12", shots=2000, seed=7)
        print(json.dumps({"counts": result.counts, "metadata": result.metadata}))
        """
    )
    done = _run([str(user_venv / "python"), "-c", snippet], tmp_path, 120)
    assert done.returncode == 0, _explain(done)
    result = json.loads(done.stdout)
    counts, metadata = result["counts"], result["metadata"]
    assert set(counts) == {"0000", "1111"} and sum(counts.values()) == 2000
    assert abs(counts["1111"] / 2000 - 0.5) < 0.05
    assert metadata["pipeline"] == "xyz_default" and metadata["simulated"] is True


def test_qloom_run_on_the_command_line(user_venv, tmp_path):
    ghz = REPO / "examples" / "ghz.qasm"
    args = ["run", str(ghz), "--on", "xyz:ring-8", "--shots", "2000", "--seed", "3", "--json"]
    done = _run([str(user_venv / "qloom"), *args], tmp_path, 120)
    assert done.returncode == 0, _explain(done)
    result = json.loads(done.stdout)
    assert (result["backend"], result["shots"]) == ("xyz:ring-8", 2000)
    assert set(result["counts"]) == {"00000", "11111"}
    assert abs(result["counts"]["11111"] / 2000 - 0.5) < 0.05
