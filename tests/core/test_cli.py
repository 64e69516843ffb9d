"""The qloom command, called in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qloom import hookimpl, qasm2
from qloom.cli import main
from qloom.plugins import get_registry
from support.parts import BasisStateBackend, ReverseQubits

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

GHZ3 = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg c[3];
x q[0];
cx q[0], q[1];
measure q -> c;
"""


@pytest.fixture(autouse=True)
def parts():
    registry = get_registry()
    registry.register("backends", "basis", BasisStateBackend)
    registry.register("placers", "reverse", ReverseQubits)
    return registry


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "prog.qasm"
    path.write_text(GHZ3)
    return path


def test_plugins_lists_core_parts(capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "KIND" in out and "serial" in out and "identity" in out and "basis" in out


def test_plugins_json(capsys):
    assert main(["plugins", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    identity = [r for r in rows if (r["kind"], r["name"]) == ("pipelines", "identity")]
    assert identity == [
        {
            "kind": "pipelines",
            "name": "identity",
            "distribution": "qloom",
            "version": identity[0]["version"],
            "status": "ok",
            "error": "",
        }
    ]


def test_transpile_prints_metrics_and_writes_qasm(capsys, program, tmp_path):
    out_file = tmp_path / "out.qasm"
    assert (
        main(["transpile", str(program), "--on", "basis:3", "--seed", "5", "-o", str(out_file)])
        == 0
    )
    out = capsys.readouterr().out
    assert "pipeline 'identity' (seed 5" in out and "n2q" in out and "before" in out
    assert qasm2.load(out_file) == qasm2.load(program)


def test_transpile_reports_layout_of_a_permuting_pipeline(capsys, program, tmp_path):
    (tmp_path / "qloom.toml").write_text('[pipelines.rev]\npasses = ["placers:reverse"]\n')
    assert main(["transpile", str(program), "--on", "basis:3", "--pipeline", "rev", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert "initial layout: [2, 1, 0]" in out and "cx q[2],q[1];" in out.replace(", ", ",")


def test_run_prints_counts(capsys, program):
    assert main(["run", str(program), "--on", "basis:3", "--shots", "8", "--seed", "1"]) == 0
    assert "011         8" in capsys.readouterr().out
    assert main(["run", str(program), "--on", "basis:3", "--shots", "8", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"011": 8} and data["backend"] == "basis:3"
    # what it takes to run it again: the seed drawn and the pipeline used
    assert isinstance(data["seed"], int) and data["pipeline"] == "identity"
    argv = ["run", str(program), "--on", "basis:3", "--shots", "8", "--seed", "5", "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["seed"] == 5


def test_errors_are_one_line_with_exit_code_1(capsys, tmp_path):
    bad = tmp_path / "bad.qasm"
    bad.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncx q[0] q[1];\n')
    assert main(["transpile", str(bad), "--on", "basis:3"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("qloom: error: ") and "bad.qasm:4:" in err
    assert main(["run", str(tmp_path / "missing.qasm"), "--on", "basis"]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["run", str(bad), "--on", "basiss"]) == 1
    assert "did you mean 'basis'" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "plugins" in capsys.readouterr().out


def test_example_files_parse():
    for path in EXAMPLES.glob("*.qasm"):
        assert len(qasm2.load(path)) > 0


def test_plugins_can_add_commands(capsys, parts):
    class Greeter:
        @hookimpl
        def qloom_add_commands(self, subparsers):
            hello = subparsers.add_parser("hello", help="say hello")
            hello.add_argument("--name", default="world")
            hello.set_defaults(func=lambda args: print(f"hello {args.name}") or 0)

    greeter = Greeter()
    parts.hook_manager().register(greeter)
    try:
        assert main(["hello", "--name", "qloom"]) == 0
    finally:
        parts.hook_manager().unregister(greeter)
    assert capsys.readouterr().out == "hello qloom\n"
