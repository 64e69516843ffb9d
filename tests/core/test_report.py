"""Per-pass reports: qloom.report and ``qloom transpile --report / --report-json``."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import combinations
from pathlib import Path

import pytest

from qloom import Backend, Circuit, Pass, PassContext, PassError, Pipeline, qasm2
from qloom.api import run_pipeline
from qloom.cli import main
from qloom.config import get_backend, get_pipeline
from qloom.plugins import get_registry
from qloom.report import PassRecord, TranspileReport, recording, transpile_with_report
from qloom.testing import assert_backend_accepts, assert_equivalent
from support import require_distribution
from support.circuits import ones
from support.parts import BasisStateBackend, Explode, ReverseQubits, register_parts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

NESTED = {
    "name": "outer",
    "passes": [
        "placers:reverse",
        {"name": "inner", "passes": ["placers:reverse", "pipelines:identity"]},
        "placers:reverse",
    ],
}


class Rendezvous(Pass):
    """Wait until every thread of a test is inside this pass (forces transpilations to
    overlap), then return the circuit unchanged."""

    kind = "optimizers"
    name = "rendezvous"
    barrier: threading.Barrier | None = None

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        assert self.barrier is not None
        self.barrier.wait(timeout=60)
        return circuit


class TranspileInside(Pass):
    """Run a whole transpilation of its own (its passes are not this report's rows)."""

    kind = "optimizers"
    name = "transpile-inside"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        run_pipeline(circuit, context.backend, Pipeline([ReverseQubits(), ReverseQubits()]))
        return circuit


@pytest.fixture(autouse=True)
def parts():
    return register_parts(
        get_registry(),
        ("routers", "explode", Explode),
        ("optimizers", "rendezvous", Rendezvous),
        ("optimizers", "transpile-inside", TranspileInside),
    )


def all_pairs(n: int) -> Circuit:
    """cx on every pair: no placement on a line avoids SWAPs."""
    circuit = Circuit(n)
    for q in range(n):
        circuit.x(q) if q % 2 else circuit.h(q)
    for a, b in combinations(range(n), 2):
        circuit.cx(a, b)
    return circuit


# -- the Python API ------------------------------------------------------------------------------


def test_one_row_per_leaf_pass_and_the_last_row_is_the_output():
    circuit = ones(3)
    out, report = transpile_with_report(circuit, on="basis:3", transpiler=NESTED, seed=4)
    assert [r.index for r in report.records] == [1, 2, 3]
    assert [r.label for r in report.records] == ["placers:reverse"] * 3
    assert [r.pipeline for r in report.records] == ["outer", "inner", "outer"]
    assert {r.stage for r in report.records} == {"PLACEMENT"}
    assert report.input == circuit.metrics()
    assert report.records[-1].metrics == out.metrics() == report.output
    assert (report.backend, report.pipeline, report.seed) == ("basis:3", "outer", 4)
    assert_equivalent(circuit, out)
    assert_backend_accepts(out, get_backend("basis:3"))


def test_records_carry_the_pipelines_own_timings():
    circuit, backend = ones(3), BasisStateBackend("3")
    pipeline = Pipeline.from_spec(NESTED)
    with recording() as recorder:
        outcome = run_pipeline(circuit, backend, pipeline, seed=1)
    times = [(r.label, r.wall, r.cpu) for r in recorder.records]
    assert times == [(t["pass"], t["wall"], t["cpu"]) for t in outcome.pass_times]
    report = TranspileReport.from_outcome(circuit, outcome, recorder.records)
    assert report.totals["wall"] == sum(t["wall"] for t in outcome.pass_times)
    assert_equivalent(circuit, outcome.circuit, outcome.layout)
    assert_backend_accepts(outcome.circuit, backend)


def test_the_identity_pipeline_has_no_rows():
    circuit = ones(2)
    out, report = transpile_with_report(circuit, on=Backend("sim"), seed=1)
    assert report.records == [] and report.output == report.input == circuit.metrics()
    assert report.pipeline == "identity"
    assert [line.split()[0] for line in report.table().splitlines()] == ["#", "input", "total"]
    assert_equivalent(circuit, out)
    assert_backend_accepts(out, Backend("sim"))


def test_json_round_trip():
    _, report = transpile_with_report(ones(3), on="basis:3", transpiler=NESTED, seed=2)
    data = json.loads(report.to_json())
    assert [p["label"] for p in data["passes"]] == ["placers:reverse"] * 3
    assert data["totals"]["swaps_inserted"] == 0 and data["output"] == report.output
    again = TranspileReport.from_json(report.to_json())
    assert again == report and again.totals == report.totals
    assert PassRecord.from_dict(data["passes"][0]) == report.records[0]


def test_table_has_a_row_per_pass_between_input_and_total():
    _, report = transpile_with_report(ones(3), on="basis:3", transpiler=NESTED, seed=2)
    lines = report.table().splitlines()
    assert lines[0].split()[:3] == ["#", "PASS", "STAGE"] and "+SWAPS" in lines[0]
    assert lines[1].split()[0] == "input" and lines[-1].split()[0] == "total"
    assert [line.split()[1] for line in lines[2:-1]] == ["placers:reverse"] * 3
    assert "(inner)" in lines[3]


def test_recorder_is_unregistered_even_when_a_pass_fails():
    manager = get_registry().hook_manager()
    before = list(manager.get_plugins())
    with pytest.raises(PassError, match="routers:explode"), recording() as recorder:
        transpile_with_report(ones(2), on="basis:2", transpiler={"passes": ["routers:explode"]})
    assert recorder.records == []
    assert list(manager.get_plugins()) == before


def test_a_transpilation_run_inside_a_pass_adds_no_rows():
    circuit = ones(3)
    spec = {"passes": ["optimizers:transpile-inside", "placers:reverse"]}
    out, report = transpile_with_report(circuit, on="basis:3", transpiler=spec, seed=1)
    assert [r.label for r in report.records] == ["optimizers:transpile-inside", "placers:reverse"]
    assert_equivalent(circuit, out)


def test_threads_transpiling_at_once_get_their_own_rows():
    Rendezvous.barrier = threading.Barrier(2)
    specs = [
        {"name": "short", "passes": ["optimizers:rendezvous", "placers:reverse"]},
        {
            "name": "long",
            "passes": [
                "placers:reverse",
                "optimizers:rendezvous",
                "placers:reverse",
                "placers:reverse",
            ],
        },
    ]
    circuit = ones(3)

    def work(spec: dict) -> tuple[Circuit, TranspileReport]:
        return transpile_with_report(circuit, on="basis:3", transpiler=spec, seed=3)

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            (short_out, short), (long_out, long) = pool.map(work, specs)
    finally:
        Rendezvous.barrier = None
    assert [r.label for r in short.records] == ["optimizers:rendezvous", "placers:reverse"]
    assert [r.label for r in long.records] == [
        "placers:reverse",
        "optimizers:rendezvous",
        "placers:reverse",
        "placers:reverse",
    ]
    assert {r.pipeline for r in short.records} == {"short"}
    assert {r.pipeline for r in long.records} == {"long"}
    for out, report in ((short_out, short), (long_out, long)):
        assert report.records[-1].metrics == out.metrics()
        assert_equivalent(circuit, out)
        assert_backend_accepts(out, get_backend("basis:3"))


# -- SWAPs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("router", ["basic", "sabre"])
def test_swaps_inserted_by_a_router_on_a_line(router):
    require_distribution("qloom-routers")
    backend = BasisStateBackend("4")  # a line 0-1-2-3 taking x, cx and swap
    circuit = Circuit(4).x(0).x(2).cx(0, 3).cx(1, 2).cx(3, 1).cx(0, 2)
    pipeline = Pipeline.from_spec({"name": "route", "passes": [f"routers:{router}"]})
    with recording() as recorder:
        outcome = run_pipeline(circuit, backend, pipeline, seed=7)
    (row,) = recorder.records
    added = outcome.circuit.metrics()["swaps"]
    assert added > 0
    assert row.stage == "ROUTING" and row.swaps == row.swaps_inserted == added
    if router == "sabre":  # the router's own count, read from context.properties
        assert row.swaps_inserted == outcome.properties["routers:sabre"]["swaps"]
    assert_equivalent(circuit, outcome.circuit, outcome.layout)
    assert_backend_accepts(outcome.circuit, backend)


def test_swaps_inserted_are_kept_after_unrolling_decomposes_them():
    for dist in ("qloom-hw-emulator", "qloom-routers", "qloom-unrollers", "qloom-placers"):
        require_distribution(dist)
    circuit = all_pairs(4)
    out, report = transpile_with_report(circuit, on="emulator:line-32", seed=5)
    routing = [r for r in report.records if r.stage == "ROUTING"]
    assert [r.label for r in routing] == ["routers:sabre"]
    assert routing[0].swaps_inserted > 0
    assert report.totals["swaps_inserted"] == routing[0].swaps_inserted
    assert report.output["swaps"] == 0  # decomposed into the device's natives
    assert report.records[-1].metrics == out.metrics() == report.output
    assert len(report.records) == len(get_pipeline("emulator").passes)
    assert_equivalent(circuit, out)
    assert_backend_accepts(out, get_backend("emulator:line-32"))


def _routers_count(circuit: Circuit, on: str, seed: int) -> int:
    """The SWAPs ``routers:sabre`` says it inserted, transpiling ``circuit`` with ``seed``."""
    from qloom.config import pipeline_for

    backend = get_backend(on)
    outcome = run_pipeline(circuit, backend, pipeline_for(backend, None), seed=seed)
    count = outcome.properties["routers:sabre"]["swaps"]
    assert count > 0, "the test circuit must need routing"
    return int(count)


@pytest.fixture
def needs_routing(tmp_path: Path) -> Path:
    """A 5-qubit circuit with a cx on every pair: routed on a line, SWAPs are unavoidable."""
    for dist in ("qloom-hw-emulator", "qloom-routers", "qloom-unrollers", "qloom-placers"):
        require_distribution(dist)
    path = tmp_path / "pairs.qasm"
    path.write_text(qasm2.dumps(all_pairs(5)))
    return path


def test_totals_separate_routed_swaps_from_swap_gates_in_the_output():
    for dist in ("qloom-hw-emulator", "qloom-routers", "qloom-unrollers", "qloom-placers"):
        require_distribution(dist)
    circuit = all_pairs(5)
    _, report = transpile_with_report(circuit, on="emulator:line-32", seed=5)
    routed = _routers_count(circuit, "emulator:line-32", 5)
    assert report.totals["swaps_routed"] == routed
    assert report.totals["swaps_out"] == report.output["swaps"] == 0  # translated into cx
    assert TranspileReport.from_json(report.to_json()).totals == report.totals


def test_transpile_summary_and_reports_count_the_swaps_routing_inserted(capsys, needs_routing):
    routed = _routers_count(qasm2.load(needs_routing), "emulator:line-32", 5)
    args = ["transpile", str(needs_routing), "--on", "emulator:line-32", "--seed", "5"]
    assert main(args) == 0
    assert f"SWAPs inserted by routing: {routed}" in capsys.readouterr().out
    assert main([*args, "--report", "--report-json", "-"]) == 0
    captured = capsys.readouterr()
    totals = json.loads(captured.out)["totals"]
    assert (totals["swaps_routed"], totals["swaps_out"]) == (routed, 0)
    assert f"SWAPs inserted by routing: {routed}; swap gates in the output: 0" in captured.err


def test_compile_report_counts_the_swaps_routing_inserted(capsys, needs_routing, tmp_path):
    out = tmp_path / "compiled"
    args = ["compile", str(needs_routing), "--on", "emulator:line-32", "--seed", "5"]
    assert main([*args, "--out", str(out), "--no-progress"]) == 0
    (row,) = json.loads((out / "report.json").read_text())
    routed = _routers_count(qasm2.load(needs_routing), "emulator:line-32", row["seed"])
    assert (row["swaps_routed"], row["after"]["swaps"]) == (routed, 0)
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("pairs.qasm"))
    assert line.split()[4] == str(routed)  # FILE STATUS 2Q-IN 2Q-OUT SWAPS TIME


