"""The server's own tables, kept in the same SQLite file as the core task store.

One file holds the core ``tasks`` table (written by ``qloom.Compiler``) and the server's
``server_*`` tables: who owns which task, every attempt of a task, task logs and users.
Keeping them together lets one SQL join answer "my tasks that are still queued", makes a
backup or a move one file, and makes a restart re-attach everything at once. The core
store only requires its own ``tasks`` table, so a local ``Compiler(store=...)`` still opens
the file; the server never changes a core column.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qloom.compiler import TaskStore

__all__ = ["Database"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS server_users (
    name TEXT PRIMARY KEY,
    digest TEXT UNIQUE NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS server_tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    user TEXT NOT NULL,
    current TEXT NOT NULL,
    batch TEXT,
    options TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    requeue INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS server_tasks_by_user ON server_tasks (user, seq);
CREATE INDEX IF NOT EXISTS server_tasks_by_current ON server_tasks (current);
CREATE TABLE IF NOT EXISTS server_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    task TEXT NOT NULL,
    time REAL NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS server_logs_by_task ON server_logs (task, seq);
"""


class Database:
    """A thread-safe connection to the server's SQLite file (created if missing).

    The core store is prepared first (``TaskStore`` checks or creates its table and
    format), then the server's tables are added beside it. A new file is made readable by
    its owner only (SQLite gives its journal files the same mode).

    Raises:
        qloom.errors.StoreError: the file is not a qloom store, or cannot be opened.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(Path(path).expanduser())
        new = not Path(self.path).exists()
        TaskStore(self.path).close()
        if new:  # token digests, users' circuits and results: for the server's account only
            os.chmod(self.path, 0o600)
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            # as the core store: a commit is not fsynced, a killed server loses nothing, a
            # power cut may lose the last commits but never corrupts the file (SQLite WAL)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A short transaction, committed on leaving."""
        with self._lock, self._db:
            yield self._db

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Every row of one SELECT."""
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()
