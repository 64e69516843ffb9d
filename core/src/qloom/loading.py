"""Importing the one entry point a registry chose, through stevedore.

``qloom.plugins`` lists parts from metadata itself (a listing must not import); to load a
part it hands stevedore's ``NamedExtensionManager`` the single entry point it chose (the
preferred distribution's, not a disabled one), so stevedore imports that and nothing else,
and reports a failure through its load-failure callback rather than a log line.
"""

from __future__ import annotations

import importlib.metadata as md
from typing import Any

from stevedore import NamedExtensionManager

__all__ = ["load_entry_point", "package_of"]


class _OneEntryPoint(NamedExtensionManager):  # type: ignore[type-arg]
    """A ``NamedExtensionManager`` over one given entry point instead of its namespace's
    installed ones (which stevedore would read from its own cache, without distributions)."""

    def __init__(self, entry_point: md.EntryPoint, failures: list[BaseException]) -> None:
        self._entry_point = entry_point
        super().__init__(
            entry_point.group,
            [entry_point.name],
            on_load_failure_callback=lambda _manager, _ep, error: failures.append(error),
            on_missing_entrypoints_callback=None,
        )

    def list_entry_points(self) -> list[md.EntryPoint]:
        return [self._entry_point]


def load_entry_point(entry_point: md.EntryPoint) -> Any:
    """The object ``entry_point`` names, imported by stevedore.

    Raises:
        BaseException: whatever importing it raised, with its traceback (stevedore hands
            an ``Exception`` to the callback; a ``SystemExit`` or an ``AssertionError``
            passes through it).
    """
    failures: list[BaseException] = []
    manager = _OneEntryPoint(entry_point, failures)
    if failures:
        raise failures[0]
    return manager[entry_point.name].plugin


def package_of(entry_point: md.EntryPoint) -> str:
    """The top-level package an entry point's object lives in (its own files)."""
    return entry_point.value.partition(":")[0].strip().split(".")[0]
