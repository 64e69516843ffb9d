"""Plugin discovery: listing without import, lazy loading, errors, isolation, disabling."""

from __future__ import annotations

import importlib.metadata as md
import os
import pickle
import sys
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from qloom import BrokenPluginError, ConfigError, IncompatiblePluginError, Pass, UnknownPluginError
from qloom.errors import OptionError, PluginConflictError
from qloom.pipeline import Pipeline
from qloom.plugins import KINDS, Registry
from support import require_distribution
from support.parts import register_parts

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
    with pytest.raises(UnknownPluginError, match=r"qloom-sim-numpy: pip install \S*sim-numpy"):
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


# -- options: a wrong keyword is the caller's error (issue 16 point 5) -----------------------


class Tuned(Pass):
    """A pass stating its options once, as a mapping."""

    kind = "routers"
    option_defaults: ClassVar[Mapping[str, Any]] = {"trials": 8, "lookahead": 20}

    def run(self, circuit, context):
        return circuit


class Signed(Pass):
    """A pass stating its options once, by its ``__init__`` signature."""

    kind = "optimizers"

    def __init__(self, *, lookback: int = 64) -> None:
        super().__init__(lookback=lookback)

    def run(self, circuit, context):
        return circuit


def test_unknown_option_names_it_lists_valid_ones_and_does_not_break_the_part():
    reg = registry()
    reg.register("routers", "tuned", Tuned)
    with pytest.raises(OptionError) as info:
        reg.build("routers", "tuned", Pass, trails=3)
    message = str(info.value)
    assert "pass 'routers:tuned' has no option 'trails'" in message
    assert "did you mean 'trials'" in message and "valid: trials=8, lookahead=20" in message
    assert isinstance(info.value, ConfigError) and not isinstance(info.value, BrokenPluginError)
    assert reg.status("routers", "tuned") != "broken" and reg.broken() == []
    assert reg.build("routers", "tuned", Pass, trials=3).options == {"trials": 3}


def test_signature_options_are_checked_before_the_call():
    reg = registry()
    reg.register("optimizers", "signed", Signed)
    with pytest.raises(OptionError, match="'optimizers:signed' has no option 'foo'; valid: look"):
        reg.build("optimizers", "signed", Pass, foo=1)
    assert reg.broken() == []
    assert Signed.accepted_options() == {"lookback": 64}
    assert reg.build("optimizers", "signed", Pass).option("lookback") == 64


def test_a_pass_declaring_nothing_takes_no_options():
    class Bare(Pass):
        def run(self, circuit, context):
            return circuit

    with pytest.raises(OptionError, match="takes no options"):
        Bare(bogus_opt=1)
    assert Tuned().option("trials") == 8 and Tuned(trials=2).option("trials") == 2


def test_pipeline_spec_with_an_unknown_option_is_the_specs_error():
    reg = register_parts(registry())
    spec = {"name": "p", "passes": [{"pass": "optimizers:append-id", "foo": 1}]}
    with pytest.raises(OptionError, match="'optimizers:append-id' has no option 'foo'"):
        Pipeline.from_spec(spec, reg)
    assert reg.broken() == []
    nested = {"name": "p", "passes": [{"pass": "pipelines:identity2", "foo": 1}]}
    reg.register("pipelines", "identity2", lambda: Pipeline([], name="identity2"))
    with pytest.raises(OptionError, match="pipeline 'identity2' has no option 'foo'"):
        Pipeline.from_spec(nested, reg)


def test_backend_and_executor_options_are_checked_against_their_signature():
    reg = register_parts(registry())
    with pytest.raises(OptionError, match="backend 'basis' has no option 'nosie'"):
        reg.build("backends", "basis", None, "3", nosie=False)
    assert reg.build("backends", "basis", None, "3").num_qubits == 3
    from qloom.executor import SerialExecutor

    reg.register("executors", "serial", SerialExecutor)
    with pytest.raises(OptionError) as info:
        reg.build("executors", "serial", None, num_workers=3)
    assert "executor 'serial' has no option 'num_workers'" in str(info.value)
    assert "valid: workers=None" in str(info.value) and info.value.suggestion == "workers"
    assert reg.broken() == []


