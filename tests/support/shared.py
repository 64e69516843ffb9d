"""The shared benchmark data beside the project (``../shared/benchmarks``), for parametrizing."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"


def benchmark_qasm_files() -> list[object]:
    """Every ``circuits/`` and ``qasmbench-raw/`` file as a pytest param; one skipped
    param when the shared data is absent."""
    if not SHARED.is_dir():
        reason = f"shared benchmark data not found at {SHARED}"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-shared-data")]
    files = sorted((SHARED / "circuits").glob("*.qasm")) + sorted(
        (SHARED / "qasmbench-raw").glob("*.qasm")
    )
    return [pytest.param(f, id=f"{f.parent.name}/{f.name}") for f in files]
