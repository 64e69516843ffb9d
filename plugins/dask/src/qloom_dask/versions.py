"""The versions a client and its Dask workers must share.

qloom itself and every distribution that provides qloom entry points (a worker running a
pipeline loads the same plugins), and the packages Dask needs to agree on to exchange tasks
(Dask only warns about those; a mismatch there breaks pickled tasks in odd ways).
"""

from __future__ import annotations

import importlib.metadata as md
import sys
from typing import Any

from packaging.utils import canonicalize_name

from qloom.errors import VersionMismatch

__all__ = ["check_versions", "installed_versions", "worker_versions"]

CORE = "qloom"
SHARED = ("dask", "distributed", "cloudpickle", "msgpack", "tornado", "toolz")
"""Dask's required packages (``distributed.versions.required_packages``)."""


def installed_versions() -> dict[str, str | None]:
    """``{distribution: version}`` for qloom, its plugin distributions, Dask and Python."""
    found: dict[str, str | None] = {CORE: _version(CORE)}
    for dist in md.distributions():
        name = dist.metadata["Name"]
        if name and _provides_qloom_entry_points(dist):
            found[canonicalize_name(name)] = dist.version
    for name in SHARED:
        found[name] = _version(name)
    found["python"] = f"{sys.version_info.major}.{sys.version_info.minor}"
    return found


def worker_versions() -> dict[str, str | None]:
    """What a worker reports (run there by ``check_versions``)."""
    return installed_versions()


def check_versions(client: Any) -> None:
    """Compare this process's versions with every worker connected to ``client``.

    Raises:
        VersionMismatch: naming the first package that differs, its version here and on
            each worker (qloom's own packages first).
    """
    local = installed_versions()
    remote: dict[str, dict[str, str | None]] = client.run(worker_versions)
    if not remote:
        return
    for package in sorted(local, key=lambda name: (not name.startswith(CORE), name)):
        seen = {address: versions.get(package) for address, versions in remote.items()}
        if any(version != local[package] for version in seen.values()):
            raise VersionMismatch(package, local[package], seen)


def _provides_qloom_entry_points(dist: md.Distribution) -> bool:
    return any(ep.group == CORE or ep.group.startswith(f"{CORE}.") for ep in dist.entry_points)


def _version(name: str) -> str | None:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None
