"""The Compiler service on the serial executor, with parts registered in memory.

Cross-executor behaviour (threads, processes, Dask) is in tests/compiler/.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given, settings

import qloom
from qloom import (
    BatchError,
    Circuit,
    Compiler,
    Pass,
    PassContext,
    PassError,
    TaskTimeout,
    hookimpl,
)
from qloom.cli import main
from qloom.compiler import circuit_from_data, circuit_to_data
from qloom.plugins import get_registry
from qloom.testing import assert_backend_accepts, assert_equivalent
from qloom.testing.strategies import circuits
from support.circuits import ones
from support.parts import BasisStateBackend, Explode, ReverseQubits

ROUTE = {"name": "route", "passes": ["placers:reverse"]}
EXPLODING = {"name": "exploding", "passes": ["placers:reverse", "routers:explode"]}


class Sleepy(Pass):
    """Sleep ``seconds``: a slow pass for timeouts checked between passes."""

    kind = "optimizers"
    name = "sleepy"
    option_defaults: ClassVar[dict[str, float]] = {"seconds": 0.05}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        time.sleep(self.options.get("seconds", 0.05))
        return circuit


@pytest.fixture(autouse=True)
def parts() -> None:
    registry = get_registry()
    registry.register("backends", "basis", BasisStateBackend)
    registry.register("placers", "reverse", ReverseQubits)
    registry.register("routers", "explode", Explode)
    registry.register("optimizers", "sleepy", Sleepy)


def test_submit_status_result_with_metadata():
    with Compiler() as compiler:
        task = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=5)
        assert compiler.status(task) == "DONE"
        result = compiler.result(task)
    assert result.layout.initial == (2, 1, 0)
    assert result.circuit.layout == result.layout
    assert_equivalent(ones(3), result.circuit, result.layout)
    assert_backend_accepts(result.circuit, BasisStateBackend("3"))
    meta = result.metadata
    assert meta["seed"] == 5 and meta["backend"] == "basis:3"
    assert meta["pipeline"]["name"] == "route"
    assert [t["pass"] for t in meta["pass_times"]] == ["placers:reverse"]
    assert {"wall", "cpu"} <= set(meta["pass_times"][0])
    assert meta["metrics_in"]["n2q"] == 2 and meta["metrics_out"]["n2q"] == 2
    assert meta["versions"]["qloom"] == qloom.__version__
    assert meta["executor"] == "serial" and meta["task_id"] == task.id
    # resource use per stage: the worker's setup, then each stage's passes
    assert set(meta["cpu_by_stage"]) == {"INITIALIZING", "PLACEMENT"}
    assert meta["cpu_by_stage"]["PLACEMENT"] == pytest.approx(meta["pass_times"][0]["cpu"])


def test_statuses_seen_through_the_hook():
    seen: list[tuple[str, str]] = []

    class Recorder:
        @hookimpl
        def qloom_task_status_changed(self, task_id: str, status: str) -> None:
            seen.append((task_id, status))

    get_registry().hook_manager().register(Recorder())
    with Compiler() as compiler:
        task = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=1)
    assert [s for t, s in seen if t == task.id] == [
        "QUEUED",
        "INITIALIZING",
        "RUNNING: PLACEMENT",
        "DONE",
    ]


def test_failing_pass_keeps_type_pass_name_cause_and_remote_traceback():
    with Compiler() as compiler:
        task = compiler.submit(ones(3), on="basis:3", transpiler=EXPLODING, seed=1)
        record = compiler.info(task)
        assert record.status == "FAILED"
        assert "routers:explode" in record.detail
        with pytest.raises(PassError) as caught:
            compiler.result(task)
    err = caught.value
    assert err.pass_name == "routers:explode"
    assert isinstance(err.__cause__, ZeroDivisionError)
    assert "lookahead weight" in err.remote_traceback
    assert "support/parts.py" in err.remote_traceback or "parts.py" in err.remote_traceback


def test_batch_keeps_every_success_when_some_fail():
    batch = [ones(3), Circuit(5, name="too-wide").x(4), ones(2)]
    with Compiler() as compiler:
        with pytest.raises(BatchError) as caught:
            compiler.compile(batch, on="basis:3", transpiler=ROUTE, seed=2)
        outcomes = compiler.compile(batch, on="basis:3", transpiler=ROUTE, seed=2, errors="return")
    err = caught.value
    assert list(err.errors) == [1]
    assert "5 qubits" in str(err.errors[1]) or "qubit" in str(err.errors[1])
    assert err.results[0] is not None and err.results[2] is not None and err.results[1] is None
    assert isinstance(outcomes[1], qloom.QloomError)
    for circuit, outcome in zip(batch, outcomes, strict=True):
        if not isinstance(outcome, BaseException):
            assert_equivalent(circuit, outcome.circuit, outcome.layout)


def test_same_seed_same_batch_output_and_distinct_seeds_per_circuit():
    batch = [ones(3), ones(3)]
    pipeline = {"name": "p", "passes": ["placers:reverse", "optimizers:sleepy"]}
    with Compiler(reuse=False) as compiler:
        first = compiler.compile(batch, on="basis:3", transpiler=pipeline, seed=9)
        second = compiler.compile(batch, on="basis:3", transpiler=pipeline, seed=9)
    assert [circuit_to_data(r.circuit) for r in first] == [
        circuit_to_data(r.circuit) for r in second
    ]
    assert [r.metadata["seed"] for r in first] == [r.metadata["seed"] for r in second]
    assert first[0].metadata["seed"] != first[1].metadata["seed"]


def test_timeout_is_enforced_between_passes_on_the_serial_executor():
    slow = {"name": "slow", "passes": [{"pass": "optimizers:sleepy", "seconds": 0.1}] * 3}
    with Compiler() as compiler:
        task = compiler.submit(ones(3), on="basis:3", transpiler=slow, seed=1, timeout=0.05)
        assert compiler.status(task) == "FAILED"
        assert compiler.info(task).detail.endswith("timed out after 0.05 s")
        with pytest.raises(TaskTimeout, match=r"timed out after 0\.05 s"):
            compiler.result(task)


def test_identical_request_is_served_from_the_store():
    with Compiler() as compiler:
        first = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=4)
        again = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=4)
        other = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=5)
        served = compiler.result(again)
        assert served.metadata["cached_from"] == first.id
        assert served.task_id == again.id
        assert "cached_from" not in compiler.result(other).metadata
        assert circuit_to_data(served.circuit) == circuit_to_data(compiler.result(first).circuit)
    with Compiler(reuse=False) as compiler:
        compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=4)
        repeat = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=4)
        assert "cached_from" not in compiler.result(repeat).metadata


def test_tasks_and_results_survive_a_restart(tmp_path: Path):
    store = tmp_path / "tasks.sqlite"
    with Compiler(store=store) as compiler:
        done = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=3)
        failed = compiler.submit(ones(3), on="basis:3", transpiler=EXPLODING, seed=3)
        expected = circuit_to_data(compiler.result(done).circuit)
    with Compiler(store=store) as compiler:
        assert [r.id for r in compiler.tasks()] == [done.id, failed.id]
        assert [r.id for r in compiler.tasks(status="FAILED")] == [failed.id]
        assert circuit_to_data(compiler.result(done.id).circuit) == expected
        with pytest.raises(PassError) as caught:
            compiler.result(failed.id)
        assert isinstance(caught.value.__cause__, ZeroDivisionError)


def test_a_task_left_running_by_a_dead_process_is_reported_interrupted(tmp_path: Path):
    store = tmp_path / "tasks.sqlite"
    with Compiler(store=store) as compiler:
        task = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=3)
    dead_pid = _dead_pid()
    with sqlite3.connect(store) as db:
        db.execute(
            "UPDATE tasks SET status = 'RUNNING: ROUTING', owner = ? WHERE id = ?",
            (f"{os.uname().nodename}:{dead_pid}:abc", task.id),
        )
    with Compiler(store=store) as compiler:
        record = compiler.info(task)
        assert record.status == "FAILED"
        assert f"pid {dead_pid}" in record.detail and "resubmit" in record.detail
        again = compiler.resubmit(task)
        assert compiler.status(again) == "DONE"


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_closed_compiler_refuses_work_and_closes_once():
    compiler = Compiler()
    compiler.close()
    compiler.close()
    with pytest.raises(qloom.QloomError, match="closed"):
        compiler.submit(ones(3), on="basis:3")


def test_unknown_backend_fails_at_submit_naming_what_is_installed():
    with Compiler() as compiler, pytest.raises(qloom.UnknownPluginError, match="basis"):
        compiler.submit(ones(3), on="basiss:3")


def test_progress_bar_on_request(capsys: pytest.CaptureFixture[str], monkeypatch):
    monkeypatch.setenv("QLOOM_PROGRESS_DELAY", "0")  # shown at once, not after a second
    with Compiler(progress=True) as compiler:
        compiler.compile([ones(3), ones(2)], on="basis:3", transpiler=ROUTE, seed=1)
    assert "compiling" in capsys.readouterr().err


def test_serial_executor_has_one_worker():
    with pytest.raises(qloom.ConfigError, match="exactly 1 worker"):
        Compiler("serial", workers=4)


@pytest.mark.usefixtures("route_config")
def test_compile_command_writes_circuits_and_reports_bad_files(tmp_path: Path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.qasm").write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nx q[0];\ncx q[0],q[1];\n'
    )
    (folder / "b.qasm").write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nx q[1];\n')
    (folder / "bad.qasm").write_text("OPENQASM 2.0;\nqreg q[2];\nh q[0]\n")
    out = tmp_path / "out"
    code = main(
        [
            "compile",
            str(folder),
            "--on",
            "basis:3",
            "--pipeline",
            "route_cfg",
            "--seed",
            "3",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "bad.qasm:3" in captured.out
    report = {Path(r["file"]).name: r for r in json.loads((out / "report.json").read_text())}
    assert report["a.qasm"]["status"] == "DONE" and report["bad.qasm"]["status"] == "FAILED"
    assert report["a.qasm"]["initial_layout"] == [2, 1, 0]
    assert (out / "a.qasm").is_file() and (out / "b.qasm").is_file()
    compiled = qloom.qasm2.load(out / "a.qasm")
    original = qloom.qasm2.load(folder / "a.qasm")
    assert_equivalent(original, compiled, qloom.Layout((2, 1, 0)))


@pytest.fixture
def route_config(tmp_path: Path) -> None:
    (tmp_path / "qloom.toml").write_text('[pipelines.route_cfg]\npasses = ["placers:reverse"]\n')


@settings(max_examples=50, derandomize=True, deadline=None)
@given(circuits(max_qubits=5, max_ops=30))
def test_circuits_travel_as_plain_json_unchanged(circuit: Circuit):
    data = json.loads(json.dumps(circuit_to_data(circuit)))
    assert circuit_from_data(data) == circuit
    assert circuit_to_data(circuit_from_data(data)) == circuit_to_data(circuit)
