"""Describing pipelines for people: which exist, and what passes a pipeline runs, from where.

``list_pipelines()`` lists every named pipeline (entry points, the ``qloom_add_pipelines``
hook, runtime registrations, the config file's ``[pipelines]``) with who provides it.
``describe_pipeline(name)`` walks one pipeline into numbered ``PassRow`` s, nested pipelines
numbered ``2.1``, ``2.2``..., each with its stage, the options it was given and the
distribution that provides it.

Names resolve in the order ``qloom.config.get_pipeline`` uses: the config file first, then
the registry. A named pipeline is walked from its spec, building one pass at a time, so a
part that is not installed or fails to load shows as such in its row instead of failing
the whole description. A ``Pipeline`` object (a backend's default, ``describe_pipeline``
given an instance) is walked as built.
"""

from __future__ import annotations

import importlib.metadata as md
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from qloom.config import find_config, load_config, pipeline_for, unknown_pipeline
from qloom.errors import (
    BrokenPluginError,
    ConfigError,
    PluginConflictError,
    QloomError,
    UnknownPluginError,
)
from qloom.passes import STAGES, Pass
from qloom.pipeline import Pipeline, _parse_entry, make_pass
from qloom.plugins import Registry, accepted_options, get_registry

if TYPE_CHECKING:
    from qloom.backend import Backend

__all__ = [
    "PassRow",
    "PipelineEntry",
    "Provider",
    "PipelineView",
    "describe_default",
    "describe_pipeline",
    "format_options",
    "list_pipelines",
]

OK, MISSING, BROKEN, INVALID = "ok", "not installed", "broken", "invalid"
CONFLICT = "conflict"
"""Row statuses: fine; not installed; fails to import or build; refuses its options;
provided by several distributions, none chosen (``QLOOM_PREFER``)."""


@dataclass(frozen=True)
class Provider:
    """Who provides a part: a distribution and version, or a config file (version ``""``).

    ``source`` is ``entry point``, ``hook``, ``runtime``, ``config`` or ``module``.
    """

    distribution: str
    version: str
    source: str

    def __str__(self) -> str:
        return _provider(self.distribution, self.version)


