"""Benchmark-circuit datasets, and a byte-bounded cache of parsed circuits.

``get_dataset("families")`` (a ``qloom.datasets`` plugin) or
``get_dataset("../shared/benchmarks")`` (a folder of ``.qasm`` files) gives a ``Dataset``:
``names()``, ``load(name)``, ``len``, iteration over names. ``CachedDataset`` keeps parsed
circuits in a ``CircuitCache`` with least-recently-used eviction past a byte capacity.

Modules: ``base`` (``Dataset``), ``folder`` (``FolderDataset``), ``families`` (the
generated dataset the core ships), ``cache`` (``CircuitCache``) and ``resolve``
(``get_dataset``, through the plugin registry).
"""

from qloom.datasets.base import CircuitList, Dataset, DatasetError, DatasetInfo, Subset
from qloom.datasets.cache import (
    CachedDataset,
    CacheStats,
    CircuitCache,
    circuit_size_bytes,
    measured_size_bytes,
)
from qloom.datasets.families import FamiliesDataset, families
from qloom.datasets.folder import FolderDataset
from qloom.datasets.resolve import get_dataset

__all__ = [
    "CacheStats",
    "CachedDataset",
    "CircuitCache",
    "CircuitList",
    "Dataset",
    "DatasetError",
    "DatasetInfo",
    "FamiliesDataset",
    "FolderDataset",
    "Subset",
    "circuit_size_bytes",
    "families",
    "get_dataset",
    "measured_size_bytes",
]
