"""What a server is started with: where it keeps things, how it compiles, its limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qloom.qasm2 import QasmLimits

__all__ = ["Limits", "ServerConfig"]

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request or one user may take (each refusal says which).

    Attributes:
        max_body_bytes: a JSON request body (413 past it).
        max_circuits: circuits in one task submission (413).
        max_queued: a user's tasks not yet ended (429 past it).
        max_file_bytes: one uploaded file (413, nothing written).
        max_user_bytes: all of a user's files together (413).
        max_files: files per user (413).
        max_sessions: open sessions per user (429).
        max_wait: seconds a result request may wait (long poll).
        max_task_seconds: the longest a task may run (its timeout, and the default one):
            a runaway pipeline cannot hold a worker for ever.
        qasm: the QASM reader's bounds for circuits of requests and files, tighter than a
            local reader's (a server holds many users' circuits at once); the operations
            of all circuits of one request together are bounded by its ``max_operations``.
    """

    max_body_bytes: int = 4 * MiB
    max_circuits: int = 1000
    max_queued: int = 2000
    max_file_bytes: int = 8 * MiB
    max_user_bytes: int = 256 * MiB
    max_files: int = 1000
    max_sessions: int = 16
    max_wait: float = 30.0
    max_task_seconds: float = 3600.0
    qasm: QasmLimits = field(
        default_factory=lambda: QasmLimits(
            max_source_bytes=8 * MiB, max_operations=1_000_000, max_qubits=10_000, max_clbits=10_000
        )
    )


@dataclass(frozen=True)
class ServerConfig:
    """How one server runs.

    Attributes:
        store: the SQLite file of tasks, users and logs (re-attached on restart).
        data_dir: the folder of users' files (default: ``<store>.files`` beside the store).
        executor: ``processes`` (default), ``threads``, ``serial`` or ``dask``.
        workers: workers to start (executor default when ``None``).
        address: a running Dask scheduler, for ``executor="dask"``.
        session_timeout: seconds an idle session lives.
        max_requeues: restarts a task may be re-queued after before it fails.
        limits: request and per-user bounds.
    """

    store: Path
    data_dir: Path | None = None
    executor: str = "processes"
    workers: int | None = None
    address: str | None = None
    session_timeout: float = 900.0
    max_requeues: int = 3
    limits: Limits = field(default_factory=Limits)

    @property
    def files_dir(self) -> Path:
        """Where users' folders are."""
        if self.data_dir is not None:
            return Path(self.data_dir).expanduser()
        store = Path(self.store).expanduser()
        return store.with_name(store.name + ".files")