def test_output_row_shows_what_finishers_did():
    for dist in ("qloom-hw-emulator", "qloom-levels", "qloom-padding"):
        require_distribution(dist)
    circuit = ones(4)
    out, report = transpile_with_report(
        circuit, on="emulator:line-32", transpiler="O1", padding="after", seed=2
    )
    assert report.records[-1].qubits == 4  # padding:after transpiles on a 4-qubit region...
    assert report.output == out.metrics() and report.output["qubits"] == 32  # ...then widens
    assert "output (after finishers)" in report.table()
    assert_equivalent(circuit, out)
    assert_backend_accepts(out, get_backend("emulator:line-32"))


# -- the command line -----------------------------------------------------------------------------


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "prog.qasm"
    path.write_text(qasm2.dumps(ones(3)))
    (tmp_path / "qloom.toml").write_text(
        '[pipelines.twice]\npasses = ["placers:reverse", "placers:reverse"]\n'
    )
    return path


def test_transpile_report_prints_the_table_after_the_summary(capsys, program):
    args = ["transpile", str(program), "--on", "basis:3", "--pipeline", "twice", "--seed", "3"]
    assert main([*args, "--report"]) == 0
    out = capsys.readouterr().out
    summary, _, table = out.partition("\n\n")
    assert "pipeline 'twice' (seed 3" in summary and "before" in summary
    rows = table.splitlines()
    assert rows[0].startswith("#") and rows[1].split()[0] == "input"
    assert [row.split()[1] for row in rows[2:4]] == ["placers:reverse"] * 2
    assert rows[-1].split()[0] == "total"


