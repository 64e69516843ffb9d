"""Records of a benchmark run kept for the next one: ``--save`` writes the run's rows (a JSON
list), ``--compare`` reads the rows of a run made before a change, so that the script can
say per row whether the output is identical and set both times side by side."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_options(parser: argparse.ArgumentParser) -> None:
    """``--save PATH`` and ``--compare PATH``."""
    parser.add_argument("--save", type=Path, help="write the rows here (JSON list)")
    parser.add_argument("--compare", type=Path, help="check against rows saved before")


def earlier(path: Path | None) -> list[dict[str, Any]]:
    """The rows a run saved at ``path`` (none without a path)."""
    if path is None:
        return []
    rows: list[dict[str, Any]] = json.loads(path.read_text())
    return rows


def save(path: Path | None, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` to ``path`` (nothing without a path), one value per line."""
    if path is not None:
        path.write_text(json.dumps(rows, indent=0))
