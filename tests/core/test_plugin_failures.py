"""A plugin that fails at import says where (file:line); ``--verbose`` shows the traceback;
one part is loaded through stevedore, only the entry point the registry chose."""

from __future__ import annotations

import importlib.metadata as md
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import stevedore.named

from qloom.errors import BrokenPluginError
from qloom.loading import load_entry_point, package_of
from qloom.plugins import Registry
from qloom.tracebacks import full_traceback, raised_at
from support import require_distribution

Package = Callable[[dict[str, str]], str]


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Package]:
    """``make({"backend.py": source, ...})`` writes a fresh package on ``sys.path`` (``{pkg}``
    in a source is its name) and returns its name; its modules are forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made: list[str] = []

    def make(files: dict[str, str]) -> str:
        name = f"qloom_hw_where{len(made)}_{abs(hash(str(tmp_path))) % 10**6}"
        root = tmp_path / name
        root.mkdir()
        (root / "__init__.py").write_text("", encoding="utf-8")
        for file, text in files.items():
            (root / file).write_text(text.replace("{pkg}", name), encoding="utf-8")
        made.append(name)
        return name

    yield make
    for name in made:
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]


LICENSE = "import os\n\n\ndef connect():\n    raise RuntimeError('license server unreachable')\n"


def test_the_innermost_frame_in_the_plugins_own_files_is_named(package: Package) -> None:
    name = package(
        {
            "license.py": LICENSE,
            "backend.py": "from {pkg}.license import connect\n\nconnect()\nBackend = 1\n",
        }
    )
    ep = md.EntryPoint("foo", f"{name}.backend:Backend", "qloom.backends")
    with pytest.raises(BrokenPluginError) as info:
        Registry(entry_points=[ep]).load("backends", "foo")
    where = f"{name}/license.py:5"
    assert info.value.location == where
    message = f"is broken: RuntimeError: license server unreachable ({where})"
    assert str(info.value).endswith(message)


def test_a_library_error_is_placed_at_the_plugin_line_that_called_it(package: Package) -> None:
    name = package({"parts.py": "import json\n\njson.loads('{')\nRouter = 1\n"})
    ep = md.EntryPoint("lib", f"{name}.parts:Router", "qloom.routers")
    reg = Registry(entry_points=[ep])
    with pytest.raises(BrokenPluginError):
        reg.load("routers", "lib")
    [broken] = reg.broken()
    assert broken.reason.startswith("JSONDecodeError: ")
    assert broken.reason.endswith(f"({name}/parts.py:3)")  # not json/decoder.py
    assert "json.loads('{')" in broken.traceback and "JSONDecodeError" in broken.traceback


def test_a_syntax_error_names_the_file_that_does_not_compile(package: Package) -> None:
    name = package({"bad.py": "x = 1\ndef broken(:\n"})
    ep = md.EntryPoint("bad", f"{name}.bad:x", "qloom.backends")
    with pytest.raises(BrokenPluginError) as info:
        Registry(entry_points=[ep]).load("backends", "bad")
    assert info.value.location == f"{name}/bad.py:2"


def test_without_a_plugin_frame_the_innermost_real_frame_is_named() -> None:
    def fail() -> None:
        raise ValueError("no")

    with pytest.raises(ValueError) as info:
        fail()
    line = fail.__code__.co_firstlineno + 1
    where = raised_at(info.value, "qloom_not_this")  # as many parts as the module's name has
    assert where is not None and where.endswith(f"{Path(__file__).name}:{line}")
    assert not where.startswith("/")
    assert raised_at(ValueError("never raised")) is None
    assert "ValueError: no" in full_traceback(info.value)


def test_a_part_is_loaded_by_stevedore_from_the_entry_point_given(
    package: Package, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = package({"parts.py": "Backend = 'mine'\n"})
    loaded: list[str] = []
    original = stevedore.named.NamedExtensionManager._load_one_plugin

    def spy(self: object, ep: md.EntryPoint, *args: object) -> object:
        loaded.append(ep.value)
        return original(self, ep, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(stevedore.named.NamedExtensionManager, "_load_one_plugin", spy)
    # an installed distribution provides backends:numpy too; only the given one is loaded
    ep = md.EntryPoint("numpy", f"{name}.parts:Backend", "qloom.backends")
    assert load_entry_point(ep) == "mine"
    assert loaded == [f"{name}.parts:Backend"]
    assert package_of(ep) == name
    failing = md.EntryPoint("gone", f"{name}.missing:Backend", "qloom.backends")
    with pytest.raises(ModuleNotFoundError):  # through stevedore's load-failure callback
        load_entry_point(failing)


def _qloom(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qloom", *args], capture_output=True, text=True, timeout=300
    )


def test_qloom_plugins_names_the_file_and_line_and_verbose_shows_the_traceback() -> None:
    require_distribution("qloom-fixture-broken")
    require_distribution("qloom-fixture-exits")
    missing = (
        "why: ModuleNotFoundError: No module named 'qloom_nonexistent_dependency' "
        "(qloom_fixture_broken/missing_dependency.py:3)"
    )
    exits = "why: SystemExit(3) at import (qloom_fixture_exits/exits.py:5)"
    plain = _qloom("plugins")
    assert plain.returncode == 0, plain.stderr
    assert missing in plain.stdout and exits in plain.stdout
    assert "Traceback" not in plain.stdout and "--verbose" in plain.stdout
    verbose = _qloom("plugins", "--verbose")
    assert verbose.returncode == 0, verbose.stderr
    assert missing in verbose.stdout
    block = verbose.stdout.split(missing, 1)[1]
    assert "    | Traceback (most recent call last):" in block
    assert 'missing_dependency.py", line 3' in block
    assert "    |     import qloom_nonexistent_dependency" in block
    as_json = json.loads(_qloom("plugins", "--json", "--verbose").stdout)
    row = next(r for r in as_json if r["name"] == "exitsatimport")
    assert row["error"] == exits.removeprefix("why: ")
    assert 'exits.py", line 5' in row["traceback"] and "sys.exit(3)" in row["traceback"]
    doctor = _qloom("plugins", "doctor", "--only", "qloom-fixture-broken")
    assert "(qloom_fixture_broken/missing_dependency.py:3)" in doctor.stdout, doctor.stdout
