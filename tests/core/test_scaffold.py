"""``qloom plugins new NAME``: a fresh plugin from the templates, with no build leftovers
(issue 19), and the ``.gitignore`` of ``plugins/_template``."""

from __future__ import annotations

import importlib
import importlib.metadata as md
import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement

import qloom
from qloom.plugins import Registry, use_registry
from qloom.scaffold import _FILES, PluginNames

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "src/qloom_my_opt/__init__.py",
    "src/qloom_my_opt/passes.py",
    "src/qloom_my_opt/py.typed",
    "tests/test_my_opt.py",
}
LEFTOVERS = ("build", "dist", "__pycache__", ".venv", "target")


def _run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QLOOM_")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean, **(env or {})},
    )


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    """``qloom plugins new my_opt --dir tmp/plugin/qloom-my-opt``, through the CLI."""
    folder = tmp_path / "plugin" / "qloom-my-opt"
    done = _run("-m", "qloom", "plugins", "new", "my_opt", "--dir", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote qloom-my-opt (package qloom_my_opt, optimizers:my_opt)" in done.stdout
    return folder


def test_writes_only_sources_with_names_derived_from_name(plugin: Path):
    assert _files(plugin) == EXPECTED
    assert not [p for p in plugin.rglob("*") if p.name in LEFTOVERS or p.suffix == ".egg-info"]
    assert [p.name for p in plugin.parent.iterdir()] == ["qloom-my-opt"]  # no staging left
    project = tomllib.loads((plugin / "pyproject.toml").read_text())["project"]
    assert project["name"] == "qloom-my-opt"
    assert project["entry-points"]["qloom.optimizers"] == {"my_opt": "qloom_my_opt.passes:MyOpt"}
    (requirement,) = map(Requirement, project["dependencies"])
    assert requirement.name == "qloom" and qloom.__version__ in requirement.specifier
    ignored = (plugin / ".gitignore").read_text().split()
    assert {"build/", "*.egg-info/", "__pycache__/", "target/", ".venv/"} <= set(ignored)
    text = "\n".join(p.read_text() for p in plugin.rglob("*") if p.is_file())
    for leftover in ("${", "qloom_template", "qloom-template", "drop-identity", "DropIdentity"):
        assert leftover not in text


def test_its_entry_point_loads_its_part_and_a_pipeline_finds_it(plugin: Path, monkeypatch):
    monkeypatch.syspath_prepend(str(plugin / "src"))
    project = tomllib.loads((plugin / "pyproject.toml").read_text())["project"]
    ((name, target),) = project["entry-points"]["qloom.optimizers"].items()
    entry = md.EntryPoint(name, target, "qloom.optimizers")
    try:
        registry = Registry(entry_points=[entry], core_version=qloom.__version__)
        with use_registry(registry):  # loaded through the entry point, as when installed
            pipeline = qloom.get_pipeline({"passes": [f"optimizers:{name}"]})
        part = type(pipeline.passes[0])
        assert part is importlib.import_module("qloom_my_opt").MyOpt
        assert (part.kind, part.name) == ("optimizers", name)
        circuit = qloom.Circuit(2).h(0).id(1).cx(0, 1)
        out = qloom.transpile(circuit, on=qloom.Backend("sim"), transpiler=part())
        assert [op.name for op in out] == ["h", "cx"]
    finally:
        for loaded in [m for m in sys.modules if m.startswith("qloom_my_opt")]:
            del sys.modules[loaded]


def test_its_own_tests_pass_uninstalled(plugin: Path):
    done = _run(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests",
        cwd=plugin,
        env={"PYTHONPATH": str(plugin / "src"), "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed, 1 skipped" in done.stdout  # found-by-name needs the entry point


def test_built_and_installed_it_is_listed_and_its_tests_all_pass(plugin: Path, tmp_path: Path):
    """A real build from its pyproject (into a folder, not this venv): entry points work."""
    site = tmp_path / "site"
    build = _run(
        "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(plugin),
        cwd=tmp_path,
    )  # fmt: skip
    if "No matching distribution found for setuptools" in build.stderr:
        pytest.skip("pip cannot get setuptools to build here (offline)")
    assert build.returncode == 0, build.stderr
    env = {"PYTHONPATH": str(site)}
    listed = _run("-m", "qloom", "plugins", "--json", cwd=tmp_path, env=env)
    rows = [r for r in json.loads(listed.stdout) if r["name"] == "my_opt"]
    assert [(r["kind"], r["distribution"], r["status"]) for r in rows] == [
        ("optimizers", "qloom-my-opt", "ok")
    ]
    (tmp_path / "qloom.toml").write_text('[pipelines.tidy]\npasses = ["optimizers:my_opt"]\n')
    shown = _run("-m", "qloom", "pipeline", "show", "tidy", "--json", cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    (row,) = json.loads(shown.stdout)["passes"]
    assert (row["label"], row["distribution"], row["status"]) == (
        "optimizers:my_opt",
        "qloom-my-opt",
        "ok",
    )
    tests = _run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=plugin, env=env)
    assert "3 passed" in tests.stdout, tests.stdout + tests.stderr


@pytest.mark.parametrize(
    "name", ["My_opt", "my-opt", "1opt", "my__opt", "_opt", "opt_", "qloom_opt", "o" * 41, ""]
)
def test_refuses_an_invalid_name(tmp_path: Path, name: str):
    done = _run("-m", "qloom", "plugins", "new", name, cwd=tmp_path)
    assert done.returncode == 1
    assert "invalid plugin name" in done.stderr
    assert "snake_case" in done.stderr or "without the qloom prefix" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_refuses_an_existing_folder_and_leaves_it_alone(tmp_path: Path):
    (tmp_path / "qloom-opt").mkdir()
    (tmp_path / "qloom-opt" / "mine.txt").write_text("keep")
    done = _run("-m", "qloom", "plugins", "new", "opt", cwd=tmp_path)
    assert done.returncode == 1 and "already exists" in done.stderr
    assert _files(tmp_path) == {"qloom-opt/mine.txt"}


def test_names_and_every_template_is_used():
    assert PluginNames.of("my_opt2") == PluginNames(
        "my_opt2", "qloom-my-opt2", "qloom_my_opt2", "MyOpt2"
    )
    shipped = files("qloom").joinpath("templates").joinpath("plugin")
    found = {
        f"{folder.name}/{entry.name}" if folder.name != "plugin" else entry.name
        for folder in (shipped, shipped.joinpath("src"), shipped.joinpath("tests"))
        for entry in folder.iterdir()
        if entry.is_file()
    }
    assert found == set(_FILES)


def test_the_template_folder_ignores_build_leftovers():
    ignored = (ROOT / "plugins" / "_template" / ".gitignore").read_text().split()
    assert {"build/", "*.egg-info/", "__pycache__/", "target/", ".venv/"} <= set(ignored)
