"""Every code example in the docs runs: Python blocks execute, `qloom` commands exit 0,
TOML parses, and excerpts of source files match those files word for word.

Python blocks of one page run in order in one namespace, as a reader would type them, in a
scratch directory where ``examples/`` is the repository's. Installation commands (``pip``,
``python -m venv``) are exercised by tests/integration, which installs into fresh venvs.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
import tomllib

from support import require_distribution
from support.markdown_blocks import ROOT, Block, blocks, pages

DISTRIBUTIONS = (
    "qloom-sim-numpy",
    "qloom-padding",
    "qloom-placers",
    "qloom-routers",
    "qloom-unrollers",
    "qloom-optimizers",
    "qloom-levels",
    "qloom-hw-emulator",
    "qloom-qiskit",
    "qloom-executors",
    "qloom-dask",
    "qloom-server",
    "qloom-template",
    "qloom-hw-xyz",
)
"""The docs show every plugin of the repository at work."""

ALL_BLOCKS = [block for page in pages() for block in blocks(page)]


def _ids(items: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in items]


def _with(lang: set[str], directive: str = "") -> list[Block]:
    return [b for b in ALL_BLOCKS if b.lang in lang and b.directive == directive]


PYTHON_PAGES = sorted({b.path for b in _with({"python"})})


def _commands(block: Block) -> list[list[str]]:
    """The ``qloom`` command lines of a shell block, continuation lines joined."""
    joined = block.text.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0].endswith("bin/qloom"):
            words[0] = "qloom"
        if words and words[0] == "qloom":
            commands.append(words[1:])
    return commands


SHELL_BLOCKS = [b for b in _with({"bash", "console", "sh"}) if _commands(b)]
SHELL_PAGES = sorted({b.path for b in SHELL_BLOCKS})
"""Pages with ``qloom`` commands (others show only installation commands)."""


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory like the repository root, whose files do not outlive the test."""
    for dist in DISTRIBUTIONS:
        require_distribution(dist)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QLOOM_STORE", str(tmp_path / "tasks.sqlite"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


@pytest.mark.parametrize("page", PYTHON_PAGES, ids=_ids(PYTHON_PAGES))
def test_python_examples_run(page: Path, scratch: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(page):
        if block.lang != "python" or block.directive:
            continue
        try:
            exec(compile(block.text, block.where, "exec"), namespace)
        except Exception:
            pytest.fail(f"the example at {block.where} failed:\n{traceback.format_exc()}")


@pytest.mark.parametrize("page", SHELL_PAGES, ids=_ids(SHELL_PAGES))
def test_qloom_commands_run(page: Path, scratch: Path) -> None:
    for block in (b for b in SHELL_BLOCKS if b.path == page):
        for args in _commands(block):
            done = subprocess.run(
                [sys.executable, "-m", "qloom", *args],
                capture_output=True,
                text=True,
                timeout=600,
                env={**os.environ, "COLUMNS": "100"},
            )
            assert done.returncode == 0, (
                f"`qloom {shlex.join(args)}` at {block.where} exited {done.returncode}:\n"
                f"{done.stdout}\n{done.stderr}"
            )


@pytest.mark.parametrize("block", _with({"toml"}), ids=lambda b: b.where)
def test_toml_examples_parse(block: Block) -> None:
    tomllib.loads(block.text)


EXCERPTS = [b for b in ALL_BLOCKS if b.directive == "excerpt"]


@pytest.mark.parametrize("block", EXCERPTS, ids=lambda b: b.where)
def test_excerpts_match_their_source(block: Block) -> None:
    source = ROOT / block.argument
    assert source.is_file(), f"{block.where} is an excerpt of {block.argument}, which is missing"
    assert block.text.strip() in source.read_text(), (
        f"{block.where} no longer matches {block.argument}: copy the current code into the page"
    )


@pytest.mark.parametrize("block", [b for b in ALL_BLOCKS if b.directive], ids=lambda b: b.where)
def test_directives_are_known_and_explained(block: Block) -> None:
    assert block.directive in {"excerpt", "skip", "tutorial"}, (
        f"{block.where}: unknown docs-test directive"
    )
    assert block.argument, f"{block.where}: '{block.directive}' needs a path or a reason"
