"""Starting the worker processes of isolated sessions: from one long-lived thread, with a
spare started ahead.

- **One starting thread.** A worker asks the kernel to kill it when its parent dies
  (``PR_SET_PDEATHSIG``, ``qloom.lifeline``), and Linux counts as that parent the *thread*
  that started it, not the process. A session opened in a short-lived thread (a web
  server's pool thread, any ``threading.Thread``) would lose its worker the moment that
  thread ended. Every worker is therefore started by the one thread of this module, which
  lives as long as the process.
- **A spare.** A worker is a fresh interpreter that imports qloom, numpy and networkx
  before it answers: 0.4 to 0.8 s. Each time a worker is taken, one more is started with the
  same settings and left importing, so the next session opens at once. A spare is used
  only under the settings it was started with (the limits, the environment variables,
  ``sys.path``, the working directory); under any other it is stopped and a fresh worker
  started. A spare nobody takes within ``SPARE_IDLE`` seconds is stopped, so a process
  that has stopped opening sessions keeps no idle interpreter for long;
  ``keep_spare(False)`` stops it and starts no other.

Nothing crosses to the worker but its command line and one end of a socket pair.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection

from qloom.errors import ConfigError

__all__ = ["SPARE_IDLE", "Started", "keep_spare", "spare_pid", "start_worker"]

SPARE_IDLE = 60.0
"""Seconds a spare worker waits to be taken before it is stopped."""


@dataclass(frozen=True)
class _Settings:
    """Everything a worker is started with; a spare serves only the same settings."""

    max_message_bytes: int
    memory_limit: int | None
    executable: str
    path: tuple[str, ...]
    cwd: str
    environment: tuple[tuple[str, str], ...]

    @classmethod
    def now(cls, max_message_bytes: int, memory_limit: int | None) -> _Settings:
        return cls(
            max_message_bytes,
            memory_limit,
            sys.executable,
            tuple(p for p in sys.path if isinstance(p, str) and p),
            os.getcwd(),
            tuple(sorted(os.environ.items())),
        )


@dataclass(frozen=True)
class Started:
    """A worker process just started (or taken as the spare) and this side of its pipe."""

    process: subprocess.Popen[bytes]
    conn: Connection
    spare: bool


@dataclass(frozen=True)
class _Spare:
    """A worker started ahead, the settings it serves, and the timer that stops it unused."""

    settings: _Settings
    started: Started
    expiry: threading.Timer


class _Spawner:
    """The starting thread, and the spare it keeps, for one process (a forked child makes
    its own: a thread pool does not survive ``fork``)."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qloom-session-starter")
        self.lock = threading.Lock()
        self.spare: _Spare | None = None
        self.keep = True
        self.idle = SPARE_IDLE

    def start(self, settings: _Settings) -> Started:
        spare = self._take()
        if spare is not None and (
            spare.settings != settings or spare.started.process.poll() is not None
        ):
            _stop(spare.started)  # started for other settings, or dead
            spare = None
        if spare is not None:
            taken = spare.started
        else:
            taken = self.pool.submit(_popen, settings, False).result()
        if self.keep:
            self.pool.submit(self._start_spare, settings)
        return taken

    def _take(self, only: Started | None = None) -> _Spare | None:
        """Remove the spare (if it is ``only``, when given) and cancel its expiry."""
        with self.lock:
            spare = self.spare
            if spare is None or (only is not None and spare.started is not only):
                return None
            self.spare = None
        spare.expiry.cancel()
        return spare

    def _start_spare(self, settings: _Settings) -> None:
        started = _popen(settings, True)
        expiry = threading.Timer(self.idle, self._expire, args=(started,))
        expiry.name, expiry.daemon = "qloom-spare-expiry", True
        old = self._take()
        with self.lock:
            kept = self.keep and self.spare is None
            if kept:
                self.spare = _Spare(settings, started, expiry)
        if old is not None:
            _stop(old.started)
        if kept:
            expiry.start()  # taken meanwhile: cancelled already, it ends at once
        else:
            _stop(started)

    def _expire(self, started: Started) -> None:
        """Stop the spare ``started`` if nobody took it meanwhile."""
        if self._take(only=started) is not None:
            _stop(started)

    def stop_spare(self) -> None:
        spare = self._take()
        if spare is not None:
            _stop(spare.started)


def _popen(settings: _Settings, spare: bool) -> Started:
    conn, child = Pipe(duplex=True)
    environment = dict(settings.environment)
    environment["PYTHONPATH"] = os.pathsep.join(settings.path)
    command = [
        settings.executable,
        "-m",
        "qloom.session.host",
        str(child.fileno()),
        str(os.getpid()),
        str(settings.max_message_bytes),
        str(settings.memory_limit or 0),
    ]
    try:
        process = subprocess.Popen(
            command,
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            env=environment,
            cwd=settings.cwd,
        )
    except BaseException:
        conn.close()
        raise
    finally:
        child.close()
    return Started(process, conn, spare)


def _stop(started: Started) -> None:
    """Stop a worker no session ever used (it holds nothing)."""
    with contextlib.suppress(OSError):
        started.conn.close()
    if started.process.poll() is None:
        started.process.kill()
    started.process.wait()


_SPAWNER: _Spawner | None = None
_SPAWNER_LOCK = threading.Lock()


def _spawner() -> _Spawner:
    global _SPAWNER
    with _SPAWNER_LOCK:
        if _SPAWNER is None or _SPAWNER.owner != os.getpid():
            _SPAWNER = _Spawner()
        return _SPAWNER


def start_worker(max_message_bytes: int, memory_limit: int | None) -> Started:
    """A started worker for these limits (the spare, if one was started under the same
    settings), its handshake not yet read; a spare for the next call is started behind it."""
    return _spawner().start(_Settings.now(max_message_bytes, memory_limit))


def keep_spare(keep: bool, idle: float | None = None) -> None:
    """Whether a spare worker is kept started (the default); ``False`` also stops the one
    there is (a process that opens one isolated session and wants no idle interpreter).

    Args:
        idle: seconds a spare started from now on waits to be taken before it is stopped
            (``SPARE_IDLE`` until changed).
    """
    spawner = _spawner()
    spawner.keep = keep
    if idle is not None:
        if not idle > 0:
            raise ConfigError(f"idle must be a positive number of seconds, got {idle!r}")
        spawner.idle = float(idle)
    if not keep:
        spawner.stop_spare()


def spare_pid() -> int | None:
    """The process id of the spare worker, if one is started."""
    spawner = _SPAWNER
    if spawner is None or spawner.owner != os.getpid():
        return None
    with spawner.lock:
        return None if spawner.spare is None else spawner.spare.started.process.pid


@atexit.register
def _stop_spare_at_exit() -> None:
    spawner = _SPAWNER
    if spawner is not None and spawner.owner == os.getpid():
        spawner.stop_spare()
