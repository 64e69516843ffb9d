"""One naming convention (snake_case; ``O0``..``O9`` pipelines) and the old names accepted,
with a warning, for one release."""

from __future__ import annotations

import importlib.metadata as md
import sys
import warnings
from pathlib import Path

import pytest

import qloom
from qloom import Circuit, UnknownPluginError
from qloom.names import convention_problem, resolve, suggested_name
from qloom.pipeline import Pipeline
from qloom.plugins import HOOK_GROUP, KINDS, Registry, get_registry, install_hint
from support import require_distribution

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]

PASS = md.EntryPoint("drop_identity", "qloom_template.passes:DropIdentity", "qloom.optimizers")
SIM = md.EntryPoint("my_sim", "support.parts:BasisStateBackend", "qloom.backends")
PIPE = md.EntryPoint("mapping_best", "qloom.pipeline:identity_pipeline", "qloom.pipelines")
IDENTITY = md.EntryPoint("identity", "qloom.pipeline:identity_pipeline", "qloom.pipelines")
OLD_STYLE = md.EntryPoint("cancel-pairs", "qloom_template.passes:DropIdentity", "qloom.optimizers")


def registry(*eps: md.EntryPoint) -> Registry:
    return Registry(
        entry_points=eps or (PASS, SIM, PIPE, IDENTITY, OLD_STYLE), core_version="0.1.0"
    )


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("optimizers", "fuse_1q"),
        ("optimizers", "remove_diagonal_before_measure"),
        ("pipelines", "mapping_best"),
        ("pipelines", "O0"),
        ("pipelines", "O3"),
        ("backends", "numpy"),
        ("hooks", "fixture_good"),
    ],
)
def test_snake_case_names_and_the_levels_follow_the_convention(kind, name):
    assert convention_problem(kind, name) is None


@pytest.mark.parametrize(
    ("kind", "name", "better"),
    [
        ("optimizers", "drop-identity", "drop_identity"),
        ("pipelines", "mapping-best", "mapping_best"),
        ("optimizers", "O1", "o1"),  # the level exception is for pipelines only
        ("pipelines", "O10", "o10"),
        ("backends", "MySim", "mysim"),
        ("routers", "1st", "p_1st"),
        ("placers", "a.b", "a_b"),
    ],
)
def test_other_names_break_it_and_get_a_snake_case_suggestion(kind, name, better):
    problem = convention_problem(kind, name)
    assert problem is not None and f"{kind}:{name}" in problem and f"'{better}'" in problem
    assert suggested_name(name) == better and convention_problem(kind, better) is None


def test_an_old_name_finds_the_new_one_with_a_warning_naming_it():
    reg = registry()
    with pytest.warns(FutureWarning, match="optimizers:drop-identity was renamed 'drop_identity'"):
        info = reg.info("optimizers", "drop-identity")
    assert info.name == "drop_identity"
    with pytest.warns(FutureWarning, match="pipeline 'mapping-best' was renamed 'mapping_best'"):
        assert reg.load("pipelines", "mapping-best") is reg.load("pipelines", "mapping_best")


def test_the_new_name_works_without_a_warning():
    reg = registry()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert reg.info("optimizers", "drop_identity").name == "drop_identity"
        assert reg.build("backends", "my_sim", None).num_qubits == 3


def test_the_warning_points_at_the_callers_line():
    with qloom_registry(registry()), pytest.warns(FutureWarning) as caught:
        qloom.get_backend("my-sim")
    assert caught[0].filename == __file__


def test_a_plugin_not_yet_renamed_is_found_by_the_new_spelling_silently():
    reg = registry()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert reg.info("optimizers", "cancel_pairs").name == "cancel-pairs"
        assert reg.info("optimizers", "cancel-pairs").name == "cancel-pairs"


def test_unknown_names_stay_unknown():
    with pytest.raises(UnknownPluginError, match="no optimizer named 'drop-identit'"):
        registry().info("optimizers", "drop-identit")
    assert resolve("optimizers", "a-b", {"a_c"}) is None


def test_old_names_in_pipeline_specs_and_backend_names_resolve():
    require_distribution("qloom-template")
    require_distribution("qloom-placers")
    with qloom_registry(registry()):
        with pytest.warns(FutureWarning, match="optimizers:drop-identity was renamed"):
            pipeline = Pipeline.from_spec({"passes": ["optimizers:drop-identity"]})
        assert pipeline.spec()["passes"][0]["name"] == "drop_identity"
        with pytest.warns(FutureWarning, match="backends:my-sim was renamed 'my_sim'"):
            out = qloom.transpile(Circuit(2).x(0), on="my-sim", transpiler="identity", seed=1)
        assert out.count_ops() == {"x": 1}


def test_old_names_in_qloom_toml_resolve(tmp_path):
    require_distribution("qloom-template")
    require_distribution("qloom-placers")
    (tmp_path / "qloom.toml").write_text(
        'backend = "my-sim"\n'
        "[pipelines.tidy]\n"
        'passes = ["optimizers:drop-identity"]\n'
        "[transpilers]\n"
        '"basis:3" = "mapping-best"\n'
    )
    with qloom_registry(registry()):
        with pytest.warns(FutureWarning, match="drop-identity was renamed 'drop_identity'"):
            assert qloom.get_pipeline("tidy").spec()["passes"][0]["name"] == "drop_identity"
        with pytest.warns(FutureWarning) as caught:
            result = qloom.execute(Circuit(2).x(1), shots=4, seed=2)
        assert result.counts == {"10": 4}
        said = {str(w.message).split(" was renamed")[0] for w in caught}
        assert said == {"backends:my-sim", "pipeline 'mapping-best'"}


def test_install_hints_know_the_old_names():
    assert install_hint("pipelines", "mapping-best") == install_hint("pipelines", "mapping_best")
    assert "qloom-placers" in (install_hint("pipelines", "mapping_best") or "")


def _in_repo_entry_points() -> list[tuple[str, str, str]]:
    found = []
    for project in sorted(ROOT.glob("**/pyproject.toml")):
        if any(part.startswith(".") or part in ("site", "node_modules") for part in project.parts):
            continue
        data = tomllib.loads(project.read_text(encoding="utf-8"))
        groups = data.get("project", {}).get("entry-points", {})
        for group, entries in groups.items():
            kind = "hooks" if group == HOOK_GROUP else group.removeprefix("qloom.")
            if kind == "hooks" or kind in KINDS:
                rel = str(project.relative_to(ROOT))
                found += [(rel, kind, name) for name in entries]
    return found


def test_every_entry_point_of_this_repository_follows_the_convention():
    entries = _in_repo_entry_points()
    assert len(entries) > 40 and ("plugins/levels/pyproject.toml", "pipelines", "O2") in entries
    bad = [
        f"{rel}: {convention_problem(k, n)}" for rel, k, n in entries if convention_problem(k, n)
    ]
    assert not bad, "\n".join(bad)


def test_every_installed_pipeline_and_its_spec_name_follow_the_convention():
    reg = get_registry()
    reg.add_hook_pipelines()
    for name in reg.names("pipelines"):
        assert convention_problem("pipelines", name) is None, name
        made = qloom.get_pipeline(name)
        assert convention_problem("pipelines", made.name) is None, (name, made.name)


def test_the_example_configuration_names_follow_the_convention():
    config = tomllib.loads((ROOT / "examples" / "qloom.toml").read_text(encoding="utf-8"))
    for name in config.get("pipelines", {}):
        assert convention_problem("pipelines", name) is None, name


def qloom_registry(reg: Registry):
    from qloom.plugins import use_registry

    return use_registry(reg)
