"""Shared helpers for the compiled-kernel tests."""

from __future__ import annotations

import pytest

from support import require_distribution


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-kernels")
    require_distribution("qloom-routers")
