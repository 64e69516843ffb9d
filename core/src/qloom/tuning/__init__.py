"""Tuning: search a pipeline for a family of circuits on a device (``qloom tune``).

``qloom.tune`` (``qloom.tuning.tuner``) runs the search; ``qloom.tuning.space`` says what is
searched, ``qloom.tuning.search`` how, ``qloom.tuning.saving`` where the result is written.
The names below load on first use, so the ``qloom`` command can describe ``qloom tune``
(``qloom.tuning.cli``, ``qloom.tuning.choices``) without loading the search.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from qloom.tuning.budget import parse_budget
from qloom.tuning.choices import METRICS, STRATEGIES

if TYPE_CHECKING:
    from qloom.tuning.result import HeldOut, TuneResult
    from qloom.tuning.saving import save_pipeline
    from qloom.tuning.search import Tried
    from qloom.tuning.space import SearchSpace
    from qloom.tuning.tuner import split, tune

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

_HOMES = {
    "HeldOut": "qloom.tuning.result",
    "TuneResult": "qloom.tuning.result",
    "save_pipeline": "qloom.tuning.saving",
    "Tried": "qloom.tuning.search",
    "SearchSpace": "qloom.tuning.space",
    "split": "qloom.tuning.tuner",
    "tune": "qloom.tuning.tuner",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'qloom.tuning' has no attribute '{name}'")
