"""Fixtures of the placers' tests: synthetic calibrations and the shared benchmark data."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qloom import Backend, Calibration, Circuit, PassContext, qasm2
from qloom.pipeline import make_pass


def _calibrated(backend: Backend, seed: int = 0) -> Backend:
    """``backend`` with random but plausible error rates (fixed by ``seed``)."""
    rng = np.random.default_rng(seed)
    n = backend.num_qubits or 0
    edges = list(backend.connectivity.edges) if backend.connectivity is not None else []
    calibration = Calibration(
        {q: float(rng.uniform(1e-4, 2e-3)) for q in range(n)},
        {q: float(rng.uniform(5e-3, 5e-2)) for q in range(n)},
        {(a, b): float(rng.uniform(5e-3, 5e-2)) for a, b in edges},
    )
    return Backend(f"{backend.name}+cal", n, backend.connectivity, calibration=calibration)


@pytest.fixture
def calibrated() -> Callable[..., Backend]:
    """Add a random calibration to a backend: ``calibrated(backend, seed=0)``."""
    return _calibrated


@pytest.fixture
def place() -> Callable[..., tuple[Circuit, PassContext]]:
    """Run one placer by entry-point name: ``place(name, circuit, backend, seed=0, **options)``
    returns the output circuit and the context (``layout``, ``placement``)."""

    def run(
        name: str, circuit: Circuit, backend: Backend, seed: int = 0, **options: Any
    ) -> tuple[Circuit, PassContext]:
        context = PassContext(backend=backend, seed=seed)
        return make_pass("placers", name, options)(circuit, context), context

    return run


@pytest.fixture
def topology(shared_benchmarks: Path) -> Callable[[str], Backend]:
    """A device of ``../shared/benchmarks/topologies`` by file stem (``hh127``)."""

    def load(name: str) -> Backend:
        spec = json.loads((shared_benchmarks / "topologies" / f"{name}.json").read_text())
        return Backend(name, spec["n"], [tuple(edge) for edge in spec["edges"]])

    return load


@pytest.fixture
def benchmark_circuit(shared_benchmarks: Path) -> Callable[[str], Circuit]:
    """A circuit of ``../shared/benchmarks/circuits`` by file stem (``ghz_n100``)."""
    return lambda name: qasm2.load(shared_benchmarks / "circuits" / f"{name}.qasm")


SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests asking for ``queko_case`` run once per QUEKO benchmark: ``(circuit, device)``.

    Without the shared data they run once with ``None``; they also ask for
    ``shared_benchmarks``, which skips.
    """
    if "queko_case" not in metafunc.fixturenames:
        return
    manifest = SHARED / "queko" / "manifest.csv"
    cases: list[tuple[str, str] | None] = [None]
    if manifest.is_file():
        with open(manifest, newline="") as handle:
            cases = [(row["name"], row["device"]) for row in csv.DictReader(handle)]
    ids = [case[0] if case else "absent" for case in cases]
    metafunc.parametrize("queko_case", cases, ids=ids)
