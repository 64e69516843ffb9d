"""Configuration: global defaults, ``qloom.toml`` / ``[tool.qloom]``, and name resolution.

Where a backend comes from when ``on=`` is not given: ``set_backend`` > ``$QLOOM_BACKEND`` >
the config file's ``backend`` > ``numpy`` when installed. Which pipeline a backend uses
when ``transpiler=`` is not given: ``set_transpiler(p, for_backend=...)`` > the config file's
``[transpilers]`` table > ``set_transpiler(p)`` > the ``qloom_default_pipeline`` hook > the
backend's own ``default_pipeline``.

A config file looks like::

    backend = "numpy"

    [pipelines.mine]
    description = "trivial placement, then SABRE"
    passes = ["placers:trivial", { pass = "routers:sabre", trials = 8 }]

    [transpilers]
    "emulator:heavy-hex-27" = "mine"

in ``qloom.toml``, or under ``[tool.qloom]`` in ``pyproject.toml``; ``$QLOOM_CONFIG`` names
the file explicitly. The nearest file from the working directory upwards is used
(``qloom.config_file`` reads it; its ``[plugins] prefer`` table is read by the registry).
"""

from __future__ import annotations

import difflib
import os
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qloom.backend import Backend
from qloom.config_file import CONFIG_ENV, find_config, forget_cached, load_config
from qloom.errors import MissingPartsError, UnknownPluginError
from qloom.executor import Executor
from qloom.hooks import hooks
from qloom.passes import Pass
from qloom.pipeline import PartSource, Pipeline, missing_hint, use_default_parts
from qloom.plugins import Registry, get_registry, install_command

__all__ = [
    "BACKEND_ENV",
    "CONFIG_ENV",
    "find_config",
    "get_backend",
    "get_executor",
    "get_pipeline",
    "load_config",
    "pipeline_for",
    "reset_defaults",
    "set_backend",
    "resolve_default_pipeline",
    "set_transpiler",
    "unknown_pipeline",
]

BACKEND_ENV = "QLOOM_BACKEND"
FALLBACK_BACKEND = "numpy"

PipelineLike = str | Pipeline | Pass | Mapping[str, Any]


@dataclass
class _Defaults:
    backend: str | Backend | None = None
    backend_options: dict[str, Any] = field(default_factory=dict)
    transpiler: PipelineLike | None = None
    per_backend: dict[str, PipelineLike] = field(default_factory=dict)


_DEFAULTS = _Defaults()
_BACKENDS: OrderedDict[tuple[str, str], Backend] = OrderedDict()
MAX_CACHED_BACKENDS = 32
"""Backends built by name kept for reuse, least recently used dropped first: a service
asked for ever new options must not grow without bound."""


def set_backend(backend: str | Backend | None, **options: Any) -> None:
    """Make ``backend`` (a name or a ``Backend``) the default for ``execute``/``transpile``.

    ``None`` clears it. Options are passed to the backend's factory.
    """
    _DEFAULTS.backend = backend
    _DEFAULTS.backend_options = dict(options)


def set_transpiler(transpiler: PipelineLike | None, *, for_backend: str | None = None) -> None:
    """Set the default pipeline for every backend, or only for ``for_backend``.

    Args:
        transpiler: a pipeline name, ``Pipeline``, ``Pass`` or spec; ``None`` clears it.
        for_backend: a backend name (``provider:device``) or a provider (``provider``).
    """
    if for_backend is None:
        _DEFAULTS.transpiler = transpiler
    elif transpiler is None:
        _DEFAULTS.per_backend.pop(for_backend, None)
    else:
        _DEFAULTS.per_backend[for_backend] = transpiler


def reset_defaults() -> None:
    """Forget ``set_backend``/``set_transpiler`` and the cached backends and config files."""
    global _DEFAULTS
    _DEFAULTS = _Defaults()
    _BACKENDS.clear()
    forget_cached()


# -- resolution -----------------------------------------------------------------------------


def get_backend(on: str | Backend | None = None, **options: Any) -> Backend:
    """Resolve a backend from a name (``provider`` or ``provider:device``) or instance.

    Raises:
        UnknownPluginError: no installed backend plugin has that provider name.
    """
    if isinstance(on, Backend):
        return on
    if on is None:
        on, options = _default_backend(options)
        if isinstance(on, Backend):
            return on
    provider, _, device = on.partition(":")
    key = (on, repr(sorted(options.items())))
    if key in _BACKENDS:
        _BACKENDS.move_to_end(key)
        return _BACKENDS[key]
    args = (device,) if device else ()
    backend: Backend = get_registry().build("backends", provider, Backend, *args, **options)
    _BACKENDS[key] = backend
    while len(_BACKENDS) > MAX_CACHED_BACKENDS:
        _BACKENDS.popitem(last=False)
    return backend


