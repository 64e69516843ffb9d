"""``diagnose``: every installed plugin distribution, its parts, and what to do about them.

Parts are listed from entry points read here rather than from the registry alone: the
registry hides switched-off parts and the parts another distribution shadows, and the
doctor must show those too.
"""

from __future__ import annotations

import importlib.metadata as md
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.utils import canonicalize_name

from qloom.doctor.advice import (
    broken_advice,
    conformance_problems,
    enable_advice,
    range_advice,
    range_message,
)
from qloom.doctor.checks import EXECUTOR_TIMEOUT, Trials, check_part
from qloom.doctor.metadata import (
    format_specifier,
    in_range,
    metadata_field,
    project_url,
    suggested_range,
)
from qloom.doctor.pipelines import pipeline_problems
from qloom.doctor.report import (
    ERROR,
    INFO,
    WARNING,
    Diagnosis,
    DistributionReport,
    PartReport,
    Problem,
)
from qloom.errors import IncompatiblePluginError, QloomError
from qloom.names import convention_problem, suggested_name
from qloom.plugins import (
    CORE_DISTRIBUTION,
    DISABLE_ENV,
    KINDS,
    PREFER_ENV,
    PluginInfo,
    Registry,
    core_requirement,
    installed_entry_points,
    kind_of_group,
    use_registry,
)

__all__ = ["diagnose"]


def diagnose(
    registry: Registry | None = None,
    *,
    check: bool = False,
    only: Sequence[str] = (),
    entry_points: Iterable[md.EntryPoint] | None = None,
    progress: bool = False,
    executor_timeout: float = EXECUTOR_TIMEOUT,
) -> Diagnosis:
    """Diagnose every installed plugin distribution.

    Args:
        registry: the registry to load parts with; a fresh one from the installed metadata
            by default (so earlier failures or runtime registrations do not leak in).
        check: also run the conformance checks of each part that loads.
        only: distributions (``qloom-routers`` or ``routers``), names (``sabre``) or
            ``kind:name`` to diagnose; every distribution by default.
        entry_points: the entry points to diagnose, by default the installed ones. A
            registry built in memory (``Registry(entry_points=...)``) needs the same list
            here: the registry hides switched-off parts, the doctor lists them.
        progress: show a progress bar on stderr while checking.
        executor_timeout: seconds an executor gets to run a trivial task under ``check``.

    Returns:
        The diagnosis; ``exit_code`` is 1 when anything needs acting on.

    Raises:
        QloomError: nothing installed matches ``only``.
    """
    listed = list(entry_points) if entry_points is not None else None
    if registry is None:
        registry = Registry(entry_points=listed)
    found = _collect(listed if listed is not None else installed_entry_points(), registry)
    selected = _select(found, only)
    reports = [_distribution_report(dist, registry) for dist in selected]
    for report, dist in zip(reports, selected, strict=True):
        requires = (dist.metadata.requires or []) if dist.metadata is not None else []
        report.parts = [_part_report(p, report, requires, registry) for p in dist.parts]
    if check:
        _check_all(reports, registry, progress, executor_timeout)
    return Diagnosis(registry.core_version, check, reports)


@dataclass
class _Part:
    info: PluginInfo
    disabled: bool


@dataclass
class _Dist:
    name: str
    version: str
    metadata: md.Distribution | None
    parts: list[_Part] = field(default_factory=list)


def _collect(entry_points: Iterable[md.EntryPoint], registry: Registry) -> list[_Dist]:
    """Group the entry points by distribution, marking switched-off parts (names that
    several distributions provide are judged by the registry: see ``_part_report``)."""
    dists: dict[str, _Dist] = {}
    for ep in entry_points:
        kind = kind_of_group(ep.group)
        if kind is None:
            continue
        info = PluginInfo.from_entry_point(kind, ep)
        name = info.distribution
        entry = dists.setdefault(
            canonicalize_name(name), _Dist(name, info.version, getattr(ep, "dist", None))
        )
        entry.parts.append(_Part(info, registry.is_disabled(info)))
    order = {kind: i for i, kind in enumerate((*KINDS, "hooks"))}
    for entry in dists.values():
        entry.parts.sort(key=lambda p: (order[p.info.kind], p.info.name))
    return sorted(
        dists.values(),
        key=lambda d: (canonicalize_name(d.name) != CORE_DISTRIBUTION, canonicalize_name(d.name)),
    )


def _select(found: list[_Dist], only: Sequence[str]) -> list[_Dist]:
    if not only:
        return found
    wanted = {w.strip() for w in only if w.strip()}
    selected: list[_Dist] = []
    for dist in found:
        canonical = canonicalize_name(dist.name)
        if {canonicalize_name(w) for w in wanted} & {canonical, canonical.removeprefix("qloom-")}:
            selected.append(dist)
            continue
        parts = [p for p in dist.parts if {p.info.name, f"{p.info.kind}:{p.info.name}"} & wanted]
        if parts:
            selected.append(_Dist(dist.name, dist.version, dist.metadata, parts))
    if not selected:
        names = ", ".join(d.name for d in found) or "none"
        raise QloomError(
            f"no installed plugin distribution or part matches {', '.join(sorted(wanted))}; "
            f"give a distribution (e.g. qloom-routers), a name or kind:name. "
            f"Installed distributions: {names}"
        )
    return selected


