"""Textbook circuits: Bell, GHZ and QFT give their known states and distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest

import qloom
from qloom import Circuit
from qloom_sim_numpy import probabilities, statevector
from support.circuits import qft


def test_bell_state_and_counts():
    bell = Circuit(2).h(0).cx(0, 1)
    assert np.allclose(statevector(bell), np.array([1, 0, 0, 1]) / math.sqrt(2))
    counts = qloom.execute(bell, on="numpy", shots=4000, seed=1).counts
    assert set(counts) == {"00", "11"} and abs(counts["00"] - 2000) < 150


@pytest.mark.parametrize("n", [3, 8, 17])
def test_ghz_state_and_counts(n):
    ghz = Circuit(n).h(0)
    for q in range(n - 1):
        ghz.cx(q, q + 1)
    probs = probabilities(ghz)
    assert probs[0] == pytest.approx(0.5) and probs[-1] == pytest.approx(0.5)
    assert probs.sum() == pytest.approx(1)
    counts = qloom.execute(ghz, on="numpy", shots=4000, seed=2).counts
    assert set(counts) == {"0" * n, "1" * n} and abs(counts["0" * n] - 2000) < 150


@pytest.mark.parametrize(("n", "x"), [(3, 5), (5, 19), (10, 700), (18, 123_456)])
def test_qft_of_a_basis_state_is_the_fourier_vector(n, x):
    prep = Circuit(n)
    for q in range(n):
        if (x >> (n - 1 - q)) & 1:
            prep.x(q)
    for op in qft(n, swaps=True):
        prep.append(op.name, op.qubits, op.params)
    size = 1 << n
    want = np.exp(2j * np.pi * x * np.arange(size) / size) / math.sqrt(size)
    assert np.allclose(statevector(prep), want, atol=1e-10)


def test_qft_of_zero_gives_uniform_counts():
    c = qft(3, swaps=True)
    counts = qloom.execute(c, on="numpy", shots=8000, seed=3).counts
    assert len(counts) == 8 and all(abs(v - 1000) < 150 for v in counts.values())
