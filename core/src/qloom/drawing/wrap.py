"""Long lists for a terminal: a 127-qubit layout folded to the width and cut after a few
lines, instead of one line of 600 characters."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence

__all__ = ["DEFAULT_LIST_LINES", "wrap_list"]

DEFAULT_LIST_LINES = 4
"""How many lines ``qloom transpile`` gives one list (a layout) unless given ``--full``."""


def wrap_list(
    label: str,
    values: Sequence[object],
    *,
    width: int | None = None,
    max_lines: int | None = DEFAULT_LIST_LINES,
    how_to_see_all: str = "",
) -> list[str]:
    """``label`` then ``values`` as a Python list, folded at ``width`` under the label.

    A list that fits on one line reads exactly as ``f"{label}{list(values)}"``.

    Args:
        label: what comes first (``"initial layout: "``); continuation lines are indented
            by its length.
        values: the list.
        width: fold at this many characters; default the terminal's width (80 when
            unknown); 0 or less never folds.
        max_lines: keep this many lines, then say how many values were left out;
            ``None``: all.
        how_to_see_all: said after the count of what was left out (``--full shows all``).
    """
    text = f"{label}{list(values)}"
    if width is None:
        width = shutil.get_terminal_size(fallback=(80, 24)).columns
    if width <= 0 or len(text) <= width:
        return [text]
    indent = " " * min(len(label), max(width // 2, 1))
    lines = textwrap.wrap(
        text,
        width=max(width, len(indent) + 8),
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    if max_lines is None or len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    shown = sum(line.count(",") for line in kept)  # every value shown is followed by a comma
    tail = f"; {how_to_see_all}" if how_to_see_all else ""
    kept.append(f"{indent}... {len(values) - shown} more of {len(values)}{tail}")
    return kept
