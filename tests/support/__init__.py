"""Helpers shared by qloom's tests."""

from __future__ import annotations

import importlib.metadata as md
import os

import pytest


def require_distribution(name: str) -> None:
    """Skip unless ``name`` is installed; under ``QLOOM_TEST_ALL=1`` (tox env all) fail instead."""
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        if os.environ.get("QLOOM_TEST_ALL") == "1":
            pytest.fail(f"{name} must be installed in this environment")
        pytest.skip(f"{name} is not installed")
