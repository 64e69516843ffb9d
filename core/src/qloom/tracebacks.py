"""Where an exception was raised, for messages people can act on.

``raised_at`` gives the file and line of the innermost frame in a plugin's own package
(``qloom_hw_foo/backend.py:12``), else of the innermost frame outside Python's import
machinery; ``full_traceback`` gives the whole text (``qloom plugins --verbose``).
"""

from __future__ import annotations

import traceback
from pathlib import PurePath
from types import TracebackType

__all__ = ["full_traceback", "raised_at"]


def _frames(tb: TracebackType | None) -> list[tuple[str | None, str, int]]:
    """``(module name, file, line)`` of every frame of ``tb``, outermost first."""
    frames = []
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__")
        frames.append(
            (name if isinstance(name, str) else None, tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        )
        tb = tb.tb_next
    return frames


def _in_package(module: str | None, package: str | None) -> bool:
    return bool(package and module and (module == package or module.startswith(package + ".")))


def _short(filename: str, module: str | None) -> str:
    """``.../site-packages/qloom_hw_foo/backend.py`` -> ``qloom_hw_foo/backend.py``: as many
    trailing path parts as the module's dotted name has (one more for a package's
    ``__init__.py``); the file's name alone when the module is not known."""
    path = PurePath(filename)
    if not module or module == "__main__":
        return path.name
    keep = module.count(".") + 1 + (path.stem == "__init__")
    return "/".join(path.parts[-keep:])


def raised_at(exc: BaseException, package: str | None = None) -> str | None:
    """``file:line`` where ``exc`` was raised: the innermost frame of ``package`` (the plugin's
    top-level package), else the innermost frame that is not Python's own import
    machinery; a ``SyntaxError``'s own file and line first. ``None`` without a traceback."""
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        parts = PurePath(exc.filename).parts  # the file that failed to compile
        start = max((i for i, part in enumerate(parts) if part == package), default=len(parts) - 1)
        return "/".join(parts[start:]) + f":{exc.lineno}"
    frames = _frames(exc.__traceback__)
    own = [f for f in frames if _in_package(f[0], package)]
    others = [f for f in frames if not f[1].startswith("<")]
    chosen = own or others
    if not chosen:
        return None
    module, filename, line = chosen[-1]
    return f"{_short(filename, module)}:{line}"


def full_traceback(exc: BaseException) -> str:
    """The whole traceback of ``exc`` and its causes, as Python prints it."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
