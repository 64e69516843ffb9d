"""The doctor's findings as data (problems, conformance, parts, distributions) and as text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from qloom.plugins import UNKNOWN_DISTRIBUTION

__all__ = [
    "ERROR",
    "INFO",
    "WARNING",
    "Conformance",
    "Diagnosis",
    "DistributionReport",
    "PartReport",
    "Problem",
    "actionable",
    "plural",
]


ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Problem:
    """Something to act on (``error``/``warning``) or to know (``info``), and what to do."""

    severity: str
    message: str
    advice: str


@dataclass(frozen=True)
class Conformance:
    """Outcome of the conformance checks of one part.

    Attributes:
        status: ``ok``, ``failed`` or ``skipped``.
        checks: how many checks ran.
        failures: one entry per failed check, ``name: why``.
        detail: where it was checked (``on emulator:heavy-hex-27``) or why it was skipped.
    """

    status: str
    checks: int = 0
    failures: tuple[str, ...] = ()
    detail: str = ""


@dataclass
class PartReport:
    """One part a distribution provides.

    Attributes:
        status: ``loads``, ``broken``, ``refused`` (wants another qloom), ``disabled``
            (switched off), ``conflict`` (other distributions provide the same name and
            the user has not chosen one), ``shadowed`` (the user chose another
            distribution's part of that name) or ``incomplete`` (it loads, but it is a
            pipeline, or a backend whose default pipeline, needs parts not installed).
        reason: why it is not ``loads``, in one line.
    """

    kind: str
    name: str
    target: str
    status: str
    reason: str = ""
    conformance: Conformance | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``kind:name``."""
        return f"{self.kind}:{self.name}"

    @property
    def ok(self) -> bool:
        """True when it loads and nothing about it needs acting on."""
        return self.status == "loads" and not actionable(self.problems)


USERS_CHOICE = ("disabled", "shadowed")
"""Part statuses that are the user's choice, not a problem: switched off, or another
distribution's part of the same name preferred."""


@dataclass
class DistributionReport:
    """One installed distribution and the parts it provides.

    Attributes:
        requires_qloom: the specifier of its ``qloom`` requirement (``""`` for any version),
            or ``None`` when it declares none (or is the core itself).
        in_range: whether the installed core satisfies it (``None``: nothing to compare).
    """

    name: str
    version: str
    summary: str = ""
    url: str = ""
    is_core: bool = False
    requires_qloom: str | None = None
    core_version: str | None = None
    in_range: bool | None = None
    problems: list[Problem] = field(default_factory=list)
    parts: list[PartReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when neither the distribution nor any of its parts needs acting on."""
        return not actionable(self.problems) and all(
            p.ok or p.status in USERS_CHOICE for p in self.parts
        )


@dataclass
class Diagnosis:
    """What ``diagnose`` found: one report per distribution, core first."""

    core_version: str | None
    checked: bool
    distributions: list[DistributionReport]

    @property
    def parts(self) -> list[PartReport]:
        """Every part of every distribution."""
        return [p for d in self.distributions for p in d.parts]

    @property
    def ok(self) -> bool:
        """True when nothing needs acting on (switched-off parts are the user's choice)."""
        return all(d.ok for d in self.distributions)

    @property
    def exit_code(self) -> int:
        """0 when ``ok``, else 1: what ``qloom plugins doctor`` exits with."""
        return 0 if self.ok else 1

    def to_json(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per distribution: its fields, ``ok``, problems and parts."""
        out = []
        for dist in self.distributions:
            data = asdict(dist)
            data["ok"] = dist.ok
            for part_data, part in zip(data["parts"], dist.parts, strict=True):
                part_data["ok"] = part.ok
            out.append(data)
        return out

    def summary(self) -> str:
        """One line: ``14 distributions, 41 parts: 39 ok, 2 with problems``."""
        parts = self.parts
        ok = sum(p.ok for p in parts)
        disabled = sum(p.status == "disabled" for p in parts)
        shadowed = sum(p.status == "shadowed" for p in parts)
        bad = len(parts) - ok - disabled - shadowed
        line = (
            f"{plural(len(self.distributions), 'distribution')}, "
            f"{plural(len(parts), 'part')}: {ok} ok, {bad} with problems"
        )
        if disabled:
            line += f", {disabled} disabled"
        if shadowed:
            line += f", {shadowed} not chosen"
        if self.checked:
            skipped = sum(
                p.conformance is not None and p.conformance.status == "skipped" for p in parts
            )
            if skipped:
                line += f", {skipped} not checked"
        dist_problems = sum(len(actionable(d.problems)) for d in self.distributions)
        if dist_problems:
            line += f"; {plural(dist_problems, 'distribution problem')}"
        return line

    def render(self) -> str:
        """The human report: one block per distribution, then the summary."""
        blocks = [_render_distribution(d) for d in self.distributions]
        return "\n".join([*blocks, self.summary()])


def actionable(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity in (ERROR, WARNING)]


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- text -------------------------------------------------------------------------------------


_SHOWN_FAILURES = 5
_LABEL_WIDTH = 22


def _render_distribution(dist: DistributionReport) -> str:
    width = max([_LABEL_WIDTH, *(len(p.label) for p in dist.parts)])
    lines = [f"{dist.name} {dist.version}   {_requirement_text(dist)}"]
    advised: set[str] = set()
    for problem in dist.problems:
        if problem.severity == INFO:
            continue
        lines.append(f"  ! {problem.message}")
        lines.append(f"    -> {problem.advice}")
        advised.add(problem.advice)
    for part in dist.parts:
        status = part.status if part.status == "loads" else part.status.upper()
        detail = part.reason if part.status != "loads" else _conformance_text(part.conformance)
        lines.append(f"  {part.label:<{width}}  {status:<9} {detail}".rstrip())
        for failure in part.conformance.failures[:_SHOWN_FAILURES] if part.conformance else ():
            lines.append(f"      x {failure.splitlines()[0].rstrip(':')}")
        hidden = len(part.conformance.failures) - _SHOWN_FAILURES if part.conformance else 0
        if hidden > 0:
            lines.append(f"      ... and {hidden} more (--json lists them all)")
        for problem in part.problems:
            if problem.advice not in advised and (
                problem.severity != INFO or part.status == "disabled"
            ):
                lines.append(f"    -> {problem.advice}")
                advised.add(problem.advice)
    return "\n".join(lines)


def _requirement_text(dist: DistributionReport) -> str:
    if dist.is_core:
        return "the qloom core"
    if dist.name == UNKNOWN_DISTRIBUTION:
        return "no metadata (entry points given in memory)"
    core = dist.core_version or "unknown"
    if dist.requires_qloom is None:
        return f"declares no qloom requirement (installed {core})"
    if not dist.requires_qloom:
        return f"requires qloom, any version (installed {core})"
    verdict = {True: "ok", False: "OUT OF RANGE", None: "not comparable"}[dist.in_range]
    return f"requires qloom{dist.requires_qloom} (installed {core}: {verdict})"


def _conformance_text(result: Conformance | None) -> str:
    if result is None:
        return ""
    if result.status == "skipped":
        return f"not checked: {result.detail}"
    where = f", {result.detail}" if result.detail else ""
    if result.status == "ok":
        return f"conformance ok ({plural(result.checks, 'check')}{where})"
    return f"conformance FAILED ({len(result.failures)} of {result.checks} checks{where})"
