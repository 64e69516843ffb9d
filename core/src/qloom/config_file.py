"""Reading the config file: ``qloom.toml`` or ``[tool.qloom]``, found from the cwd upwards.

Kept apart from ``qloom.config`` (which resolves backends and pipelines with the plugin
registry) so that the registry itself can read its ``[plugins]`` table without an import
circle.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qloom.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found]

__all__ = ["CONFIG_ENV", "KNOWN_KEYS", "find_config", "forget_cached", "load_config"]

CONFIG_ENV = "QLOOM_CONFIG"

KNOWN_KEYS = frozenset({"backend", "pipelines", "transpilers", "plugins"})
"""The top-level keys a config file may have."""

_CACHE: dict[Path, tuple[float, dict[str, Any]]] = {}


def find_config(start: Path | None = None) -> Path | None:
    """The config file in use: ``$QLOOM_CONFIG``, else the nearest ``qloom.toml`` or
    ``pyproject.toml`` with a ``[tool.qloom]`` table from ``start`` (the cwd) upwards."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{CONFIG_ENV}={explicit} does not name a file")
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "qloom.toml").is_file():
            return folder / "qloom.toml"
        pyproject = folder / "pyproject.toml"
        if (
            pyproject.is_file()
            and "tool" in _read_toml(pyproject)
            and "qloom" in _read_toml(pyproject)["tool"]
        ):
            return pyproject
    return None


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The qloom settings of ``path`` (or of ``find_config()``), ``{}`` when there is none."""
    path = path or find_config()
    if path is None:
        return {}
    data: dict[str, Any] = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("qloom", {})
    _check_config(data, path)
    return data


def forget_cached() -> None:
    """Forget the config files read so far (they are re-read when they change anyway)."""
    _CACHE.clear()


def _read_toml(path: Path) -> dict[str, Any]:
    mtime = path.stat().st_mtime
    cached = _CACHE.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    _CACHE[path] = (mtime, data)
    return data


def _check_config(data: Mapping[str, Any], path: Path) -> None:
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {unknown}; known: {sorted(KNOWN_KEYS)}")
    if "backend" in data and not isinstance(data["backend"], str):
        raise ConfigError(f"{path}: 'backend' must be a string, e.g. backend = \"numpy\"")
    for table in ("pipelines", "transpilers", "plugins"):
        if not isinstance(data.get(table, {}), Mapping):
            raise ConfigError(f"{path}: '{table}' must be a table")
    for name, spec in data.get("pipelines", {}).items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("passes"), list):
            raise ConfigError(f"{path}: [pipelines.{name}] needs a 'passes' list")
    plugins = data.get("plugins", {})
    unknown = sorted(set(plugins) - {"prefer"})
    if unknown:
        raise ConfigError(f"{path}: [plugins] has unknown key(s) {unknown}; known: ['prefer']")
    prefer = plugins.get("prefer", {})
    if not isinstance(prefer, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in prefer.items()
    ):
        raise ConfigError(
            f"{path}: [plugins] prefer must map 'kind:name' to a distribution, e.g. "
            'prefer = { "routers:sabre" = "qloom-routers" }'
        )
