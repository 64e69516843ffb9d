"""A plugin of the executor hooks that records every call, for the task-hook tests.

Register it on the current registry's hook manager with ``recording()``; it is always
unregistered at the end. ``wait_for`` blocks (bounded) until an event arrives: no sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from qloom import hookimpl
from qloom.executor import TaskInfo
from qloom.plugins import get_registry

Event = tuple[str, dict[str, Any]]


class TaskHookRecorder:
    """Records ``(hook name without qloom_, keyword arguments)`` in arrival order."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._cond = threading.Condition()

    def _add(self, name: str, **kwargs: Any) -> None:
        with self._cond:
            self.events.append((name, kwargs))
            self._cond.notify_all()

    def of(self, task_id: str) -> list[Event]:
        """The events of one task (``task_submitted`` matched by its ``TaskInfo``)."""
        with self._cond:
            events = list(self.events)
        return [e for e in events if _task_of(e) == task_id]

    def names(self, task_id: str) -> list[str]:
        return [name for name, _ in self.of(task_id)]

    def workers(self) -> list[Event]:
        with self._cond:
            return [e for e in self.events if e[0].startswith("worker_")]

    def wait_for(self, found: Callable[[list[Event]], bool], limit: float = 30.0) -> None:
        """Wait until ``found(events)`` holds; AssertionError after ``limit`` seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: found(list(self.events)), limit):
                raise AssertionError(f"not seen within {limit} s; events: {self.events}")

    @hookimpl
    def qloom_task_submitted(self, task: TaskInfo) -> None:
        self._add("task_submitted", task=task)

    @hookimpl
    def qloom_task_started(self, task_id: str, worker_id: str | None, attempt: int) -> None:
        self._add("task_started", task_id=task_id, worker_id=worker_id, attempt=attempt)

    @hookimpl
    def qloom_task_stage_changed(self, task_id: str, stage: str) -> None:
        self._add("task_stage_changed", task_id=task_id, stage=stage)

    @hookimpl
    def qloom_task_finished(self, task_id: str, wall_time: float) -> None:
        self._add("task_finished", task_id=task_id, wall_time=wall_time)

    @hookimpl
    def qloom_task_failed(self, task_id: str, error: BaseException) -> None:
        self._add("task_failed", task_id=task_id, error=error)

    @hookimpl
    def qloom_task_retried(self, task_id: str, attempt: int, reason: str) -> None:
        self._add("task_retried", task_id=task_id, attempt=attempt, reason=reason)

    @hookimpl
    def qloom_task_cancelled(self, task_id: str, reason: str) -> None:
        self._add("task_cancelled", task_id=task_id, reason=reason)

    @hookimpl
    def qloom_worker_started(self, executor: str, worker_id: str) -> None:
        self._add("worker_started", executor=executor, worker_id=worker_id)

    @hookimpl
    def qloom_worker_lost(self, executor: str, worker_id: str, reason: str) -> None:
        self._add("worker_lost", executor=executor, worker_id=worker_id, reason=reason)

    @hookimpl
    def qloom_worker_replaced(self, executor: str, old_worker_id: str, new_worker_id: str) -> None:
        self._add("worker_replaced", executor=executor, old=old_worker_id, new=new_worker_id)


class RefuseOver:
    """A site policy: refuse tasks labelled with more than ``limit`` qubits."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.asked: list[TaskInfo] = []

    @hookimpl
    def qloom_task_vet(self, task: TaskInfo) -> str | None:
        self.asked.append(task)
        qubits = task.labels.get("num_qubits", 0)
        if qubits > self.limit:
            return f"{qubits} qubits is over this site's limit of {self.limit}"
        return None


def _task_of(event: Event) -> str | None:
    name, kwargs = event
    if name == "task_submitted":
        return str(kwargs["task"].task_id)
    return kwargs.get("task_id")


@contextmanager
def registered(plugin: object) -> Iterator[None]:
    """``plugin`` registered on the current registry's hook manager, then unregistered."""
    manager = get_registry().hook_manager()
    manager.register(plugin)
    try:
        yield
    finally:
        manager.unregister(plugin)


@contextmanager
def recording() -> Iterator[TaskHookRecorder]:
    """A ``TaskHookRecorder`` registered for the body."""
    recorder = TaskHookRecorder()
    with registered(recorder):
        yield recorder


def assert_rerun_after_its_worker_died(seen: TaskHookRecorder, key: str, victim: str) -> str:
    """Task ``key`` was started on ``victim``, retried when it died, then finished on
    another worker; returns that worker's id."""
    assert seen.names(key) == [
        "task_submitted",
        "task_started",
        "task_retried",
        "task_started",
        "task_finished",
    ]
    events = seen.of(key)
    assert events[2][1] == {"task_id": key, "attempt": 2, "reason": f"its worker {victim} died"}
    assert events[3][1]["attempt"] == 2 and events[3][1]["worker_id"] != victim
    return str(events[3][1]["worker_id"])

