"""``Pipeline``: named, ordered passes; itself a pass; written to and read from plain data.

A spec is ``{"name": ..., "passes": [entry, ...]}`` where an entry is ``"kind:name"``,
``{"kind": k, "name": n, "options": {...}}``, or ``{"pass": "kind:name", **options}``.
Executors ship specs, never pickled passes, so workers rebuild pipelines from their own
installed plugins.

This module sits below the plugin registry and the configuration: what it needs of them is
handed down. ``from_spec`` and ``make_pass`` take the parts (anything with the registry's
``build``, a ``PartSource``) and a ``PipelineResolver`` that turns a nested pipeline's name
into a pipeline (``qloom.config`` supplies one reading the config file, the hook pipelines
and the entry points). Called without them they use the defaults the configuration layer
registers with ``use_default_parts`` (the process-wide registry and its resolver).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from qloom.errors import ConfigError, MissingPartsError, PassError, TaskError, UnknownPluginError
from qloom.hooks import hooks
from qloom.options import check_options
from qloom.passes import Pass, PassContext, PassEvent, derive_seed

if TYPE_CHECKING:
    from qloom.circuit import Circuit

__all__ = [
    "PartSource",
    "Pipeline",
    "PipelineResolver",
    "identity_pipeline",
    "make_pass",
    "missing_hint",
    "normalize_kind",
    "run_finishers",
    "use_default_parts",
]

_PASS_KINDS = ("padding", "placers", "routers", "unrollers", "optimizers", "pipelines")


class PartSource(Protocol):
    """What a pipeline needs of a plugin registry: build the part ``kind``/``name``
    (``qloom.plugins.Registry.build``)."""

    def build(
        self, kind: str, name: str, expected: type | None, /, *args: Any, **options: Any
    ) -> Any: ...


class PipelineResolver(Protocol):
    """Turns a pipeline's name into a ``Pipeline`` built from ``parts`` (the configuration
    layer's ``qloom.config.get_pipeline``: config file, hook pipelines, entry points)."""

    def __call__(self, name: str, parts: PartSource) -> Pipeline: ...


_default_parts: Callable[[], PartSource] | None = None
_default_resolver: PipelineResolver | None = None


def use_default_parts(parts: Callable[[], PartSource], resolver: PipelineResolver) -> None:
    """Set what ``from_spec``/``make_pass`` use when not given ``registry``/``resolver``:
    ``parts()`` (called each time: the current registry) and ``resolver``."""
    global _default_parts, _default_resolver
    _default_parts, _default_resolver = parts, resolver


def _handed(
    registry: PartSource | None, resolver: PipelineResolver | None
) -> tuple[PartSource, PipelineResolver]:
    """``registry`` and ``resolver``, the defaults standing in for those not given."""
    if registry is None:
        if _default_parts is None:
            raise ConfigError("no plugin registry: pass registry= (e.g. qloom.plugins.Registry())")
        registry = _default_parts()
    if resolver is None:
        if _default_resolver is None:
            raise ConfigError("no pipeline resolver: pass resolver= (e.g. qloom.get_pipeline)")
        resolver = _default_resolver
    return registry, resolver


