"""Test helpers for plugin authors: equivalence, backend, pass and dataset conformance,
strategies.

Shipped with the core so plugins can test against it without extra packages; checking uses
a small dense simulator of its own (never a simulator plugin). ``strategies`` needs
hypothesis, which is imported only when a strategy is built.
"""

from qloom.testing.conformance import (
    Check,
    Report,
    assert_backend_accepts,
    check_backend,
    check_pass,
)
from qloom.testing.datasets import check_dataset
from qloom.testing.equivalence import assert_equivalent
from qloom.testing.strategies import circuits, coupling_maps

__all__ = [
    "Check",
    "Report",
    "assert_backend_accepts",
    "assert_equivalent",
    "check_backend",
    "check_dataset",
    "check_pass",
    "circuits",
    "coupling_maps",
]
