"""Which user owns which task, the attempts behind it, and its log lines.

A task's public id is the core task id of its first attempt. When a restart re-queues it,
a new core task runs it (``current``) and the public id stays: the user polls one id, and
the core ``tasks`` table keeps every attempt with how it ended.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from qloom_server.db import Database

__all__ = ["Ledger", "Owned"]

_TERMINAL = "('DONE', 'FAILED', 'CANCELLED')"
_MAX_LOG_LINES = 1000  # per task: a task that retries forever cannot fill the disk


@dataclass(frozen=True)
class Owned:
    """A user's task: its public id, the core task running it now, and its options."""

    id: str
    user: str
    current: str
    batch: str | None
    options: dict[str, Any]
    attempts: int
    created: float


_COLUMNS = "s.id, s.user, s.current, s.batch, s.options, s.attempts, s.created"


def _owned(row: tuple[Any, ...]) -> Owned:
    options = json.loads(row[4]) if isinstance(row[4], str) else {}
    return Owned(row[0], row[1], row[2], row[3], options, int(row[5]), float(row[6]))


class Ledger:
    """The server's task tables in ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, task_id: str, user: str, batch: str | None, options: dict[str, Any]) -> None:
        """Record that ``user`` owns the new task ``task_id``."""
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO server_tasks (id, user, current, batch, options, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (task_id, user, task_id, batch, json.dumps(options), time.time()),
            )

    def owned(self, user: str, task_id: str) -> Owned | None:
        """``user``'s task ``task_id``, or ``None`` (someone else's is ``None`` too)."""
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM server_tasks s WHERE s.id = ? AND s.user = ?",
            (task_id, user),
        )
        return _owned(rows[0]) if rows else None

    def by_current(self, core_id: str) -> Owned | None:
        """The task a core task is the current attempt of."""
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM server_tasks s WHERE s.current = ?", (core_id,)
        )
        return _owned(rows[0]) if rows else None

    def mine(
        self,
        user: str,
        status: str | None = None,
        batch: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> list[Owned]:
        """``user``'s tasks, oldest first, filtered by status prefix and batch, after the
        task ``after`` (paging)."""
        sql = (
            f"SELECT {_COLUMNS} FROM server_tasks s JOIN tasks t ON t.id = s.current "
            "WHERE s.user = ?"
        )
        args: list[Any] = [user]
        if status:
            sql += " AND substr(t.status, 1, ?) = ?"
            args += [len(status), status]
        if batch is not None:
            sql += " AND s.batch = ?"
            args.append(batch)
        if after is not None:
            sql += (
                " AND s.seq > COALESCE((SELECT seq FROM server_tasks WHERE id = ? AND user = ?), 0)"
            )
            args += [after, user]
        sql += " ORDER BY s.seq LIMIT ?"
        args.append(limit)
        return [_owned(row) for row in self.db.query(sql, tuple(args))]

    def unfinished_count(self, user: str) -> int:
        """How many of ``user``'s tasks have not ended."""
        rows = self.db.query(
            "SELECT COUNT(*) FROM server_tasks s JOIN tasks t ON t.id = s.current "
            f"WHERE s.user = ? AND t.status NOT IN {_TERMINAL}",
            (user,),
        )
        return int(rows[0][0])

    def mark_unfinished_for_requeue(self) -> int:
        """Flag every task not yet ended (the server is stopping): re-queue it on start."""
        with self.db.write() as conn:
            return conn.execute(
                "UPDATE server_tasks SET requeue = 1 WHERE current IN "
                f"(SELECT id FROM tasks WHERE status NOT IN {_TERMINAL})"
            ).rowcount

    def to_requeue(self, left: set[str]) -> list[Owned]:
        """Tasks whose current attempt was left unfinished (``left``) or flagged at stop."""
        rows = self.db.query(f"SELECT {_COLUMNS}, s.requeue FROM server_tasks s ORDER BY s.seq")
        return [_owned(row) for row in rows if row[2] in left or row[7]]

    def move(self, task_id: str, current: str) -> None:
        """Task ``task_id`` is now run by the core task ``current`` (a re-queue)."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE server_tasks SET current = ?, attempts = attempts + 1, requeue = 0 "
                "WHERE id = ?",
                (current, task_id),
            )

    def settle(self, task_id: str) -> None:
        """Task ``task_id`` needs no re-queue any more."""
        with self.db.write() as conn:
            conn.execute("UPDATE server_tasks SET requeue = 0 WHERE id = ?", (task_id,))

    def log(self, task_id: str, level: str, message: str, when: float | None = None) -> None:
        """Add a line to task ``task_id``'s log (beyond the cap, lines are dropped)."""
        with self.db.write() as conn:
            count = conn.execute(
                "SELECT COUNT(*) FROM server_logs WHERE task = ?", (task_id,)
            ).fetchone()[0]
            if count < _MAX_LOG_LINES:
                conn.execute(
                    "INSERT INTO server_logs (task, time, level, message) VALUES (?, ?, ?, ?)",
                    (task_id, time.time() if when is None else when, level, message[:2000]),
                )

    def logs(self, task_id: str) -> list[tuple[float, str, str]]:
        """Task ``task_id``'s log lines, oldest first."""
        rows = self.db.query(
            "SELECT time, level, message FROM server_logs WHERE task = ? ORDER BY seq",
            (task_id,),
        )
        return [(float(t), str(level), str(message)) for t, level, message in rows]