def test_compiler_with_an_unknown_executor_option_names_it():
    from qloom.compiler import Compiler

    with pytest.raises(OptionError) as info:
        Compiler(num_workers=3)
    assert "executor 'serial' has no option 'num_workers'" in str(info.value)
    assert "valid: workers=None" in str(info.value)
    with Compiler() as compiler:  # the executor is not marked broken
        assert compiler.executor.size == 1


def test_option_error_survives_a_round_trip_to_a_worker():
    err = OptionError("pass 'routers:x'", "foo", {"trials": "8", "need": None}, "trials")
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err) and "valid: trials=8, need" in str(err)


def test_every_installed_pass_refuses_an_unknown_option():
    reg = Registry()
    checked = []
    for kind in ("placers", "routers", "unrollers", "optimizers", "padding"):
        for info in reg.infos(kind):
            if info.distribution.startswith("qloom-fixture-"):  # deliberately broken parts
                continue
            name, factory = info.name, reg.load(kind, info.name)
            if factory.accepted_options() is None:  # an adapter (qiskit): its own tests
                continue
            with pytest.raises(OptionError, match="bogus_opt"):
                reg.build(kind, name, Pass, bogus_opt=1)
            with pytest.raises((OptionError, TypeError)):
                factory(bogus_opt=1)
            checked.append(f"{kind}:{name}")
    assert reg.broken() == []
    if os.environ.get("QLOOM_TEST_ALL") == "1":
        assert "routers:sabre" in checked and "optimizers:cancel" in checked, checked


def test_cli_option_typo_is_reported_and_the_backend_still_works(capsys):
    from qloom.cli import main
    from qloom.plugins import get_registry

    register_parts(get_registry())
    assert main(["pipeline", "show", "--on", "basis:3", "--option", "nosie=false"]) == 1
    err = capsys.readouterr().err
    assert "backend 'basis' has no option 'nosie'" in err and "broken" not in err
    assert main(["pipeline", "show", "--on", "basis:3"]) == 0
    assert get_registry().status("backends", "basis") == "loaded"


# -- a plugin that exits or interrupts at import (issue 16 point 4) ---------------------------


@pytest.fixture
def exiting_module(tmp_path, monkeypatch):
    """A module ``qloom_test_exits_<n>`` whose import raises what the test asks for."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(statement: str) -> str:
        name = f"qloom_test_exits_{len(made)}_{abs(hash(str(tmp_path))) % 10**6}"
        (tmp_path / f"{name}.py").write_text(f"import sys\n{statement}\nBackend = object\n")
        made.append(name)
        return name

    yield make
    for name in made:
        sys.modules.pop(name, None)


def test_system_exit_at_import_is_that_plugins_failure(exiting_module):
    module = exiting_module("sys.exit(3)")
    exits = md.EntryPoint("exits", f"{module}:Backend", "qloom.backends")
    reg = registry(exits, OTHER, GOOD)
    with pytest.raises(BrokenPluginError) as info:
        reg.load("backends", "exits")
    assert "SystemExit(3) at import" in str(info.value)
    assert isinstance(info.value.__cause__, SystemExit)
    assert reg.load("backends", "numpyish") is not None
    broken = {b.info.name: b.reason for b in reg.check()}
    assert broken == {"exits": f"SystemExit(3) at import ({module}.py:2)"}


def test_other_base_exceptions_at_import_or_build_are_caught_too(exiting_module):
    module = exiting_module("raise GeneratorExit('odd')")
    odd = md.EntryPoint("odd", f"{module}:Backend", "qloom.backends")
    quits = md.EntryPoint("quits", "sys:exit", "qloom.routers")  # sys.exit() when built
    broken = {b.info.name: b.reason for b in registry(odd, quits).check()}
    assert broken["odd"] == f"GeneratorExit('odd') at import ({module}.py:2)"
    assert broken["quits"] == "SystemExit() at build"


def test_keyboard_interrupt_at_import_still_interrupts(exiting_module):
    module = exiting_module("raise KeyboardInterrupt")
    reg = registry(md.EntryPoint("ki", f"{module}:Backend", "qloom.backends"))
    with pytest.raises(KeyboardInterrupt):
        reg.load("backends", "ki")
    assert reg.broken() == []


def test_a_hook_plugin_exiting_at_import_does_not_stop_the_others(exiting_module):
    module = exiting_module("sys.exit(3)")
    hook = md.EntryPoint("exits", module, "qloom")
    reg = registry(hook, GOOD)
    reg.hook_manager()
    [broken] = reg.broken()
    assert broken.info.kind == "hooks"
    assert broken.reason == f"SystemExit(3) at import ({module}.py:2)"


def test_qloom_plugins_reports_a_plugin_exiting_at_import(exiting_module, capsys):
    from qloom.cli import main
    from qloom.plugins import use_registry

    module = exiting_module("sys.exit(3)")
    exits = md.EntryPoint("exits", f"{module}:Backend", "qloom.backends")
    with use_registry(registry(exits, OTHER)):
        assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "numpyish" in out and "why: SystemExit(3) at import" in out


# -- two distributions providing one name (issue 16 point 4) ----------------------------------


class FakeDist:
    """Just enough of an ``importlib.metadata.Distribution`` for an entry point's ``dist``."""

    def __init__(self, name: str, version: str = "1.0") -> None:
        self.metadata = {"Name": name}
        self.version = version
        self.requires = None


