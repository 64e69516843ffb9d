"""Describing pipelines: qloom.pipeline_view and ``qloom pipeline list|show``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qloom import UnknownPluginError
from qloom.cli import main
from qloom.config import get_backend, get_pipeline
from qloom.pipeline_view import describe_default, describe_pipeline, list_pipelines
from qloom.plugins import Registry, get_registry, use_registry
from support import require_distribution
from support.parts import register_parts

NESTED_TOML = """
[pipelines.inner]
description = "reverse, then the identity"
passes = ["placers:reverse", "pipelines:identity"]

[pipelines.outer]
description = "nested three ways"
passes = [
    { pass = "optimizers:append-id", qubit = 1 },
    "pipelines:inner",
    { name = "inline", passes = ["placers:reverse"] },
]

[pipelines.damaged]
passes = [
    "placers:reverse",
    "routers:crashes",
    "routers:nosuch",
    "pipelines:nothere",
    "pipelines:damaged",
    { pass = "optimizers:append-id", qubit = 0 },
]
"""


def crashing_router() -> None:
    raise RuntimeError("lookup table is corrupt")


@pytest.fixture(autouse=True)
def parts():
    return register_parts(get_registry(), ("routers", "crashes", crashing_router))


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "qloom.toml"  # the tests run in tmp_path: this is the config in use
    path.write_text(NESTED_TOML)
    return path


def summary(view):
    return [(r.number, r.depth, r.label, r.stage, r.options, r.distribution) for r in view.rows]


# -- the Python API ------------------------------------------------------------------------------


def test_identity_is_a_core_pipeline_without_passes():
    view = describe_pipeline("identity")
    assert (view.name, view.distribution, view.source) == ("identity", "qloom", "entry point")
    assert view.rows == [] and view.description == "changes nothing" and view.ok
    assert "no passes" in view.table()


def test_a_nested_config_pipeline_is_numbered_as_a_tree(config):
    view = describe_pipeline("outer")
    assert (view.name, view.description, view.distribution) == (
        "outer",
        "nested three ways",
        str(config),
    )
    assert summary(view) == [
        ("1", 0, "optimizers:append-id", "OPTIMIZATION", {"qubit": 1}, "<runtime>"),
        ("2", 0, "pipelines:inner", "PIPELINE", {}, str(config)),
        ("2.1", 1, "placers:reverse", "PLACEMENT", {}, "<runtime>"),
        ("2.2", 1, "pipelines:identity", "PIPELINE", {}, "qloom"),
        ("3", 0, "pipelines:inline", "PIPELINE", {}, str(config)),
        ("3.1", 1, "placers:reverse", "PLACEMENT", {}, "<runtime>"),
    ]
    assert view.rows[1].description == "reverse, then the identity"
    assert view.ok
    lines = view.table().splitlines()
    assert lines[0] == f"pipeline 'outer' ({config}): nested three ways"
    assert lines[4].split()[:2] == ["2.1", "placers:reverse"]
    assert "  placers:reverse" in lines[4]  # indented under its pipeline
    assert "qubit=1" in lines[2]


def test_a_built_pipeline_is_described_like_its_spec(config):
    assert summary(describe_pipeline(get_pipeline("outer"))) == summary(describe_pipeline("outer"))


def test_missing_and_broken_parts_show_in_their_rows(config):
    view = describe_pipeline("damaged")
    by_number = {r.number: r for r in view.rows}
    assert [r.number for r in view.rows] == ["1", "2", "3", "4", "5", "6"]
    assert by_number["1"].status == by_number["6"].status == "ok"
    assert by_number["6"].options == {"qubit": 0}
    assert (by_number["2"].status, by_number["2"].distribution) == ("broken", "<runtime>")
    assert "RuntimeError: lookup table is corrupt" in by_number["2"].error
    assert by_number["3"].status == "not installed"
    assert "It is provided by qloom-routers" not in by_number["3"].error
    assert "no router named 'nosuch'" in by_number["3"].error
    assert by_number["4"].status == "not installed" and by_number["4"].label == "pipelines:nothere"
    assert (by_number["5"].status, by_number["5"].error) == (
        "broken",
        "cycle: damaged -> damaged",
    )
    assert not view.ok
    table = view.table()
    assert "why: RuntimeError: lookup table is corrupt" in table and "(not installed)" in table


def test_a_known_part_that_is_not_installed_says_what_to_install(tmp_path):
    (tmp_path / "qloom.toml").write_text('[pipelines.p]\npasses = ["routers:basic"]\n')
    with use_registry(Registry(entry_points=[])):  # nothing installed
        (row,) = describe_pipeline("p").rows
    assert row.status == "not installed" and "provided by qloom-routers: pip install" in row.error


def test_bad_options_are_shown_as_invalid(tmp_path):
    require_distribution("qloom-routers")
    (tmp_path / "qloom.toml").write_text(
        '[pipelines.p]\npasses = [{ pass = "routers:sabre", bogus = 1 }]\n'
    )
    (row,) = describe_pipeline("p").rows
    assert row.status == "invalid" and "bogus" in row.error and row.options == {"bogus": 1}


def test_an_unknown_name_lists_what_is_installed_with_the_closest_match(config):
    with pytest.raises(UnknownPluginError) as caught:
        describe_pipeline("outr")
    assert caught.value.suggestion == "outer"
    assert {"identity", "inner", "outer"} <= set(caught.value.installed)


def test_the_unknown_name_error_without_a_config_file():
    with pytest.raises(UnknownPluginError, match="did you mean 'identity'"):
        describe_pipeline("identiy")


def test_levels_are_described_with_their_providers():
    require_distribution("qloom-levels")
    from qloom_levels.levels import O3_TRIALS
    registry = get_registry()
    view = describe_pipeline("O3")
    assert (view.name, view.distribution) == ("O3", "qloom-levels")
    spec = registry.build("pipelines", "O3", None)
    assert [r.label for r in view.rows] == [
        "padding:auto",
        "pipelines:decompose",
        "unrollers:decompose",
        "optimizers:remove_identities",
        "optimizers:elide_swaps",
        "optimizers:optimize",
        "pipelines:O3 search",
        "placers:subgraph",
        "placers:sabre",
        "routers:sabre",
        "placers:post",
        "unrollers:basis",
        "optimizers:optimize",
        "placers:post",
    ]
    assert len([r for r in view.rows if r.depth == 0]) == len(spec["passes"]) and view.ok
    search = view.rows[6]
    assert search.options == {"trials": O3_TRIALS} and {r.depth for r in view.rows[7:]} == {1}
    for row in view.rows:
        if row.kind == "pipelines":  # inline in O3 (decompose, the search): qloom-levels
            assert row.distribution == view.distribution == "qloom-levels"
            continue
        info = registry.info(row.kind, row.name)
        assert (row.distribution, row.version) == (info.distribution, info.version)
    assert view.rows[5].options["resynthesize"] is True


def test_a_backends_default_pipeline():
    require_distribution("qloom-hw-emulator")
    backend = get_backend("emulator:line-32")
    view = describe_default(backend)
    assert (view.backend, view.name, view.distribution) == (
        "emulator:line-32",
        "emulator",
        "qloom-hw-emulator",
    )
    assert summary(view) == summary(describe_pipeline("emulator"))
    assert view.table().startswith("default pipeline of emulator:line-32: 'emulator'")


def test_list_has_entry_point_and_config_pipelines(config):
    entries = {(e.name, e.source): e for e in list_pipelines()}
    identity = entries["identity", "entry point"]
    assert (identity.distribution, identity.passes, identity.status) == ("qloom", 0, "ok")
    outer = entries["outer", "config"]
    assert (outer.distribution, outer.description, outer.passes) == (
        str(config),
        "nested three ways",
        3,
    )


def test_list_marks_a_pipeline_a_config_file_shadows(tmp_path):
    (tmp_path / "qloom.toml").write_text('[pipelines.identity]\npasses = ["placers:reverse"]\n')
    entries = {(e.name, e.source): e for e in list_pipelines()}
    assert entries["identity", "config"].status == "ok"
    assert entries["identity", "entry point"].status == "shadowed"
    assert describe_pipeline("identity").rows[0].label == "placers:reverse"


def test_list_reports_a_pipeline_that_fails_to_load():
    def broken_factory() -> None:
        raise RuntimeError("spec file missing")

    get_registry().register("pipelines", "fragile", broken_factory)
    (entry,) = [e for e in list_pipelines() if e.name == "fragile"]
    assert entry.status == "broken" and "spec file missing" in entry.error
    assert entry.passes is None


# -- the command line -----------------------------------------------------------------------------


def test_cli_show_identity(capsys):
    assert main(["pipeline", "show", "identity"]) == 0
    assert capsys.readouterr().out.startswith("pipeline 'identity' (qloom ")


def test_cli_show_nested_json(capsys, config):
    assert main(["pipeline", "show", "outer", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "outer" and data["source"] == "config"
    assert [p["number"] for p in data["passes"]] == ["1", "2", "2.1", "2.2", "3", "3.1"]
    assert data["passes"][0]["label"] == "optimizers:append-id"
    assert data["passes"][0]["options"] == {"qubit": 1}


def test_cli_show_broken_parts_still_exits_zero(capsys, config):
    assert main(["pipeline", "show", "damaged"]) == 0
    out = capsys.readouterr().out
    assert "routers:crashes" in out and "why: RuntimeError: lookup table is corrupt" in out


def test_cli_show_unknown_name(capsys, config):
    assert main(["pipeline", "show", "outr"]) == 1
    err = capsys.readouterr().err
    assert "no pipeline named 'outr'" in err and "did you mean 'outer'?" in err


def test_cli_show_needs_a_name_or_a_backend(capsys):
    assert main(["pipeline", "show"]) == 1
    assert "qloom pipeline list" in capsys.readouterr().err


def test_cli_show_default_of_a_backend(capsys):
    assert main(["pipeline", "show", "--on", "basis:3"]) == 0
    assert capsys.readouterr().out.startswith("default pipeline of basis:3: 'identity' (qloom ")


def test_cli_show_says_whether_a_name_is_the_backends_default(capsys, config):
    assert main(["pipeline", "show", "outer", "--on", "basis:3"]) == 0
    out = capsys.readouterr().out
    assert "'outer' is not the default pipeline of basis:3 ('identity' is)" in out


def test_cli_show_o3_and_the_emulator_default(capsys):
    require_distribution("qloom-levels")
    require_distribution("qloom-hw-emulator")
    from qloom_levels.levels import O3_TRIALS

    assert main(["pipeline", "show", "O3"]) == 0
    out = capsys.readouterr().out
    assert "5.3    routers:sabre" in out and "qloom-routers" in out and f"trials={O3_TRIALS}" in out
    assert main(["pipeline", "show", "--on", "emulator:heavy-hex-27"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("default pipeline of emulator:heavy-hex-27: 'emulator'")
    assert "placers:noise" in out


def test_cli_list(capsys, config):
    assert main(["pipeline", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "PROVIDER", "PASSES", "DESCRIPTION"]
    names = {line.split()[0] for line in lines[1:]}
    assert {"identity", "inner", "outer", "damaged"} <= names


def test_cli_list_json(capsys, config):
    assert main(["pipeline", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    (outer,) = [r for r in rows if r["name"] == "outer"]
    assert outer["source"] == "config" and outer["distribution"] == str(config)


def test_cli_pipeline_without_an_action_prints_help(capsys):
    assert main(["pipeline"]) == 2
    assert "list" in capsys.readouterr().out


def test_show_lists_every_option_of_each_pass_with_its_default(config, capsys):
    view = describe_pipeline("outer")
    first = view.rows[0]
    assert first.options == {"qubit": 1} and first.defaults == {"qubit": 0}
    assert view.to_dict()["passes"][0]["defaults"] == {"qubit": 0}
    assert "defaults: qubit=0" in view.table(defaults=True)
    assert "defaults:" not in view.table()
    assert main(["pipeline", "show", "outer", "--defaults"]) == 0
    assert "defaults: qubit=0" in capsys.readouterr().out


def test_an_invalid_option_row_still_lists_the_valid_ones(tmp_path):
    (tmp_path / "qloom.toml").write_text(
        '[pipelines.p]\npasses = [{ pass = "optimizers:append-id", qubti = 1 }]\n'
    )
    (row,) = describe_pipeline("p").rows
    assert row.status == "invalid" and row.defaults == {"qubit": 0}
    assert "has no option 'qubti' (did you mean 'qubit'?); valid: qubit=0" in row.error
    assert get_registry().status("optimizers", "append-id") != "broken"


def test_a_pass_two_distributions_provide_is_shown_as_a_conflict(tmp_path, monkeypatch):
    import importlib.metadata as md

    class Dist:
        def __init__(self, name):
            self.metadata, self.version, self.requires = {"Name": name}, "1.0", None

    monkeypatch.delenv("QLOOM_PREFER", raising=False)
    eps = [
        md.EntryPoint("twice", "support.parts:ReverseQubits", "qloom.placers")._for(Dist(n))
        for n in ("qloom-a", "qloom-b")
    ]
    (tmp_path / "qloom.toml").write_text('[pipelines.p]\npasses = ["placers:twice"]\n')
    with use_registry(Registry(entry_points=eps, core_version="0.1.0")):
        (row,) = describe_pipeline("p").rows
    assert row.status == "conflict" and "qloom-a 1.0, qloom-b 1.0" in row.error


def test_cli_show_fails_on_an_invalid_option_in_a_real_process(tmp_path):
    """A pipeline with a bad option cannot run: `qloom pipeline show` says why and exits 1;
    a pipeline whose parts are only missing or broken is a report and exits 0 (above)."""
    import subprocess
    import sys

    require_distribution("qloom-routers")
    config = tmp_path / "qloom.toml"
    config.write_text(
        '[pipelines.p]\npasses = [{ pass = "routers:sabre", bogus = 1 }]\n'
        '[pipelines.fine]\npasses = [{ pass = "routers:sabre", trials = 2 }]\n'
    )
    env = {**os.environ, "QLOOM_CONFIG": str(config)}

    def show(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "qloom", "pipeline", "show", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    bad = show("p")
    assert bad.returncode == 1
    assert "no option 'bogus'" in bad.stdout and "valid: trials=8" in bad.stdout
    assert "pipeline 'p' cannot run: invalid options in routers:sabre" in bad.stderr
    assert show("p", "--json").returncode == 1
    fine = show("fine")
    assert fine.returncode == 0 and fine.stderr == ""
