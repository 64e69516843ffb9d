"""Following one transpilation through the pass hooks, as reports and progress displays do.

A watcher registered on the hook manager hears every pass of every transpilation in the
process. ``watching`` registers it for a ``with`` block and marks it active in the context
(thread or asyncio task) that opened the block; ``TranspilationWatcher.mine`` then admits
only that context's events and, within it, those of the first ``PassContext`` seen, so
another thread transpiling at the same time, or a transpilation nested in a pass, is ignored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from qloom.plugins import get_registry

if TYPE_CHECKING:
    import pluggy

    from qloom.passes import PassContext

__all__ = ["TranspilationWatcher", "watching"]

_active: ContextVar[tuple[TranspilationWatcher, ...]] = ContextVar(
    "qloom_watchers", default=()
)
_registration = threading.Lock()


class TranspilationWatcher:
    """Base of pass-hook plugins that follow one transpilation (see the module docstring)."""

    _context: PassContext | None = None

    def mine(self, context: PassContext) -> bool:
        """Whether an event with ``context`` belongs to the transpilation this one follows."""
        if self not in _active.get():
            return False
        if self._context is None:
            self._context = context
        return context is self._context


@contextmanager
def watching(
    watcher: TranspilationWatcher,
    manager: pluggy.PluginManager | None = None,
    *,
    register: bool = True,
) -> Iterator[None]:
    """Make ``watcher`` follow the transpilation run in this context inside the block.

    Args:
        watcher: the hook plugin.
        manager: the hook manager to register it on; default the current registry's.
        register: False marks it active without registering it (a display switched off).
    """
    token = _active.set((*_active.get(), watcher))
    try:
        if not register:
            yield
            return
        hook_manager = manager or get_registry().hook_manager()
        with _registration:
            hook_manager.register(watcher, name=f"qloom:watch:{id(watcher)}")
        try:
            yield
        finally:
            with _registration:
                hook_manager.unregister(watcher)
    finally:
        _active.reset(token)
