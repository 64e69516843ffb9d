"""``TaskStore``: the Compiler's tasks and results in SQLite, so they outlive the process.

One row per task: its request (plain data), status, timestamps, and its result or error,
both JSON (errors through ``qloom.failures``). Nothing read back is unpickled or evaluated,
and every value is checked before use: a file that is not a store, or a damaged row, is a
``StoreError`` naming the file (and the task). The file may be shared by several
Compilers; writes are short transactions in WAL mode.

Store format (``PRAGMA user_version``): format 0, the first stores, kept errors pickled;
opening one drops those pickles unread (``detail`` keeps their text) and marks it 1.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qloom.errors import StoreError
from qloom.failures import error_from_data, error_to_data

__all__ = ["STORE_FORMAT", "TaskRecord", "TaskStore"]

STORE_FORMAT = 1
"""The store format this qloom writes; it opens older ones and refuses newer ones."""

_TABLE = """
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
    error TEXT
);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS tasks_by_request ON tasks (request_key, status);
CREATE INDEX IF NOT EXISTS tasks_by_parent ON tasks (parent);
"""
_COLUMNS = frozenset(
    {"seq", "id", "name", "parent", "backend", "pipeline", "request_key", "request", "owner"}
    | {"status", "detail", "created", "started", "finished", "result", "error"}
)

TERMINAL = ("DONE", "FAILED", "CANCELLED")
_STATUSES = ("QUEUED", "INITIALIZING", "RUNNING", *TERMINAL)


@dataclass(frozen=True)
class TaskRecord:
    """What the store knows of one task.

    Attributes:
        id: the task id; name: the circuit's name; backend, pipeline: where and how.
        parent: the batch it belongs to, if any.
        status: ``QUEUED``, ``INITIALIZING`` (started: the worker builds the backend and
            the pipeline), ``RUNNING[: STAGE]``, ``DONE``, ``FAILED`` or ``CANCELLED``.
        detail: why it failed or was cancelled; created/started/finished: Unix times.
        owner: ``host:pid:session`` of the Compiler that submitted it.

    A row the store cannot read is shown as ``FAILED``, ``detail`` saying what is wrong.
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


# (column, type, may be NULL) in the order of TaskRecord's fields
_RECORD = (
    ("id", str, False),
    ("name", str, True),
    ("backend", str, False),
    ("pipeline", str, False),
    ("status", str, False),
    ("detail", str, True),
    ("created", float, False),
    ("started", float, True),
    ("finished", float, True),
    ("owner", str, False),
    ("parent", str, True),
)
_RECORD_COLUMNS = ", ".join(column for column, _, _ in _RECORD)


class _NotUtf8(bytes):
    """The bytes of a TEXT value that is not valid UTF-8 (refused when read)."""


def _decode(raw: bytes) -> str | bytes:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _NotUtf8(raw)


class _BadRow(Exception):
    """A column of a row holds what qloom never writes there."""


