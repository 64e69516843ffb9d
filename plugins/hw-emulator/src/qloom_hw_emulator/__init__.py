"""qloom-hw-emulator: emulated devices (catalog or description files) with their noise."""

from qloom_hw_emulator.backend import EmulatorBackend
from qloom_hw_emulator.catalog import catalog_names, device_from_catalog, resolve_device
from qloom_hw_emulator.description import DeviceFileError, load_device, parse_device
from qloom_hw_emulator.model import Device

__all__ = [
    "Device",
    "DeviceFileError",
    "EmulatorBackend",
    "catalog_names",
    "device_from_catalog",
    "load_device",
    "parse_device",
    "resolve_device",
]
