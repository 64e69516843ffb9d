"""tox's inline plugin: no environment writes into the source folders it installs from.

pip asks setuptools for a project's build requirements with ``egg_info``, which writes
``src/*.egg-info`` inside the source folder (``core/``, ``plugins/*``, ``tests/fixtures/*``).
Every tox environment installs from the same folders, so under ``tox -p`` several of them
write the same files at once. ``tox.ini`` points ``DIST_EXTRA_CONFIG`` (an extra setuptools
configuration file) at ``{envtmpdir}/setuptools.cfg``; this plugin writes that file before
every installation, sending the egg-info to that environment's tmp folder. (Editable builds
already build in a temporary folder; a non-editable one would write ``build/`` in the
source folder, which is why ``tox.ini`` installs every local project editable.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tox.plugin import impl


@impl
def tox_on_install(tox_env: Any, arguments: Any, section: str, of_type: str) -> None:
    """Write the environment's setuptools.cfg (and its egg-info folder) before pip runs."""
    target = tox_env.environment_variables.get("DIST_EXTRA_CONFIG")
    if not target:
        return
    config = Path(target)
    egg_base = config.parent / "egg-info"
    egg_base.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[egg_info]\negg_base = {egg_base}\n", encoding="utf-8")
