"""Writing a tuned pipeline into ``qloom.toml`` as ``[pipelines.<name>]``.

The file is edited with tomlkit, so everything else in it (other tables, comments,
formatting) stays as it was. Each pass is one line, ``{pass = "routers:sabre", trials =
32}``; a nested stage is one inline table with its own ``passes``. An existing pipeline of
the same name is replaced only when asked (``force``), or when it already is this one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qloom.config import get_pipeline
from qloom.config_file import find_config, forget_cached
from qloom.errors import ConfigError
from qloom.plugins import accepted_options, get_registry

if TYPE_CHECKING:
    from tomlkit.items import Array, InlineTable

__all__ = ["default_config_path", "pipeline_in", "save_pipeline", "toml_entry"]


def default_config_path() -> Path:
    """Where a tuned pipeline goes by default: the config file in use if it is a
    ``qloom.toml`` (or a ``pyproject.toml`` with ``[tool.qloom]``), else ``./qloom.toml``."""
    found = find_config()
    return found if found is not None else Path.cwd() / "qloom.toml"


def pipeline_in(path: Path, name: str) -> bool:
    """Whether the config file ``path`` (if any) already has a pipeline ``name``.

    Raises:
        ConfigError: the file is not valid TOML.
    """
    if not path.is_file():
        return False
    table = _read(path)
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("qloom", {})
    pipelines = table.get("pipelines", {})
    return isinstance(pipelines, Mapping) and name in pipelines


def _read(path: Path) -> Any:
    import tomlkit  # on first use: the `qloom` command builds its parser without it

    try:
        return tomlkit.parse(path.read_text(encoding="utf-8") if path.is_file() else "")
    except Exception as exc:  # tomlkit's ParseError and friends
        raise ConfigError(f"{path}: {exc}") from exc


def save_pipeline(spec: Mapping[str, Any], path: Path | None = None, force: bool = False) -> Path:
    """Write the pipeline ``spec`` (its ``name`` names it) into ``path``; returns the path.

    Args:
        spec: ``{"name", "description"?, "passes"}``, entries in any spelling a pipeline
            spec accepts; what is written is the built pipeline's spec (named pipelines
            inlined), in the short spelling of ``toml_entry``.
        path: the file (default ``default_config_path()``); created when missing. In a
            ``pyproject.toml`` the pipeline goes under ``[tool.qloom.pipelines]``.
        force: replace a different pipeline of the same name.

    Raises:
        ConfigError: the file is not valid TOML, or holds a different pipeline of that
            name and ``force`` is False.
        MissingPartsError: a pass of ``spec`` is not installed.
    """
    path = Path(path) if path is not None else default_config_path()
    name = str(spec["name"])
    doc = _read(path)
    table: Any = doc
    if path.name == "pyproject.toml":
        table = _table(_table(doc, "tool", path), "qloom", path)
    pipelines = _table(table, "pipelines", path)
    built = get_pipeline(dict(spec)).spec()  # every pass checked; one spelling written
    body: dict[str, Any] = {"passes": built["passes"]}
    if spec.get("description"):
        body["description"] = str(spec["description"])
    if name in pipelines and not force and not _same(pipelines[name], body, name):
        raise ConfigError(
            f"{path} already has a different pipeline '{name}'; pick another name or pass "
            "--force (force=True) to replace it"
        )
    pipelines[name] = _toml_table(body)
    path.write_text(_tomlkit().dumps(doc), encoding="utf-8")
    forget_cached()
    return path


def toml_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A pass spec in the short spelling: ``{"pass": "kind:name", **options}`` (nested
    pipelines keep their ``name``/``trials``/``passes``).

    TOML has no null: an option set to ``None`` that is also its default is left out (the
    pass gets the same value); any other ``None`` is a ``ConfigError``.
    """
    if "passes" in entry:
        out = {k: v for k, v in entry.items() if k not in ("kind", "passes")}
        out["passes"] = [toml_entry(inner) for inner in entry["passes"]]
        return out
    options = _without_default_nulls(entry)
    if "pass" in options or "options" in options:  # would clash with the short spelling
        return {"kind": entry["kind"], "name": entry["name"], "options": options}
    return {"pass": f"{entry['kind']}:{entry['name']}", **options}


def _without_default_nulls(entry: Mapping[str, Any]) -> dict[str, Any]:
    options = dict(entry.get("options") or {})
    nulls = [key for key, value in options.items() if value is None]
    if not nulls:
        return options
    factory = get_registry().load(str(entry["kind"]), str(entry["name"]))
    defaults = accepted_options(factory) or {}
    for key in nulls:
        if key not in defaults or defaults[key] is not None:
            raise ConfigError(
                f"{entry['kind']}:{entry['name']} option {key}=None cannot be written to TOML "
                "(it has no null) and is not the option's default"
            )
        del options[key]
    return options


def _tomlkit() -> Any:
    import tomlkit

    return tomlkit


def _toml_table(body: Mapping[str, Any]) -> Any:
    tomlkit = _tomlkit()
    table = tomlkit.table()
    for key, value in body.items():
        if key == "passes":
            passes = tomlkit.array()
            for entry in value:
                passes.append(_inline(toml_entry(entry)))
            passes.multiline(True)
            table.add("passes", passes)
        else:
            table.add(key, _plain(value))
    return table


def _inline(data: Mapping[str, Any]) -> InlineTable:
    table: InlineTable = _tomlkit().inline_table()
    for key, value in data.items():
        table.append(key, _plain(value))
    return table


def _plain(value: Any) -> Any:
    if value is None:
        raise ConfigError("TOML has no null: a pipeline option set to None cannot be written")
    if isinstance(value, Mapping):
        return _inline(value)
    if isinstance(value, (list, tuple)):
        array: Array = _tomlkit().array()
        for item in value:
            array.append(_plain(item))
        return array
    return value


def _table(parent: Any, key: str, path: Path) -> Any:
    if key not in parent:
        parent[key] = _tomlkit().table()
    if not isinstance(parent[key], Mapping):
        raise ConfigError(f"{path}: '{key}' must be a table")
    return parent[key]


def _same(existing: Any, body: Mapping[str, Any], name: str) -> bool:
    """Whether ``existing`` builds the same pipeline as ``body`` (spelling aside)."""
    try:
        plain = existing.unwrap() if hasattr(existing, "unwrap") else existing
        old = get_pipeline({"name": name, **json.loads(json.dumps(plain))}).spec()
    except Exception:  # a broken or foreign entry is not the same pipeline
        return False
    new = get_pipeline({"name": name, **dict(body)}).spec()
    return bool(old == new)
