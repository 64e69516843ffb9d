"""How a ``Compiler`` follows its running tasks: as a plugin of the executor hooks.

The executors call ``qloom_task_started`` and ``qloom_task_stage_changed`` in this process
for every task, whatever engine runs it; the Compiler registers one ``TaskFollower`` on the
hook manager and records, for its own tasks, ``RUNNING`` and ``RUNNING: <STAGE>`` in its
store (then ``qloom_task_status_changed``). How a task ended is recorded from its future,
which holds the result.
"""

from __future__ import annotations

from collections.abc import Callable

from qloom.hookspecs import hookimpl
from qloom.task_events import RUNNING, STAGE_PREFIX

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

    @hookimpl
    def qloom_task_started(self, task_id: str) -> None:
        """An attempt of the task started: it is ``RUNNING``."""
        if self._mine(task_id):
            self._record(task_id, RUNNING)

    @hookimpl
    def qloom_task_stage_changed(self, task_id: str, stage: str) -> None:
        """The task entered a stage: it is ``RUNNING: <STAGE>``."""
        if self._mine(task_id):
            self._record(task_id, f"{STAGE_PREFIX}{stage}")
