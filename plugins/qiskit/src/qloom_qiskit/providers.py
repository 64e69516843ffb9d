"""Device names for ``on="qiskit:<device>"``: which Qiskit backend each name builds.

- ``aer``: ``qiskit_aer.AerSimulator(**options)`` (needs qiskit-aer).
- ``generic-<n>``: ``GenericBackendV2(n, seed=0, **options)`` from Qiskit itself; the seed
  fixes its made-up error rates, so the same name is the same device everywhere.
- ``fake_<device>``: the fake IBM device ``Fake<Device>`` (or ``Fake<Device>V2``) of
  ``qiskit_ibm_runtime.fake_provider``, e.g. ``fake_sherbrooke``; the class name itself
  (``FakeSherbrooke``) is accepted too (needs qiskit-ibm-runtime).
"""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

from qiskit.providers import BackendV2

from qloom.errors import QloomError, UnknownPluginError
from qloom_qiskit.backend import QiskitBackend

__all__ = ["available_devices", "qiskit_backend"]

_AER = ("qiskit_aer", "qiskit-aer")
_RUNTIME = ("qiskit_ibm_runtime.fake_provider", "qiskit-ibm-runtime")
_GENERIC = re.compile(r"^generic-(\d+)$")
_EXTRA = "pip install 'qloom-qiskit[providers]'"


def qiskit_backend(device: str | None = None, **options: Any) -> QiskitBackend:
    """Build the qloom backend of ``qiskit:<device>`` (the ``qiskit`` backend entry point).

    Args:
        device: ``aer``, ``generic-<n>`` or ``fake_<device>`` (see the module docstring).
        options: passed to the Qiskit backend's constructor.

    Raises:
        UnknownPluginError: an unknown device, or one whose provider package is not
            installed; it lists the devices available and what to pip install.
        QloomError: no device was given, or the Qiskit backend refused the options.
    """
    if not device:
        raise QloomError(
            "the qiskit backend needs a device: on='qiskit:<device>', e.g. 'qiskit:aer', "
            "'qiskit:generic-5' or 'qiskit:fake_sherbrooke'"
        )
    name, build = _resolve(device)
    try:
        backend = build(**options)
    except TypeError as exc:
        raise QloomError(f"backend 'qiskit:{name}' refused options {options}: {exc}") from exc
    return QiskitBackend(backend, name=f"qiskit:{name}")


def available_devices() -> list[str]:
    """The device names usable now (``generic-<n>`` stands for any qubit count)."""
    names = ["generic-<n>"]
    if _import(_AER[0]) is not None:
        names.append("aer")
    fakes = _import(_RUNTIME[0])
    if fakes is not None:
        names += sorted(_fake_devices(fakes))
    return names


def _resolve(device: str) -> tuple[str, Callable[..., BackendV2]]:
    """The canonical name of ``device`` and the callable building its Qiskit backend."""
    generic = _GENERIC.match(device)
    if generic:
        return device, _generic(int(generic.group(1)))
    if device == "aer":
        aer = _import(_AER[0])
        if aer is None:
            raise _unknown(device, f"Qiskit Aer is not installed: pip install {_AER[1]}")
        return device, aer.AerSimulator
    if device.lower().startswith("fake"):
        fakes = _import(_RUNTIME[0])
        if fakes is None:
            raise _unknown(
                device,
                f"the fake IBM devices come from {_RUNTIME[1]}, which is not installed: "
                f"pip install {_RUNTIME[1]}",
            )
        devices = _fake_devices(fakes)
        by_class = {cls.__name__: name for name, cls in devices.items()}
        name = by_class.get(device) or _snake(device)
        if name in devices:
            return name, devices[name]
    raise _unknown(device, None)


def _generic(num_qubits: int) -> Callable[..., BackendV2]:
    if num_qubits < 1:
        raise QloomError("qiskit:generic-<n> needs at least one qubit")

    def build(**options: Any) -> BackendV2:
        from qiskit.providers.fake_provider import GenericBackendV2

        options.setdefault("seed", 0)
        return GenericBackendV2(num_qubits, **options)

    return build


def _fake_devices(module: ModuleType) -> dict[str, type[BackendV2]]:
    """``fake_<device>`` -> class, for every ``BackendV2`` class named ``Fake...``."""
    found: dict[str, type[BackendV2]] = {}
    for attribute in dir(module):
        cls = getattr(module, attribute)
        if attribute.startswith("Fake") and isinstance(cls, type) and issubclass(cls, BackendV2):
            found[_snake(attribute)] = cls
    return found


def _snake(name: str) -> str:
    """``FakeManilaV2`` / ``fake-manila`` / ``fake_manila_v2`` -> ``fake_manila``."""
    if "_" not in name and "-" not in name:
        name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    name = name.lower().replace("-", "_")
    return re.sub(r"_?v2$", "", name)


def _import(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _unknown(device: str, hint: str | None) -> UnknownPluginError:
    names = [f"qiskit:{d}" for d in available_devices()]
    close = difflib.get_close_matches(f"qiskit:{_snake(device)}", names, n=1, cutoff=0.6)
    if hint is None:
        missing = [pkg for module, pkg in (_AER, _RUNTIME) if _import(module) is None]
        hint = "Devices are 'aer', 'generic-<n>' and 'fake_<device>' (IBM's fake devices)." + (
            f" Not installed: {', '.join(missing)} ({_EXTRA})." if missing else ""
        )
    return UnknownPluginError(
        "backends", f"qiskit:{device}", names, close[0] if close else None, hint
    )