class Pipeline(Pass):
    """Passes run in order, each with a seed derived from the pipeline's.

    Args:
        passes: the passes, in order.
        name: the pipeline's name (shown in errors, reports and task statuses).
        description: one line on what it is for.
    """

    kind = "pipelines"
    option_defaults: ClassVar[Mapping[str, Any] | None] = {}
    """A pipeline takes no options: its passes take theirs."""

    inline_key: ClassVar[str | None] = None
    """The key that marks an inline entry of this class in a spec (``"trials"``)."""

    _inline: ClassVar[dict[str, type[Pipeline]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass with an ``inline_key`` builds the inline entries that carry it, so
        ``from_spec`` finds ``Trials`` without importing the module above it."""
        super().__init_subclass__(**kwargs)
        key = cls.__dict__.get("inline_key")  # its own, not one inherited from ``Trials``
        if key:
            Pipeline._inline[key] = cls

    def __init__(
        self, passes: Sequence[Pass] = (), name: str = "custom", description: str = ""
    ) -> None:
        super().__init__()
        self.passes: list[Pass] = list(passes)
        self.name = name
        self.description = description

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        """Run every pass in order, calling the pass hooks and timing each pass."""
        caller = hooks()
        root_seed, outer = context.seed, context.pipeline
        outermost = outer is None
        context.pipeline = self.name
        timings = context.properties.setdefault("pass_times", [])
        try:
            for index, step in enumerate(self.passes):
                context.seed = derive_seed(root_seed, index, step.label)
                leaf = not isinstance(step, Pipeline)
                trace = context.trace
                if leaf:  # also while traced: progress, and the stop and time-limit checks
                    caller.pass_started(step.label, step.stage, circuit, context)
                before = circuit
                wall, cpu = time.perf_counter(), time.process_time()
                circuit = self._run_step(step, circuit, context)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                if leaf:
                    timings.append({"pass": step.label, "wall": wall, "cpu": cpu})
                    if trace is None:
                        caller.pass_finished(step.label, step.stage, circuit, context, wall, cpu)
                    else:
                        trace.append(PassEvent(step.label, step.stage, before, circuit, wall, cpu))
            if outermost:
                circuit = self._finish(circuit, context)
        finally:
            context.seed, context.pipeline = root_seed, outer
        return circuit

    def _finish(self, circuit: Circuit, context: PassContext) -> Circuit:
        return run_finishers(circuit, context, self.name)

    def _run_step(self, step: Pass, circuit: Circuit, context: PassContext) -> Circuit:
        try:
            out = step(circuit, context)
        except (PassError, TaskError):  # a stop request is not the pass's failure
            raise
        except Exception as exc:
            raise PassError(step.label, self.name, f"{type(exc).__name__}: {exc}") from exc
        if out is None:
            raise PassError(step.label, self.name, "run() returned None instead of a circuit")
        return out

    @property
    def label(self) -> str:
        return f"pipelines:{self.name}"

    def spec(self) -> dict[str, Any]:
        """The pipeline as plain, JSON-ready data (see the module docstring)."""
        out: dict[str, Any] = {
            "kind": "pipelines",
            "name": self.name,
            "passes": [p.spec() for p in self.passes],
        }
        if self.description:
            out["description"] = self.description
        return out

    to_spec = spec

    @classmethod
    def from_spec(
        cls,
        spec: Mapping[str, Any],
        registry: PartSource | None = None,
        resolver: PipelineResolver | None = None,
    ) -> Pipeline:
        """Build a pipeline from plain data, loading each pass by kind and name.

        Args:
            spec: the pipeline as data (see the module docstring).
            registry: where parts come from (default: the process-wide registry).
            resolver: turns a nested ``pipelines:<name>`` into a pipeline (default: the
                configuration's, ``qloom.config.get_pipeline``).

        Raises:
            ConfigError: the spec is malformed.
            MissingPartsError: some passes are not installed; it names every one of them
                (nested pipelines included) with the distribution that provides it.
        """
        if not isinstance(spec, Mapping) or not isinstance(spec.get("passes", []), list):
            raise ConfigError(f"a pipeline spec needs a 'passes' list, got {spec!r}")
        parts, resolve = _handed(registry, resolver)
        name = str(spec.get("name", "custom"))
        passes: list[Pass] = []
        missing: list[tuple[str, str | None]] = []
        for position, entry in enumerate(spec.get("passes", [])):
            try:
                if isinstance(entry, Mapping) and "passes" in entry:  # nested, inline
                    passes.append(_nested(entry, parts, resolve))
                    continue
                kind, part, options = _parse_entry(entry, position, spec.get("name"))
                passes.append(make_pass(kind, part, options, parts, resolve))
            except MissingPartsError as exc:  # a nested pipeline's: keep looking
                missing += [m for m in exc.missing if m not in missing]
            except UnknownPluginError as exc:
                label = f"{exc.kind}:{exc.name}"
                if label not in (m[0] for m in missing):
                    missing.append((label, missing_hint(exc)))
        if missing:
            raise MissingPartsError(name, missing)
        return cls(passes, name, str(spec.get("description", "")))

    def __repr__(self) -> str:
        return (
            f"<Pipeline '{self.name}': {' -> '.join(p.label for p in self.passes) or 'identity'}>"
        )


def run_finishers(circuit: Circuit, context: PassContext, pipeline: str) -> Circuit:
    """Run the finishers registered with ``context.at_end``, latest first, as the outermost
    pipeline (named ``pipeline`` in errors) does once its passes are done."""
    while context.finishers:
        finisher = context.finishers.pop()
        try:
            circuit = finisher(circuit, context)
        except PassError:
            raise
        except Exception as exc:
            where = getattr(finisher, "__qualname__", repr(finisher))
            raise PassError(where, pipeline, f"{type(exc).__name__}: {exc}") from exc
    return circuit


def _nested(spec: Mapping[str, Any], parts: PartSource, resolve: PipelineResolver) -> Pipeline:
    """An inline nested pipeline; with ``"trials": K``, a ``Trials`` of its passes (the
    subclass whose ``inline_key`` the entry carries)."""
    for key, kind in Pipeline._inline.items():
        if key in spec:
            return kind.from_spec(spec, parts, resolve)
    return Pipeline.from_spec(spec, parts, resolve)


def make_pass(
    kind: str,
    name: str,
    options: Mapping[str, Any],
    registry: PartSource | None = None,
    resolver: PipelineResolver | None = None,
) -> Pass:
    """Load the part ``kind``/``name`` and build a pass from it with ``options``
    (``registry`` and ``resolver`` as in ``Pipeline.from_spec``)."""
    parts, resolve = _handed(registry, resolver)
    if kind == "pipelines":
        check_options(f"pipeline '{name}'", options, {})
        return resolve(name, parts)
    step: Pass = parts.build(kind, name, Pass, **dict(options))
    if not step.name:
        step.name = name
    if step.kind == "passes":
        step.kind = kind
    return step


def missing_hint(exc: UnknownPluginError) -> str | None:
    """What to do about one missing part: the registry's hint (install its distribution,
    or it is switched off), else the closest name."""
    if exc.hint and exc.hint.startswith("It is "):
        return exc.hint.removeprefix("It is ").rstrip(".")
    return f"did you mean '{exc.suggestion}'?" if exc.suggestion else None


def _parse_entry(entry: Any, position: int, pipeline: Any) -> tuple[str, str, dict[str, Any]]:
    where = f"pass {position} of pipeline '{pipeline or 'custom'}'"
    if isinstance(entry, str):
        kind, name = _split(entry, where)
        return kind, name, {}
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where}: expected 'kind:name' or a table, got {entry!r}")
    if "pass" in entry:
        kind, name = _split(str(entry["pass"]), where)
        options = {k: v for k, v in entry.items() if k not in ("pass", "options")}
        options.update(entry.get("options", {}))
        return kind, name, options
    if "kind" in entry and "name" in entry:
        return (
            normalize_kind(str(entry["kind"]), where),
            str(entry["name"]),
            dict(entry.get("options", {})),
        )
    raise ConfigError(f"{where}: a table needs 'pass = \"kind:name\"' or 'kind' and 'name'")


def _split(text: str, where: str) -> tuple[str, str]:
    kind, sep, name = text.partition(":")
    if not sep or not name:
        raise ConfigError(f"{where}: '{text}' should be 'kind:name', e.g. 'routers:sabre'")
    return normalize_kind(kind, where), name


def normalize_kind(kind: str, where: str = "pipeline spec") -> str:
    """Accept ``router`` for ``routers`` and so on; reject kinds that are not passes."""
    plural = kind if kind.endswith("s") or kind == "padding" else f"{kind}s"
    if plural not in _PASS_KINDS:
        raise ConfigError(
            f"{where}: '{kind}' is not a kind of pass; kinds: {', '.join(_PASS_KINDS)}"
        )
    return plural


def identity_pipeline() -> Pipeline:
    """The pipeline that changes nothing: the default transpiler of unconstrained backends."""
    return Pipeline([], name="identity", description="changes nothing")
