"""``RemoteFiles``: your data files on a compile server (``compiler.files``).

Upload a QASM file once and submit it by name (``compiler.submit(compiler.files.upload(
"big.qasm"))``) instead of sending its text with every task; ask for a task's result to be
written as a file and download it later.
"""

from __future__ import annotations

import os
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from qloom.errors import ArgumentError
from qloom.remote.http import Connection

__all__ = ["MAX_UPLOAD_BYTES", "RemoteFiles", "ServerFile"]

MAX_UPLOAD_BYTES = 1024**3
"""The largest file ``upload`` reads into memory to send; the server's own limit is
usually far lower (``qloom serve --max-file-bytes``, 8 MiB by default) and answers 413."""


@dataclass(frozen=True)
class ServerFile:
    """One of your files on the server; submit it as a task's circuit.

    Attributes:
        name: its name on the server; size: bytes (``-1`` when not asked);
        modified: Unix time of its last change (``0.0`` when not asked).
    """

    name: str
    size: int = -1
    modified: float = 0.0


class RemoteFiles:
    """Upload, list, download and delete your files on the server. Names are 1-128 of
    ``A-Za-z0-9._-`` and do not start with a dot; the server refuses others (400) and
    files over its size limit (413, nothing written)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def upload(self, path: str | Path, name: str | None = None) -> ServerFile:
        """Store the local file ``path`` as ``name`` (default: its file name), replacing
        a file of that name."""
        source = Path(path)
        size = source.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise ArgumentError(
                None, "path", str(source), f"it is at most {MAX_UPLOAD_BYTES} bytes (it is {size})"
            )
        data = source.read_bytes()
        answer = self._connection.json(
            "PUT", f"/v1/files/{_quoted(name or source.name)}", data=data
        )
        return ServerFile(answer["name"], int(answer["size"]), float(answer["modified"]))

    def write(self, name: str, data: bytes) -> ServerFile:
        """Store ``data`` as your file ``name``."""
        answer = self._connection.json("PUT", f"/v1/files/{_quoted(name)}", data=bytes(data))
        return ServerFile(answer["name"], int(answer["size"]), float(answer["modified"]))

    def list(self) -> list[ServerFile]:
        """Your files, with their sizes and times."""
        answer = self._connection.json("GET", "/v1/files")
        files = answer["files"]
        return [ServerFile(f["name"], int(f["size"]), float(f["modified"])) for f in files]

    def read(self, name: str) -> bytes:
        """Your file's bytes.

        Raises:
            NotFoundError: you have no file of that name.
        """
        return self._connection.request("GET", f"/v1/files/{_quoted(name)}").body

    def download(self, name: str, path: str | Path) -> Path:
        """Write your file ``name`` to ``path`` (a folder takes the file's name), all or
        nothing: a failed download leaves no partial file."""
        target = Path(path)
        if target.is_dir():
            target = target / name
        data = self.read(name)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    def delete(self, name: str) -> None:
        """Remove your file ``name``.

        Raises:
            NotFoundError: you have no file of that name.
        """
        self._connection.request("DELETE", f"/v1/files/{_quoted(name)}", expect=(204,))

    def __getitem__(self, name: str) -> ServerFile:
        """A reference to your file ``name`` (checked by the server when it is used)."""
        return ServerFile(_checked(name))


def _checked(name: str) -> str:
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        raise ArgumentError(None, "name", repr(name), "it is a file name without '/'")
    return name


def _quoted(name: str) -> str:
    return urllib.parse.quote(_checked(name), safe="")
