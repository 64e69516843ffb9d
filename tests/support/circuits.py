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



def ghz(n: int = 3) -> Circuit:
    """The GHZ state: H on qubit 0, then a CX chain; named ``ghz{n}``."""
    return _chain("h", n)


def ones(n: int = 3) -> Circuit:
    """The all-ones basis state made as a GHZ circuit is (X, then a CX chain), for the
    basis-state test backend; named ``ghz{n}``."""
    return _chain("x", n)


def _chain(first: str, n: int) -> Circuit:
    circuit = Circuit(n, name=f"ghz{n}").append(first, [0])
    for q in range(n - 1):
        circuit.cx(q, q + 1)
    return circuit
