"""``xyz_default`` end to end: exact compilation, counts in logical order, user overrides."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qloom
from qloom import Circuit
from qloom.testing import assert_backend_accepts, assert_equivalent, check_pass
from qloom.testing.strategies import circuits
from qloom_hw_xyz import DEVICES

DEVICE_NAMES = sorted(DEVICES)


def ghz(n: int) -> Circuit:
    circuit = Circuit(n).h(0)
    for q in range(n - 1):
        circuit.cx(q, q + 1)
    return circuit


def qft(n: int) -> Circuit:
    circuit = Circuit(n)
    for target in range(n):
        circuit.h(target)
        for control in range(target + 1, n):
            circuit.cp(math.pi / 2 ** (control - target), control, target)
    for q in range(n // 2):
        circuit.swap(q, n - 1 - q)
    return circuit


def tvd(counts: Mapping[str, int], ideal: Mapping[str, float]) -> float:
    shots = sum(counts.values())
    keys = set(counts) | set(ideal)
    return 0.5 * sum(abs(counts.get(k, 0) / shots - ideal.get(k, 0.0)) for k in keys)


@pytest.fixture
def restore_ladder_transpiler():
    yield
    qloom.set_transpiler(None, for_backend="xyz:ladder-12")


def test_the_pipeline_is_registered_by_name():
    pipeline = qloom.get_pipeline("xyz_default")
    assert [step.label for step in pipeline.passes] == [
        "padding:auto",
        "unrollers:decompose",
        "placers:noise",
        "routers:sabre",
        "unrollers:basis",
        "optimizers:xyz_merge_rz",
    ]


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_execute_uses_it_by_default(device):
    result = qloom.execute(ghz(3), on=f"xyz:{device}", shots=10, seed=1)
    assert result.metadata["pipeline"] == "xyz_default"


def test_set_transpiler_for_one_device_overrides_it(restore_ladder_transpiler):
    trivial = {
        "name": "trivial-xyz",
        "passes": ["padding:auto", "placers:trivial", "routers:sabre", "unrollers:basis"],
    }
    qloom.set_transpiler(trivial, for_backend="xyz:ladder-12")
    result = qloom.execute(ghz(3), on="xyz:ladder-12", shots=10, seed=1)
    assert result.metadata["pipeline"] == "trivial-xyz"
    assert result.layout.initial == (0, 1, 2)
    other = qloom.execute(ghz(3), on="xyz:ring-8", shots=10, seed=1)
    assert other.metadata["pipeline"] == "xyz_default"


@pytest.mark.parametrize("device", DEVICE_NAMES)
@pytest.mark.parametrize("circuit", [ghz(6), qft(5)], ids=["ghz6", "qft5"])
def test_textbook_circuits_compile_exactly(device, circuit):
    backend = qloom.get_backend(f"xyz:{device}")
    out = qloom.transpile(circuit, on=backend, seed=7)
    assert_equivalent(circuit, out, layout=out.layout)
    assert_backend_accepts(out, backend)


def test_conformance_as_a_pipeline():
    measured = qft(3).copy()
    measured.measure_all()
    check_pass("xyz_default", ["xyz:ladder-12", "xyz:ring-8"], [ghz(4), qft(4), measured])


@settings(max_examples=100, deadline=None)
@given(
    circuit=circuits(max_qubits=5, max_ops=20),
    device=st.sampled_from(DEVICE_NAMES),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_circuits_compile_exactly(circuit, device, seed):
    backend = qloom.get_backend(f"xyz:{device}")
    out = qloom.transpile(circuit, on=backend, seed=seed)
    assert_equivalent(circuit, out, layout=out.layout)
    assert_backend_accepts(out, backend)


def test_the_last_pass_merges_the_rz_translation_leaves():
    full = qloom.get_pipeline("xyz_default").spec()
    without = {**full, "name": "without-merge", "passes": full["passes"][:-1]}
    merged = qloom.transpile(qft(5), on="xyz:ladder-12", seed=3).count_ops()
    unmerged = qloom.transpile(qft(5), on="xyz:ladder-12", transpiler=without, seed=3).count_ops()
    assert merged["rz"] < unmerged["rz"] / 2
    assert (merged["sx"], merged["cz"]) == (unmerged["sx"], unmerged["cz"])


def test_the_calibration_keeps_circuits_off_the_weak_qubit():
    # Qubit 4 of ladder-12 has the worst gate, readout and pair errors of the snapshot.
    for seed in range(3):
        out = qloom.transpile(ghz(5), on="xyz:ladder-12", seed=seed)
        assert 4 not in out.active_qubits()


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_counts_are_in_logical_order(device):
    # x on 0; ry(2 pi / 3) on 2 puts it in |1> with probability 3/4; cx copies it to 3.
    circuit = Circuit(4).x(0).ry(2 * math.pi / 3, 2).cx(2, 3)
    result = qloom.execute(circuit, on=f"xyz:{device}", shots=4000, seed=11)
    assert result.shots == 4000 and result.backend == f"xyz:{device}"
    assert tvd(result.counts, {"0001": 0.25, "1101": 0.75}) < 0.03


def test_ghz_counts_match_the_ideal_distribution():
    result = qloom.execute(ghz(6), on="xyz:ladder-12", shots=4000, seed=5)
    assert tvd(result.counts, {"000000": 0.5, "111111": 0.5}) < 0.03
