"""Golden files of the compiled kernels: how they are read and written, and the script body
that rewrites them.

A folder of golden files holds one JSON object per group (``<group>.json``), written one key
per line so that a changed outcome shows as a changed line in a diff. Each
``tests/plugins/*/make_golden.py`` is the same small program over its own cases:
``regenerate`` is that program.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.shared import SHARED


@dataclass(frozen=True)
class GoldenFiles:
    """The golden files in ``folder``, one per group."""

    folder: Path

    def path(self, group: str) -> Path:
        """Where ``group``'s file lives."""
        return self.folder / f"{group}.json"

    def load(self, group: str) -> dict[str, Any]:
        """The golden outcomes of ``group`` by key (case id)."""
        data: dict[str, Any] = json.loads(self.path(group).read_text())
        return data

    def dump(self, group: str, outcomes: Mapping[str, Any]) -> Path:
        """Write ``group``'s file, one key per line so a change shows as a line."""
        self.folder.mkdir(exist_ok=True)
        path = self.path(group)
        lines = [f"{json.dumps(key)}: {json.dumps(value)}" for key, value in outcomes.items()]
        path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
        return path


def regenerate(
    doc: str,
    files: GoldenFiles,
    groups: Sequence[str],
    outcomes: Callable[[str], Mapping[str, Any]],
    *,
    needs_shared: Collection[str] = (),
    unit: str = "cases",
) -> int:
    """The body of a ``make_golden.py``: rewrite the files of the groups named on the command
    line (all of ``groups`` by default; no argument when there is one group) from
    ``outcomes(group)``, and say what was written.

    A group in ``needs_shared`` reads the shared benchmarks (``support.shared.SHARED``);
    without them its file is left as it is. ``doc`` is the script's docstring (its first line
    is the ``--help`` description).
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    names = ", ".join(groups)
    if len(groups) > 1:
        parser.add_argument("groups", nargs="*", help=f"{names} (default: all)")
    chosen = getattr(parser.parse_args(), "groups", None) or list(groups)
    if set(chosen) - set(groups):
        parser.error(f"groups are {names}, got {chosen}")
    for group in chosen:
        if group in needs_shared and not SHARED.is_dir():
            print(f"shared benchmark data not found at {SHARED}; {group}.json left as it is")
            continue
        written = outcomes(group)
        print(f"{files.dump(group, written)}: {len(written)} {unit}")
    return 0
