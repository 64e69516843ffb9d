"""Where an ``include "file";`` may be read from, and reading it within the size budget.

An OpenQASM file names other files, so a program handed to qloom (a CLI argument, a task
sent to a service) could name ``/etc/shadow`` or ``../../.env``. Includes are therefore read
only from the including file's folder and the caller's ``include_path``, and must resolve
(symlinks followed) inside the main file's folder or a folder of the ``include_path``.
Absolute names and ``..`` escapes are refused unless the caller passes
``allow_outside=True``. Refusals name the include and say why, never what the file holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["IncludeRefused", "IncludeRules"]

_FIX = (
    "add its folder with include_path=[...] (--include-path on the command line), or read "
    "files anywhere with allow_outside=True (--allow-outside-includes)"
)


class IncludeRefused(Exception):
    """An include that may not or cannot be read; ``str()`` says which and why."""


class IncludeRules:
    """The folders includes are looked up in and may resolve into.

    Args:
        main: the main file's path, or ``None`` for text that is not a file (its includes
            are then looked up only in ``include_path``).
        include_path: more folders to look includes up in, after the including file's.
        allow_outside: read absolute names and files outside those folders too.
    """

    def __init__(
        self,
        main: str | None,
        include_path: Iterable[str | os.PathLike[str]] = (),
        allow_outside: bool = False,
    ) -> None:
        self.search = [Path(p) for p in include_path]
        self.allow_outside = allow_outside
        roots = [Path(main).parent] if main is not None else []
        self.roots = [Path(os.path.realpath(r)) for r in (*roots, *self.search)]

    def resolve(self, name: str, including: str | None) -> tuple[Path, str]:
        """The file ``include "name";`` in file ``including`` reads: (path, real path).

        Raises:
            IncludeRefused: the name is absolute or escapes the allowed folders (unless
                ``allow_outside``), or no folder holds a regular file of that name.
        """
        if os.path.isabs(name) and not self.allow_outside:
            raise IncludeRefused(
                f"include '{name}' is refused: absolute paths are not read; {_FIX}"
            )
        folders = [Path(including).parent] if including is not None else []
        folders += self.search
        outside = False
        for folder in dict.fromkeys(folders):
            path = folder / name
            real = os.path.realpath(path)
            if not self.allow_outside and not self._inside(Path(real)):
                outside = True
                continue
            if os.path.isfile(real):
                return path, real
            if os.path.exists(real):
                raise IncludeRefused(f"include '{name}' is not a regular file ({path})")
        if outside:
            where = ", ".join(str(r) for r in self.roots) or "none"
            raise IncludeRefused(
                f"include '{name}' is refused: it resolves outside the folders includes are "
                f"read from ({where}); {_FIX}"
            )
        looked = ", ".join(str(f) for f in dict.fromkeys(folders)) or "no folder"
        raise IncludeRefused(
            f"cannot find include file '{name}' (looked in {looked}); qelib1.inc is built in, "
            "other files are read from the including file's folder and the include path"
        )

    def _inside(self, real: Path) -> bool:
        return any(real.is_relative_to(root) for root in self.roots)


def read_limited(path: str | os.PathLike[str], budget: int) -> tuple[bytes, int]:
    """Up to ``budget + 1`` bytes of the file at ``path``, and its size.

    Reading one byte past the budget tells an over-size file apart without reading it all
    (a file whose size the system does not report, such as a pipe, is still bounded).
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(budget + 1)
    return data, max(size, len(data))