def provided_by(dist: str, value: str, name: str = "sabre", group: str = "qloom.routers"):
    return md.EntryPoint(name, value, group)._for(FakeDist(dist))


OURS = provided_by("qloom-routers", "support.parts:ReverseQubits")
THEIRS = provided_by("qloom-other", "support.parts:AppendIdentity")


def test_a_name_from_two_distributions_is_listed_once_and_refused_at_use(monkeypatch):
    monkeypatch.delenv("QLOOM_PREFER", raising=False)
    reg = registry(OURS, THEIRS, GOOD)
    assert reg.names("routers") == ["sabre"]  # listing still works
    assert {k: [i.distribution for i in v] for k, v in reg.conflicts().items()} == {
        ("routers", "sabre"): ["qloom-routers", "qloom-other"]
    }
    with pytest.raises(PluginConflictError) as info:
        reg.load("routers", "sabre")
    message = str(info.value)
    assert "router 'sabre' is provided by 2 distributions: qloom-routers 1.0, qloom-o" in message
    assert "QLOOM_PREFER=routers:sabre=qloom-routers" in message and "[plugins] prefer" in message
    assert reg.broken() == [] and reg.load("pipelines", "identity2") is not None


@pytest.mark.parametrize("how", ["argument", "environment", "config file"])
def test_the_user_chooses_which_distribution_provides_a_name(how, monkeypatch, tmp_path):
    monkeypatch.delenv("QLOOM_PREFER", raising=False)
    kwargs = {}
    if how == "argument":
        kwargs["prefer"] = {"routers:sabre": "qloom-other"}
    elif how == "environment":
        monkeypatch.setenv("QLOOM_PREFER", "backends:x=a, routers:sabre=qloom-other")
    else:
        table = '[plugins]\nprefer = { "routers:sabre" = "qloom-other" }\n'
        (tmp_path / "qloom.toml").write_text(table)
    reg = registry(OURS, THEIRS, **kwargs)
    assert reg.load("routers", "sabre").__name__ == "AppendIdentity"
    assert reg.info("routers", "sabre").distribution == "qloom-other"
    assert reg.preferred("routers", "sabre") == "qloom-other"


def test_a_preference_for_a_distribution_that_does_not_provide_the_name_is_an_error(monkeypatch):
    monkeypatch.setenv("QLOOM_PREFER", "routers:sabre=qloom-nobody")
    reg = registry(OURS, THEIRS)
    with pytest.raises(PluginConflictError, match="qloom-nobody does not provide it"):
        reg.load("routers", "sabre")
    monkeypatch.setenv("QLOOM_PREFER", "routers-sabre")
    with pytest.raises(ConfigError, match="QLOOM_PREFER"):
        registry(OURS, THEIRS).load("routers", "sabre")


def test_the_same_distribution_seen_twice_is_no_conflict(monkeypatch):
    monkeypatch.delenv("QLOOM_PREFER", raising=False)
    twice = provided_by("qloom-routers", "support.parts:ReverseQubits")
    reg = registry(OURS, twice)
    assert reg.conflicts() == {} and reg.load("routers", "sabre").__name__ == "ReverseQubits"


