"""``get_dataset``: a dataset by plugin name or by folder path.

A name (``families``, snake_case) is a ``qloom.datasets`` entry point, found through the
plugin registry like every other named part: third-party datasets appear without any
change, a broken one is reported with its distribution, and an unknown name lists what is
installed. Anything that looks like a path (it has a separator, starts with ``.`` or ``~``,
or names an existing folder) is a ``FolderDataset``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qloom.datasets.base import Dataset
from qloom.datasets.folder import FolderDataset
from qloom.plugins import Registry, get_registry

__all__ = ["get_dataset", "is_path"]


def is_path(spec: str | os.PathLike[str]) -> bool:
    """Whether ``spec`` names a folder rather than a dataset plugin."""
    if isinstance(spec, os.PathLike):
        return True
    return "/" in spec or os.sep in spec or spec.startswith((".", "~")) or Path(spec).is_dir()


def get_dataset(
    spec: str | os.PathLike[str] | Dataset,
    *,
    registry: Registry | None = None,
    **options: Any,
) -> Dataset:
    """The dataset ``spec`` names.

    Args:
        spec: a dataset plugin's name (``"families"``), a folder (``"../shared/benchmarks"``,
            a ``Path``), or a ``Dataset`` (returned as it is; ``options`` must then be empty).
        registry: where plugins are looked up (default: the installed ones).
        **options: the plugin's options (``families=["qft"]``), or ``FolderDataset``'s
            (``pattern="circuits/*.qasm"``).

    Raises:
        DatasetError: the folder is not a folder (or a bad pattern).
        UnknownPluginError: no dataset plugin has that name (with what is installed).
        BrokenPluginError: the plugin failed to import or to build.
        OptionError: an option the plugin does not have.
    """
    if isinstance(spec, Dataset):
        if options:
            raise TypeError("options are for building a dataset, not for one already built")
        return spec
    if is_path(spec):
        return FolderDataset(Path(os.path.expanduser(os.fspath(spec))), **options)
    registry = get_registry() if registry is None else registry
    dataset: Dataset = registry.build("datasets", str(spec), Dataset, **options)
    return dataset
