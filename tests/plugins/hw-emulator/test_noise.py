"""The noisy trajectory engine: exact without errors, the right error statistics with them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qloom import Circuit
from qloom_hw_emulator import noise
from qloom_hw_emulator.noise import ErrorSite, compact, error_sites, sample_noisy
from qloom_sim_numpy import probabilities

SHOTS = 20_000


def exact_counts_distribution(circuit: Circuit) -> dict[str, float]:
    """Ideal distribution over clbits of a circuit measuring qubit i into clbit i."""
    probs = probabilities(circuit)
    n = circuit.num_qubits
    return {format(i, f"0{n}b")[::-1]: float(p) for i, p in enumerate(probs) if p > 1e-12}


def tvd(counts: dict[str, int], expected: dict[str, float]) -> float:
    total = sum(counts.values())
    keys = set(counts) | set(expected)
    return 0.5 * sum(abs(counts.get(k, 0) / total - expected.get(k, 0.0)) for k in keys)


def within(observed: int, p: float, shots: int = SHOTS) -> bool:
    """``observed`` is within 5 standard deviations of ``shots * p``."""
    return abs(observed - shots * p) <= 5 * math.sqrt(shots * p * (1 - p)) + 1


def rotations(n: int, seed: int) -> Circuit:
    rng = np.random.default_rng(seed)
    c = Circuit(n, n)
    for _ in range(3):
        for q in range(n):
            c.append("u3", [q], rng.uniform(0, math.pi, 3))
        for q in range(n - 1):
            c.append("ecr" if q % 2 else "cx", [q, q + 1])
    for q in range(n):
        c.measure(q, q)
    return c


@pytest.mark.parametrize("force_batches", [False, True])
def test_without_errors_the_engine_samples_the_exact_distribution(monkeypatch, force_batches):
    circuit = rotations(4, seed=1)
    if force_batches:
        monkeypatch.setattr(noise, "BATCH_AMPLITUDES", 64)
    counts, rows = sample_noisy(circuit, [], SHOTS, seed=3)
    assert rows == 1
    unitary_part = Circuit(4).extend(op for op in circuit if op.name != "measure")
    assert tvd(counts, exact_counts_distribution(unitary_part)) < 0.02


def test_a_depolarized_x_flips_back_two_times_in_three():
    circuit = Circuit(1, 1).x(0).measure(0, 0)
    p = 0.3
    counts, _ = sample_noisy(circuit, [ErrorSite(0, p, False)], SHOTS, seed=4)
    assert within(counts.get("0", 0), 2 * p / 3)


def test_a_depolarized_cx_keeps_the_basis_state_for_three_paulis_in_fifteen():
    circuit = Circuit(2, 2).x(0).cx(0, 1).measure(0, 0).measure(1, 1)
    p = 0.45
    counts, _ = sample_noisy(circuit, [ErrorSite(1, p, False)], SHOTS, seed=5)
    # only IZ, ZI and ZZ leave |11> alone; each bit flips in 8 of the 15 Paulis
    assert within(counts.get("11", 0), 1 - p + 3 * p / 15)
    assert within(counts.get("01", 0), 4 * p / 15)


def test_readout_errors_flip_the_recorded_bit_only():
    circuit = Circuit(2, 3).x(0).measure(0, 0).cx(0, 1).measure(1, 1).measure(0, 2)
    # the first measure is mid-circuit; its flipped record must not change the qubit
    sites = [ErrorSite(1, 1.0, True), ErrorSite(3, 0.25, True)]
    counts, rows = sample_noisy(circuit, sites, SHOTS, seed=6)
    assert rows == SHOTS, "mid-circuit measurements: one trajectory per shot"
    assert set(counts) <= {"110", "100"}
    assert within(counts.get("100", 0), 0.25)


def test_conditions_and_resets_follow_each_shot(monkeypatch):
    monkeypatch.setattr(noise, "BATCH_AMPLITUDES", 1 << 8)
    circuit = Circuit(2, 2)
    circuit.h(0).measure(0, 0).reset(0)
    circuit.append("x", [1], condition=("c", 1))
    circuit.measure(1, 1)
    counts, _ = sample_noisy(circuit, [ErrorSite(0, 0.0, False)], SHOTS, seed=7)
    assert set(counts) == {"00", "11"}
    assert within(counts["11"], 0.5)


def test_the_same_seed_gives_the_same_counts_and_another_seed_others():
    circuit = rotations(3, seed=2)
    sites = error_sites(circuit, lambda op: 0.05, lambda q: 0.02)
    first = sample_noisy(circuit, sites, 3000, seed=11)
    assert sample_noisy(circuit, sites, 3000, seed=11) == first
    assert sample_noisy(circuit, sites, 3000, seed=12) != first


def test_error_sites_skip_zero_rates_and_directives():
    circuit = Circuit(2, 1).rz(0.3, 0).sx(1).barrier(0, 1).cx(0, 1).measure(1, 0)
    sites = error_sites(circuit, lambda op: 0.0 if op.name == "rz" else 0.01, lambda q: 0.02)
    assert [(s.index, s.readout) for s in sites] == [(1, False), (3, False), (4, True)]


def test_compact_keeps_only_the_touched_qubits_in_order():
    circuit = Circuit(10, 2).h(7).cx(7, 2).barrier(*range(10)).measure(2, 0).measure(7, 1)
    small, active = compact(circuit)
    assert active == [2, 7]
    assert small.num_qubits == 2
    assert [(op.name, op.qubits) for op in small] == [
        ("h", (1,)),
        ("cx", (1, 0)),
        ("barrier", (0, 1)),
        ("measure", (0,)),
        ("measure", (1,)),
    ]
