"""How a ``Compiler`` follows its running tasks: as a plugin of the executor hooks.

The executors call ``qloom_task_started`` and ``qloom_task_stage_changed`` in this process
for every task, whatever engine runs it; the Compiler registers one ``TaskFollower`` on the
hook manager and records, for its own tasks, ``INITIALIZING`` (an attempt started: the
worker builds the backend and the pipeline) and ``RUNNING: <STAGE>`` in its store (then
``qloom_task_status_changed``). How a task ended is recorded from its future, which holds
the result.

An executor written for qloom 0.1 calls no task hooks; its tasks' statuses still reach
``qloom.worker.dispatch``. ``TaskFollower.raw_event`` takes that stream and records the
events of the tasks no hook has announced (``qloom_task_submitted`` marks the others).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from qloom.hookspecs import hookimpl
from qloom.task_events import RUNNING, STAGE_PREFIX

INITIALIZING = "INITIALIZING"
"""What a started task is until its first stage (``qloom.compiler.work`` emits it too)."""

if TYPE_CHECKING:
    from qloom.executor import TaskInfo

__all__ = ["TaskFollower"]


class TaskFollower:
    """Hook implementations that pass the running statuses of some tasks to ``record``.

    Args:
        mine: whether a task id is one to follow (the Compiler's, not yet ended).
        record: ``record(task_id, status)`` stores the status and announces it.
    """

    def __init__(self, mine: Callable[[str], bool], record: Callable[[str, str], None]) -> None:
        self._mine = mine
        self._record = record
        self._hooked: set[str] = set()  # tasks whose executor calls the task hooks
        self._last: dict[str, str] = {}  # the status last recorded for each task
        self._lock = threading.Lock()

    def forget(self, task_id: str) -> None:
        """The task ended: nothing more is recorded for it."""
        with self._lock:
            self._hooked.discard(task_id)
            self._last.pop(task_id, None)

    def raw_event(self, task_id: str, status: str, detail: str | None) -> None:
        """A ``qloom.worker`` status event: ``INITIALIZING`` (which no hook carries) is
        recorded for every task; ``RUNNING[: STAGE]`` only for a task no hook announced."""
        with self._lock:
            hooked = task_id in self._hooked
        if not self._mine(task_id):
            return
        if status == INITIALIZING or (not hooked and status == RUNNING):
            self._note(task_id, INITIALIZING)
        elif not hooked and status.startswith(RUNNING):
            self._note(task_id, status)

    def _note(self, task_id: str, status: str) -> None:
        """Record ``status`` unless it is the one last recorded (a start is reported both
        by the executor and by the worker's ``INITIALIZING``)."""
        with self._lock:
            if self._last.get(task_id) == status:
                return
            self._last[task_id] = status
        self._record(task_id, status)

    @hookimpl
    def qloom_task_submitted(self, task: TaskInfo) -> None:
        """The executor announces this task through the hooks: follow it by them alone."""
        if self._mine(task.task_id):
            with self._lock:
                self._hooked.add(task.task_id)

    @hookimpl
    def qloom_task_started(self, task_id: str) -> None:
        """An attempt of the task started: it is ``INITIALIZING`` until its first stage."""
        if self._mine(task_id):
            self._note(task_id, INITIALIZING)

    @hookimpl
    def qloom_task_stage_changed(self, task_id: str, stage: str) -> None:
        """The task entered a stage: it is ``RUNNING: <STAGE>``."""
        if self._mine(task_id):
            self._note(task_id, f"{STAGE_PREFIX}{stage}")
