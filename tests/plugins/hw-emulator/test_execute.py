"""Devices end to end: default pipeline, equivalence, execution, overrides and the CLI."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

import qloom
from qloom import Circuit, qasm2
from qloom.cli import main
from qloom.testing import assert_backend_accepts, assert_equivalent, circuits
from qloom_hw_emulator import EmulatorBackend, catalog_names
from support.circuits import qft


def tvd(a: dict[str, int], b: dict[str, int]) -> float:
    na, nb = sum(a.values()), sum(b.values())
    return 0.5 * sum(abs(a.get(k, 0) / na - b.get(k, 0) / nb) for k in set(a) | set(b))


@pytest.mark.parametrize("name", catalog_names())
def test_the_default_pipeline_gives_an_equivalent_circuit_the_device_accepts(name):
    backend = EmulatorBackend(name)
    circuit = qft(5)
    circuit.ccx(0, 2, 4).swap(1, 3)
    out = qloom.transpile(circuit, on=backend, seed=3)
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out, layout=out.layout)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(circuit=circuits(max_qubits=5, max_ops=25))
def test_random_circuits_transpile_correctly_for_a_heavy_hex(circuit):
    backend = qloom.get_backend("emulator:heavy-hex-27")
    out = qloom.transpile(circuit, on=backend, seed=1)
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out, layout=out.layout)


def test_the_noise_aware_placement_avoids_the_worst_qubits():
    backend = EmulatorBackend("heavy-hex-27")
    out = qloom.transpile(qft(4), on=backend, seed=2)
    used = set(out.active_qubits())
    errors = backend.device.edge_error
    worst = max(errors, key=errors.get)
    assert not set(worst) <= used


def test_execute_runs_end_to_end_and_answers_in_logical_order():
    circuit = Circuit(3, 3).x(2)
    for q in range(3):
        circuit.measure(q, q)
    result = qloom.execute(circuit, on="emulator:heavy-hex-27", shots=2000, seed=1)
    assert result.metadata["pipeline"] == "emulator"
    assert max(result.counts, key=result.counts.get) == "100"
    assert result.counts["100"] > 1800
    assert result.metadata["noise"] is True


def test_a_noiseless_device_matches_the_numpy_simulator():
    ghz = Circuit(5).h(0)
    for q in range(4):
        ghz.cx(q, q + 1)
    ghz.ry(0.7, 3)
    emulated = qloom.execute(ghz, on="emulator:heavy-hex-127", shots=20_000, seed=4, noise=False)
    simulated = qloom.execute(ghz, on="numpy", shots=20_000, seed=4)
    assert tvd(emulated.counts, simulated.counts) < 0.02
    assert emulated.metadata["trajectories"] == 1


def test_noise_shows_and_scales():
    ghz = Circuit(4).h(0).cx(0, 1).cx(1, 2).cx(2, 3)
    ideal = {"0000": 5000, "1111": 5000}
    noisy = qloom.execute(ghz, on="emulator:line-32", shots=10_000, seed=5).counts
    better = qloom.execute(ghz, on="emulator:line-32", shots=10_000, seed=5, noise_scale=0.1).counts
    assert 0.03 < tvd(noisy, ideal) < 0.3
    assert tvd(better, ideal) < tvd(noisy, ideal) / 3


def test_set_transpiler_overrides_the_device_default():
    qloom.set_transpiler("O1", for_backend="emulator:heavy-hex-27")
    result = qloom.execute(Circuit(2).h(0).cx(0, 1), on="emulator:heavy-hex-27", seed=1)
    assert result.metadata["pipeline"] == "O1"
    other = qloom.execute(Circuit(2).h(0).cx(0, 1), on="emulator:ring-16", seed=1)
    assert other.metadata["pipeline"] == "emulator"


def test_the_cli_runs_a_qasmbench_circuit_on_heavy_hex_127(shared_benchmarks, capsys):
    path = shared_benchmarks / "qasmbench-raw" / "adder_n10.qasm"
    args = [str(path), "--on", "emulator:heavy-hex-127", "--seed", "3", "--shots", "4000"]
    assert main(["execute", *args, "--option", "noise=false", "--json"]) == 0
    emulated = json.loads(capsys.readouterr().out)
    assert (
        main(["run", str(path), "--on", "numpy", "--seed", "3", "--shots", "4000", "--json"]) == 0
    )
    simulated = json.loads(capsys.readouterr().out)
    assert emulated["backend"] == "emulator:heavy-hex-127"
    assert tvd(emulated["counts"], simulated["counts"]) < 0.05

    assert main(["execute", *args]) == 0
    printed = capsys.readouterr().out
    assert "pipeline 'emulator'" in printed
    assert "emulator:heavy-hex-127: 4000 shots" in printed


def test_the_cli_reports_a_bad_option(capsys, tmp_path):
    path = tmp_path / "bell.qasm"
    path.write_text(qasm2.dumps(Circuit(2).h(0).cx(0, 1)))
    assert main(["run", str(path), "--on", "emulator:star-6", "--option", "noise"]) == 1
    assert "--option expects KEY=VALUE" in capsys.readouterr().err
