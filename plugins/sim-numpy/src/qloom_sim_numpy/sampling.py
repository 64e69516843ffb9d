"""Shots: sample measurement outcomes of a compiled program into counts.

All randomness comes from the ``numpy.random.Generator`` passed in (seeded by the caller
with ``default_rng(seed)``), never from NumPy's global state, so a seed reproduces counts.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from qloom_sim_numpy.engine import explore
from qloom_sim_numpy.program import Program
from qloom_sim_numpy.state import StateVector

__all__ = ["counts_key", "sample_counts"]


def counts_key(clbits: int, num_clbits: int) -> str:
    """The bitstring of a clbit mask, clbit 0 rightmost (the ``Result`` convention)."""
    return format(clbits, f"0{num_clbits}b") if num_clbits else ""


def sample_counts(
    program: Program, shots: int, rng: np.random.Generator, state: StateVector | None = None
) -> dict[str, int]:
    """Run ``program`` for ``shots`` shots and count the classical outcomes.

    Args:
        program: the compiled circuit.
        shots: number of shots.
        rng: the only source of randomness.
        state: the initial state (default |0...0>).

    Returns:
        Counts keyed by bitstrings over the circuit's clbits, clbit 0 rightmost.
    """
    tally: Counter[int] = Counter()
    wires = sorted({w for w, _ in program.terminal})

    def split(p1: float, n: int) -> tuple[int, int]:
        ones = int(rng.binomial(n, p1))
        return n - ones, ones

    def leaf(final: StateVector, clbits: int, n: int) -> None:
        if not program.terminal:
            tally[clbits] += n
            return
        probs = final.probabilities(wires)
        outcomes, hits = _draw(probs, n, rng)
        position = {w: len(wires) - 1 - i for i, w in enumerate(wires)}
        for outcome, count in zip(outcomes.tolist(), hits.tolist(), strict=True):
            value = clbits
            for wire, clbit in program.terminal:
                if (outcome >> position[wire]) & 1:
                    value |= 1 << clbit
                else:
                    value &= ~(1 << clbit)
            tally[value] += count

    start = state if state is not None else StateVector(program.num_qubits)
    explore(program, start, shots, split, leaf)
    return {counts_key(v, program.num_clbits): n for v, n in sorted(tally.items())}


def _draw(probs: np.ndarray, shots: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``shots`` indices from ``probs`` (normalised here); distinct indices and counts."""
    cdf = np.cumsum(probs)
    picks = np.searchsorted(cdf, rng.random(shots) * cdf[-1], side="right")
    # rounding can land past the end: fall back on the last outcome with weight
    np.minimum(picks, np.searchsorted(cdf, cdf[-1], side="left"), out=picks)
    outcomes, hits = np.unique(picks, return_counts=True)
    return outcomes, hits
