"""Users' data files: one folder per user under the server's data folder.

A file name is checked against ``FILE_NAME`` (no separators, no leading dot, so no ``..``)
and the resolved path must still lie in the user's folder. An upload is written to a
temporary file beside the folder and renamed into place only once it is whole and within
the size and quota limits: a refused upload leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from qloom_server.config import Limits
from qloom_server.errors import ApiError

__all__ = ["FILE_NAME", "FileInfo", "Files"]

FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")
"""What a file name may be: 1-128 of letters, digits, ``._-``, not starting with a dot."""


@dataclass(frozen=True)
class FileInfo:
    """One stored file: its name, size in bytes and modification time (Unix)."""

    name: str
    size: int
    modified: float


class Files:
    """The users' folders under ``root``."""

    def __init__(self, root: Path, limits: Limits) -> None:
        self.root = Path(root).expanduser().resolve()
        self.limits = limits
        self._lock = threading.Lock()  # quota checks and renames, one upload at a time
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.root / ".incoming").mkdir(mode=0o700, exist_ok=True)

    def path(self, user: str, name: str) -> Path:
        """Where ``user``'s file ``name`` is.

        Raises:
            ApiError: 400 when the name is not allowed or would leave the user's folder.
        """
        if not FILE_NAME.fullmatch(name):
            raise ApiError(
                400,
                "BadFileName",
                f"file name {name[:140]!r} is not allowed: use 1-128 letters, digits, '.', "
                "'_' or '-', not starting with '.' (no folders)",
            )
        folder = (self.root / user).resolve()
        path = (folder / name).resolve()
        if path.parent != folder:
            raise ApiError(400, "BadFileName", f"file name {name!r} leaves your folder")
        return path

    def list(self, user: str) -> list[FileInfo]:
        """The user's files, by name."""
        folder = self.root / user
        if not folder.is_dir():
            return []
        out = []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file(follow_symlinks=False) and FILE_NAME.fullmatch(entry.name):
                stat = entry.stat(follow_symlinks=False)
                out.append(FileInfo(entry.name, stat.st_size, stat.st_mtime))
        return out

    def read(self, user: str, name: str, limit: int | None = None) -> bytes:
        """The file's bytes.

        Raises:
            ApiError: 404 when the user has no such file; 413 when it is over ``limit``.
        """
        path = self.path(user, name)
        if not path.is_file() or path.is_symlink():
            raise ApiError(404, "NotFound", f"no file {name!r}")
        if limit is not None and path.stat().st_size > limit:
            raise ApiError(413, "TooLarge", f"file {name!r} is over {limit} bytes")
        return path.read_bytes()

    def delete(self, user: str, name: str) -> None:
        """Remove the file (404 when there is none)."""
        path = self.path(user, name)
        if not path.is_file():
            raise ApiError(404, "NotFound", f"no file {name!r}")
        path.unlink()

    async def upload(self, user: str, name: str, chunks: AsyncIterator[bytes]) -> FileInfo:
        """Store the streamed bytes as ``name`` (replacing it), within the limits.

        Raises:
            ApiError: 400 for a bad name; 413 when the file, or the user's files together,
                would pass their limit (nothing is written).
        """
        path = self.path(user, name)
        limit = self.limits.max_file_bytes
        fd, tmp = tempfile.mkstemp(dir=self.root / ".incoming")
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise ApiError(
                            413, "TooLarge", f"file {name!r} is over the limit of {limit} bytes"
                        )
                    out.write(chunk)
            self._place(user, name, path, Path(tmp), size)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return FileInfo(name, size, path.stat().st_mtime)

    def write(self, user: str, name: str, data: bytes) -> None:
        """Store ``data`` as ``name`` (a task's result file), within the limits."""
        path = self.path(user, name)
        if len(data) > self.limits.max_file_bytes:
            raise ApiError(413, "TooLarge", f"file {name!r} is over the file size limit")
        fd, tmp = tempfile.mkstemp(dir=self.root / ".incoming")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            self._place(user, name, path, Path(tmp), len(data))
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _place(self, user: str, name: str, path: Path, tmp: Path, size: int) -> None:
        with self._lock:
            files = {f.name: f.size for f in self.list(user)}
            replaced = files.pop(name, 0)
            if name not in files and replaced == 0 and len(files) >= self.limits.max_files:
                raise ApiError(413, "QuotaExceeded", f"you have {len(files)} files, the limit")
            used = sum(files.values())
            if used + size > self.limits.max_user_bytes:
                raise ApiError(
                    413,
                    "QuotaExceeded",
                    f"your files would take {used + size} bytes, over your quota of "
                    f"{self.limits.max_user_bytes} (replacing {replaced})",
                )
            path.parent.mkdir(mode=0o700, exist_ok=True)
            os.replace(tmp, path)