@dataclass(frozen=True)
class PassRow:
    """One pass of a pipeline, as ``qloom pipeline show`` prints it.

    Attributes:
        number: its position, ``"3"`` at the top level, ``"3.2"`` inside pass 3.
        depth: 0 at the top level, 1 inside a nested pipeline, ...
        kind, name: what it is (``routers``, ``sabre``).
        stage: its stage label (``ROUTING``, ``PIPELINE``, ...).
        options: the options it was given.
        distribution, version, source: who provides it (see ``Provider``).
        status: ``ok``, ``not installed``, ``broken`` (fails to import or build),
            ``invalid`` (refuses the options it was given) or ``conflict`` (several
            distributions provide it and none was chosen).
        error: why it is not ``ok``.
        description: a nested pipeline's description.
        defaults: every option the pass accepts, with its default (``REQUIRED`` when it
            must be given); ``None`` when the pass checks its options itself (an adapter).
    """

    number: str
    depth: int
    kind: str
    name: str
    stage: str
    options: dict[str, Any]
    distribution: str
    version: str
    source: str
    status: str = OK
    error: str = ""
    description: str = ""
    defaults: dict[str, Any] | None = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``kind:name``."""
        return f"{self.kind}:{self.name}"

    @property
    def provider(self) -> str:
        """``distribution version``, as shown in tables."""
        return _provider(self.distribution, self.version)


@dataclass(frozen=True)
class PipelineView:
    """A pipeline, described: its name, provider, description and every pass.

    Attributes:
        backend: set when this is that backend's default pipeline.
    """

    name: str
    description: str
    distribution: str
    version: str
    source: str
    rows: list[PassRow] = field(default_factory=list)
    backend: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every pass is installed and loads."""
        return all(row.status == OK for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data, ``rows`` under ``passes``."""
        data = asdict(self)
        data["passes"] = [{"label": r.label, **asdict(r)} for r in self.rows]
        del data["rows"]
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict()`` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, default=repr)

    def table(self, defaults: bool = False) -> str:
        """A heading line, then one aligned line per pass (and ``why:`` under failed ones).

        With ``defaults``, a ``defaults:`` line under each pass lists every option it
        accepts with its default value.
        """
        where = f" ({_provider(self.distribution, self.version)})" if self.distribution else ""
        heading = f"pipeline '{self.name}'{where}"
        if self.backend:
            heading = f"default pipeline of {self.backend}: '{self.name}'{where}"
        if self.description:
            heading += f": {self.description}"
        lines = [heading]
        if not self.rows:
            lines.append("  (no passes: the circuit is returned unchanged)")
            return "\n".join(lines)
        header = ("#", "PASS", "STAGE", "OPTIONS", "PROVIDER")
        table = [header] + [
            (
                r.number,
                "  " * r.depth + r.label,
                r.stage,
                format_options(r.options),
                r.provider if r.status == OK else f"{r.provider} ({r.status})".lstrip(),
            )
            for r in self.rows
        ]
        widths = [max(len(line[i]) for line in table) for i in range(len(header))]
        for cells, row in zip(table, [None, *self.rows], strict=True):
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
            if row is not None and row.error:
                lines.append(f"{'':{widths[0]}}  why: {row.error}")
            if defaults and row is not None and row.kind != "pipelines":
                accepted = "(set by the adapted class)" if row.defaults is None else None
                shown = accepted or format_options(row.defaults or {}) or "(no options)"
                lines.append(f"{'':{widths[0]}}  defaults: {shown}")
        return "\n".join(lines)


@dataclass(frozen=True)
class PipelineEntry:
    """One named pipeline, as ``qloom pipeline list`` prints it.

    Attributes:
        passes: how many passes it has at the top level (``None`` when it failed to load).
        status: ``ok``, ``broken``, or ``shadowed`` (a config pipeline has the same name).
    """

    name: str
    distribution: str
    version: str
    source: str
    description: str
    passes: int | None
    status: str = OK
    error: str = ""

    @property
    def provider(self) -> str:
        """``distribution version`` (or the config file's path), as shown in tables."""
        return _provider(self.distribution, self.version)


def format_options(options: Mapping[str, Any]) -> str:
    """``{"trials": 8, "resynthesize": True}`` -> ``trials=8 resynthesize=true`` (JSON values,
    strings bare)."""
    return " ".join(
        f"{k}={v if isinstance(v, str) else json.dumps(v, default=repr)}"
        for k, v in options.items()
    )


def list_pipelines(registry: Registry | None = None) -> list[PipelineEntry]:
    """Every named pipeline: config file ones first, then the registry's, by name.

    Each registry pipeline is loaded to read its description; one that fails is listed as
    ``broken`` with the reason.
    """
    registry = registry or get_registry()
    registry.add_hook_pipelines()
    configured = _configured()
    path = find_config() if configured else None
    entries = [
        PipelineEntry(
            name,
            str(path),
            "",
            "config",
            str(spec.get("description", "")),
            len(spec.get("passes", [])),
        )
        for name, spec in configured.items()
    ]
    for info in registry.infos("pipelines"):
        provider = _registry_provider(info.distribution, info.version)
        try:
            made = registry.build("pipelines", info.name, None)
            description, count = _summary(made)
        except QloomError as exc:
            entries.append(
                PipelineEntry(info.name, *_fields(provider), "", None, BROKEN, _reason(exc))
            )
            continue
        status, why = OK, ""
        if info.name in configured:
            status, why = "shadowed", f"{path} defines a pipeline of the same name, used instead"
        entries.append(
            PipelineEntry(info.name, *_fields(provider), description, count, status, why)
        )
    return entries


def describe_pipeline(pipeline: str | Pipeline, registry: Registry | None = None) -> PipelineView:
    """Describe a named pipeline (or a built one) pass by pass.

    Raises:
        UnknownPluginError: no pipeline has that name (config file pipelines included).
        BrokenPluginError: the named pipeline itself fails to load.
        ConfigError: its spec is malformed.
    """
    walker = _Walker(registry or get_registry())
    if isinstance(pipeline, Pipeline):
        provider = walker.provider_of_pipeline(pipeline.name)
        rows = walker.children(pipeline, "", 0, provider, (pipeline.name,))
        return PipelineView(pipeline.name, pipeline.description, *_fields(provider), rows=rows)
    made, provider = walker.named(pipeline)
    rows = walker.children(made, "", 0, provider, (pipeline,))
    name, description = _name_and_description(made, pipeline)
    return PipelineView(name, description, *_fields(provider), rows=rows)


def describe_default(backend: Backend, registry: Registry | None = None) -> PipelineView:
    """Describe the pipeline ``backend`` uses when none is given (see ``pipeline_for``)."""
    view = describe_pipeline(pipeline_for(backend), registry)
    return PipelineView(
        view.name,
        view.description,
        view.distribution,
        view.version,
        view.source,
        view.rows,
        backend=backend.name,
    )


# -- walking --------------------------------------------------------------------------------


class _Walker:
    """Turns pipelines, passes and spec entries into rows, with providers and failures."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.configured = _configured()
        self._modules: Mapping[str, list[str]] | None = None

    def named(self, name: str) -> tuple[Any, Provider]:
        """What the pipeline ``name`` is made of (a spec, ``Pipeline`` or ``Pass``), and who
        provides it."""
        if name in self.configured:
            return {"name": name, **self.configured[name]}, Provider(
                str(find_config()), "", "config"
            )
        self.registry.add_hook_pipelines()
        try:
            info = self.registry.info("pipelines", name)
        except UnknownPluginError as exc:
            raise self._unknown(name, exc) from None
        made = self.registry.build("pipelines", name, None)
        return made, _registry_provider(info.distribution, info.version)

    def _unknown(self, name: str, exc: UnknownPluginError) -> UnknownPluginError:
        return unknown_pipeline(exc, self.configured)

    def provider_of_pipeline(self, name: str, inline: Provider | None = None) -> Provider:
        """Who provides the pipeline called ``name``; ``inline`` (the enclosing pipeline's
        provider, for a pipeline written inside another) when no one does by that name."""
        if name in self.configured:
            return Provider(str(find_config()), "", "config")
        self.registry.add_hook_pipelines()
        if name in self.registry.names("pipelines"):
            info = self.registry.info("pipelines", name)
            return _registry_provider(info.distribution, info.version)
        return inline or Provider("", "", "runtime")

    def children(
        self, made: Any, prefix: str, depth: int, parent: Provider, seen: tuple[str, ...]
    ) -> list[PassRow]:
        """Rows of the passes inside ``made``, numbered ``prefix1``, ``prefix2``, ..."""
        if isinstance(made, Pipeline):
            entries: Sequence[Any] = made.passes
        elif isinstance(made, Pass):
            entries = [made]
        elif isinstance(made, Mapping):
            entries = made.get("passes", [])
            if not isinstance(entries, list):
                raise ConfigError(f"a pipeline spec needs a 'passes' list, got {made!r}")
        elif isinstance(made, str):  # a pipeline that names another one
            return self.entry(f"pipelines:{made}", f"{prefix}1", depth, parent, seen, 0, "")
        else:
            raise ConfigError(f"a pipeline factory returned {type(made).__name__}: {made!r}")
        owner = str(made.get("name", "custom")) if isinstance(made, Mapping) else ""
        rows: list[PassRow] = []
        for position, entry in enumerate(entries):
            number = f"{prefix}{position + 1}"
            rows += self.entry(entry, number, depth, parent, seen, position, owner)
        return rows

    def entry(
        self,
        entry: Any,
        number: str,
        depth: int,
        parent: Provider,
        seen: tuple[str, ...],
        position: int,
        owner: str,
    ) -> list[PassRow]:
        """Rows for one entry: a built pass or pipeline, an inline spec or ``kind:name``."""
        if isinstance(entry, Pipeline):
            provider = self.provider_of_pipeline(entry.name, inline=parent)
            row = _row(number, depth, "pipelines", entry.name, {}, provider, entry.description)
            return [row, *self.children(entry, f"{number}.", depth + 1, provider, seen)]
        if isinstance(entry, Pass):
            return [self.built_row(entry, number, depth)]
        if isinstance(entry, Mapping) and "passes" in entry:  # an inline nested pipeline
            name = str(entry.get("name", "custom"))
            shown = {"trials": entry["trials"]} if "trials" in entry else {}
            row = _row(
                number, depth, "pipelines", name, shown, parent, entry.get("description", "")
            )
            return [row, *self.children(entry, f"{number}.", depth + 1, parent, seen)]
        kind, name, options = _parse_entry(entry, position, owner)
        if kind == "pipelines":
            return self.nested(name, number, depth, seen)
        try:
            info = self.registry.info(kind, name)
        except UnknownPluginError as exc:
            return [_failed(number, depth, kind, name, options, MISSING, _missing_reason(exc))]
        provider = _registry_provider(info.distribution, info.version)
        try:
            step = make_pass(kind, name, options, self.registry)
        except BrokenPluginError as exc:
            return [_row(number, depth, kind, name, options, provider, "", BROKEN, _reason(exc))]
        except PluginConflictError as exc:
            return [_row(number, depth, kind, name, options, provider, "", CONFLICT, str(exc))]
        except QloomError as exc:  # bad options, most often: the plugin's own message
            row = _row(number, depth, kind, name, options, provider, "", INVALID, str(exc))
            return [replace(row, defaults=accepted_options(self.registry.load(kind, name)))]
        row = _row(number, depth, kind, name, dict(step.options), provider)
        return [replace(row, defaults=type(step).accepted_options())]

    def nested(self, name: str, number: str, depth: int, seen: tuple[str, ...]) -> list[PassRow]:
        """A row for the named pipeline ``name`` and rows for its passes."""
        if name in seen:
            cycle = " -> ".join((*seen, name))
            return [_failed(number, depth, "pipelines", name, {}, BROKEN, f"cycle: {cycle}")]
        try:
            made, provider = self.named(name)
        except UnknownPluginError as exc:
            return [_failed(number, depth, "pipelines", name, {}, MISSING, _missing_reason(exc))]
        except BrokenPluginError as exc:
            return [_failed(number, depth, "pipelines", name, {}, BROKEN, _reason(exc))]
        _, description = _name_and_description(made, name)
        row = _row(number, depth, "pipelines", name, {}, provider, description)
        children = self.children(made, f"{number}.", depth + 1, provider, (*seen, name))
        return [row, *children]

    def built_row(self, step: Pass, number: str, depth: int) -> PassRow:
        """The row of a pass that is already built (in a ``Pipeline`` object)."""
        name = step.name or type(step).__name__
        if step.kind in _REGISTRY_KINDS and name in self.registry.names(step.kind):
            info = self.registry.info(step.kind, name)
            provider = _registry_provider(info.distribution, info.version)
        else:
            provider = self.module_provider(step)
        row = _row(number, depth, step.kind, name, dict(step.options), provider)
        return replace(row, defaults=type(step).accepted_options())

    def module_provider(self, step: Pass) -> Provider:
        """The distribution that ships ``step``'s module, for passes not built by name."""
        if self._modules is None:
            self._modules = md.packages_distributions()
        top = type(step).__module__.partition(".")[0]
        for dist in self._modules.get(top, []):
            try:
                return Provider(dist, md.version(dist), "module")
            except md.PackageNotFoundError:
                continue
        return Provider(f"<{type(step).__module__}>", "", "module")


_REGISTRY_KINDS = frozenset(STAGES) - {"passes"}


def _row(
    number: str,
    depth: int,
    kind: str,
    name: str,
    options: dict[str, Any],
    provider: Provider,
    description: str = "",
    status: str = OK,
    error: str = "",
) -> PassRow:
    return PassRow(
        number,
        depth,
        kind,
        name,
        STAGES.get(kind, kind.upper()),
        options,
        *_fields(provider),
        status=status,
        error=error,
        description=str(description),
    )


def _failed(
    number: str,
    depth: int,
    kind: str,
    name: str,
    options: dict[str, Any],
    status: str,
    error: str,
) -> PassRow:
    return _row(number, depth, kind, name, options, Provider("", "", ""), "", status, error)


def _fields(provider: Provider) -> tuple[str, str, str]:
    return provider.distribution, provider.version, provider.source


def _registry_provider(distribution: str, version: str) -> Provider:
    source = {"<hook>": "hook", "<runtime>": "runtime"}.get(distribution, "entry point")
    return Provider(distribution, version, source)


def _provider(distribution: str, version: str) -> str:
    return f"{distribution} {version}".strip()


def _configured() -> dict[str, Mapping[str, Any]]:
    pipelines: dict[str, Mapping[str, Any]] = load_config().get("pipelines", {})
    return pipelines


def _name_and_description(made: Any, fallback: str) -> tuple[str, str]:
    if isinstance(made, Pipeline):
        name = made.name if made.name not in ("custom", "") else fallback
        return name, made.description
    if isinstance(made, Mapping):
        return fallback, str(made.get("description", ""))
    return fallback, ""


def _summary(made: Any) -> tuple[str, int | None]:
    """Description and top-level pass count of what a pipeline factory returned."""
    if isinstance(made, Pipeline):
        return made.description, len(made.passes)
    if isinstance(made, Mapping):
        passes = made.get("passes")
        return str(made.get("description", "")), len(passes) if isinstance(passes, list) else None
    if isinstance(made, Pass):
        return "", 1
    return "", None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, BrokenPluginError):
        return exc.reason
    return str(exc)


def _missing_reason(exc: UnknownPluginError) -> str:
    if exc.hint:
        return exc.hint
    near = f" (did you mean '{exc.suggestion}'?)" if exc.suggestion else ""
    kind = exc.kind[:-1] if exc.kind.endswith("s") else exc.kind
    return f"no {kind} named '{exc.name}' is installed{near}"
