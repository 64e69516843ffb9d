"""Plugin discovery: listing without import, lazy loading, errors, isolation, disabling."""

from __future__ import annotations

import importlib.metadata as md
import sys

import pytest

from qloom import BrokenPluginError, IncompatiblePluginError, UnknownPluginError
from qloom.pipeline import Pipeline
from qloom.plugins import Registry
from support import require_distribution

GOOD = md.EntryPoint("identity2", "qloom.pipeline:identity_pipeline", "qloom.pipelines")
LAZY = md.EntryPoint("lazy", "qloom_test_never_imported:thing", "qloom.backends")
BROKEN = md.EntryPoint("broken", "qloom_test_missing_module:Backend", "qloom.backends")
OTHER = md.EntryPoint("numpyish", "support.parts:BasisStateBackend", "qloom.backends")
FOREIGN = md.EntryPoint("x", "os:getcwd", "somebody.else")


def registry(*eps: md.EntryPoint, **kw) -> Registry:
    return Registry(entry_points=eps, core_version="0.1.0", **kw)


def test_names_are_listed_without_importing():
    reg = registry(GOOD, LAZY, BROKEN, OTHER, FOREIGN)
    assert reg.names("backends") == ["broken", "lazy", "numpyish"]
    assert reg.names("pipelines") == ["identity2"]
    assert "qloom_test_never_imported" not in sys.modules
    assert reg.status("backends", "lazy") == "not loaded"


def test_load_imports_once_on_first_use():
    reg = registry(GOOD)
    made = reg.load("pipelines", "identity2")
    assert made is reg.load("pipelines", "identity2")
    assert isinstance(made(), Pipeline) and reg.status("pipelines", "identity2") == "loaded"


def test_unknown_name_lists_installed_and_closest_match():
    reg = registry(BROKEN, OTHER)
    with pytest.raises(UnknownPluginError) as info:
        reg.load("backends", "numpyis")
    err = info.value
    assert err.suggestion == "numpyish" and err.installed == ["broken", "numpyish"]
    message = str(err)
    assert "no backend named 'numpyis'" in message and "did you mean 'numpyish'" in message
    assert "Installed backends: broken, numpyish" in message


def test_unknown_well_known_name_says_what_to_install():
    with pytest.raises(UnknownPluginError, match="pip install qloom-sim-numpy"):
        registry().load("backends", "numpy")


def test_broken_plugin_is_recorded_and_others_still_work():
    reg = registry(BROKEN, OTHER)
    with pytest.raises(BrokenPluginError) as info:
        reg.load("backends", "broken")
    assert isinstance(info.value.__cause__, ModuleNotFoundError)
    assert "backend 'broken'" in str(info.value) and "qloom_test_missing_module" in str(info.value)
    assert reg.load("backends", "numpyish") is not None
    with pytest.raises(BrokenPluginError):  # remembered, not retried
        reg.load("backends", "broken")
    [broken] = reg.broken()
    assert broken.info.name == "broken" and "ModuleNotFoundError" in broken.reason


def test_check_imports_and_builds_everything():
    exploding = md.EntryPoint("boom", "builtins:ZeroDivisionError", "qloom.routers")
    reg = registry(GOOD, BROKEN, OTHER, exploding)
    broken = {b.info.name: b.reason for b in reg.check()}
    assert set(broken) == {"broken"}  # ZeroDivisionError() builds fine; Backend() too
    bad_build = md.EntryPoint("bad", "qloom.layout:Layout", "qloom.routers")
    broken = {b.info.name: b.reason for b in registry(bad_build).check()}
    assert "TypeError" in broken["bad"]


@pytest.mark.parametrize("switch", ["broken", "backends:broken", "*"])
def test_disabled_plugins_are_not_listed(switch):
    reg = registry(BROKEN, OTHER, GOOD, disabled=[switch])
    assert "broken" not in reg.names("backends")
    with pytest.raises(UnknownPluginError, match="switched off by QLOOM_DISABLE_PLUGINS"):
        reg.load("backends", "broken")


def test_disable_env_var(monkeypatch):
    monkeypatch.setenv("QLOOM_DISABLE_PLUGINS", "numpyish, other")
    assert registry(BROKEN, OTHER).names("backends") == ["broken"]


def test_runtime_registration():
    reg = registry()
    reg.register("routers", "mine", Pipeline)
    assert reg.names("routers") == ["mine"] and reg.load("routers", "mine") is Pipeline
    reg.unregister("routers", "mine")
    assert reg.names("routers") == []


def test_unknown_kind_suggests_the_right_one():
    with pytest.raises(ValueError, match="did you mean 'routers'"):
        registry().names("router")


def test_plugin_requiring_another_core_version_is_refused():
    require_distribution("qloom-fixture-good")
    dist = md.distribution("qloom-fixture-good")
    [ep] = [e for e in dist.entry_points if e.group == "qloom.backends"]
    reg = Registry(entry_points=[ep], core_version="0.0.9")
    with pytest.raises(IncompatiblePluginError) as info:
        reg.load("backends", ep.name)
    assert "requires qloom<0.2,>=0.1 but qloom 0.0.9 is installed" in str(info.value)
    assert Registry(entry_points=[ep], core_version="0.1.5").load("backends", ep.name)
