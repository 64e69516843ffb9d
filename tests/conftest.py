"""Shared fixtures: every test starts from clean global defaults and the installed registry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qloom import config
from qloom.plugins import Registry, use_registry

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"


@pytest.fixture(autouse=True)
def clean_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No global default, env var or config file leaks between tests."""
    for var in ("QLOOM_BACKEND", "QLOOM_CONFIG", "QLOOM_DISABLE_PLUGINS", "QLOOM_PREFER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    config.reset_defaults()
    with use_registry(Registry()):
        yield
    config.reset_defaults()


@pytest.fixture
def shared_benchmarks() -> Path:
    """The shared benchmark data beside the project; skip cleanly when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared benchmark data not found at {SHARED}")
    return SHARED
