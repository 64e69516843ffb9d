"""Provenance records on every transpilation and Compiler result, and ``qloom.replay``."""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import qloom
from qloom import Circuit, Compiler, hookimpl, replay
from qloom.api import run_pipeline
from qloom.calibration import Calibration
from qloom.circuit_data import circuit_to_data
from qloom.config import get_backend, pipeline_for
from qloom.pipeline import Pipeline
from qloom.plugins import Registry, get_registry, use_registry
from qloom.provenance import (
    FORMAT,
    ProvenanceError,
    circuit_digest,
    read_records,
)
from qloom.provenance import record as record_module
from qloom.provenance.rerun import VersionDifference, replay_all
from qloom.provenance.snapshot import backend_from_snapshot, backend_snapshot, canonical_json
from qloom.report import TranspileReport, transpile_with_report
from support import require_distribution
from support.circuits import qft

DEVICE = "emulator:heavy-hex-27"
TRIAL_SEED = 5


@pytest.fixture(autouse=True)
def _plugins() -> None:
    require_distribution("qloom-hw-emulator")
    require_distribution("qloom-levels")


def sample() -> Circuit:
    circuit = Circuit(6, name="sample").h(0).cx(0, 3).cx(1, 4).rz(0.25, 4).cx(4, 2).cx(5, 0)
    return circuit.cx(2, 5).measure_all()


def roundtrip(record: dict[str, Any]) -> dict[str, Any]:
    """The record as another process reads it: through JSON text."""
    return json.loads(json.dumps(record))


# -- the record ---------------------------------------------------------------------------


def test_transpile_attaches_a_record_of_everything_the_output_depends_on():
    circuit = sample()
    out = qloom.transpile(circuit, on=DEVICE, transpiler="O1", seed=21)
    record = out.provenance
    assert record is not None and record["format"] == FORMAT
    canonical_json(record)  # plain JSON data, no NaN
    assert record["seed"] == 21
    assert record["input"]["sha256"] == circuit_digest(circuit)
    assert record["input"]["circuit"] == circuit_to_data(circuit)
    assert record["output"]["sha256"] == circuit_digest(out)
    # the spec as run rebuilds to itself
    spec = record["pipeline"]
    assert Pipeline.from_spec(spec).spec() == spec
    assert spec == pipeline_for(get_backend(DEVICE), "O1").spec()
    # core and the distributions of the parts used, with their versions
    versions = record["distributions"]
    assert versions["qloom"] == qloom.__version__
    assert set(versions) >= {"qloom", "qloom-hw-emulator", "qloom-levels", "qloom-routers"}
    assert "qloom-dask" not in versions and "qloom-executors" not in versions
    assert record["parts"]["pipelines:O1"] == "qloom-levels"
    assert record["parts"]["backends:emulator"] == "qloom-hw-emulator"
    # the backend as it was
    backend = get_backend(DEVICE)
    snapshot = record["backend"]
    assert snapshot["requested"] == DEVICE and snapshot["num_qubits"] == 27
    assert len(snapshot["edges"]) == backend.connectivity.number_of_edges()
    assert snapshot["natives"] == sorted(backend.natives)
    calibration = snapshot["calibration"]
    expected = hashlib.sha256(canonical_json(calibration).encode()).hexdigest()
    assert snapshot["calibration_sha256"] == expected
    assert backend_from_snapshot(snapshot).calibration == backend.calibration


