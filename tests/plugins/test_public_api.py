"""Plugins use each other's public API only: the names another plugin lists in its
top-level ``__all__``. A subpackage listed there (``qloom_unrollers.synthesis``) is public
too, with its own ``__all__``; any other submodule is private (``from
qloom_sim_numpy.program import ...`` would tie one plugin to another's private layout).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("plugins/*/src/qloom_*"), *ROOT.glob("examples/*/src/qloom_*")])


def foreign_imports(package: Path) -> list[tuple[str, str]]:
    """``(where, what)`` for every import in ``package`` of another ``qloom_*`` plugin's
    submodule, or of a top-level name that plugin does not export."""
    own = package.name
    found: list[tuple[str, str]] = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [(alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [(node.module, [alias.name for alias in node.names])]
            else:
                continue
            for module, names in modules:
                top, _, sub = module.partition(".")
                if not top.startswith("qloom_") or top == own:
                    continue
                where = f"{path.relative_to(package.parent)}:{node.lineno}"
                found += [(where, what) for what in _private(top, sub, names)]
    return found


def _private(top: str, sub: str, names: list[str] | None) -> list[str]:
    """What is private in importing ``names`` (or the module) from ``top.sub``."""
    exported = _exports(top)
    if exported is None:  # not installed here: nothing to compare with
        return []
    module = top
    if sub:
        first = sub.split(".")[0]
        if first not in exported:
            return [f"imports the submodule {top}.{sub}, not in {top}.__all__"]
        module = f"{top}.{sub}"
        exported = _exports(module) or set()
    return [f"imports {module}.{n}, not in its __all__" for n in names or [] if n not in exported]


def _exports(module: str) -> set[str] | None:
    try:
        imported = importlib.import_module(module)
    except ImportError:
        return None
    return set(getattr(imported, "__all__", ()))


def test_the_plugins_are_found():
    names = {p.name for p in SOURCES}
    assert {"qloom_hw_emulator", "qloom_sim_numpy", "qloom_routers", "qloom_hw_xyz"} <= names


@pytest.mark.parametrize("package", SOURCES, ids=lambda p: p.name)
def test_plugins_import_only_each_others_public_names(package):
    problems = foreign_imports(package)
    assert not problems, "\n".join(f"{where}: {what}" for where, what in problems)


def test_the_check_finds_a_private_import(tmp_path):
    package = tmp_path / "qloom_mine"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from qloom_mine.x import y\n"
        "from qloom_sim_numpy.program import Condition\n"
        "import qloom_sim_numpy.sampling\n"
        "from qloom_sim_numpy import NumpyBackend, compile_circuit\n"
        "from qloom_unrollers.synthesis import synthesize_1q, _private_helper\n"
        "import qloom_unrollers.synthesis\n"
    )
    assert foreign_imports(package) == [
        (
            "qloom_mine/__init__.py:2",
            "imports the submodule qloom_sim_numpy.program, not in qloom_sim_numpy.__all__",
        ),
        (
            "qloom_mine/__init__.py:3",
            "imports the submodule qloom_sim_numpy.sampling, not in qloom_sim_numpy.__all__",
        ),
        ("qloom_mine/__init__.py:4", "imports qloom_sim_numpy.compile_circuit, not in its __all__"),
        (
            "qloom_mine/__init__.py:5",
            "imports qloom_unrollers.synthesis._private_helper, not in its __all__",
        ),
    ]
