"""One naming convention for every named part and pipeline, and the old names it replaced.

Every entry-point name (a backend, pass, padding strategy, executor, pipeline or hook
plugin) and every pipeline named in ``qloom.toml`` is snake_case: ``[a-z][a-z0-9_]*``,
like Python identifiers and Qiskit's plugin names (``fuse_1q``, ``mapping_best``). The one
exception is the optimisation levels ``O0``..``O9``, written as compilers and Qiskit's
``optimization_level`` have always written them. Device names after the colon
(``emulator:heavy-hex-27``) are a backend's own business and are not covered.

Names of this project that had hyphens (``drop-identity``, ``mapping-best``,
``xyz-default``, ``xyz-merge-rz``) are still found for one release: the registry looks a
name up through ``resolve``, which finds ``mapping_best`` for ``mapping-best`` with a
``FutureWarning`` naming the new spelling. The other way round, a plugin not yet renamed
(it installs ``my-pass``) is found by the new spelling ``my_pass`` without a warning to the
user; ``qloom plugins`` and ``qloom plugins doctor`` tell its maintainers to rename it.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Container
from pathlib import Path

__all__ = ["NAME_PATTERN", "LEVEL_PATTERN", "convention_problem", "resolve", "suggested_name"]

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
"""What every part and pipeline name matches."""

LEVEL_PATTERN = re.compile(r"O[0-9]\Z")
"""The documented exception: pipelines named after optimisation levels, ``O0``..``O9``."""

_PACKAGE = str(Path(__file__).resolve().parent)


def convention_problem(kind: str, name: str) -> str | None:
    """Why ``name`` breaks the convention for a part of ``kind``, or ``None`` if it follows it.

    Args:
        kind: ``backends``, ``optimizers``, ..., ``pipelines`` or ``hooks``.
        name: the entry-point (or ``qloom.toml`` pipeline) name.
    """
    if NAME_PATTERN.match(name) or (kind == "pipelines" and LEVEL_PATTERN.match(name)):
        return None
    return (
        f"{kind}:{name} breaks qloom's naming convention (snake_case, [a-z][a-z0-9_]*); "
        f"call it '{suggested_name(name)}'"
    )


def suggested_name(name: str) -> str:
    """The snake_case spelling of ``name``: ``Merge-RZ`` -> ``merge_rz``."""
    snake = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "part"
    return snake if snake[0].isalpha() else f"p_{snake}"


def resolve(kind: str, name: str, installed: Container[str]) -> str | None:
    """The installed name that ``name`` asks for, or ``None`` when there is none.

    ``name`` itself when installed; else the snake_case spelling of an old hyphenated name
    (with a ``FutureWarning`` naming it); else the hyphenated spelling a plugin not yet
    renamed installs.
    """
    if name in installed:
        return name
    if "-" in name:
        new = name.replace("-", "_")
        if new in installed:
            was = f"pipeline '{name}'" if kind == "pipelines" else f"{kind}:{name}"
            warnings.warn(
                f"{was} was renamed '{new}' (qloom names every part in snake_case); the "
                "old name is accepted until the next release",
                FutureWarning,
                stacklevel=_caller_level(),
            )
            return new
    if "_" in name:
        old_spelling = name.replace("_", "-")
        if old_spelling in installed:
            return old_spelling
    return None


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside the qloom package: the warning points
    at the user's line (``get_pipeline("mapping-best")``), not at the registry."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level
