"""What a tuning run accepts: metrics, strategies and bounds, with nothing heavy imported, so
the ``qloom`` command can describe ``qloom tune``'s options without loading the search."""

from __future__ import annotations

__all__ = ["MAX_BEAM_WIDTH", "MAX_CIRCUITS", "MAX_DEPTH", "METRICS", "STRATEGIES"]

METRICS: dict[str, str] = {
    "2q": "two-qubit gates (alias n2q)",
    "depth": "circuit depth",
    "depth2q": "two-qubit depth",
    "error": "estimated error, 1 - estimated success probability (needs a calibrated backend)",
}
"""What a tuning run minimises, summed over the training circuits."""

STRATEGIES: dict[str, str] = {
    "greedy": "extend the best pipeline by the best candidate while one beats it",
    "beam": "keep the K best partial pipelines of each depth and extend them all",
}
"""The search strategies ``qloom tune`` offers."""

MAX_DEPTH = 16
"""Most steps a search may add."""
MAX_BEAM_WIDTH = 16
"""Widest beam."""
MAX_CIRCUITS = 10_000
"""Most circuits one run takes."""
