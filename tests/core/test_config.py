"""Global defaults, environment variables and TOML pipelines."""

from __future__ import annotations

import re

import pytest

import qloom
from qloom import Circuit, ConfigError, Pipeline, UnknownPluginError, hookimpl
from qloom.config import find_config, get_backend, pipeline_for
from qloom.errors import MissingPartsError
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


def test_the_backends_kept_for_reuse_are_bounded_least_recently_used_first():
    from qloom import config

    first = get_backend("basis:2")
    for n in range(3, 3 + config.MAX_CACHED_BACKENDS - 1):
        get_backend(f"basis:{n}")
    assert get_backend("basis:2") is first  # used again: now the most recent
    get_backend(f"basis:{3 + config.MAX_CACHED_BACKENDS}")  # one too many: basis:3 goes
    assert len(config._BACKENDS) == config.MAX_CACHED_BACKENDS
    assert get_backend("basis:2") is first
    assert ("basis:3", "[]") not in config._BACKENDS


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


# -- missing parts, named all at once (issue 16 point 9) -------------------------------------


def test_config_file_pipelines_are_listed_when_a_pipeline_name_is_unknown(tmp_path):
    (tmp_path / "qloom.toml").write_text('[pipelines.mine]\npasses = ["placers:reverse"]\n')
    with pytest.raises(UnknownPluginError) as info:
        qloom.get_pipeline("mien")
    assert "mine" in info.value.installed and info.value.suggestion == "mine"
    assert re.search(r"Installed pipelines: .*\bmine\b", str(info.value))


def pipeline_needing(*passes):
    return {"name": "needy", "passes": list(passes)}


def test_every_missing_part_of_a_pipeline_is_named_with_its_distribution():
    registry = register_parts(Registry(entry_points=[], core_version="0.1.0"))
    nested = {"name": "inner", "passes": ["optimizers:cancel", "routers:sabre"]}
    spec = pipeline_needing("placers:reverse", "routers:sabre", nested, "routers:sabr3")
    with pytest.raises(MissingPartsError) as info:
        Pipeline.from_spec(spec, registry)
    err = info.value
    assert [label for label, _ in err.missing] == [
        "routers:sabre",
        "optimizers:cancel",
        "routers:sabr3",
    ]
    message = str(err)
    assert message.startswith("pipeline 'needy' needs 3 parts that cannot be loaded: ")
    assert "routers:sabre (provided by qloom-routers: pip install " in message
    assert "optimizers:cancel (provided by qloom-optimizers: pip install " in message
    assert "routers:sabr3 (not installed)" in message
    assert isinstance(err, UnknownPluginError)  # callers catching the old error still do


def test_a_backends_default_pipeline_with_missing_parts_names_backend_and_pipeline(parts):
    class Needy(BasisStateBackend):
        def __init__(self, device=None):
            super().__init__(device)
            self.default_pipeline = pipeline_needing("routers:sabre", "placers:dense")

    with use_registry(register_parts(Registry(entry_points=[], core_version="0.1.0"))):
        with pytest.raises(MissingPartsError) as info:
            pipeline_for(Needy())
        message = str(info.value)
        assert "backend 'basis:3' uses pipeline 'needy' by default" in message
        assert "routers:sabre (provided by qloom-routers" in message
        assert "placers:dense (provided by qloom-placers" in message
        backend = BasisStateBackend()
        backend.default_pipeline = "O1"
        with pytest.raises(MissingPartsError, match=r"pipelines:O1 \(provided by qloom-levels"):
            pipeline_for(backend)


def test_install_hints_point_at_the_checkout_while_the_packages_are_not_on_pypi(tmp_path):
    from qloom.plugins import install_command

    (tmp_path / "plugins" / "routers").mkdir(parents=True)
    (tmp_path / "plugins" / "routers" / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "plugins" / "_template").mkdir()
    (tmp_path / "plugins" / "_template" / "pyproject.toml").write_text("[project]\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert install_command("qloom-routers", cwd=tmp_path) == "pip install ./plugins/routers"
    assert install_command("qloom-template", cwd=tmp_path) == "pip install ./plugins/_template"
    assert (
        install_command("qloom-routers", cwd=elsewhere, checkout=tmp_path)
        == f"pip install {tmp_path / 'plugins' / 'routers'}"
    )
    # The project's own dependencies are not on an index either: their folders come first.
    (tmp_path / "plugins" / "kernels").mkdir()
    (tmp_path / "plugins" / "kernels" / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "plugins" / "routers" / "pyproject.toml").write_text(
        '[project]\ndependencies = ["qloom>=0.1", "qloom-kernels>=0.1", "numpy"]\n'
    )
    assert (
        install_command("qloom-routers", cwd=tmp_path)
        == "pip install ./plugins/kernels ./plugins/routers"
    )
    assert install_command("qloom-routers", cwd=elsewhere, checkout=elsewhere) == (
        "pip install qloom-routers"
    )
