"""What the doctor reads from package metadata: entry points, project URLs, and the qloom
version range a distribution declares."""

from __future__ import annotations

import importlib.metadata as md
from collections.abc import Iterable

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

__all__ = [
    "format_specifier",
    "in_range",
    "metadata_field",
    "project_url",
    "requirement_for",
    "suggested_range",
]


def metadata_field(meta: md.Distribution, key: str) -> str:
    """A one-value metadata field (``Summary``, ``Home-page``), ``""`` when absent."""
    values = meta.metadata.get_all(key) or []
    value = str(values[0]).strip() if values else ""
    return "" if value == "UNKNOWN" else value


def project_url(meta: md.Distribution) -> str:
    """The best address to report a problem to: an issue tracker, else any project URL."""
    labelled: list[tuple[str, str]] = []
    for entry in meta.metadata.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        labelled.append((label.strip().lower(), url.strip()))
    for wanted in ("issue", "bug", "tracker", "source", "repository", "home"):
        for label, url in labelled:
            if wanted in label and url:
                return url
    if labelled:
        return labelled[0][1]
    return metadata_field(meta, "Home-page")


def format_specifier(spec: SpecifierSet) -> str:
    """``>=0.1,<0.2``: lower bounds first, as people write them."""
    order = {">": 0, ">=": 0, "~=": 0, "==": 1, "===": 1, "!=": 2, "<": 3, "<=": 3}
    return ",".join(str(s) for s in sorted(spec, key=lambda s: (order.get(s.operator, 4), str(s))))


def in_range(spec: SpecifierSet, core: str | None) -> bool | None:
    """Whether the core version satisfies ``spec``; ``None`` when it cannot be compared."""
    if core is None:
        return None
    try:
        return spec.contains(Version(core), prereleases=True)
    except InvalidVersion:
        return None


def suggested_range(core: str | None) -> str:
    """The range to declare for a plugin built against ``core``: ``>=0.1,<0.2`` for 0.1.x."""
    try:
        release = Version(core or "").release
    except InvalidVersion:
        return ">=0.1,<0.2"
    major, minor = (*release, 0)[:2]
    if major == 0:
        return f">={major}.{minor},<{major}.{minor + 1}"
    return f">={major}.{minor},<{major + 1}"


def requirement_for(module: str, requires: Iterable[str]) -> str | None:
    """The requirement among ``requires`` that most likely provides ``module``, if any."""
    wanted = canonicalize_name(module)
    for line in requires:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(req.name) == wanted:
            return f"{req.name}{format_specifier(req.specifier)}"
    return None
