"""Tuning: search a pipeline for a family of circuits on a device (``qloom tune``).

``qloom.tune`` (``qloom.tuning.tune``) runs the search; ``qloom.tuning.space`` says what is
searched, ``qloom.tuning.search`` how, ``qloom.tuning.saving`` where the result is written.
"""

from qloom.tuning.budget import parse_budget
from qloom.tuning.result import HeldOut, TuneResult
from qloom.tuning.saving import save_pipeline
from qloom.tuning.search import STRATEGIES, Tried
from qloom.tuning.space import METRICS, SearchSpace
from qloom.tuning.tune import split, tune

__all__ = [
    "METRICS",
    "STRATEGIES",
    "HeldOut",
    "SearchSpace",
    "Tried",
    "TuneResult",
    "parse_budget",
    "save_pipeline",
    "split",
    "tune",
]
