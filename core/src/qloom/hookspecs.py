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
    from qloom.tasks import TaskInfo

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


# --- executor hooks -----------------------------------------------------------------------
# Called in the process that submitted the task (the client), whatever executor ran it:
# events from worker processes or Dask workers travel back and are replayed here, so one
# plugin sees every task of this process. ``task_id`` is the executor's task key (for a
# Compiler task, the Compiler's task id). Implementations must be quick: they run on the
# executor's own threads (its dispatcher, Dask's event loop). One that raises is logged and
# does not stop the task; only ``qloom_task_vet``'s errors reach the caller of ``submit``.


@hookspec(firstresult=True)
def qloom_task_vet(task: TaskInfo) -> str | None:
    """Admit or refuse a task before it is submitted: return a reason to refuse it.

    The first non-``None`` answer wins: ``submit`` then raises ``TaskRefused`` with that
    reason and the task never runs (e.g. a site policy refusing circuits over a size).

    Args:
        task: the task's ``TaskInfo``: its id, the executor's name, the function's
            qualified name and its ``TaskOptions`` (``task.labels``: ``num_qubits``,
            ``num_ops``, ``pipeline``, ``backend`` for a Compiler task).

    .. versionadded:: 0.2
    """


@hookspec
def qloom_task_submitted(task: TaskInfo) -> None:
    """Called when a task was accepted by an executor and queued, before it can start.

    Args:
        task: the task's ``TaskInfo`` (as for ``qloom_task_vet``).

    .. versionadded:: 0.2
    """


@hookspec
def qloom_task_started(task_id: str, worker_id: str | None, attempt: int) -> None:
    """Called when an attempt of a task starts running on a worker.

    Args:
        task_id: the task.
        worker_id: the executor's name for the worker: the thread's name (``serial``,
            ``threads``), ``pid <n>`` (``processes``), the worker's address (``dask``).
        attempt: counts from 1; each retry (after an exception or a worker death) adds 1.

    .. versionadded:: 0.2
    """


@hookspec
def qloom_task_stage_changed(task_id: str, stage: str) -> None:
    """Called when a running task enters a pipeline stage (before each of its passes).

    Args:
        task_id: the task.
        stage: ``PADDING``, ``PLACEMENT``, ``ROUTING``, ``UNROLLING``, ``OPTIMIZATION``,
            ``PIPELINE`` (or what the task itself emitted).

    .. versionadded:: 0.2
    """


@hookspec
def qloom_task_finished(task_id: str, wall_time: float) -> None:
    """Called when a task returned its result.

    Args:
        task_id: the task.
        wall_time: seconds since its first attempt started, as seen by the client.

    .. versionadded:: 0.2
    """


@hookspec
def qloom_task_failed(task_id: str, error: BaseException) -> None:
    """Called when a task failed for good: it raised, ran out of time or lost its workers.

    Args:
        task_id: the task.
        error: what its future raises (the task's own exception, ``TaskTimeout``,
            ``WorkerDied``, ...).

    .. versionadded:: 0.2
    """


@hookspec
def qloom_task_retried(task_id: str, attempt: int, reason: str) -> None:
    """Called when a task is run again (it raised with retries left, or its worker died).

    Args:
        task_id: the task.
        attempt: the attempt about to run (2 for the first retry).
        reason: why the last attempt ended (``ValueError: ...``, ``its worker pid 12 died``).

    .. versionadded:: 0.2
    """


@hookspec
def qloom_task_cancelled(task_id: str, reason: str) -> None:
    """Called when a task was cancelled, queued or running (or by ``shutdown``).

    Args:
        task_id: the task.
        reason: the reason given to ``cancel``.

    .. versionadded:: 0.2
    """


@hookspec
def qloom_worker_started(executor: str, worker_id: str) -> None:
    """Called when a worker of an executor is up and can take tasks.

    ``processes`` and ``dask`` call it (spares included); threads never come and go.

    Args:
        executor: the executor's name (``processes``, ``dask``).
        worker_id: ``pid <n>`` (``processes``) or the worker's address (``dask``).

    .. versionadded:: 0.2
    """


@hookspec
def qloom_worker_lost(executor: str, worker_id: str, reason: str) -> None:
    """Called when a worker died, was killed (to stop a task) or left; its task is retried
    or failed.

    Args:
        executor: the executor's name.
        worker_id: the worker, as ``qloom_worker_started`` named it.
        reason: how it was lost (``it died (exit code -9)``, ``killed to stop task ...``).

    .. versionadded:: 0.2
    """


@hookspec
def qloom_worker_replaced(executor: str, old_worker_id: str, new_worker_id: str) -> None:
    """Called when a lost worker's place was taken by another one.

    Args:
        executor: the executor's name.
        old_worker_id: the lost worker.
        new_worker_id: the worker in its place (``processes``: a warm spare, when there
            is one; ``dask``: the worker its nanny started).

    .. versionadded:: 0.2
    """


@hookspec
def qloom_add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add sub-commands to the ``qloom`` CLI.

    Add parsers with ``subparsers.add_parser(...)`` and set ``func`` with
    ``parser.set_defaults(func=callable)``; the callable receives the parsed namespace and
    returns an exit code.

    .. versionadded:: 0.1
    """
