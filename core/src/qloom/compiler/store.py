"""``TaskStore``: the Compiler's tasks and results in SQLite, so they outlive the process.

One row per task: its request (plain data), status, timestamps, and its result (JSON) or
error (pickled, with its text beside it for when it cannot be unpickled). The file may be
shared by several Compilers; writes are short transactions in WAL mode.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TaskRecord", "TaskStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    name TEXT,
    parent TEXT,
    backend TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    request_key TEXT NOT NULL,
    request TEXT NOT NULL,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    result TEXT,
    error BLOB
);
CREATE INDEX IF NOT EXISTS tasks_by_request ON tasks (request_key, status);
CREATE INDEX IF NOT EXISTS tasks_by_parent ON tasks (parent);
"""

TERMINAL = ("DONE", "FAILED", "CANCELLED")


@dataclass(frozen=True)
class TaskRecord:
    """What the store knows of one task.

    Attributes:
        id: the task id; name: the circuit's name; backend, pipeline: where and how.
        parent: the batch it belongs to, if any.
        status: ``QUEUED``, ``RUNNING[: STAGE]``, ``DONE``, ``FAILED`` or ``CANCELLED``.
        detail: why it failed or was cancelled; created/started/finished: Unix times.
        owner: ``host:pid:session`` of the Compiler that submitted it.
    """

    id: str
    name: str | None
    backend: str
    pipeline: str
    status: str
    detail: str | None
    created: float
    started: float | None
    finished: float | None
    owner: str
    parent: str | None

    @property
    def done(self) -> bool:
        """True once the task ended (``DONE``, ``FAILED`` or ``CANCELLED``)."""
        return self.status in TERMINAL


_RECORD_COLUMNS = (
    "id, name, backend, pipeline, status, detail, created, started, finished, owner, parent"
)


class TaskStore:
    """Tasks in an SQLite file (or in memory for ``":memory:"``)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self.path = str(Path(self.path).expanduser())
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    def add(
        self,
        task_id: str,
        request: Mapping[str, Any],
        encoded: str,
        request_key: str,
        owner: str,
        parent: str | None = None,
    ) -> None:
        """Record a new, queued task; ``encoded`` is ``request`` as JSON text."""
        with self._write() as db:
            db.execute(
                "INSERT INTO tasks (id, name, parent, backend, pipeline, request_key, request, "
                "owner, status, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?)",
                (
                    task_id,
                    request["circuit"].get("name"),
                    parent,
                    request["backend"],
                    request["pipeline"].get("name", "custom"),
                    request_key,
                    encoded,
                    owner,
                    time.time(),
                ),
            )

    def set_status(self, task_id: str, status: str, detail: str | None = None) -> bool:
        """Move a task that has not ended to ``status``; False if it had already ended."""
        now = time.time()
        started = now if status.startswith("RUNNING") else None
        with self._write() as db:
            cursor = db.execute(
                "UPDATE tasks SET status = ?, detail = ?, started = COALESCE(started, ?) "
                "WHERE id = ? AND status NOT IN ('DONE', 'FAILED', 'CANCELLED')",
                (status, detail, started, task_id),
            )
        return cursor.rowcount == 1

    def finish(
        self,
        task_id: str,
        status: str,
        result: Mapping[str, Any] | None = None,
        error: BaseException | None = None,
        detail: str | None = None,
    ) -> bool:
        """End a task with its result or error; False if it had already ended."""
        blob = None
        if error is not None:
            try:
                blob = pickle.dumps(error)
            except Exception:  # the text in ``detail`` still says what happened
                blob = None
        with self._write() as db:
            cursor = db.execute(
                "UPDATE tasks SET status = ?, detail = ?, finished = ?, result = ?, error = ? "
                "WHERE id = ? AND status NOT IN ('DONE', 'FAILED', 'CANCELLED')",
                (
                    status,
                    detail,
                    time.time(),
                    None if result is None else json.dumps(result),
                    blob,
                    task_id,
                ),
            )
        return cursor.rowcount == 1

    def record(self, task_id: str) -> TaskRecord | None:
        """The task's record, or ``None`` if the store has no such task."""
        row = self._query(f"SELECT {_RECORD_COLUMNS} FROM tasks WHERE id = ?", (task_id,))
        return TaskRecord(*row[0]) if row else None

    def records(
        self, status: str | None = None, parent: str | None = None, limit: int | None = None
    ) -> list[TaskRecord]:
        """Tasks in submission order; only those whose status starts with ``status`` and
        that belong to batch ``parent``, when given."""
        sql = f"SELECT {_RECORD_COLUMNS} FROM tasks WHERE 1 = 1"
        args: list[Any] = []
        if status is not None:
            sql += " AND status LIKE ?"
            args.append(f"{status}%")
        if parent is not None:
            sql += " AND parent = ?"
            args.append(parent)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [TaskRecord(*row) for row in self._query(sql, tuple(args))]

    def unfinished(self) -> list[TaskRecord]:
        """Tasks that have not ended (queued or running here or in another session)."""
        sql = f"SELECT {_RECORD_COLUMNS} FROM tasks WHERE status NOT IN {TERMINAL} ORDER BY seq"
        return [TaskRecord(*row) for row in self._query(sql, ())]

    def request(self, task_id: str) -> dict[str, Any]:
        """The request a task was submitted with."""
        rows = self._query("SELECT request FROM tasks WHERE id = ?", (task_id,))
        return dict(json.loads(rows[0][0]))

    def outcome(self, task_id: str) -> tuple[dict[str, Any] | None, BaseException | None]:
        """The stored result and error of a task (either may be ``None``)."""
        rows = self._query("SELECT result, error FROM tasks WHERE id = ?", (task_id,))
        result, blob = rows[0]
        error = None
        if blob is not None:
            try:
                error = pickle.loads(blob)
            except Exception:  # a type no longer importable here: the detail text remains
                error = None
        return (None if result is None else json.loads(result)), error

    def done_with(self, request_key: str) -> str | None:
        """The id of a finished, successful task with this request key, if any."""
        rows = self._query(
            "SELECT id FROM tasks WHERE request_key = ? AND status = 'DONE' ORDER BY seq LIMIT 1",
            (request_key,),
        )
        return rows[0][0] if rows else None

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()
