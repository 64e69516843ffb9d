"""Meta-tests: every hook spec and every entry-point group is documented."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

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