def _distribution_report(dist: _Dist, registry: Registry) -> DistributionReport:
    report = DistributionReport(
        dist.name,
        dist.version,
        is_core=canonicalize_name(dist.name) == CORE_DISTRIBUTION,
        core_version=registry.core_version,
    )
    meta = dist.metadata
    if meta is None:
        report.problems.append(
            Problem(
                INFO,
                "no distribution metadata: its entry points were given in memory",
                "nothing to do; installed plugins always have metadata",
            )
        )
        return report
    report.summary = metadata_field(meta, "Summary")
    report.url = project_url(meta)
    if report.is_core:
        return report
    spec = core_requirement(meta)
    if spec is None:
        report.problems.append(
            Problem(
                WARNING,
                "declares no qloom requirement, so nothing stops it from being installed "
                "beside a qloom it does not work with",
                f"its maintainers should declare one, e.g. dependencies = "
                f"['qloom{suggested_range(registry.core_version)}'] in pyproject.toml",
            )
        )
        return report
    report.requires_qloom = format_specifier(spec)
    if not report.requires_qloom:
        report.problems.append(
            Problem(
                WARNING,
                "requires qloom without a version range",
                f"its maintainers should bound it, e.g. "
                f"'qloom{suggested_range(registry.core_version)}'",
            )
        )
    report.in_range = in_range(spec, registry.core_version)
    if report.in_range is False:
        report.problems.append(Problem(ERROR, range_message(report), range_advice(report)))
    return report


def _part_report(
    part: _Part, dist: DistributionReport, requires: Sequence[str], registry: Registry
) -> PartReport:
    info = part.info
    report = PartReport(info.kind, info.name, info.target, "loads")
    naming = convention_problem(info.kind, info.name)
    if naming is not None:
        advice = (
            f"the name is not snake_case: its maintainers should rename it "
            f"'{suggested_name(info.name)}', keeping the old name as a second entry point "
            "for one release"
        )
        report.problems.append(Problem(WARNING, naming, advice))
    if part.disabled:
        report.status = "disabled"
        report.reason = f"switched off by {DISABLE_ENV}"
        report.problems.append(Problem(INFO, report.reason, enable_advice(info, registry)))
        return report
    contested = _contested(part, registry)
    if contested is not None:
        report.status, report.reason, problem = contested
        report.problems.append(problem)
        return report
    broken = registry.check_part(info.kind, info.name)
    if broken is not None:
        refused = isinstance(broken.error, IncompatiblePluginError)
        report.status = "refused" if refused else "broken"
        report.reason = broken.reason.splitlines()[0] if broken.reason else ""
        advice = range_advice(dist) if refused else broken_advice(broken, dist, requires)
        report.problems.append(Problem(ERROR, report.reason, advice))
        return report
    missing = pipeline_problems(registry, info.kind, info.name)
    if missing:
        report.status = "incomplete"
        report.reason = missing[0].message
        report.problems += missing
    return report


def _contested(part: _Part, registry: Registry) -> tuple[str, str, Problem] | None:
    """Status, reason and problem of a part whose name other distributions provide too:
    ``conflict`` until the user chooses one, then ``shadowed`` for the others."""
    info = part.info
    label = f"{info.kind}:{info.name}"
    others = [
        i.distribution
        for i in registry.conflicts().get((info.kind, info.name), [])
        if canonicalize_name(i.distribution) != canonicalize_name(info.distribution)
    ]
    if not others:
        return None
    conflict = registry.conflict(info.kind, info.name)
    if conflict is not None:
        why = f"{', '.join(others)} also provide{'s' if len(others) == 1 else ''} {label}"
        if conflict.preferred:
            why += f"; the preferred {conflict.preferred} does not"
        advice = (
            f"choose one with {PREFER_ENV}={label}=<distribution> or, in qloom.toml, "
            f'[plugins] prefer = {{ "{label}" = "<distribution>" }}; or uninstall the others'
        )
        return "conflict", f"{why}: it cannot be used until one is chosen", Problem(
            ERROR, why, advice
        )
    chosen = registry.preferred(info.kind, info.name)
    if chosen is None or canonicalize_name(chosen) == canonicalize_name(info.distribution):
        return None
    why = f"{chosen} is preferred for {label}"
    advice = f"to use this one instead, prefer {info.distribution} in {PREFER_ENV} or [plugins]"
    return "shadowed", why, Problem(INFO, why, advice)


def _check_all(
    reports: list[DistributionReport], registry: Registry, progress: bool, timeout: float
) -> None:
    todo = [(d, p) for d in reports for p in d.parts if p.status in ("loads", "incomplete")]
    bar = _progress_bar(len(todo)) if progress else None
    trials = Trials.build()
    with use_registry(registry):
        for dist, part in todo:
            if bar is not None:
                bar.set_postfix_str(part.label, refresh=False)
            part.conformance = check_part(registry, part, dist.name, trials, timeout)
            part.problems += conformance_problems(part, dist)
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()


def _progress_bar(total: int) -> Any:
    from tqdm import tqdm  # type: ignore[import-untyped]

    return tqdm(total=total, desc="checking", unit="part", file=sys.stderr, leave=False)
