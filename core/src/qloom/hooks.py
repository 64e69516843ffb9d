"""A typed facade over the pluggy hooks, so callers never touch ``pm.hook`` directly.

This module sits below the pipeline and the plugin registry: it knows the hook specs, not
where the hook plugins come from. The registry layer hands its hook manager down with
``serve_hooks_from`` (``qloom.plugins`` does so for the process-wide registry), so a
pipeline calls the current registry's hook plugins without importing the registry.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

from qloom import hookspecs, worker

if TYPE_CHECKING:
    from qloom.backend import Backend
    from qloom.circuit import Circuit
    from qloom.passes import PassContext
    from qloom.pipeline import Pipeline
    from qloom.tasks import TaskInfo

__all__ = ["Hooks", "hooks", "new_manager", "serve_hooks_from"]


class Hooks:
    """Calls each hook of ``qloom.hookspecs`` with keyword arguments and typed results."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager

    def pass_started(
        self, pass_label: str, stage: str, circuit: Circuit, context: PassContext
    ) -> None:
        """See ``hookspecs.qloom_pass_started``."""
        self.manager.hook.qloom_pass_started(
            pass_label=pass_label, stage=stage, circuit=circuit, context=context
        )

    def pass_finished(
        self,
        pass_label: str,
        stage: str,
        circuit: Circuit,
        context: PassContext,
        wall_time: float,
        cpu_time: float,
    ) -> None:
        """See ``hookspecs.qloom_pass_finished``."""
        self.manager.hook.qloom_pass_finished(
            pass_label=pass_label,
            stage=stage,
            circuit=circuit,
            context=context,
            wall_time=wall_time,
            cpu_time=cpu_time,
        )

    def add_pipelines(self, register: Callable[[str, Pipeline | dict[str, Any]], None]) -> None:
        """See ``hookspecs.qloom_add_pipelines``."""
        self.manager.hook.qloom_add_pipelines(register=register)

    def default_pipeline(self, backend: Backend) -> str | None:
        """See ``hookspecs.qloom_default_pipeline``: the first plugin's answer, if any."""
        answer = self.manager.hook.qloom_default_pipeline(backend=backend)
        return None if answer is None else str(answer)

    def task_status_changed(self, task_id: str, status: str, detail: str | None = None) -> None:
        """See ``hookspecs.qloom_task_status_changed``."""
        self.manager.hook.qloom_task_status_changed(task_id=task_id, status=status, detail=detail)

    def task_vet(self, task: TaskInfo) -> str | None:
        """See ``hookspecs.qloom_task_vet``: the first refusal reason, or ``None`` to admit."""
        answer = self.manager.hook.qloom_task_vet(task=task)
        return None if answer is None else str(answer)

    def task_submitted(self, task: TaskInfo) -> None:
        """See ``hookspecs.qloom_task_submitted``."""
        self.manager.hook.qloom_task_submitted(task=task)

    def task_started(self, task_id: str, worker_id: str | None = None, attempt: int = 1) -> None:
        """See ``hookspecs.qloom_task_started``."""
        self.manager.hook.qloom_task_started(task_id=task_id, worker_id=worker_id, attempt=attempt)

    def task_stage_changed(self, task_id: str, stage: str) -> None:
        """See ``hookspecs.qloom_task_stage_changed``."""
        self.manager.hook.qloom_task_stage_changed(task_id=task_id, stage=stage)

    def task_finished(self, task_id: str, wall_time: float) -> None:
        """See ``hookspecs.qloom_task_finished``."""
        self.manager.hook.qloom_task_finished(task_id=task_id, wall_time=wall_time)

    def task_failed(self, task_id: str, error: BaseException) -> None:
        """See ``hookspecs.qloom_task_failed``."""
        self.manager.hook.qloom_task_failed(task_id=task_id, error=error)

    def task_retried(self, task_id: str, attempt: int, reason: str) -> None:
        """See ``hookspecs.qloom_task_retried``."""
        self.manager.hook.qloom_task_retried(task_id=task_id, attempt=attempt, reason=reason)

    def task_cancelled(self, task_id: str, reason: str) -> None:
        """See ``hookspecs.qloom_task_cancelled``."""
        self.manager.hook.qloom_task_cancelled(task_id=task_id, reason=reason)

    def worker_started(self, executor: str, worker_id: str) -> None:
        """See ``hookspecs.qloom_worker_started``."""
        self.manager.hook.qloom_worker_started(executor=executor, worker_id=worker_id)

    def worker_lost(self, executor: str, worker_id: str, reason: str) -> None:
        """See ``hookspecs.qloom_worker_lost``."""
        self.manager.hook.qloom_worker_lost(executor=executor, worker_id=worker_id, reason=reason)

    def worker_replaced(self, executor: str, old_worker_id: str, new_worker_id: str) -> None:
        """See ``hookspecs.qloom_worker_replaced``."""
        self.manager.hook.qloom_worker_replaced(
            executor=executor, old_worker_id=old_worker_id, new_worker_id=new_worker_id
        )

    def add_commands(self, subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
        """See ``hookspecs.qloom_add_commands``."""
        self.manager.hook.qloom_add_commands(subparsers=subparsers)


def new_manager() -> pluggy.PluginManager:
    """A hook manager with qloom's specs and the core's own hook implementations (task
    status and stop checks ride on the pass hooks, see ``qloom.worker``)."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(worker, name="qloom:worker")
    return manager


_source: Callable[[], pluggy.PluginManager] | None = None
_bare: pluggy.PluginManager | None = None


def serve_hooks_from(source: Callable[[], pluggy.PluginManager] | None) -> None:
    """Make ``source()`` the manager ``hooks()`` calls (the plugin registry's; ``None`` for
    a manager with the specs and no plugins)."""
    global _source
    _source = source


def hooks() -> Hooks:
    """The facade over the current hook manager (the process-wide registry's)."""
    if _source is not None:
        return Hooks(_source())
    global _bare
    if _bare is None:
        _bare = new_manager()
    return Hooks(_bare)
