"""A worker process's tie to its parent: heartbeats out, and exit when the parent is gone.

Used by the ``processes`` executor's workers and by isolated sessions' workers.

A worker that stops answering (stopped, deadlocked in C, swapped out) is found by the
parent through missing heartbeats. A parent that dies, even by SIGKILL, must not leave
workers running a hung pass forever: on Linux the kernel kills the worker at once
(``PR_SET_PDEATHSIG``); elsewhere, and as a second line, the heartbeat thread notices that
the parent pid changed or that the pipe to it broke, and exits.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from collections.abc import Callable

__all__ = ["ORPHANED", "die_with_parent", "start_heartbeat"]

ORPHANED = 70
"""Exit code of a worker whose parent went away."""

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux only).

    Exits at once if the parent is already gone (it may die before this call).
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no usable libc: the heartbeat thread still watches
            pass
    if os.getppid() != parent_pid:
        os._exit(ORPHANED)


def start_heartbeat(
    parent_pid: int, interval: float, beat: Callable[[], None]
) -> threading.Thread:
    """Call ``beat()`` every ``interval`` seconds from a daemon thread; exit the process
    when the parent pid changes or ``beat`` fails (the pipe to the parent is broken)."""

    def run() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            if os.getppid() != parent_pid:
                os._exit(ORPHANED)
            try:
                beat()
            except (OSError, EOFError, ValueError):  # the parent's end is closed
                os._exit(ORPHANED)

    thread = threading.Thread(target=run, name="qloom-heartbeat", daemon=True)
    thread.start()
    return thread
