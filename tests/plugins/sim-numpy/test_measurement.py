"""Shots: sampling, seeds, clbit order, mid-circuit measurement, reset and conditions."""

from __future__ import annotations

import numpy as np
import pytest

from qloom import Circuit
from qloom_sim_numpy import NumpyBackend, probabilities

SHOTS = 2000


def run(circuit: Circuit, shots: int = SHOTS, seed: int | None = 11) -> dict[str, int]:
    result = NumpyBackend().run(circuit, shots, seed)
    assert result.shots == shots and sum(result.counts.values()) == shots
    assert result.backend == "numpy" and result.seed == seed
    return result.counts


def near(counts: dict[str, int], expected: dict[str, float], tol: float = 0.05) -> bool:
    total = sum(counts.values())
    keys = set(counts) | set(expected)
    return all(abs(counts.get(k, 0) / total - expected.get(k, 0.0)) <= tol for k in keys)


def test_clbit_zero_is_rightmost_and_keys_cover_every_clbit():
    c = Circuit(3, 4).x(0)
    c.measure(0, 2).measure(1, 0).measure(2, 1)
    assert run(c) == {"0100": SHOTS}


def test_registers_concatenate_with_the_first_register_rightmost():
    c = Circuit(2, 3, cregs=[("a", 1), ("b", 2)]).x(1)
    c.measure(0, 0).measure(1, 2)
    assert run(c) == {"100": SHOTS}


def test_a_qubit_measured_into_two_clbits_gives_the_same_bit_twice():
    c = Circuit(1, 2).h(0).measure(0, 0).measure(0, 1)
    counts = run(c)
    assert set(counts) == {"00", "11"} and near(counts, {"00": 0.5, "11": 0.5})


def test_unmeasured_clbits_stay_zero_and_unmeasured_qubits_are_ignored():
    c = Circuit(3, 2).x(0).x(2).measure(2, 1)
    assert run(c) == {"10": SHOTS}


def test_same_seed_same_counts_and_the_global_rng_is_untouched():
    c = Circuit(4).h(0).h(1).h(2).h(3)
    c.measure_all()
    np.random.seed(1234)
    before = np.random.get_state()[1].copy()
    first, again = run(c, seed=5), run(c, seed=5)
    assert first == again
    assert run(c, seed=6) != first
    assert np.array_equal(np.random.get_state()[1], before)
    branching = Circuit(2, 2).h(0).measure(0, 0).h(0).measure(0, 1)
    assert run(branching, seed=9) == run(branching, seed=9)
    assert np.array_equal(np.random.get_state()[1], before)


def test_mid_circuit_measurement_followed_by_gates():
    c = Circuit(1, 2).h(0).measure(0, 0).h(0).measure(0, 1)
    counts = run(c)
    assert near(counts, {k: 0.25 for k in ("00", "01", "10", "11")})


def test_measure_then_reset_then_measure():
    c = Circuit(1, 2).x(0).measure(0, 0).reset(0).measure(0, 1)
    assert run(c) == {"01": SHOTS}
    superposed = Circuit(1, 2).h(0).measure(0, 0).reset(0).measure(0, 1)
    counts = run(superposed)
    assert set(counts) == {"00", "01"} and near(counts, {"00": 0.5, "01": 0.5})


def test_reset_of_an_entangled_qubit_leaves_its_partner_mixed():
    c = Circuit(2, 1).h(0).cx(0, 1).reset(0).h(0).h(0).measure(1, 0)
    assert near(run(c), {"0": 0.5, "1": 0.5})
    assert np.allclose(probabilities(Circuit(2).h(0).cx(0, 1).reset(0)), [0.5, 0.5, 0, 0])


def test_conditioned_gate_copies_a_random_bit():
    c = Circuit(2, 2).h(0).measure(0, 0)
    c.append("x", [1], condition=("c", 1))
    c.measure(1, 1)
    counts = run(c)
    assert set(counts) == {"00", "11"} and near(counts, {"00": 0.5, "11": 0.5})


def test_condition_compares_the_whole_register_value():
    c = Circuit(3, 3).x(1).measure(0, 0).measure(1, 1)
    c.append("x", [2], condition=("c", 2))  # c == 0b010
    c.append("x", [0], condition=("c", 1))  # never true
    c.measure(2, 2).measure(0, 0)
    assert run(c) == {"110": SHOTS}


def test_condition_on_a_second_register():
    c = Circuit(2, 2, cregs=[("a", 1), ("flag", 1)]).x(0).measure(0, 1)
    c.append("x", [1], condition=("flag", 1))
    c.measure(1, 0)
    assert run(c) == {"11": SHOTS}


def test_conditioned_measure_and_reset():
    c = Circuit(2, 2).x(0).x(1).measure(0, 0)
    c.append("reset", [1], condition=("c", 1))
    c.append("measure", [1], clbits=[1], condition=("c", 1))
    assert run(c) == {"01": SHOTS}


def test_probabilities_follow_mid_circuit_measurement_exactly():
    c = Circuit(2, 1).h(0).measure(0, 0)
    c.append("x", [1], condition=("c", 1))
    assert np.allclose(probabilities(c), [0.5, 0, 0, 0.5])


def test_a_later_measurement_overwrites_a_clbit():
    c = Circuit(2, 1).x(1).measure(0, 0).measure(1, 0)
    assert run(c) == {"1": SHOTS}
    mid = Circuit(2, 1).measure(1, 0).x(1).x(0).measure(0, 0).x(1)
    assert run(mid) == {"1": SHOTS}


@pytest.mark.parametrize("shots", [1, 7])
def test_few_shots(shots):
    c = Circuit(2).h(0).h(1)
    c.measure_all()
    assert sum(run(c, shots=shots).values()) == shots


def test_circuit_without_clbits_counts_the_empty_key():
    assert run(Circuit(2).h(0), shots=10) == {"": 10}