def test_transpile_report_json_to_a_file(capsys, program, tmp_path):
    target, qasm = tmp_path / "report.json", tmp_path / "out.qasm"
    args = ["transpile", str(program), "--on", "basis:3", "--pipeline", "twice", "--seed", "3"]
    assert main([*args, "--report-json", str(target), "-o", str(qasm)]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    report = TranspileReport.from_json(target.read_text())
    out = qasm2.load(qasm)
    assert [r.label for r in report.records] == ["placers:reverse"] * 2
    assert report.output == out.metrics() and report.seed == 3
    assert_equivalent(qasm2.load(program), out)  # reversed twice: the trivial layout
    assert_backend_accepts(out, get_backend("basis:3"))


def test_transpile_report_json_to_stdout_is_pure_json(capsys, program):
    args = ["transpile", str(program), "--on", "basis:3", "--pipeline", "twice"]
    assert main([*args, "--report-json", "-", "--report"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["pipeline"] == "twice" and len(data["passes"]) == 2
    assert "before" in captured.err and "total" in captured.err


def test_transpile_refuses_two_outputs_on_stdout(capsys, program):
    args = ["transpile", str(program), "--on", "basis:3", "-o", "-", "--report-json", "-"]
    assert main(args) == 1
    assert "both write to stdout" in capsys.readouterr().err


def test_transpile_without_report_prints_no_table(capsys, program):
    assert main(["transpile", str(program), "--on", "basis:3"]) == 0
    out = capsys.readouterr().out
    assert "before" in out and "+SWAPS" not in out


def test_report_on_an_example_with_the_emulator(capsys):
    for dist in ("qloom-hw-emulator", "qloom-routers", "qloom-unrollers", "qloom-placers"):
        require_distribution(dist)
    adder = EXAMPLES / "adder.qasm"
    args = ["transpile", str(adder), "--on", "emulator:line-32", "--seed", "1", "--report"]
    assert main([*args, "--report-json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["label"] for p in data["passes"]][-3:] == [
        "routers:sabre",
        "unrollers:basis",
        "optimizers:optimize",
    ]
    assert data["passes"][-1]["swaps"] == 0 == data["output"]["swaps"]
