"""Global defaults, environment variables and TOML pipelines."""

from __future__ import annotations

import pytest

import qloom
from qloom import Circuit, ConfigError, Pipeline, UnknownPluginError, hookimpl
from qloom.config import find_config, get_backend, pipeline_for
from qloom.plugins import Registry, get_registry, use_registry
from support.parts import BasisStateBackend, register_parts


@pytest.fixture(autouse=True)
def parts():
    return register_parts(get_registry())


def test_backend_names_build_through_their_provider():
    backend = get_backend("basis:4")
    assert backend.name == "basis:4" and backend.num_qubits == 4
    assert get_backend("basis:4") is backend  # built once
    assert get_backend("basis").num_qubits == 3


def test_unknown_backend_suggests_and_lists():
    expected = r"did you mean 'basis'.*Installed backends: basis"
    with pytest.raises(UnknownPluginError, match=expected):
        get_backend("bassis")


def test_default_backend_precedence(monkeypatch, tmp_path):
    with use_registry(Registry(entry_points=[])) as empty:
        with pytest.raises(UnknownPluginError, match="no backend given"):
            get_backend()
        empty.register("backends", "numpy", BasisStateBackend)
        assert get_backend().name == "basis:3"  # the fallback name, when installed
    (tmp_path / "qloom.toml").write_text('backend = "basis:5"\n')
    assert get_backend().name == "basis:5"
    monkeypatch.setenv("QLOOM_BACKEND", "basis:6")
    assert get_backend().name == "basis:6"
    qloom.set_backend("basis:7")
    assert get_backend().name == "basis:7"
    qloom.set_backend(None)
    assert get_backend().name == "basis:6"


def test_toml_pipelines(tmp_path):
    (tmp_path / "qloom.toml").write_text(
        '[pipelines.mine]\ndescription = "reverse, then mark"\n'
        'passes = ["placers:reverse", { pass = "optimizers:append-id", qubit = 1 }]\n'
    )
    pipeline = qloom.get_pipeline("mine")
    assert pipeline.name == "mine" and pipeline.description == "reverse, then mark"
    assert [p.label for p in pipeline.passes] == ["placers:reverse", "optimizers:append-id"]
    out = qloom.transpile(Circuit(2).x(0), on=qloom.Backend("sim"), transpiler="mine", seed=1)
    assert [(op.name, op.qubits) for op in out] == [("x", (1,)), ("id", (1,))]


def test_pyproject_tool_table_is_found_from_a_subfolder(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n'
        '[tool.qloom.pipelines.fromproject]\npasses = ["placers:reverse"]\n'
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert find_config() == tmp_path / "pyproject.toml"
    assert qloom.get_pipeline("fromproject").passes[0].label == "placers:reverse"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("backend = 3\n", "'backend' must be a string"),
        ("colour = 'red'\n", "unknown key\\(s\\) \\['colour'\\]"),
        ("[pipelines.p]\nsteps = []\n", "\\[pipelines.p\\] needs a 'passes' list"),
        ("backend = \n", "qloom.toml"),
        ("[plugins]\nprefer = 'qloom-routers'\n", "prefer must map 'kind:name'"),
        ("[plugins]\nprefered = {}\n", "\\[plugins\\] has unknown key"),
    ],
)
def test_bad_config_files_are_reported_with_the_file(tmp_path, text, message):
    (tmp_path / "qloom.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        qloom.get_pipeline("anything")


def test_config_env_var_must_name_a_file(monkeypatch):
    monkeypatch.setenv("QLOOM_CONFIG", "/nonexistent/qloom.toml")
    with pytest.raises(ConfigError, match="does not name a file"):
        find_config()


def test_transpiler_precedence(tmp_path, parts):
    backend = get_backend("basis:3")
    assert pipeline_for(backend).name == "identity"

    class Hook:
        @hookimpl
        def qloom_default_pipeline(self, backend):
            return "fromhook" if backend.name == "basis:3" else None

    parts.register("pipelines", "fromhook", lambda: Pipeline([], name="fromhook"))
    manager = parts.hook_manager()
    hook = Hook()
    manager.register(hook)
    try:
        assert pipeline_for(backend).name == "fromhook"
        qloom.set_transpiler(Pipeline([], name="global"))
        assert pipeline_for(backend).name == "global"
        (tmp_path / "qloom.toml").write_text('[transpilers]\nbasis = "identity"\n')
        assert pipeline_for(backend).name == "identity"
        qloom.set_transpiler(Pipeline([], name="forprovider"), for_backend="basis")
        assert pipeline_for(backend).name == "forprovider"
        qloom.set_transpiler(Pipeline([], name="fordevice"), for_backend="basis:3")
        assert pipeline_for(backend).name == "fordevice"
        assert pipeline_for(backend, "identity").name == "identity"
        qloom.set_transpiler(None, for_backend="basis:3")
        assert pipeline_for(backend).name == "forprovider"
    finally:
        manager.unregister(hook)


def test_hook_contributed_pipelines(parts):
    class Contributor:
        @hookimpl
        def qloom_add_pipelines(self, register):
            register("contributed", {"name": "contributed", "passes": ["placers:reverse"]})

    parts.hook_manager().register(Contributor())
    assert qloom.get_pipeline("contributed").passes[0].label == "placers:reverse"
    assert "contributed" in parts.names("pipelines")


def test_a_factory_building_the_wrong_thing_is_named(parts):
    parts.register("backends", "odd", lambda: "not a backend")
    with pytest.raises(qloom.QloomError, match="backend plugin 'odd' built a str, not a Backend"):
        get_backend("odd")
    parts.register("executors", "odd", lambda: 42)
    with pytest.raises(qloom.QloomError, match="executor plugin 'odd' built a int, not a Executor"):
        qloom.get_executor("odd")
