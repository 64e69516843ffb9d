"""``FolderDataset``: the OpenQASM 2 files of a folder, as a dataset.

Names and files are data, possibly from someone else (a shared benchmark folder, a
download): a name that would leave the folder (``../x``, an absolute path) is refused, a
symlink that resolves outside the folder is neither listed nor read, a folder with more
than ``max_files`` matching files is refused rather than listed without end, and every file
is read with the bounded OpenQASM 2 reader (``qloom.qasm2``, its ``QasmLimits``: size,
operations, qubits, includes), whose errors say file:line:col.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from qloom.circuit import Circuit
from qloom.datasets.base import Dataset, DatasetError
from qloom.qasm2 import load as load_qasm
from qloom.qasm2.limits import QasmLimits

__all__ = ["MAX_FILES", "FolderDataset"]

MAX_FILES = 100_000
"""Most files a folder dataset lists unless told otherwise (``max_files``)."""

_SUFFIX = ".qasm"


class FolderDataset(Dataset):
    """The circuits of the ``.qasm`` files under a folder.

    A circuit's name is its file's path relative to the folder, with ``/`` separators
    and without ``.qasm`` (``circuits/qft_n10``). The folder is listed on first use and
    the list kept (``refresh`` lists it again).

    Args:
        path: the folder.
        pattern: which files, as a glob relative to the folder (``"*.qasm"`` for the
            top level only); it must end in ``.qasm`` and stay inside the folder.
        limits: bounds on each file (default ``QasmLimits()``).
        name: the dataset's name (default: the folder's name).
        description: one line saying what the circuits are.
        max_files: most matching files accepted (default ``MAX_FILES``).

    Raises:
        DatasetError: the folder is not a folder, or the pattern is not a relative glob
            of ``.qasm`` files.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        pattern: str = "**/*.qasm",
        *,
        limits: QasmLimits | None = None,
        name: str | None = None,
        description: str | None = None,
        max_files: int = MAX_FILES,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise DatasetError(f"dataset folder '{self.path}' is not a folder")
        parts = PurePosixPath(pattern.replace("\\", "/")).parts
        if not pattern or os.path.isabs(pattern) or ".." in parts:
            raise DatasetError(
                f"dataset pattern '{pattern}' must be a glob relative to the folder, "
                "without '..' (e.g. '**/*.qasm')"
            )
        if not pattern.endswith(_SUFFIX):
            raise DatasetError(f"dataset pattern '{pattern}' must match .qasm files")
        self.pattern = pattern
        self.root = Path(os.path.realpath(self.path))
        self.limits = QasmLimits() if limits is None else limits
        self.max_files = max_files
        self.name = name or self.root.name
        self.description = description or f"the OpenQASM 2 files of {self.path}"
        self._names: list[str] | None = None
        self._known: frozenset[str] = frozenset()

    @property
    def source(self) -> str:
        return str(self.path)

    def refresh(self) -> None:
        """List the folder again on next use (files added or removed since)."""
        self._names = None

    def names(self) -> list[str]:
        if self._names is None:
            found = []
            for count, path in enumerate(self.path.glob(self.pattern), start=1):
                if count > self.max_files:
                    raise DatasetError(
                        f"dataset folder '{self.path}' has more than {self.max_files} files "
                        f"matching '{self.pattern}'; pass max_files=... to list more"
                    )
                if self._inside(path) and os.path.isfile(path):
                    rel = path.relative_to(self.path).as_posix()
                    found.append(rel[: -len(_SUFFIX)])
            self._names = sorted(found)
            self._known = frozenset(found)
        return list(self._names)

    def __contains__(self, name: object) -> bool:
        self.names()
        return isinstance(name, str) and name in self._known

    def file(self, name: str) -> Path:
        """The file of circuit ``name``.

        Raises:
            DatasetError: the name is absolute, leaves the folder (``..``, or a symlink
                resolving outside it), or is not one of the dataset's circuits.
        """
        if not isinstance(name, str) or not name or "\x00" in name:
            raise DatasetError(f"circuit name {name!r} is refused: not a file name")
        parts = PurePosixPath(name).parts
        if not parts:
            raise DatasetError(f"circuit name {name!r} is refused: not a file name")
        if name.startswith(("/", "\\")) or os.path.isabs(name) or ".." in parts:
            raise DatasetError(
                f"circuit name '{name}' is refused: names are paths inside the dataset "
                f"folder, without '..' or a leading '/'"
            )
        path = self.path.joinpath(*parts[:-1], parts[-1] + _SUFFIX)
        if not self._inside(path):
            raise DatasetError(
                f"circuit name '{name}' is refused: its file resolves outside the dataset "
                f"folder '{self.path}'"
            )
        if name not in self:
            raise self._unknown(name)
        return path

    def load(self, name: str) -> Circuit:
        """The circuit called ``name``, parsed from its file.

        Raises:
            DatasetError: the name is refused (see ``file``) or unknown.
            QasmError: the file is not valid OpenQASM 2 (file:line:col).
            QasmLimitError: the file exceeds ``limits``.
        """
        self.file(name)
        return super().load(name)

    def _load(self, name: str) -> Circuit:
        path = self.file(name)
        return load_qasm(path, include_path=[self.path], limits=self.limits)

    def _inside(self, path: Path) -> bool:
        real = Path(os.path.realpath(path))
        return real == self.root or self.root in real.parents