class TaskStore:
    """Tasks in an SQLite file (or in memory for ``":memory:"``).

    Raises:
        StoreError: the file is not SQLite, belongs to another program, was written by a
            newer qloom, or cannot be opened (the message says what to do).
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            self.path = str(Path(self.path).expanduser())
        self._lock = threading.Lock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(self.path, f"cannot be opened ({exc})") from None
        self._db.text_factory = _decode
        try:
            with self._translated():
                self._prepare()
        except BaseException:
            self._db.close()
            raise

    def _prepare(self) -> None:
        """Create the table in a new file; check and migrate an existing one."""
        db = self._db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version < 0:
            raise StoreError(self.path, f"its store format {version} is none qloom writes")
        if version > STORE_FORMAT:
            raise StoreError(
                self.path,
                f"it was written by a newer qloom (store format {version}; this qloom reads "
                f"formats up to {STORE_FORMAT})",
                hint="upgrade qloom, or pass another --store (Compiler(store=...))",
            )
        tables = {
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if row[0] != "sqlite_sequence"
        }
        if tables and "tasks" not in tables:
            listed = ", ".join(sorted(map(str, tables)))
            raise StoreError(self.path, f"not a qloom task store (its tables: {listed})")
        if tables:
            columns = {row[1] for row in db.execute("PRAGMA table_info(tasks)")}
            if missing := sorted(_COLUMNS - columns):
                raise StoreError(
                    self.path,
                    f"not a qloom task store, or a damaged one (its tasks table lacks "
                    f"{', '.join(missing)})",
                )
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if tables and version == STORE_FORMAT:
            return
        with db:
            if not tables:
                db.executescript(_TABLE)
            else:  # format 0 kept errors pickled: they are dropped unread
                db.execute("UPDATE tasks SET error = NULL")
            db.executescript(_INDEXES)
            db.execute(f"PRAGMA user_version = {STORE_FORMAT}")

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """SQLite's errors about the file as a ``StoreError`` naming it."""
        try:
            yield
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise  # qloom's own misuse (a closed store), not the file's fault
        except sqlite3.DatabaseError as exc:
            locked = "locked" in str(exc) or "busy" in str(exc)
            raise StoreError(
                self.path,
                f"SQLite says: {exc}" if locked else f"not a usable SQLite database ({exc})",
                hint="another process holds it; wait, or pass another --store" if locked else None,
            ) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._translated(), self._db:
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
        started = now if status.startswith(("RUNNING", "INITIALIZING")) else None
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
        """End a task with its result or its error (kept as JSON data); False if it had
        already ended."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE tasks SET status = ?, detail = ?, finished = ?, result = ?, error = ? "
                "WHERE id = ? AND status NOT IN ('DONE', 'FAILED', 'CANCELLED')",
                (
                    status,
                    detail,
                    time.time(),
                    None if result is None else json.dumps(result),
                    None if error is None else json.dumps(error_to_data(error)),
                    task_id,
                ),
            )
        return cursor.rowcount == 1

    def record(self, task_id: str) -> TaskRecord | None:
        """The task's record, or ``None`` if the store has no such task."""
        rows = self._query(f"SELECT seq, {_RECORD_COLUMNS} FROM tasks WHERE id = ?", (task_id,))
        return self._record(rows[0]) if rows else None

    def records(
        self, status: str | None = None, parent: str | None = None, limit: int | None = None
    ) -> list[TaskRecord]:
        """Tasks in submission order; only those whose status starts with ``status`` and
        that belong to batch ``parent``, when given."""
        sql = f"SELECT seq, {_RECORD_COLUMNS} FROM tasks WHERE 1 = 1"
        args: list[Any] = []
        if parent is not None:
            sql += " AND parent = ?"
            args.append(parent)
        sql += " ORDER BY seq"
        records = [self._record(row) for row in self._query(sql, tuple(args))]
        if status is not None:  # on the checked status: a damaged row counts as FAILED
            records = [r for r in records if r.status.startswith(status)]
        return records if limit is None else records[:limit]

    def unfinished(self) -> list[TaskRecord]:
        """Tasks that have not ended (queued or running here or in another session)."""
        sql = f"SELECT seq, {_RECORD_COLUMNS} FROM tasks WHERE status NOT IN {TERMINAL}"
        sql += " ORDER BY seq"
        return [r for r in map(self._record, self._query(sql, ())) if not r.done]

    def request(self, task_id: str) -> dict[str, Any]:
        """The request a task was submitted with.

        Raises:
            StoreError: no such task, or its request is not a JSON object.
        """
        rows = self._query("SELECT request FROM tasks WHERE id = ?", (task_id,))
        if not rows:
            raise StoreError(self.path, "no such task", task_id, hint="check the task id")
        try:
            return self._json(rows[0][0], "request", nullable=False)  # type: ignore[return-value]
        except _BadRow as bad:
            raise StoreError(self.path, str(bad), task_id) from None

    def outcome(self, task_id: str) -> tuple[dict[str, Any] | None, BaseException | None]:
        """The stored result and error of a task (either may be ``None``).

        Raises:
            StoreError: no such task, or a column of its row is damaged.
        """
        rows = self._query(
            f"SELECT seq, {_RECORD_COLUMNS}, result, error FROM tasks WHERE id = ?", (task_id,)
        )
        if not rows:
            raise StoreError(self.path, "no such task", task_id, hint="check the task id")
        try:
            self._checked(rows[0][:-2])
            result = self._json(rows[0][-2], "result")
            error_data = self._json(rows[0][-1], "error")
            try:
                error = None if error_data is None else error_from_data(error_data)
            except ValueError as exc:
                raise _BadRow(f"column 'error' is not an error qloom wrote: {exc}") from None
        except _BadRow as bad:
            raise StoreError(self.path, str(bad), task_id) from None
        return result, error

    def done_with(self, request_key: str) -> str | None:
        """The id of a finished, successful task with this request key, if any."""
        rows = self._query(
            "SELECT id FROM tasks WHERE request_key = ? AND status = 'DONE' ORDER BY seq LIMIT 1",
            (request_key,),
        )
        return rows[0][0] if rows and isinstance(rows[0][0], str) else None

    def _record(self, row: tuple[Any, ...]) -> TaskRecord:
        """The record of a row; a damaged one as ``FAILED`` with what is wrong in ``detail``."""
        try:
            return TaskRecord(*self._checked(row))
        except _BadRow as bad:
            task_id = row[1] if isinstance(row[1], str) else f"<row {row[0]} of the store>"
            detail = str(StoreError(self.path, str(bad), task_id))
            return TaskRecord(
                task_id, None, "?", "?", "FAILED", detail, 0.0, None, None, "?", None
            )

    @staticmethod
    def _checked(row: tuple[Any, ...]) -> list[Any]:
        """The record columns of ``row`` (after its ``seq``), each of the type qloom writes."""
        values: list[Any] = []
        for (column, kind, nullable), value in zip(_RECORD, row[1:], strict=True):
            if value is None and nullable:
                values.append(None)
                continue
            if kind is float and isinstance(value, int | float) and math.isfinite(value):
                value = float(value)
            if not isinstance(value, kind):
                raise _BadRow(f"column '{column}' holds {_what(value)}, not {_expected(kind)}")
            values.append(value)
        status = values[4]
        if status.partition(":")[0] not in _STATUSES:
            raise _BadRow(f"column 'status' holds an unknown status {status[:40]!r}")
        return values

    @staticmethod
    def _json(value: Any, column: str, nullable: bool = True) -> dict[str, Any] | None:
        """A JSON-object column's value, parsed."""
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise _BadRow(f"column '{column}' holds {_what(value)}, not JSON text")
        try:
            data = json.loads(value)
        except RecursionError:
            raise _BadRow(f"column '{column}' holds JSON nested too deeply") from None
        except ValueError as exc:
            raise _BadRow(f"column '{column}' is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise _BadRow(f"column '{column}' holds a JSON {_what(data)}, not an object")
        return data

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock, self._translated():
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()


def _what(value: object) -> str:
    """What a stored value is, without quoting it."""
    if isinstance(value, _NotUtf8):
        return "text that is not valid UTF-8"
    if isinstance(value, bytes):
        return f"{len(value)} bytes of binary data"
    if value is None:
        return "NULL"
    names = {str: "text", int: "an integer", float: "a number", list: "an array", dict: "an object"}
    return names.get(type(value), f"a {type(value).__name__}")


def _expected(kind: type) -> str:
    return "text" if kind is str else "a number"
