"""Discovery reads less than ``importlib.metadata``'s own helpers and finds the same."""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path
from typing import Any

from qloom.plugins import HOOK_GROUP, KINDS, _name_and_version, installed_entry_points
from support import require_distribution


def test_installed_entry_points_are_those_importlib_metadata_lists() -> None:
    require_distribution("qloom-placers")
    groups = [f"qloom.{kind}" for kind in KINDS] + [HOOK_GROUP]
    everything = md.entry_points()
    expected = [ep for group in groups for ep in everything.select(group=group)]
    found = installed_entry_points()
    assert len(found) > 10  # the project's plugins are installed
    assert [(e.group, e.name, e.value) for e in found] == [
        (e.group, e.name, e.value) for e in expected
    ]
    assert [e.dist.name for e in found if e.dist] == [e.dist.name for e in expected if e.dist]


def test_name_and_version_match_the_parsed_metadata_of_every_distribution() -> None:
    dists = list(md.distributions())
    assert dists
    for dist in dists:
        assert _name_and_version(dist) == (dist.metadata["Name"], dist.version)


class Written(md.Distribution):
    """A distribution whose METADATA is the given text."""

    def __init__(self, metadata: str) -> None:
        self.text = metadata

    def read_text(self, filename: str) -> str | None:
        return self.text if filename == "METADATA" else None

    def locate_file(self, path: Any) -> Path:
        raise FileNotFoundError(path)


def test_name_and_version_are_read_from_the_headers_only() -> None:
    text = "Metadata-Version: 2.1\nName: qloom-a\nVersion: 1.2\n\nVersion: 9 in the description\n"
    assert _name_and_version(Written(text)) == ("qloom-a", "1.2")
    folded = "Metadata-Version: 2.1\nName: qloom-b\nSummary: two\n  lines\nVersion: 3.0\n"
    assert _name_and_version(Written(folded)) == ("qloom-b", "3.0")
    crlf = "Metadata-Version: 2.1\r\nName: qloom-c\r\nVersion: 4.0\r\n\r\nVersion: 5\r\n"
    assert _name_and_version(Written(crlf)) == ("qloom-c", "4.0")
