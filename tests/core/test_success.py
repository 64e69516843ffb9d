"""The estimated success probability: ``qloom.success`` and its place in outcomes and reports."""

from __future__ import annotations

import json
import math

import pytest

from qloom import Backend, Calibration, Circuit
from qloom.api import ESP, run_pipeline
from qloom.cli import main
from qloom.pipeline import identity_pipeline
from qloom.report import TranspileReport, recording
from qloom.success import SuccessEstimate, estimated_success

CALIBRATION = Calibration(
    qubit_error={0: 0.01, 1: 0.03},
    readout_error={0: 0.1, 1: 0.2, 2: 0.3},
    edge_error={(0, 1): 0.05, (1, 2): 0.15},
)


def test_product_of_the_fidelities_of_gates_and_measurements():
    circuit = Circuit(3, 2)
    circuit.sx(0).x(1).cx(1, 0).cz(1, 2).measure(0, 0).measure(2, 1)
    estimate = estimated_success(circuit, CALIBRATION)
    # sx on 0, x on 1, cx on (1, 0) given as (0, 1), cz on (1, 2), readout of 0 and 2
    expected = 0.99 * 0.97 * 0.95 * 0.85 * 0.9 * 0.7
    assert estimate.probability == pytest.approx(expected, rel=1e-12)
    assert estimate.operations == {"gate_1q": 2, "gate_2q": 2, "readout": 2}
    assert estimate.unknown == {} == estimate.assumed


def test_virtual_gates_barriers_and_resets_are_free():
    circuit = Circuit(2)
    circuit.rz(0.3, 0).sx(0).barrier(0, 1).reset(1).rz(1.0, 1)
    assert estimated_success(circuit, CALIBRATION, {"rz"}).probability == pytest.approx(0.99)
    # without saying rz is virtual it is a single-qubit gate like any other
    assert estimated_success(circuit, CALIBRATION).probability == pytest.approx(0.99 * 0.99 * 0.97)


def test_unknown_entries_take_the_median_of_their_kind_and_are_reported():
    circuit = Circuit(4, 1)
    circuit.sx(2).sx(3).cx(2, 3).cx(0, 2).measure(3, 0)
    estimate = estimated_success(circuit, CALIBRATION)
    # qubit 2 and 3 have no 1q rate (median 0.02), (2, 3) and (0, 2) no 2q rate (median 0.1),
    # qubit 3 no readout rate (median 0.2)
    assert estimate.probability == pytest.approx(0.98**2 * 0.9**2 * 0.8, rel=1e-12)
    assert estimate.unknown == {"gate_1q": 2, "gate_2q": 2, "readout": 1}
    assert estimate.assumed == pytest.approx({"gate_1q": 0.02, "gate_2q": 0.1, "readout": 0.2})
    summary = estimate.summary()
    assert "0.6223" in summary and "2 gate_2q at 0.1" in summary


def test_a_kind_with_no_rates_at_all_is_assumed_perfect():
    estimate = estimated_success(Circuit(2).cx(0, 1), Calibration(qubit_error={0: 0.1}))
    assert estimate.probability == 1.0
    assert estimate.assumed == {"gate_2q": 0.0}


def test_gates_on_three_qubits_are_counted_apart():
    circuit = Circuit(3).ccx(0, 1, 2).sx(0)
    estimate = estimated_success(circuit, CALIBRATION)
    assert estimate.probability == pytest.approx(0.99)
    assert estimate.unscored == 1 and "1 operations on 3+ qubits" in estimate.summary()


def test_a_certain_failure_is_zero():
    calibration = Calibration(edge_error={(0, 1): 1.0})
    estimate = estimated_success(Circuit(2).cx(0, 1), calibration)
    assert estimate.probability == 0.0 and estimate.log_probability == -math.inf


def test_the_log_stays_exact_where_the_probability_underflows():
    circuit = Circuit(2)
    for _ in range(100_000):
        circuit.cx(0, 1)
    estimate = estimated_success(circuit, Calibration(edge_error={(0, 1): 0.01}))
    assert estimate.probability == 0.0
    assert estimate.log_probability == pytest.approx(100_000 * math.log(0.99), rel=1e-9)


def test_round_trip_through_a_dict():
    estimate = estimated_success(Circuit(3).cx(1, 2).cx(0, 2), CALIBRATION)
    assert SuccessEstimate(**json.loads(json.dumps(estimate.to_dict()))) == estimate


# -- in outcomes and reports -----------------------------------------------------------------


def line_backend(calibration: Calibration | None) -> Backend:
    return Backend(
        "line:3",
        3,
        [(0, 1), (1, 2)],
        ["sx", "rz", "cx", "measure"],
        properties={"virtual_gates": ["rz"]},
        calibration=calibration,
    )


def program() -> Circuit:
    circuit = Circuit(3, 1)
    circuit.rz(0.5, 0).sx(0).cx(0, 1).cx(1, 2).measure(2, 0)
    return circuit


def test_the_outcome_and_report_carry_the_estimate_on_a_calibrated_backend():
    with recording() as recorder:
        outcome = run_pipeline(program(), line_backend(CALIBRATION), identity_pipeline())
    assert outcome.properties[ESP]["probability"] == pytest.approx(0.99 * 0.95 * 0.85 * 0.7)
    report = TranspileReport.from_outcome(program(), outcome, recorder.records)
    assert report.to_dict()["estimated_success"] == outcome.properties[ESP]
    assert TranspileReport.from_json(report.to_json()) == report
    assert report.table().splitlines()[-1] == "estimated success probability: 0.5596"


def test_no_estimate_without_a_calibration():
    with recording() as recorder:
        outcome = run_pipeline(program(), line_backend(None), identity_pipeline())
    assert ESP not in outcome.properties
    report = TranspileReport.from_outcome(program(), outcome, recorder.records)
    assert report.success is None and "estimated_success" not in report.to_dict()
    assert "success" not in report.table()


def test_qloom_transpile_prints_the_estimate_on_an_emulated_device(capsys, tmp_path):
    pytest.importorskip("qloom_hw_emulator")
    source = tmp_path / "bell.qasm"
    source.write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\n'
        "h q[0];\ncx q[0],q[1];\nmeasure q -> c;\n"
    )
    assert main(["transpile", str(source), "--on", "emulator:line-32", "--seed", "1"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "success" in x)
    value = float(line.split(": ")[1])
    assert 0.5 < value < 1.0 and not math.isclose(value, 1.0)
