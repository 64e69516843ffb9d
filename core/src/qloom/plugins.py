"""Plugin discovery: named parts from entry points, hook plugins through pluggy.

Names are listed from package metadata without importing anything; a part is imported the
first time it is used. A plugin that fails to import, to build, or that wants another core
version is recorded with its distribution, version and error, and never breaks the others.

Listing reads entry points with ``importlib.metadata`` (one read of the installed
distributions for every group): it must not import, and every name must carry its
distribution and version for ``qloom plugins``; stevedore's managers list a namespace by
loading it. Loading one part goes through stevedore's ``NamedExtensionManager`` restricted
to the one entry point chosen (``qloom.loading``), whose load-failure callback feeds the
registry's failure records; those give the file and line where the plugin failed
(``qloom.tracebacks``). Tests build a registry from an in-memory list of entry points.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.metadata as md
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found]

from qloom.config_file import load_config
from qloom.errors import (
    BrokenPluginError,
    ConfigError,
    IncompatiblePluginError,
    PluginConflictError,
    QloomError,
    UnknownPluginError,
)
from qloom.hooks import Hooks, new_manager, serve_hooks_from
from qloom.names import resolve as resolve_name
from qloom.options import check_options, signature_options
from qloom.passes import STAGES, Pass
from qloom.tracebacks import full_traceback, raised_at

__all__ = [
    "CORE_DISTRIBUTION",
    "DISABLE_ENV",
    "PREFER_ENV",
    "HOOK_GROUP",
    "KINDS",
    "UNKNOWN_DISTRIBUTION",
    "BrokenPlugin",
    "PluginInfo",
    "Registry",
    "accepted_options",
    "core_requirement",
    "get_registry",
    "install_command",
    "install_hint",
    "installed_entry_points",
    "kind_of_group",
    "use_registry",
]

KINDS: tuple[str, ...] = (
    "backends",
    "placers",
    "routers",
    "unrollers",
    "optimizers",
    "padding",
    "executors",
    "pipelines",
    "datasets",
)
"""Kinds of named parts; each is the entry-point group ``qloom.<kind>``."""

HOOK_GROUP = "qloom"
"""Entry-point group of pluggy hook plugins."""

DISABLE_ENV = "QLOOM_DISABLE_PLUGINS"
"""Comma-separated distributions, names or ``kind:name`` to switch off; ``*`` for all."""

PREFER_ENV = "QLOOM_PREFER"
"""Comma-separated ``kind:name=distribution``: which distribution provides a name that
several provide (over the config file's ``[plugins] prefer`` table)."""

CORE_DISTRIBUTION = "qloom"

UNKNOWN_DISTRIBUTION = "<unknown>"
"""Distribution name of an entry point whose metadata does not say (in-memory tests)."""

BUILT_ON_CHECK = frozenset(KINDS) - {"executors"}

KNOWN_PACKAGES: dict[tuple[str, str], str] = {
    ("backends", "numpy"): "qloom-sim-numpy",
    ("backends", "emulator"): "qloom-hw-emulator",
    ("backends", "qiskit"): "qloom-qiskit",
    ("executors", "threads"): "qloom-executors",
    ("executors", "processes"): "qloom-executors",
    ("executors", "dask"): "qloom-dask",
    **{
        ("placers", n): "qloom-placers"
        for n in ("trivial", "dense", "line", "subgraph", "sabre", "noise", "post")
    },
    **{("routers", n): "qloom-routers" for n in ("basic", "sabre")},
    **{("padding", n): "qloom-padding" for n in ("auto", "none", "before", "after")},
    ("pipelines", "emulator"): "qloom-hw-emulator",
    **{(kind, "qiskit"): "qloom-qiskit" for kind in ("placers", "routers", "unrollers")},
    ("optimizers", "qiskit"): "qloom-qiskit",
    ("optimizers", "drop_identity"): "qloom-template",
    **{("pipelines", n): "qloom-placers" for n in ("mapping", "mapping_best")},
    **{("pipelines", n): "qloom-levels" for n in ("O0", "O1", "O2", "O3")},
    **{("unrollers", n): "qloom-unrollers" for n in ("basis", "decompose")},
    **{
        ("optimizers", n): "qloom-optimizers"
        for n in (
            "fuse_1q",
            "cancel",
            "remove_identities",
            "remove_diagonal_before_measure",
            "consolidate_2q",
            "elide_swaps",
            "optimize",
        )
    },
}
"""Which distribution of this project provides a well-known part, for "not installed" hints
(a test checks it against the plugins' own entry points)."""


@dataclass(frozen=True)
class PluginInfo:
    """One installed named part, known from metadata alone."""

    kind: str
    name: str
    target: str
    distribution: str
    version: str
    entry_point: md.EntryPoint | None = field(default=None, compare=False, repr=False)
    obj: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_entry_point(cls, kind: str, ep: md.EntryPoint) -> PluginInfo:
        """The part an entry point names, with the distribution and version that ship it."""
        dist = getattr(ep, "dist", None)
        name, version = (UNKNOWN_DISTRIBUTION, "?") if dist is None else _name_and_version(dist)
        return cls(kind, ep.name, ep.value, name, version, ep)

    @property
    def is_core(self) -> bool:
        """True for parts shipped by the core distribution itself."""
        return canonicalize_name(self.distribution) == CORE_DISTRIBUTION


@dataclass(frozen=True)
class BrokenPlugin:
    """A part that failed to load: who ships it and why it failed."""

    info: PluginInfo
    error: BaseException

    @property
    def reason(self) -> str:
        """The error in one line, e.g. ``ModuleNotFoundError: No module named 'x'``."""
        err = self.error
        if isinstance(err, BrokenPluginError):
            return err.reason
        return f"{type(err).__name__}: {err}"

    @property
    def traceback(self) -> str:
        """The failure's whole traceback, the plugin's own error first in the chain."""
        return full_traceback(self.error)


class Registry:
    """Every named part and hook plugin that is installed, loaded on first use.

    Args:
        entry_points: entry points to use instead of the installed metadata (tests).
        disabled: names to switch off; defaults to ``$QLOOM_DISABLE_PLUGINS``.
        core_version: the core version plugins are checked against (defaults to installed).
        prefer: ``{"kind:name": distribution}`` for names several distributions provide;
            over ``$QLOOM_PREFER``, over the config file's ``[plugins] prefer``.
    """

    def __init__(
        self,
        entry_points: Iterable[md.EntryPoint] | None = None,
        disabled: Iterable[str] | None = None,
        core_version: str | None = None,
        prefer: Mapping[str, str] | None = None,
    ) -> None:
        self._given = None if entry_points is None else list(entry_points)
        env = os.environ.get(DISABLE_ENV, "")
        raw = disabled if disabled is not None else env.split(",")
        self.disabled = frozenset(d.strip() for d in raw if d.strip())
        self.core_version = core_version or _installed_version(CORE_DISTRIBUTION)
        self._infos: dict[str, dict[str, PluginInfo]] | None = None
        self._prefer_given = dict(prefer or {})
        self._prefer: dict[str, str] = {}
        self._conflicts: dict[tuple[str, str], list[PluginInfo]] = {}
        self._runtime: dict[str, dict[str, PluginInfo]] = {kind: {} for kind in KINDS}
        self._loaded: dict[tuple[str, str], Any] = {}
        self._broken: dict[tuple[str, str], BrokenPlugin] = {}
        self._hooks: pluggy.PluginManager | None = None
        self._hooks_lock = threading.RLock()  # one manager, whichever thread asks first
        self._hook_pipelines_added = False

    # -- listing ------------------------------------------------------------------------------

    def _scan(self) -> dict[str, dict[str, PluginInfo]]:
        self._prefer = self._preferences()
        providers: dict[tuple[str, str], list[PluginInfo]] = {}
        for ep in self._entry_points():
            kind = kind_of_group(ep.group)
            if kind is None:
                continue
            info = PluginInfo.from_entry_point(kind, ep)
            if self.is_disabled(info):
                continue
            seen = providers.setdefault((kind, ep.name), [])
            if any(_same_dist(info.distribution, s.distribution) for s in seen):
                continue  # the same distribution seen twice (two copies on the path)
            seen.append(info)
        found: dict[str, dict[str, PluginInfo]] = {kind: {} for kind in (*KINDS, "hooks")}
        self._conflicts = {
            key: infos for key, infos in providers.items() if len(infos) > 1 and key[0] != "hooks"
        }
        for (kind, name), infos in providers.items():
            if kind == "hooks":  # events, not parts chosen by name: every one is registered
                for i, info in enumerate(infos):
                    found[kind][name if i == 0 else f"{info.distribution}:{name}"] = info
                continue
            chosen = self._prefer.get(f"{kind}:{name}")
            picked = [i for i in infos if chosen and _same_dist(i.distribution, chosen)]
            found[kind][name] = (picked or infos)[0]
        return found

    def _preferences(self) -> dict[str, str]:
        """``kind:name`` -> distribution: the config file's, then the environment's, then
        the ``prefer`` argument, each over the one before."""
        prefer = dict(load_config().get("plugins", {}).get("prefer", {}))
        for item in os.environ.get(PREFER_ENV, "").split(","):
            if not item.strip():
                continue
            key, sep, dist = item.strip().partition("=")
            if not sep or ":" not in key or not dist.strip():
                raise ConfigError(
                    f"{PREFER_ENV}: '{item.strip()}' should be kind:name=distribution, "
                    "e.g. routers:sabre=qloom-routers (comma-separated)"
                )
            prefer[key.strip()] = dist.strip()
        prefer.update(self._prefer_given)
        return prefer

    def conflicts(self) -> dict[tuple[str, str], list[PluginInfo]]:
        """Names that more than one distribution provides: ``(kind, name)`` -> providers,
        in the order found. Listing shows the preferred (else the first) provider; using
        the name needs a preference (see ``preferred``)."""
        self._scanned()
        return dict(self._conflicts)

    def preferred(self, kind: str, name: str) -> str | None:
        """The distribution the user chose for ``kind:name`` (``prefer``, ``$QLOOM_PREFER``
        or ``[plugins] prefer``), or ``None``."""
        self._scanned()
        return self._prefer.get(f"{kind}:{name}")

    def conflict(self, kind: str, name: str) -> PluginConflictError | None:
        """The error using ``kind:name`` raises because several distributions provide it
        and the user has not chosen one of them; ``None`` when there is no such problem."""
        infos = self.conflicts().get((kind, name))
        if not infos or name in self._runtime.get(kind, {}):
            return None
        providers = [f"{i.distribution} {i.version}".strip() for i in infos]
        chosen = self.preferred(kind, name)
        if chosen is None:
            return PluginConflictError(kind, name, providers)
        if not any(_same_dist(i.distribution, chosen) for i in infos):
            return PluginConflictError(kind, name, providers, preferred=chosen)
        return None

    def _entry_points(self) -> Iterator[md.EntryPoint]:
        if self._given is not None:
            yield from self._given
            return
        yield from installed_entry_points()

    def rescan(self) -> None:
        """Forget what was listed, so newly installed plugins are found."""
        importlib.invalidate_caches()
        self._infos = None

    def _scanned(self) -> dict[str, dict[str, PluginInfo]]:
        if self._infos is None:
            self._infos = self._scan()
        return self._infos

    def infos(self, kind: str) -> list[PluginInfo]:
        """Every installed part of ``kind``, from metadata and runtime registrations."""
        _check_kind(kind)
        merged = {**self._scanned().get(kind, {}), **self._runtime.get(kind, {})}
        return sorted(merged.values(), key=lambda i: i.name)

    def hook_infos(self) -> list[PluginInfo]:
        """Every installed hook plugin (entry-point group ``qloom``)."""
        return sorted(self._scanned().get("hooks", {}).values(), key=lambda i: i.name)

    def names(self, kind: str) -> list[str]:
        """Names of every installed part of ``kind`` (nothing is imported)."""
        return [info.name for info in self.infos(kind)]

    def info(self, kind: str, name: str) -> PluginInfo:
        """Metadata of one part; raises ``UnknownPluginError`` listing what is installed.

        An old hyphenated name finds the renamed part with a ``FutureWarning`` (``qloom.names``).
        """
        for attempt in range(2):
            by_name = {info.name: info for info in self.infos(kind)}
            found = resolve_name(kind, name, by_name)
            if found is not None:
                return by_name[found]
            if attempt == 0 and self._given is None:
                self.rescan()
        raise self._unknown(kind, name)

    def is_disabled(self, info: PluginInfo) -> bool:
        """Whether ``$QLOOM_DISABLE_PLUGINS`` (or ``disabled``) switches this part off."""
        return _switched_off(info, self.disabled)

    def _unknown(self, kind: str, name: str) -> UnknownPluginError:
        installed = [i.name for i in self.infos(kind)]
        close = difflib.get_close_matches(name, installed, n=1, cutoff=0.5)
        hint = None
        if name in self._disabled_names(kind):
            hint = f"It is installed but switched off by {DISABLE_ENV}."
        elif (kind, name) in KNOWN_PACKAGES:
            hint = f"It is {install_hint(kind, name)}"
        return UnknownPluginError(kind, name, installed, close[0] if close else None, hint)

    def _disabled_names(self, kind: str) -> set[str]:
        if not self.disabled:
            return set()
        group = f"qloom.{kind}"
        return {
            ep.name
            for ep in self._entry_points()
            if ep.group == group
            and _switched_off(PluginInfo.from_entry_point(kind, ep), self.disabled)
        }

    # -- loading ------------------------------------------------------------------------------

    def load(self, kind: str, name: str) -> Any:
        """Import (once) and return the object behind ``kind``/``name``.

        Raises:
            UnknownPluginError: nothing of that kind has that name.
            PluginConflictError: several distributions provide it and the user has not
                chosen one (``$QLOOM_PREFER``, ``[plugins] prefer``).
            BrokenPluginError: it is installed but failed to import or declares
                a core-version range the installed core is not in.
        """
        key = (kind, name)
        if key in self._loaded:
            return self._loaded[key]
        if key in self._broken:
            raise self._broken[key].error
        info = self.info(kind, name)
        conflict = self.conflict(kind, info.name)
        if conflict is not None:
            raise conflict
        try:
            obj = self._import(info)
        except BrokenPluginError as exc:
            self._record(info, exc)
            raise
        self._loaded[key] = obj
        return obj

    def _import(self, info: PluginInfo) -> Any:
        if info.obj is not None:
            return info.obj
        self._check_core_version(info)
        assert info.entry_point is not None
        from qloom.loading import load_entry_point, package_of  # stevedore: on first load

        try:
            return load_entry_point(info.entry_point)
        except KeyboardInterrupt:  # the user's, not the plugin's
            raise
        except BaseException as exc:  # SystemExit too: a plugin must not end the process
            raise BrokenPluginError(
                info.kind,
                info.name,
                info.distribution,
                info.version,
                _why(exc, "import"),
                location=raised_at(exc, package_of(info.entry_point)),
            ) from exc

    def _check_core_version(self, info: PluginInfo) -> None:
        if info.is_core or info.entry_point is None or self.core_version is None:
            return
        dist = getattr(info.entry_point, "dist", None)
        specifier = core_requirement(dist) if dist is not None else None
        if specifier is None:
            return
        try:
            ok = specifier.contains(Version(self.core_version), prereleases=True)
        except InvalidVersion:
            ok = True
        if not ok:
            raise IncompatiblePluginError(
                info.kind,
                info.name,
                info.distribution,
                info.version,
                f"it requires qloom{specifier} but qloom {self.core_version} is "
                f"installed; upgrade {info.distribution} or install a matching qloom",
            )

    def build(
        self, kind: str, name: str, expected: type | None, /, *args: Any, **options: Any
    ) -> Any:
        """Load ``kind``/``name`` and call it with ``args`` and ``options``.

        A ``QloomError`` is the plugin telling the user something (an unknown device, a bad
        option) and passes through; any other exception means the plugin itself is broken
        and is recorded as such. Options the part does not declare (see
        ``accepted_options``) are refused before it is called: the caller's mistake.

        Raises:
            OptionError: an option the part does not have (the part is not marked broken).
            BrokenPluginError: the part failed to import or to build.
            QloomError: it built something other than an ``expected`` instance.
        """
        factory = self.load(kind, name)
        check_options(_part_label(kind, name), options, accepted_options(factory, len(args)))
        try:
            made = factory(*args, **options)
        except (QloomError, KeyboardInterrupt):
            raise
        except BaseException as exc:
            raise self.record_failure(kind, name, _why(exc, "build")) from exc
        if expected is not None and not isinstance(made, expected):
            raise QloomError(
                f"{kind[:-1] if kind.endswith('s') else kind} plugin '{name}' built a "
                f"{type(made).__name__}, not a {expected.__name__}"
            )
        return made

    def record_failure(self, kind: str, name: str, error: BaseException | str) -> BrokenPluginError:
        """Record that a loaded part failed to build (e.g. its factory raised).

        ``error`` is the exception, or a one-line reason (see ``_why``) when the exception
        is already being handled (it becomes ``__cause__`` by ``raise ... from``).
        """
        return self._record(self.info(kind, name), error)

    def _record(self, info: PluginInfo, error: BaseException | str) -> BrokenPluginError:
        """Remember ``error`` as this part's failure, wrapped as a ``BrokenPluginError``."""
        if not isinstance(error, BrokenPluginError):
            wrapped = BrokenPluginError(
                info.kind, info.name, info.distribution, info.version, error
            )
            if isinstance(error, BaseException):
                wrapped.__cause__ = error
            error = wrapped
        self._broken[(info.kind, info.name)] = BrokenPlugin(info, error)
        return error

    def broken(self) -> list[BrokenPlugin]:
        """Parts that failed so far (call ``check`` first to try every part)."""
        return list(self._broken.values())

    def check(self, kinds: Iterable[str] = KINDS, build: bool = True) -> list[BrokenPlugin]:
        """Import every part of ``kinds`` and every hook plugin; return those that failed.

        With ``build``, parts that are cheap to build with no options (backends, passes,
        pipelines; not executors, which may start processes) are also built once.
        """
        for kind in kinds:
            for name in self.names(kind):
                self.check_part(kind, name, build)
        self.hook_manager()
        return self.broken()

    def check_part(self, kind: str, name: str, build: bool = True) -> BrokenPlugin | None:
        """Import one part (and build it, as ``check`` does); its failure, if any.

        ``kind`` may be ``hooks``: the hook plugins are then registered (once).
        """
        if kind == "hooks":
            self.hook_manager()
            return self.broken_part(kind, name)
        try:
            factory = self.load(kind, name)
            if build and kind in BUILT_ON_CHECK:
                factory()
        except BrokenPluginError:
            pass
        except KeyboardInterrupt:
            raise
        except QloomError:
            pass  # it needs options or a device: a user-facing answer, not a failure
        except BaseException as exc:  # SystemExit too: see _why
            record = self.record_failure(kind, name, _why(exc, "build"))
            record.__cause__ = exc
        return self.broken_part(kind, name)

    def status(self, kind: str, name: str) -> str:
        """``loaded``, ``broken``, or ``not loaded`` (listed from metadata only)."""
        if (kind, name) in self._broken:
            return "broken"
        return "loaded" if (kind, name) in self._loaded else "not loaded"

    def broken_part(self, kind: str, name: str) -> BrokenPlugin | None:
        """The failure recorded for a part, if any."""
        return self._broken.get((kind, name))

    # -- runtime registration -----------------------------------------------------------------

    def register(self, kind: str, name: str, obj: Any, distribution: str = "<runtime>") -> None:
        """Add a part in memory (tests, notebooks, hook-contributed pipelines)."""
        _check_kind(kind)
        self._runtime[kind][name] = PluginInfo(kind, name, repr(obj), distribution, "", obj=obj)
        self._loaded.pop((kind, name), None)
        self._broken.pop((kind, name), None)

    def unregister(self, kind: str, name: str) -> None:
        """Remove a part added with ``register``."""
        self._runtime[kind].pop(name, None)
        self._loaded.pop((kind, name), None)

    # -- hooks --------------------------------------------------------------------------------

    def hook_manager(self) -> pluggy.PluginManager:
        """The pluggy manager with every installed hook plugin registered (once).

        Built under a lock: two threads asking first (a Dask or pool callback and the
        caller registering an observer) must get the same manager, or a plugin registered
        on one would miss the hooks called on the other.
        """
        with self._hooks_lock:
            if self._hooks is None:
                pm = new_manager()
                for info in self._scanned().get("hooks", {}).values():
                    try:
                        pm.register(self._import(info), name=f"{info.distribution}:{info.name}")
                    except KeyboardInterrupt:
                        raise
                    except BaseException as exc:  # a broken hook plugin must not break others
                        self._record(info, _why(exc, "registration"))
                self._hooks = pm
            return self._hooks

    def add_hook_pipelines(self) -> None:
        """Register (once) the pipelines contributed through ``qloom_add_pipelines``."""
        if self._hook_pipelines_added:
            return
        self._hook_pipelines_added = True

        def register(name: str, pipeline: Any) -> None:
            self.register("pipelines", name, lambda: pipeline, distribution="<hook>")

        Hooks(self.hook_manager()).add_pipelines(register)


def _why(exc: BaseException, stage: str) -> BaseException | str:
    """What a part's failure is recorded as: an ``Exception`` as itself; a ``SystemExit``
    or other ``BaseException`` (which would end the process if let through) as a line such
    as ``SystemExit(3) at import``."""
    if isinstance(exc, Exception):
        return exc
    return f"{exc!r} at {stage}"


def _same_dist(a: str, b: str) -> bool:
    return canonicalize_name(a) == canonicalize_name(b)


def _switched_off(info: PluginInfo, disabled: frozenset[str]) -> bool:
    if not disabled:
        return False
    if "*" in disabled and not info.is_core:
        return True
    dist = canonicalize_name(info.distribution)
    keys = {info.name, f"{info.kind}:{info.name}", dist, dist.removeprefix("qloom-")}
    return bool(keys & disabled)


def install_hint(kind: str, name: str) -> str | None:
    """``provided by qloom-routers: pip install ./plugins/routers`` for a part this project
    ships (see ``KNOWN_PACKAGES``), ``None`` for any other."""
    package = KNOWN_PACKAGES.get((kind, name)) or KNOWN_PACKAGES.get((kind, name.replace("-", "_")))
    return None if package is None else f"provided by {package}: {install_command(package)}"


def install_command(
    distribution: str, cwd: Path | None = None, checkout: Path | None = None
) -> str:
    """How to install one of this project's distributions.

    Its packages are not on PyPI yet, so from a checkout (``plugins/<dir>/pyproject.toml``
    under ``cwd``, or beside the core's own source, ``checkout``) it is
    ``pip install ./plugins/<dir>`` (or that folder's path), preceded by the folders of the
    project's distributions it depends on (``./plugins/kernels ./plugins/routers``), which
    pip could not find on an index; elsewhere ``pip install <distribution>``.
    """
    cwd = cwd or Path.cwd()
    checkout = checkout if checkout is not None else _checkout_root()
    folders = _local_install_order(distribution, cwd / "plugins")
    if folders:
        return "pip install " + " ".join(f"./plugins/{f}" for f in folders)
    if checkout is not None:
        folders = _local_install_order(distribution, checkout / "plugins")
        if folders:
            return "pip install " + " ".join(str(checkout / "plugins" / f) for f in folders)
    return f"pip install {distribution}"


def _local_install_order(distribution: str, plugins: Path) -> list[str]:
    """The ``plugins/`` folders of ``distribution`` and of the project's distributions it
    needs (from each ``pyproject.toml``), dependencies first; empty when it has none."""
    order: list[str] = []

    def visit(name: str, depth: int) -> None:
        short = canonicalize_name(name).removeprefix("qloom-")
        for folder in (short, f"_{short}"):
            project = plugins / folder / "pyproject.toml"
            if folder in order or not project.is_file():
                continue
            if depth < 8:
                for requirement in _requirements(project):
                    if requirement.startswith("qloom-"):
                        visit(requirement, depth + 1)
            order.append(folder)
            return

    visit(distribution, 0)
    return order


def _requirements(project: Path) -> list[str]:
    """The canonical names ``project`` (a pyproject.toml) depends on; none if unreadable."""
    try:
        data = tomllib.loads(project.read_text(encoding="utf-8"))
        listed = data.get("project", {}).get("dependencies", [])
        return [canonicalize_name(Requirement(str(r)).name) for r in listed]
    except (OSError, ValueError, TypeError, AttributeError):
        return []


@functools.lru_cache(maxsize=1024)
def _name_and_version(dist: md.Distribution) -> tuple[str, str]:
    """A distribution's name and version, read once per distribution (its entry points share
    its object) from the header block of its METADATA file.

    ``dist.metadata`` and ``dist.version`` each run the email parser over the whole file,
    long description included: the two of them were 40% of discovery (17 of 42 ms for the
    project's 18 distributions). ``Name`` and ``Version`` are one-line header fields (core
    metadata spec); when either is not found there, ``metadata`` and ``version`` are read.
    """
    try:
        text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    except (AttributeError, OSError):  # unreadable, or a stand-in with metadata only
        text = ""
    headers = text.partition("\n\n")[0]  # the headers end at the first empty line
    found: dict[str, str] = {}
    for line in headers.splitlines():
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version") and key not in found:
            found[key] = value.strip()
    if "Name" not in found or "Version" not in found:
        return dist.metadata["Name"], dist.version
    return found["Name"], found["Version"]


def _checkout_root() -> Path | None:
    """The project checkout the core runs from (editable install), or ``None``."""
    root = Path(__file__).resolve().parents[3]  # core/src/qloom/plugins.py
    return root if (root / "core" / "pyproject.toml").is_file() else None


def installed_entry_points() -> list[md.EntryPoint]:
    """Every installed entry point of a qloom group (``qloom.<kind>`` and ``qloom``).

    The installed distributions are read once for all groups (each ``entry_points(group=)``
    call reads every distribution's metadata again: 0.25 s for the nine groups), and only
    the ``entry_points.txt`` files that name a qloom group are parsed (``md.entry_points()``
    parses every one, qiskit's hundreds of entry points included: 23 ms against 13 ms with
    the project's plugins installed). As in ``md.entry_points()``, a distribution found
    twice on the path counts where it is found first (``_normalized_name`` is the key that
    function uses).
    """
    groups = [f"qloom.{kind}" for kind in KINDS] + [HOOK_GROUP]
    found: dict[str, list[md.EntryPoint]] = {group: [] for group in groups}
    seen: set[str] = set()
    for dist in md.distributions():
        key = getattr(dist, "_normalized_name", None) or canonicalize_name(str(dist.name))
        if key in seen:
            continue
        seen.add(key)
        text = dist.read_text("entry_points.txt")
        if not text or "[qloom" not in text:
            continue
        for ep in dist.entry_points:
            if ep.group in found:
                found[ep.group].append(ep)
    return [ep for group in groups for ep in found[group]]


def kind_of_group(group: str) -> str | None:
    """The kind of part an entry-point group holds (``hooks`` for ``qloom``), or ``None``."""
    if group == HOOK_GROUP:
        return "hooks"
    prefix, _, kind = group.partition(".")
    return kind if prefix == "qloom" and kind in KINDS else None


@functools.lru_cache(maxsize=1024)
def core_requirement(dist: md.Distribution) -> SpecifierSet | None:
    """The qloom versions a distribution declares it supports (its unconditional ``qloom``
    requirement), or ``None`` when it declares none.

    Read once per distribution (every part it provides is checked when loaded, and each
    read of ``requires`` parses its METADATA again); only the lines that can name qloom
    are parsed as requirements."""
    for line in dist.requires or []:
        if not line.lstrip().lower().startswith(CORE_DISTRIBUTION):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(req.name) == CORE_DISTRIBUTION and req.marker is None:
            return req.specifier
    return None


def accepted_options(factory: Any, positional: int = 0) -> dict[str, Any] | None:
    """The keyword options a part's factory accepts, name -> default; ``None`` when it takes
    any (``**kwargs``) and checks them itself.

    A ``Pass`` class states them with ``Pass.accepted_options``; any other factory (a
    backend or executor class, a function) by its signature, less the ``positional``
    arguments it is given first (a backend's device).
    """
    if isinstance(factory, type) and issubclass(factory, Pass):
        return factory.accepted_options()
    return signature_options(factory, skip=positional)


def _part_label(kind: str, name: str) -> str:
    if kind in STAGES:
        return f"pass '{kind}:{name}'"
    return f"{kind[:-1] if kind.endswith('s') else kind} '{name}'"


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ValueError(f"unknown kind of plugin '{kind}'{hint}; kinds: {', '.join(KINDS)}")


def _installed_version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


_REGISTRY: Registry | None = None
_REGISTRY_LOCK = threading.RLock()
"""Guards building and swapping ``_REGISTRY``: an executor's callback thread may ask for the
registry first while ``use_registry`` installs another one, and the registry it builds must
not replace the one installed meanwhile."""


def get_registry() -> Registry:
    """The process-wide registry, built on first use from installed metadata."""
    global _REGISTRY
    current = _REGISTRY
    if current is not None:
        return current
    with _REGISTRY_LOCK:
        if _REGISTRY is None:
            _REGISTRY = Registry()
        return _REGISTRY


def _current_hook_manager() -> pluggy.PluginManager:
    return get_registry().hook_manager()


serve_hooks_from(_current_hook_manager)  # the pipeline layer calls the current registry's


@contextmanager
def use_registry(registry: Registry) -> Iterator[Registry]:
    """Use ``registry`` as the process-wide one inside a ``with`` block (tests, sandboxes)."""
    global _REGISTRY
    with _REGISTRY_LOCK:
        saved, _REGISTRY = _REGISTRY, registry
    try:
        yield registry
    finally:
        with _REGISTRY_LOCK:
            _REGISTRY = saved