def _default_backend(options: dict[str, Any]) -> tuple[str | Backend, dict[str, Any]]:
    if _DEFAULTS.backend is not None:
        return _DEFAULTS.backend, {**_DEFAULTS.backend_options, **options}
    for candidate in (os.environ.get(BACKEND_ENV), load_config().get("backend")):
        if candidate:
            return candidate, options
    registry = get_registry()
    if FALLBACK_BACKEND in registry.names("backends"):
        return FALLBACK_BACKEND, options
    raise UnknownPluginError(
        "backends",
        "<default>",
        registry.names("backends"),
        None,
        "no backend given: pass on=..., call qloom.set_backend(...), set $QLOOM_BACKEND, "
        f"or {install_command('qloom-sim-numpy')}",
    )


def get_executor(name: str | Executor = "serial", **options: Any) -> Executor:
    """Build the executor plugin ``name`` (``serial``, ``threads``, ``processes``, ``dask``).

    ``workers=-1`` means one worker per CPU. With ``persist=True`` the executor is kept
    after use: a later call with the same name and options gets a new lease on the same
    workers (``qloom.pools``); ``close()`` on a lease, or interpreter exit, ends them.
    """
    if isinstance(name, Executor):
        return name
    if options.get("persist") is True:
        from qloom import pools

        return pools.persistent(name, options, lambda: _build_executor(name, options))
    return _build_executor(name, options)


def _build_executor(name: str, options: dict[str, Any]) -> Executor:
    executor: Executor = get_registry().build("executors", name, Executor, **options)
    return executor


def get_pipeline(transpiler: PipelineLike, registry: Registry | None = None) -> Pipeline:
    """Resolve a pipeline from a name, spec, ``Pass`` or ``Pipeline``.

    Names are looked up in the config file's ``[pipelines]``, then in pipelines registered
    at run time or by the ``qloom_add_pipelines`` hook, then in ``qloom.pipelines`` entry points.
    """
    registry = registry or get_registry()
    if isinstance(transpiler, Pipeline):
        return transpiler
    if isinstance(transpiler, Pass):
        return Pipeline([transpiler], name=transpiler.label)
    if isinstance(transpiler, Mapping):
        return Pipeline.from_spec(transpiler, registry, _resolve_named)
    configured = load_config().get("pipelines", {})
    if transpiler in configured:
        spec = {"name": transpiler, **configured[transpiler]}
        return Pipeline.from_spec(spec, registry, _resolve_named)
    registry.add_hook_pipelines()
    try:
        made = registry.build("pipelines", transpiler, None)
    except MissingPartsError:
        raise
    except UnknownPluginError as exc:
        if exc.kind != "pipelines" or exc.name != transpiler:
            raise
        raise unknown_pipeline(exc, configured) from None
    pipeline = get_pipeline(made, registry)
    if pipeline.name in ("custom", ""):
        pipeline.name = transpiler
    return pipeline


def _resolve_named(name: str, parts: PartSource) -> Pipeline:
    """The ``PipelineResolver`` handed down to ``Pipeline.from_spec``: a nested pipeline's
    name looked up as ``get_pipeline`` does, in ``parts`` when it is a ``Registry``."""
    return get_pipeline(name, parts if isinstance(parts, Registry) else None)


use_default_parts(get_registry, _resolve_named)  # what from_spec uses when given neither


def resolve_default_pipeline(backend: Backend, choice: PipelineLike) -> Pipeline:
    """``get_pipeline(choice)`` for ``backend``: its missing parts (or ``choice`` itself, a
    pipeline that is not installed) are reported as a ``MissingPartsError`` naming it."""
    try:
        return get_pipeline(choice)
    except MissingPartsError as exc:
        raise MissingPartsError(exc.pipeline, exc.missing, backend=backend.name) from None
    except UnknownPluginError as exc:
        if exc.kind != "pipelines" or not isinstance(choice, str) or exc.name != choice:
            raise
        missing = [(f"pipelines:{choice}", missing_hint(exc))]
        raise MissingPartsError(choice, missing, backend=backend.name) from None


def unknown_pipeline(exc: UnknownPluginError, configured: Mapping[str, Any]) -> UnknownPluginError:
    """``exc`` (no installed pipeline has that name) listing the config file's pipelines too,
    with the closest of all names."""
    if not configured:
        return exc
    installed = sorted({*exc.installed, *configured})
    close = difflib.get_close_matches(exc.name, installed, n=1, cutoff=0.5)
    suggestion = close[0] if close else None
    return UnknownPluginError("pipelines", exc.name, installed, suggestion, exc.hint)


def pipeline_for(backend: Backend, transpiler: PipelineLike | None = None) -> Pipeline:
    """The pipeline to use for ``backend``: ``transpiler`` if given, else the defaults.

    Raises:
        MissingPartsError: the default pipeline, or some of its passes, are not installed;
            it names the backend, the pipeline and every missing part.
    """
    if transpiler is not None:
        return get_pipeline(transpiler)
    provider = backend.name.partition(":")[0]
    configured = load_config().get("transpilers", {})
    for choice in (
        _DEFAULTS.per_backend.get(backend.name),
        _DEFAULTS.per_backend.get(provider),
        configured.get(backend.name),
        configured.get(provider),
        _DEFAULTS.transpiler,
        hooks().default_pipeline(backend),
        backend.default_pipeline,
    ):
        if choice is not None:
            return resolve_default_pipeline(backend, choice)
    raise AssertionError("unreachable: backend.default_pipeline is always set")
