"""The built-in device catalog: description files shipped in ``qloom_hw_emulator/devices``.

They use the same format and validation as a user's own file, so every catalog device is
also a worked example of that format.
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib import resources
from pathlib import Path

from qloom.errors import QloomError
from qloom_hw_emulator.description import load_device
from qloom_hw_emulator.limits import DeviceLimits
from qloom_hw_emulator.model import Device

__all__ = ["catalog_names", "device_from_catalog", "resolve_device"]

_SUFFIXES = (".toml", ".json")


def catalog_names() -> list[str]:
    """Names of the built-in devices, sorted."""
    folder = resources.files("qloom_hw_emulator") / "devices"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


@cache
def device_from_catalog(name: str) -> Device:
    """The catalog device ``name``.

    Raises:
        QloomError: no such device; the message lists the catalog and the closest name.
    """
    names = catalog_names()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise QloomError(
            f"unknown emulator device '{name}'{hint} (catalog: {', '.join(names)}; or give "
            "a device description file: emulator:path/to/device.toml)"
        )
    with resources.as_file(resources.files("qloom_hw_emulator") / "devices" / f"{name}.toml") as f:
        device = load_device(f)
    return device


def resolve_device(spec: str, limits: DeviceLimits | None = None) -> Device:
    """A catalog name, or a path to a ``.toml``/``.json`` description file read within
    ``limits`` (the catalog's own devices are within the defaults)."""
    if spec.lower().endswith(_SUFFIXES) or "/" in spec or "\\" in spec:
        return load_device(Path(spec).expanduser(), limits)
    return device_from_catalog(spec)