def test_qloom_plugins_shows_the_conflict(monkeypatch, capsys):
    from qloom.cli import main
    from qloom.plugins import use_registry

    monkeypatch.delenv("QLOOM_PREFER", raising=False)
    with use_registry(registry(OURS, THEIRS)):
        assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("routers")]
    assert len(lines) == 2 and all("conflict" in line for line in lines), out
    assert "QLOOM_PREFER=routers:sabre=" in out


def test_the_known_packages_map_matches_the_plugins_entry_points():
    from pathlib import Path

    import tomllib

    from qloom.plugins import KNOWN_PACKAGES

    root = Path(__file__).resolve().parents[2]
    declared = {}
    for pyproject in sorted(root.glob("plugins/*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())["project"]
        for group, entries in project.get("entry-points", {}).items():
            kind = group.removeprefix("qloom.")
            declared.update({(kind, name): project["name"] for name in entries})
    declared = {k: v for k, v in declared.items() if k[0] in KINDS}
    if not declared:
        pytest.skip("no plugins/ folder beside the tests")
    assert declared == KNOWN_PACKAGES


def test_the_new_plugin_errors_survive_a_round_trip_to_a_worker():
    from qloom.errors import MissingPartsError

    missing = MissingPartsError("O1", [("routers:sabre", "provided by qloom-routers")], "emu:x")
    conflict = PluginConflictError("routers", "sabre", ["a 1", "b 2"], preferred="c")
    for err in (missing, conflict):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == str(err)
    assert pickle.loads(pickle.dumps(missing)).missing == missing.missing


def test_hook_plugins_of_the_same_name_from_two_distributions_are_both_registered():
    first = provided_by("qloom-a", "support.parts", name="hooks", group="qloom")
    second = provided_by("qloom-b", "support.shared", name="hooks", group="qloom")
    again = provided_by("qloom-a", "support.parts", name="hooks", group="qloom")
    reg = registry(first, second, again)
    assert reg.conflicts() == {}
    assert sorted(i.distribution for i in reg.hook_infos()) == ["qloom-a", "qloom-b"]
    names = {name for name, _ in reg.hook_manager().list_name_plugin()}
    assert {"qloom-a:hooks", "qloom-b:hooks"} <= names


def test_threads_asking_first_for_the_hook_manager_all_get_the_same_one(monkeypatch):
    """A Dask or pool callback thread and the caller registering an observer may ask at
    once; two managers would leave the observer deaf to hooks called on the other."""
    import threading

    slow_entry = md.EntryPoint("slow", "support.tasks", "qloom")
    registry = Registry(entry_points=[slow_entry], core_version="0.1.0")
    importing = threading.Event()
    real_import = Registry._import

    def slow_import(self: Registry, info: Any) -> Any:
        importing.set()
        # Held until every thread has asked: without the lock each builds its own manager.
        threading.Event().wait(0.2)
        return real_import(self, info)

    monkeypatch.setattr(Registry, "_import", slow_import)
    start = threading.Barrier(6)
    managers: list[object] = []

    def ask() -> None:
        start.wait()
        managers.append(registry.hook_manager())

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert importing.is_set() and len(managers) == 6
    assert all(m is managers[0] for m in managers)


def test_a_registry_built_by_another_thread_never_replaces_the_one_in_use(monkeypatch):
    """A pool callback thread may build the process-wide registry between two tests while
    the next one installs its own (``use_registry``); the built one must not win, or the
    test's hook observers hear nothing (a CI flake of the task-hook tests)."""
    import threading

    from qloom import plugins

    monkeypatch.setattr(plugins, "_REGISTRY", None)
    building = threading.Event()
    real_init = Registry.__init__

    class SlowRegistry(Registry):
        def __init__(self) -> None:
            building.set()
            # Held while the main thread installs its own: without the lock, this one,
            # built later, replaces it.
            threading.Event().wait(0.2)
            real_init(self, entry_points=[], core_version="0.1.0")

    monkeypatch.setattr(plugins, "Registry", SlowRegistry)
    built: list[Registry] = []
    background = threading.Thread(target=lambda: built.append(plugins.get_registry()))
    background.start()
    assert building.wait(30)
    mine = registry()
    with plugins.use_registry(mine):
        background.join()  # the test body runs on while the callback thread finishes
        in_use = plugins.get_registry()
    assert in_use is mine
    assert isinstance(built[0], SlowRegistry) and plugins.get_registry() is built[0]
