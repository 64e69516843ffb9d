"""``families``: benchmark circuits qloom generates itself, the dataset every install has.

The families of ``../shared/benchmarks`` (GHZ, QFT, Bernstein-Vazirani, MaxCut-QAOA,
random circuits) at the small sizes a learning agent or a quick tuning run steps through,
built in code: no file to find, the same circuits in every process and on every machine
(the random ones are seeded from their name). Registered as the ``families`` entry point of
``qloom.datasets`` by the core distribution itself, as third-party datasets are.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterable

import numpy as np

from qloom.circuit import Circuit
from qloom.datasets.base import Dataset, DatasetError

__all__ = ["FAMILIES", "SIZES", "FamiliesDataset", "families"]

SIZES: tuple[int, ...] = (3, 4, 5, 6, 8, 10, 12, 16, 20)
"""Qubit counts of every family by default."""

MAX_QUBITS = 64
"""Widest circuit the dataset builds (``sizes`` past it are refused)."""


def ghz(n: int) -> Circuit:
    """GHZ state preparation: ``h`` then a ``cx`` chain (n - 1 two-qubit gates)."""
    circuit = Circuit(n).h(0)
    for q in range(n - 1):
        circuit.cx(q, q + 1)
    return circuit


def qft(n: int) -> Circuit:
    """The quantum Fourier transform with its final qubit-reversing swaps
    (n(n-1)/2 controlled phases)."""
    circuit = Circuit(n)
    for target in range(n):
        circuit.h(target)
        for control in range(target + 1, n):
            circuit.cp(math.pi / 2 ** (control - target), control, target)
    for q in range(n // 2):
        circuit.swap(q, n - 1 - q)
    return circuit


def bv(n: int) -> Circuit:
    """Bernstein-Vazirani over n - 1 data qubits and one ancilla (the last qubit); the
    secret has a 1 on every data qubit whose index is not 2 mod 3."""
    circuit = Circuit(n)
    ancilla = n - 1
    circuit.x(ancilla)
    for q in range(n):
        circuit.h(q)
    for q in range(n - 1):
        if q % 3 != 2:
            circuit.cx(q, ancilla)
    for q in range(n - 1):
        circuit.h(q)
    return circuit


def qaoa(n: int) -> Circuit:
    """One layer of MaxCut-QAOA on a ring with chords (``i`` to ``i + n // 2``), gamma 0.7
    and beta 0.3: ``h``, one ``rzz`` per edge, one ``rx`` per qubit."""
    edges = {tuple(sorted((i, (i + 1) % n))) for i in range(n)}
    edges |= {tuple(sorted((i, (i + n // 2) % n))) for i in range(n) if n >= 4}
    circuit = Circuit(n)
    for q in range(n):
        circuit.h(q)
    for a, b in sorted(e for e in edges if e[0] != e[1]):
        circuit.rzz(2 * 0.7, a, b)
    for q in range(n):
        circuit.rx(2 * 0.3, q)
    return circuit


def random(n: int) -> Circuit:
    """n layers, each of ``u3`` on every qubit then ``cx`` on a random pairing, seeded from
    the circuit's name (``random_n8``), so it is the same everywhere."""
    rng = np.random.default_rng(zlib.crc32(f"random_n{n}".encode()))
    circuit = Circuit(n)
    for _ in range(n):
        for q in range(n):
            theta, phi, lam = (float(x) for x in rng.uniform(0, 2 * math.pi, 3))
            circuit.u3(theta, phi, lam, q)
        order = [int(q) for q in rng.permutation(n)]
        for a, b in zip(order[::2], order[1::2], strict=False):
            circuit.cx(a, b)
    return circuit


FAMILIES: dict[str, Callable[[int], Circuit]] = {
    "bv": bv,
    "ghz": ghz,
    "qaoa": qaoa,
    "qft": qft,
    "random": random,
}
"""Family name -> the function building its circuit on n qubits."""


class FamiliesDataset(Dataset):
    """Circuits ``<family>_n<qubits>`` (``qft_n8``) of the chosen families and sizes.

    Args:
        families: which of ``FAMILIES`` (default all).
        sizes: qubit counts, each from 3 to ``MAX_QUBITS`` (default ``SIZES``).

    Raises:
        DatasetError: an unknown family or a size out of range.
    """

    name = "families"

    def __init__(
        self, families: Iterable[str] | None = None, sizes: Iterable[int] | None = None
    ) -> None:
        chosen = sorted(FAMILIES) if families is None else sorted(set(families))
        unknown = [f for f in chosen if f not in FAMILIES]
        if unknown or not chosen:
            raise DatasetError(
                f"unknown circuit famil{'y' if len(unknown) == 1 else 'ies'} "
                f"{', '.join(map(repr, unknown)) or '(none chosen)'}; families: "
                f"{', '.join(FAMILIES)}"
            )
        widths = sorted(set(SIZES if sizes is None else sizes))
        bad: list[object] = [w for w in widths if isinstance(w, bool) or not isinstance(w, int)]
        bad += [w for w in widths if w not in bad and not 3 <= w <= MAX_QUBITS]
        if bad or not widths:
            raise DatasetError(
                f"sizes must be qubit counts from 3 to {MAX_QUBITS}, got {bad or '(none)'}"
            )
        self.families, self.sizes = tuple(chosen), tuple(widths)
        self.description = (
            f"generated {', '.join(chosen)} circuits on {', '.join(map(str, widths))} qubits"
        )
        self._names = sorted(f"{f}_n{n}" for f in chosen for n in widths)
        self._known = frozenset(self._names)

    @property
    def source(self) -> str:
        return "generated by qloom.datasets.families"

    def names(self) -> list[str]:
        return list(self._names)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._known

    def _load(self, name: str) -> Circuit:
        family, _, width = name.rpartition("_n")
        circuit = FAMILIES[family](int(width))
        circuit.name = name
        return circuit


def families(
    families: Iterable[str] | None = None, sizes: Iterable[int] | None = None
) -> FamiliesDataset:
    """The ``families`` dataset (entry point ``qloom.datasets:families``); see
    ``FamiliesDataset``."""
    return FamiliesDataset(families, sizes)
