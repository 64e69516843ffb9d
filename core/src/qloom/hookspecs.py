"""Hook specifications: the events plugins can react to.

Named parts (backends, routers, ...) come from entry points; hooks are for events that many
plugins may observe or extend. A plugin module exposes functions decorated with
``qloom.hookimpl`` and names the module in the ``qloom`` entry-point group. Hooks are always
called with keyword arguments; an implementation may accept any subset of them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from qloom.backend import Backend
    from qloom.circuit import Circuit
    from qloom.passes import PassContext
    from qloom.pipeline import Pipeline

__all__ = ["hookimpl", "hookspec"]

PROJECT = "qloom"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def qloom_pass_started(pass_label: str, stage: str, circuit: Circuit, context: PassContext) -> None:
    """Called just before a pass runs (progress bars, logs, task sub-status).

    Args:
        pass_label: the pass as ``kind:name``.
        stage: its stage label (``ROUTING``, ``PLACEMENT``, ...).
        circuit: the circuit it is about to transform (do not modify).
        context: the pass context (backend, layout so far, seed).

    .. versionadded:: 0.1
    """


@hookspec
def qloom_pass_finished(
    pass_label: str,
    stage: str,
    circuit: Circuit,
    context: PassContext,
    wall_time: float,
    cpu_time: float,
) -> None:
    """Called after a pass returned, with its output and timings (metrics, reports).

    Args:
        pass_label: the pass as ``kind:name``.
        stage: its stage label.
        circuit: the circuit the pass returned (do not modify).
        context: the pass context after the pass.
        wall_time: seconds of wall-clock time the pass took.
        cpu_time: seconds of CPU time of this process the pass took.

    .. versionadded:: 0.1
    """


@hookspec
def qloom_add_pipelines(register: Callable[[str, Pipeline | dict[str, Any]], None]) -> None:
    """Contribute named pipelines: call ``register(name, pipeline_or_spec)`` for each.

    Called once when pipelines are first listed. Entry points in ``qloom.pipelines`` are the
    static way; this hook suits pipelines built from other installed parts at run time.

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def qloom_default_pipeline(backend: Backend) -> str | None:
    """Name the default pipeline for ``backend``, overriding its own ``default_pipeline``.

    The first non-``None`` answer wins. ``qloom.set_transpiler(..., for_backend=...)`` takes
    precedence over this hook.

    .. versionadded:: 0.1
    """


@hookspec
def qloom_task_status_changed(task_id: str, status: str, detail: str | None) -> None:
    """Called when a compilation task changes status (``QUEUED``, ``RUNNING: ROUTING``, ...).

    Args:
        task_id: the task's identifier.
        status: the new status.
        detail: the error message for ``FAILED``/``CANCELLED``, else ``None``.

    .. versionadded:: 0.1
    """


@hookspec
def qloom_add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add sub-commands to the ``qloom`` CLI.

    Add parsers with ``subparsers.add_parser(...)`` and set ``func`` with
    ``parser.set_defaults(func=callable)``; the callable receives the parsed namespace and
    returns an exit code.

    .. versionadded:: 0.1
    """
