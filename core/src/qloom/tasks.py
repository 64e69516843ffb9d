"""What a task is, before any executor runs it: ``TaskOptions`` (how to run it), ``TaskInfo``
(what the executor hooks see of it) and task keys.

Below ``task_events`` and ``executor``, which both use them (``qloom.executor`` re-exports
them, their public home).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qloom.errors import ConfigError

__all__ = ["RESOURCE_NAMES", "TaskInfo", "TaskOptions", "new_key"]

RESOURCE_NAMES = ("cpu", "mem")


@dataclass(frozen=True)
class TaskOptions:
    """How one task is run; executors honour every field the engine allows.

    Attributes:
        key: unique name of the task (Dask merges tasks with equal keys); ``None`` makes one.
        timeout: seconds the task may run before it is stopped with ``TaskTimeout``.
        retries: re-runs after the task raised; 0 by default (a failing pass fails once).
        max_worker_deaths: re-runs after its worker died; it then fails with ``WorkerDied``.
        resources: ``{"cpu": n, "mem": bytes}`` the task needs while it runs.
        labels: what the task is about (``num_qubits``, ``num_ops``, ``pipeline``,
            ``backend``, ...), handed to the task hooks as ``TaskInfo.labels``.
    """

    key: str | None = None
    timeout: float | None = None
    retries: int = 0
    max_worker_deaths: int = 3
    resources: Mapping[str, float] = field(default_factory=dict)
    labels: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.timeout is not None and self.timeout <= 0:
            raise ConfigError(f"a task timeout must be positive, got {self.timeout}")
        if self.retries < 0 or self.max_worker_deaths < 0:
            raise ConfigError("retries and max_worker_deaths must not be negative")
        unknown = sorted(set(self.resources) - set(RESOURCE_NAMES))
        if unknown:
            raise ConfigError(f"unknown resource(s) {unknown}; known: {list(RESOURCE_NAMES)}")
        for name, amount in self.resources.items():
            if not amount > 0:
                raise ConfigError(f"resource {name} must be positive, got {amount}")

    def with_key(self) -> TaskOptions:
        """These options, with a fresh key if none was given."""
        if self.key is not None:
            return self
        return dataclasses.replace(self, key=new_key())


@dataclass(frozen=True)
class TaskInfo:
    """A task as the executor hooks see it (``qloom_task_vet``, ``qloom_task_submitted``).

    Attributes:
        task_id: the executor's key for the task.
        executor: the executor's registered name (``serial``, ``threads``, ``dask``, ...).
        function: the qualified name of the function the task runs.
        options: how it is run (timeout, retries, resources, labels).
    """

    task_id: str
    executor: str
    function: str
    options: TaskOptions

    @property
    def labels(self) -> Mapping[str, Any]:
        """What the task is about, as its submitter labelled it (may be empty)."""
        return self.options.labels


def new_key(prefix: str = "task") -> str:
    """A fresh, unique task key."""
    return f"{prefix}-{uuid.uuid4().hex}"
