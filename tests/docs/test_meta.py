"""Meta-tests: every hook spec and every entry-point group is documented."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import qloom
from qloom import hookspecs
from qloom.plugins import HOOK_GROUP, KINDS

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def plugin_docs() -> str:
    path = DOCS / "plugins.md"
    if not path.is_file():
        pytest.skip("docs/ is not beside the tests (installed test run)")
    return path.read_text()


SPECS = [
    name
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("qloom_")
]


@pytest.mark.parametrize("spec", SPECS)
def test_every_hook_spec_is_documented(plugin_docs, spec):
    assert f"`{spec}(" in plugin_docs, f"{spec} is missing from docs/plugins.md"
    doc = getattr(hookspecs, spec).__doc__
    assert doc and "versionadded" in doc


@pytest.mark.parametrize("kind", KINDS)
def test_every_entry_point_group_is_documented(plugin_docs, kind):
    assert f"`qloom.{kind}`" in plugin_docs


def test_hook_group_is_documented(plugin_docs):
    assert f"`{HOOK_GROUP}` entry-point group" in plugin_docs


REFERENCE = DOCS / "reference"


MODULES = {f"qloom.{m.name}" for m in pkgutil.iter_modules(qloom.__path__)}


def _reference_targets() -> set[str]:
    """Every object or module an API reference page renders (``::: qloom.x``)."""
    targets = set()
    for page in REFERENCE.glob("*.md"):
        for line in page.read_text().splitlines():
            if line.startswith("::: "):
                targets.add(line[4:].strip())
    return targets


def test_the_hook_reference_is_generated_from_the_specs():
    if not REFERENCE.is_dir():
        pytest.skip("docs/ is not beside the tests (installed test run)")
    assert "qloom.hookspecs" in _reference_targets()


@pytest.mark.parametrize("spec", SPECS)
def test_every_hook_parameter_is_explained(spec):
    function = getattr(hookspecs, spec)
    doc = function.__doc__ or ""
    for parameter in inspect.signature(function).parameters:
        assert f"{parameter}" in doc, f"{spec}'s docstring does not say what {parameter} is"


@pytest.mark.parametrize("name", sorted(set(qloom.__all__) - {"__version__", "qasm2"}))
def test_every_public_name_is_in_the_api_reference(name):
    if not REFERENCE.is_dir():
        pytest.skip("docs/ is not beside the tests (installed test run)")
    obj, targets = getattr(qloom, name), _reference_targets()
    modules = [importlib.import_module(t) for t in targets if t.count(".") == 1 and t in MODULES]
    shown_in = [m.__name__ for m in modules if getattr(m, name, None) is obj]
    assert f"qloom.{name}" in targets or shown_in, f"qloom.{name} is on no page of docs/reference"


def test_getting_started_gives_the_readme_commands():
    readme = (DOCS.parent / "README.md").read_text().split("```")[1].splitlines()[1:]
    commands = [line for line in readme if line.strip()]
    assert len(commands) == 2, "the README opens with exactly two set-up commands"
    page = (DOCS / "getting-started.md").read_text()
    for command in commands:
        assert f"```bash\n{command}\n```" in page


def test_every_environment_variable_is_documented():
    source = DOCS.parent / "core" / "src" / "qloom"
    if not source.is_dir():
        pytest.skip("the core's source is not beside the tests")
    used = {
        name
        for path in source.rglob("*.py")
        for name in re.findall(r'"(QLOOM_[A-Z_]+)"', path.read_text())
    }
    assert used, "the core reads its settings from QLOOM_* variables"
    page = (DOCS / "configuration.md").read_text()
    assert not {name for name in used if f"`{name}`" not in page}


def test_the_example_configuration_names_a_pipeline_it_defines():
    """`examples/qloom.toml`'s comment tells users which --pipeline to give: it must exist."""
    import re

    import tomllib

    path = Path(__file__).resolve().parents[2] / "examples" / "qloom.toml"
    text = path.read_text()
    named = re.findall(r"--pipeline ([\w-]+)", text)
    assert named, "the comment names no pipeline"
    defined = set(tomllib.loads(text).get("pipelines", {}))
    assert set(named) <= defined, f"{named} named, {sorted(defined)} defined"
