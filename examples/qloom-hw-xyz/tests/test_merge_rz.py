"""``optimizers:xyz_merge_rz``: what it merges, what stops it, and that it keeps the meaning."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

import qloom
from qloom import Backend, Circuit, PassContext
from qloom.testing import assert_equivalent, check_pass
from qloom.testing.strategies import circuits
from qloom_hw_xyz import MergeRZ


def merge(circuit: Circuit, **options: float) -> list[tuple[str, tuple[int, ...], tuple]]:
    out = MergeRZ(**options).run(circuit, PassContext(backend=Backend("any")))
    return [(op.name, op.qubits, tuple(round(p, 9) for p in op.params)) for op in out]


def test_merges_a_run_of_rz():
    assert merge(Circuit(1).rz(0.25, 0).rz(0.5, 0)) == [("rz", (0,), (0.75,))]


def test_merges_across_cz_but_not_across_pulses():
    circuit = Circuit(2).rz(0.1, 0).cz(0, 1).rz(0.2, 0).sx(0).rz(0.3, 0).x(1).rz(0.4, 1)
    assert merge(circuit) == [
        ("cz", (0, 1), ()),
        ("rz", (0,), (0.3,)),
        ("sx", (0,), ()),
        ("x", (1,), ()),
        ("rz", (0,), (0.3,)),
        ("rz", (1,), (0.4,)),
    ]


def test_drops_multiples_of_two_pi_and_wraps_the_rest():
    assert merge(Circuit(2).rz(math.pi, 0).rz(math.pi, 0).rz(4 * math.pi, 1).sx(1)) == [
        ("sx", (1,), ())
    ]
    [(name, _, (angle,))] = merge(Circuit(1).rz(2.5 * math.pi, 0))
    assert name == "rz" and angle == pytest.approx(0.5 * math.pi)


def test_atol_sets_what_counts_as_zero():
    circuit = Circuit(1).rz(1e-7, 0)
    assert merge(circuit) == [("rz", (0,), (1e-7,))]
    assert merge(circuit, atol=1e-6) == []


def test_barriers_measurements_and_conditions_end_a_run():
    circuit = Circuit(1, 1).rz(0.1, 0).barrier().rz(0.2, 0).measure(0, 0).rz(0.3, 0)
    circuit.append("rz", [0], [0.4], condition=("c", 1)).rz(0.5, 0)
    assert [(op[0], op[2]) for op in merge(circuit)] == [
        ("rz", (0.1,)),
        ("barrier", ()),
        ("rz", (0.2,)),
        ("measure", ()),
        ("rz", (0.3,)),
        ("rz", (0.4,)),
        ("rz", (0.5,)),
    ]


def test_conformance_on_the_devices_and_a_simulator():
    # Natives on pairs coupled on both devices, so the output must be accepted as it is.
    circuits_ = [
        Circuit(3)
        .rz(0.3, 0)
        .sx(0)
        .rz(0.2, 0)
        .rz(-0.9, 0)
        .cz(0, 1)
        .rz(1.1, 0)
        .rz(2.0, 1)
        .x(1)
        .cz(1, 2)
        .rz(math.pi, 2)
        .rz(math.pi, 2),
        Circuit(2).rz(0.7, 1).cz(0, 1).rz(-0.2, 1).sx(1).rz(0.4, 0).measure_all(),
    ]
    check_pass(MergeRZ(), ["xyz:ladder-12", "xyz:ring-8", Backend("sim")], circuits_)


def _runs_left(circuit: Circuit) -> int:
    """How often an ``rz`` follows another on its qubit with only ``cz`` in between."""
    last: dict[int, str] = {}
    runs = 0
    for op in circuit:
        if op.name == "rz" and last.get(op.qubits[0]) == "rz":
            runs += 1
        for q in op.qubits:
            if op.name != "cz":
                last[q] = op.name
    return runs


@settings(max_examples=100, deadline=None)
@given(circuits(max_qubits=4, max_ops=30, gates=["rz", "sx", "x", "cz", "h", "cx"]))
def test_random_circuits_keep_their_meaning_and_lose_every_run(circuit):
    out = MergeRZ().run(circuit, PassContext(backend=Backend("any")))
    assert_equivalent(circuit, out)
    assert _runs_left(out) == 0
    assert out.count_ops().get("rz", 0) <= circuit.count_ops().get("rz", 0)
    assert [op for op in out if op.name != "rz"] == [op for op in circuit if op.name != "rz"]


def test_found_by_name_with_its_options():
    pipeline = qloom.get_pipeline({"passes": [{"pass": "optimizers:xyz_merge_rz", "atol": 1e-6}]})
    [step] = pipeline.passes
    assert isinstance(step, MergeRZ) and step.atol == 1e-6
    assert step.spec() == {"kind": "optimizers", "name": "xyz_merge_rz", "options": {"atol": 1e-6}}