class SeedWatcher:
    """Every leaf pass started, with the seed its context held."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    @hookimpl
    def qloom_pass_started(self, pass_label: str, context: Any) -> None:
        self.seen.append((pass_label, context.seed))


@pytest.fixture
def seeds() -> Iterator[SeedWatcher]:
    watcher = SeedWatcher()
    manager = get_registry().hook_manager()
    manager.register(watcher)
    try:
        yield watcher
    finally:
        manager.unregister(watcher)


def test_per_pass_seeds_are_the_seeds_the_passes_ran_with(seeds):
    out = qloom.transpile(sample(), on=DEVICE, transpiler="O1", seed=5)
    recorded = [(p["pass"], p["seed"]) for p in out.provenance["passes"]]
    assert recorded == seeds.seen


def test_trials_record_the_seeds_of_the_trial_kept(seeds):
    backend = get_backend(DEVICE)
    outcome = run_pipeline(qft(6), backend, pipeline_for(backend, "O3"), TRIAL_SEED)
    (kept_trial,) = [v for k, v in outcome.properties.items() if k.startswith("trials:")]
    assert kept_trial["chosen"] != 0, "pick a seed whose kept trial is not the first"
    passes = outcome.provenance["passes"]
    kept = [p for p in passes if any("kept" in w for w in p["within"])]
    assert kept and f"trial {kept_trial['chosen']} of" in kept[0]["within"][-1]
    # every trial's passes started; the recorded seeds are those of the kept trial
    for entry in passes:
        assert (entry["pass"], entry["seed"]) in seeds.seen


def test_execute_results_and_reports_carry_the_record():
    result = qloom.execute(sample(), on=DEVICE, shots=16, seed=3)
    assert result.provenance is not None and result.provenance["seed"] == 3
    out, report = transpile_with_report(sample(), on=DEVICE, seed=3)
    assert report.provenance == out.provenance
    again = TranspileReport.from_json(report.to_json())
    assert again.provenance == out.provenance
    assert replay(json.loads(report.to_json())).identical


def test_a_record_is_not_carried_by_copies():
    out = qloom.transpile(sample(), on=DEVICE, seed=1)
    assert out.provenance is not None
    assert out.copy().provenance is None


def test_a_pipeline_with_options_that_are_not_data_is_marked_not_replayable():
    class Odd(qloom.Pass):
        kind = "optimizers"

        def __init__(self, marker: object = None) -> None:
            super().__init__(marker=marker)

        def run(self, circuit: Circuit, context: Any) -> Circuit:
            return circuit

    out = qloom.transpile(Circuit(2).h(0), on="numpy", transpiler=Odd(marker={1, 2}), seed=1)
    record = out.provenance
    canonical_json(record)
    assert record["replayable"] is False and "not plain JSON data" in record["why_not"]
    report = replay(record)
    assert report.status == "cannot replay" and report.exit_code == 2


# -- replay -------------------------------------------------------------------------------


def test_replay_of_a_transpilation_is_byte_identical():
    out = qloom.transpile(sample(), on=DEVICE, seed=8)
    report = replay(roundtrip(out.provenance))
    assert report.identical and report.exit_code == 0
    assert replay(out).identical  # the circuit itself carries its record
    with pytest.raises(ProvenanceError, match="Circuit carries no provenance record"):
        replay(out.copy())
    assert report.backend_source == "name" and report.versions == []
    assert report.circuit is not None
    assert circuit_to_data(report.circuit) == circuit_to_data(out)


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_replay_of_a_compiler_result_is_byte_identical(executor):
    if executor == "processes":
        require_distribution("qloom-executors")
    circuits = [sample(), qft(5)]
    workers = 2 if executor == "processes" else None
    with Compiler(executor, workers=workers, reuse=False, progress=False) as compiler:
        results = compiler.compile(circuits, DEVICE, "O2", seed=13)
    for result in results:
        assert not isinstance(result, BaseException)
        record = result.provenance
        assert record is not None and result.circuit.provenance == record
        assert record["output"]["sha256"] == circuit_digest(result.circuit)
        report = replay(roundtrip(record))
        assert report.identical, report.text()
        assert circuit_to_data(report.circuit) == circuit_to_data(result.circuit)


def test_replay_on_the_processes_executor_reproduces_the_bytes():
    require_distribution("qloom-executors")
    from qloom.config import get_executor

    records = [
        roundtrip(qloom.transpile(c, on=DEVICE, transpiler="O2", seed=17).provenance)
        for c in (sample(), qft(5))
    ]
    executor = get_executor("processes", workers=2)
    try:
        for record in records:
            report = replay(record, executor=executor)
            assert report.identical, report.text()
            assert report.provenance is not None and report.provenance["seed"] == 17
            assert report.worker is not None  # it ran in a worker process, not here
            assert int(report.worker.rpartition(":")[2]) != os.getpid()
    finally:
        executor.shutdown()


def test_replay_on_an_executor_needs_the_backend_by_name():
    record = roundtrip(qloom.transpile(sample(), on=DEVICE, seed=4).provenance)
    report = replay(record, backend="snapshot", executor="serial")
    assert report.exit_code == 2 and "needs the backend by name" in report.reason
    assert replay(record, executor="serial").identical


def test_a_result_served_from_the_store_keeps_its_record(tmp_path):
    store = tmp_path / "tasks.sqlite"
    with Compiler(store=store, progress=False) as compiler:
        first = compiler.compile(sample(), DEVICE, seed=2)
    with Compiler(store=store, progress=False) as compiler:
        second = compiler.compile(sample(), DEVICE, seed=2)
    assert second.metadata.get("cached_from") == first.task_id
    assert second.provenance == first.provenance
    assert replay(second.provenance).identical


def test_a_changed_plugin_version_is_named():
    record = roundtrip(qloom.transpile(sample(), on=DEVICE, seed=4).provenance)
    record["distributions"]["qloom-routers"] = "0.0.1"
    report = replay(record)
    assert report.identical  # the bytes are the same; the difference is still named
    installed = record_module.installed_version("qloom-routers")
    assert report.versions == [VersionDifference("qloom-routers", "0.0.1", installed)]
    assert f"qloom-routers: recorded 0.0.1, installed {installed}" in report.text()


def test_a_changed_plugin_that_changes_the_output_is_named(monkeypatch):
    circuit = qft(8)
    record = roundtrip(qloom.transpile(circuit, on=DEVICE, transpiler="O1", seed=4).provenance)
    real = record_module.installed_version

    def upgraded(distribution: str) -> str | None:
        return "9.9.9" if distribution == "qloom-optimizers" else real(distribution)

    from qloom_optimizers.optimize import Optimize

    # "version 9.9.9" of qloom-optimizers no longer optimises after translation
    monkeypatch.setattr(record_module, "installed_version", upgraded)
    monkeypatch.setattr(Optimize, "run", lambda self, circuit, context: circuit)
    report = replay(record)
    assert report.status == "different" and report.exit_code == 1
    assert report.replayed_output != report.recorded_output
    assert "qloom-optimizers: recorded" in report.text() and "installed 9.9.9" in report.text()
    assert "no installed version" not in report.reason


def test_a_different_output_with_the_same_versions_says_so(monkeypatch):
    record = roundtrip(qloom.transpile(qft(8), on=DEVICE, transpiler="O1", seed=4).provenance)
    from qloom_optimizers.optimize import Optimize

    monkeypatch.setattr(Optimize, "run", lambda self, circuit, context: circuit)
    report = replay(record)
    assert report.status == "different" and report.versions == []
    assert report.reason.endswith("no installed version and nothing of the backend differs")


def test_a_tampered_input_is_detected():
    record = roundtrip(qloom.transpile(sample(), on=DEVICE, seed=4).provenance)
    record["input"]["circuit"]["ops"][0][0] = "x"  # h -> x
    report = replay(record)
    assert report.status == "cannot replay" and report.exit_code == 2
    assert "does not match the recorded input sha256" in report.reason


def test_a_malformed_input_circuit_cannot_be_replayed():
    record = roundtrip(qloom.transpile(sample(), on=DEVICE, seed=4).provenance)
    record["input"]["circuit"]["ops"][0] = ["nope", [0]]
    report = replay(record)
    assert report.exit_code == 2 and "malformed" in report.reason


def test_a_large_input_is_recorded_by_digest_and_given_back(monkeypatch):
    monkeypatch.setattr(record_module, "MAX_INPUT_BYTES", 64)
    circuit = sample()
    record = roundtrip(qloom.transpile(circuit, on=DEVICE, seed=6).provenance)
    assert record["input"]["circuit"] is None and "over 64" in record["input"]["omitted"]
    missing = replay(record)
    assert missing.exit_code == 2 and "not in the record" in missing.reason
    assert replay(record, circuit=circuit).identical
    wrong = replay(record, circuit=qft(6))
    assert wrong.exit_code == 2 and "the given input circuit does not match" in wrong.reason


def test_a_missing_part_cannot_be_replayed():
    record = roundtrip(qloom.transpile(sample(), on=DEVICE, transpiler="O1", seed=4).provenance)
    with use_registry(Registry(disabled=["qloom-routers"])):
        report = replay(record)
    assert report.status == "cannot replay" and report.exit_code == 2
    assert "routers:sabre" in report.reason


def test_a_backend_that_changed_is_described_and_replayed_from_the_snapshot():
    device = get_backend(DEVICE)
    assert device.calibration is not None
    recalibrated = qloom.Backend(
        device.name,
        device.num_qubits,
        device.connectivity,
        device.natives,
        default_pipeline=device.default_pipeline,
        default_padding=device.default_padding,
        properties=device.properties,
        calibration=Calibration(
            {q: min(1.0, r * 3) for q, r in device.calibration.qubit_error.items()},
            device.calibration.readout_error,
            {e: min(1.0, r / 2) for e, r in device.calibration.edge_error.items()},
        ),
    )
    outcome = run_pipeline(
        qft(6), recalibrated, pipeline_for(recalibrated), 9, requested=DEVICE, backend_options={}
    )
    record = roundtrip(outcome.provenance)
    auto = replay(record)
    assert auto.identical and auto.backend_source == "snapshot"
    assert any(d.startswith("calibration: digest") for d in auto.backend_differences)
    assert "backend differs from the snapshot: calibration" in auto.text()
    by_name = replay(record, backend="name")
    assert by_name.backend_source == "name" and by_name.backend_differences


def test_snapshot_of_a_directed_backend_round_trips():
    backend = qloom.Backend("toy", 3, nx_directed([(0, 1), (2, 1)]), ["cx", "rz", "sx", "x"])
    snapshot = roundtrip(backend_snapshot(backend))
    rebuilt = backend_from_snapshot(snapshot)
    assert (0, 1) in rebuilt and (1, 0) not in rebuilt and (2, 1) in rebuilt
    assert backend_snapshot(rebuilt) == backend_snapshot(backend) | {"class": snapshot["class"]}


def nx_directed(edges: list[tuple[int, int]]) -> Any:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    return graph


# -- reading records ----------------------------------------------------------------------


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_records_are_found_in_results_and_lists(tmp_path):
    record = qloom.transpile(sample(), on=DEVICE, seed=4).provenance
    assert len(read_records(_write(tmp_path / "a.json", record))) == 1
    assert len(read_records(_write(tmp_path / "b.json", {"counts": {}, "provenance": record}))) == 1
    rows = [{"file": "x.qasm", "provenance": record}, {"file": "y.qasm", "status": "FAILED"}]
    reports = replay_all(_write(tmp_path / "c.json", rows))
    assert [r.where for r in reports] == ["x.qasm"] and reports[0].identical
    with pytest.raises(ProvenanceError, match="holds 2 records"):
        replay(_write(tmp_path / "d.json", [record, record]))


def test_a_record_over_the_size_bound_is_refused(tmp_path):
    record = qloom.transpile(sample(), on=DEVICE, seed=4).provenance
    path = _write(tmp_path / "big.json", record)
    with pytest.raises(ProvenanceError, match=r"over the 1000-byte limit"):
        replay(path, max_bytes=1000)
    assert replay(path).identical


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.update(format="qloom-provenance/2"), r"format 'qloom-provenance/2'.*upgrade"),
        (lambda r: r.update(format="something"), r"field 'format' should be"),
        (lambda r: r.pop("seed"), r"field 'seed'"),
        (lambda r: r.update(seed=-1), r"field 'seed'"),
        (lambda r: r.update(pipeline={"passes": "routers:sabre"}), r"field 'pipeline'"),
        (lambda r: r["backend"].update(edges=[[0, "1"]]), r"backend'\.edges"),
        (lambda r: r["input"].update(sha256="abc"), r"input\.sha256"),
        (lambda r: r.update(distributions={"qloom": 1}), r"field 'distributions'"),
        (lambda r: r["backend"].update(num_qubits=10**9), r"num_qubits: should be an integer"),
        (lambda r: r["backend"]["edges"].append([0, 27]), r"edges: .* qubits below 27"),
        (lambda r: r["input"]["circuit"].update(num_qubits=10**9), r"input\.circuit\.num_qubits"),
        (lambda r: r["input"]["circuit"].update(ops=None), r"'input\.circuit' should be"),
    ],
)
def test_a_malformed_record_is_refused_with_the_field(mutate, message):
    record = roundtrip(qloom.transpile(sample(), on=DEVICE, seed=4).provenance)
    mutate(record)
    with pytest.raises(ProvenanceError, match=message):
        replay(record)


def test_files_that_are_not_records_are_refused_with_where(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "qloom-provenance/1",\n  "seed": }')
    with pytest.raises(ProvenanceError, match=r"bad\.json:2:11: not JSON"):
        replay(bad)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(ProvenanceError, match="nested"):
        replay(deep)
    shallow = tmp_path / "shallow.json"
    shallow.write_text("[" * 100 + "]" * 100)
    with pytest.raises(ProvenanceError, match="deeper than 64"):
        replay(shallow)
    with pytest.raises(ProvenanceError, match="no provenance record"):
        replay(_write(tmp_path / "counts.json", {"counts": {"00": 3}}))
    with pytest.raises(ProvenanceError, match="no such file"):
        replay(tmp_path / "absent.json")


def test_a_deeply_nested_pipeline_is_refused():
    record = roundtrip(qloom.transpile(sample(), on=DEVICE, seed=4).provenance)
    spec: dict[str, Any] = {"name": "leaf", "passes": []}
    for level in range(20):
        spec = {"kind": "pipelines", "name": f"p{level}", "passes": [spec]}
    record["pipeline"] = spec
    with pytest.raises(ProvenanceError, match="nested deeper than 16"):
        replay(copy.deepcopy(record))
