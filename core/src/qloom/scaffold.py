"""``qloom plugins new NAME``: write a fresh plugin from the templates shipped with qloom.

Copying ``plugins/_template`` by hand carries whatever was built there (``*.egg-info``,
``build/``, ``__pycache__``); a plugin written from the templates in
``qloom/templates/plugin/`` has only its sources: ``pyproject.toml`` naming one optimizer
pass under ``qloom.optimizers``, the pass, its tests, a README and a ``.gitignore``, every
name derived from ``NAME``:

==================  ====================================
NAME                ``my_opt`` (snake_case)
distribution        ``qloom-my-opt`` (the folder's default name too)
package             ``qloom_my_opt``
part                ``optimizers:my_opt``, class ``MyOpt``
==================  ====================================

The plugin is written into a temporary folder beside the target and renamed into place, so
a failure leaves nothing half-written; an existing target is never touched.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from packaging.version import Version

from qloom import __version__
from qloom.errors import QloomError

__all__ = ["NAME_RULE", "PluginNames", "new_plugin"]

NAME_RULE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
"""snake_case: lowercase letters and digits, words joined by single underscores."""

_MAX_NAME = 40

# template (under qloom/templates/plugin/) -> where it goes; {package} and {name} filled in
_FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "gitignore.tmpl": ".gitignore",
    "src/__init__.py.tmpl": "src/{package}/__init__.py",
    "src/passes.py.tmpl": "src/{package}/passes.py",
    "tests/test_pass.py.tmpl": "tests/test_{name}.py",
}


@dataclass(frozen=True)
class PluginNames:
    """Every name of a new plugin, derived from its snake_case ``name``."""

    name: str
    distribution: str
    package: str
    cls: str

    @classmethod
    def of(cls, name: str) -> PluginNames:
        """The names for ``name``.

        Raises:
            QloomError: ``name`` is not snake_case, or longer than 40 characters.
        """
        if not NAME_RULE.fullmatch(name) or len(name) > _MAX_NAME:
            raise QloomError(
                f"invalid plugin name {name!r}: use snake_case, lowercase letters and digits "
                f"joined by single underscores, starting with a letter, at most {_MAX_NAME} "
                "characters (e.g. my_opt)"
            )
        if name.startswith("qloom"):
            raise QloomError(
                f"invalid plugin name {name!r}: give the name without the qloom prefix "
                f"(e.g. {name.removeprefix('qloom').lstrip('_') or 'my_opt'})"
            )
        return cls(
            name=name,
            distribution="qloom-" + name.replace("_", "-"),
            package=f"qloom_{name}",
            cls="".join(word.capitalize() for word in name.split("_")),
        )


def qloom_requirement() -> str:
    """``qloom>=0.1,<0.2``: the running qloom's minor series (its major from 1.0 on)."""
    version = Version(__version__)
    major, minor = version.major, version.minor
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"qloom>={major}.{minor},<{upper}"


def new_plugin(name: str, folder: Path | None = None) -> tuple[Path, list[Path]]:
    """Write the plugin ``name`` into ``folder`` (default ``./qloom-<name>``).

    Returns:
        The folder and the files written, relative to it.

    Raises:
        QloomError: an invalid name, or ``folder`` already exists.
    """
    names = PluginNames.of(name)
    target = Path(folder) if folder is not None else Path.cwd() / names.distribution
    if target.exists() or target.is_symlink():
        raise QloomError(f"{target} already exists: give a new folder with --dir")
    values = {
        "name": names.name,
        "label": f"optimizers:{names.name}",
        "distribution": names.distribution,
        "package": names.package,
        "cls": names.cls,
        "qloom_requirement": qloom_requirement(),
    }
    source = files("qloom").joinpath("templates").joinpath("plugin")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    written = []
    try:
        for template, where in _FILES.items():
            entry = source
            for part in template.split("/"):
                entry = entry.joinpath(part)
            text = entry.read_text(encoding="utf-8")
            path = Path(where.format(package=names.package, name=names.name))
            out = staging / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(Template(text).substitute(values), encoding="utf-8")
            written.append(path)
        typed = Path("src", names.package, "py.typed")
        (staging / typed).write_text("", encoding="utf-8")
        written.append(typed)
        staging.chmod(0o755)  # mkdtemp made it private to this user
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target, sorted(written)
