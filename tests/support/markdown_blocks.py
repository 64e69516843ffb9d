"""Fenced code blocks of the documentation, with the directive that may precede each.

A block may be preceded (on the line just above its fence) by an HTML comment that says how
the docs tests treat it:

- ``<!-- docs-test: excerpt PATH -->``: the block is an excerpt of the file ``PATH`` (from the
  repository root) and must appear in it verbatim, so the page cannot drift from the code.
- ``<!-- docs-test: tutorial STEP -->``: a step of a tutorial that installs things; its test
  runs every step of the page in order in a fresh venv (tests/integration).
- ``<!-- docs-test: skip REASON -->``: not run; the reason is required (e.g. it needs a Dask
  cluster at a real address, or it is a placeholder users fill in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,})(?P<lang>[\w+-]*)\s*$")
_DIRECTIVE = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<verb>\w+)\s*(?P<arg>.*?)\s*-->\s*$")
_SNIPPET = re.compile(r'^--8<--\s+"(?P<path>[^"]+)"\s*$')


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its text and its directive."""

    path: Path
    line: int
    lang: str
    text: str
    directive: str = ""
    argument: str = ""

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    """Every Markdown page users read: the docs, the README and each plugin's README."""
    found = sorted((ROOT / "docs").rglob("*.md"))
    found += [ROOT / "README.md", *sorted(ROOT.glob("plugins/*/README.md"))]
    found += sorted(ROOT.glob("examples/*/README.md"))
    return [p for p in found if not _is_snippet_page(p)]


def _is_snippet_page(path: Path) -> bool:
    """A page that only includes another file (``--8<--``); that file is read on its own."""
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return bool(lines) and all(_SNIPPET.match(line) for line in lines)


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of ``path`` in order."""
    lines = path.read_text().splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        start = _FENCE.match(lines[index])
        if not start or not start["lang"]:
            index += 1
            continue
        fence, indent = start["fence"], len(start["indent"])
        body: list[str] = []
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            body.append(lines[end][indent:])
            end += 1
        previous = lines[index - 1] if index else ""
        directive = _DIRECTIVE.match(previous)
        found.append(
            Block(
                path,
                index + 1,
                start["lang"],
                "\n".join(body) + "\n",
                directive["verb"] if directive else "",
                directive["arg"] if directive else "",
            )
        )
        index = end + 1
    return found
