"""Textbook circuits the tests of several plugins share."""

from __future__ import annotations

import math

from qloom import Circuit


def qft(n: int, *, swaps: bool = False) -> Circuit:
    """The quantum Fourier transform, qubit 0 the most significant bit of the input.

    Without ``swaps`` the output is in reversed qubit order (what routing tests want: the
    all-to-all ``cp`` ladder); with them it is the textbook transform.
    """
    circuit = Circuit(n)
    for a in range(n):
        circuit.h(a)
        for b in range(a + 1, n):
            circuit.cp(math.pi / 2 ** (b - a), b, a)
    if swaps:
        for a in range(n // 2):
            circuit.swap(a, n - 1 - a)
    return circuit
