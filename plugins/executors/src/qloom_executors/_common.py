"""What both executors share: worker counts, resource checks, first-wins future settling."""

from __future__ import annotations

import math
import os
from concurrent.futures import Future, InvalidStateError
from typing import Any

from qloom.errors import ConfigError
from qloom.executor import TaskOptions, cpu_workers

SHUTDOWN_REASON = "executor shut down"
"""The reason given to tasks cancelled by ``shutdown``."""


def worker_count(workers: int | None, kind: str) -> int:
    """``workers``, checked; ``None`` and ``-1`` mean one per CPU (``cpu_workers``)."""
    return cpu_workers(workers, kind)


def total_memory() -> int | None:
    """Bytes of physical memory on this machine, or ``None`` where it cannot be asked."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def slots_needed(options: TaskOptions, size: int) -> int:
    """How many of ``size`` worker slots a task holds while it runs: ``ceil(cpu)``, at least 1.

    Raises:
        ConfigError: the task asks for more CPUs than there are slots, or more memory than
            the machine has: it could never run.
    """
    cpu = options.resources.get("cpu", 1)
    needed = max(1, math.ceil(cpu))
    if needed > size:
        raise ConfigError(
            f"task {options.key} needs cpu={cpu:g} but this executor has only {size} "
            f"worker(s); ask for at most cpu={size} or start more workers"
        )
    mem = options.resources.get("mem")
    total = total_memory()
    if mem is not None and total is not None and mem > total:
        raise ConfigError(
            f"task {options.key} needs mem={mem:.0f} bytes but this machine has {total} bytes"
        )
    return needed


def start(future: Future[Any]) -> bool:
    """Mark ``future`` running; False when it was cancelled or settled before it could start."""
    try:
        return future.set_running_or_notify_cancel()
    except RuntimeError:  # already finished: the executor cancelled it
        return False


def settle_result(future: Future[Any], value: Any) -> bool:
    """Give ``future`` its result unless something settled it first; True if this call did."""
    try:
        future.set_result(value)
    except InvalidStateError:
        return False
    return True


def settle_error(future: Future[Any], error: BaseException) -> bool:
    """Fail ``future`` with ``error`` unless something settled it first; True if this call did."""
    try:
        future.set_exception(error)
    except InvalidStateError:
        return False
    return True
