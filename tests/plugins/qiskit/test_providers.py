"""Device names for ``on="qiskit:<device>"`` and the errors for the ones that do not exist."""

from __future__ import annotations

import sys

import pytest

import qloom
from qloom import QloomError, UnknownPluginError
from qloom.plugins import get_registry
from qloom_qiskit import QiskitBackend, available_devices, qiskit_backend


@pytest.mark.parametrize(
    ("device", "name", "qubits"),
    [
        ("fake_manila", "qiskit:fake_manila", 5),
        ("FakeManilaV2", "qiskit:fake_manila", 5),
        ("fake-athens", "qiskit:fake_athens", 5),
        ("FakeSherbrooke", "qiskit:fake_sherbrooke", 127),
        ("fake_sherbrooke", "qiskit:fake_sherbrooke", 127),
        ("generic-3", "qiskit:generic-3", 3),
        ("aer", "qiskit:aer", None),
    ],
)
def test_device_names(device, name, qubits):
    backend = qloom.get_backend(f"qiskit:{device}")
    assert isinstance(backend, QiskitBackend)
    assert (backend.name, backend.num_qubits) == (name, qubits)


def test_generic_devices_are_the_same_device_unless_seeded_otherwise():
    first, again = qiskit_backend("generic-4"), qiskit_backend("generic-4")
    assert first.calibration == again.calibration
    assert qiskit_backend("generic-4", seed=9).calibration != first.calibration


def test_options_reach_the_qiskit_backend():
    aer = qloom.get_backend("qiskit:aer", method="statevector")
    assert aer.backend.options.method == "statevector"
    with pytest.raises(QloomError, match="refused options"):
        qloom.get_backend("qiskit:fake_manila", colour="blue")


def test_an_unknown_device_lists_the_devices_and_the_closest_one():
    with pytest.raises(UnknownPluginError) as info:
        qloom.get_backend("qiskit:fake_manilla")
    error = info.value
    assert error.name == "qiskit:fake_manilla" and error.suggestion == "qiskit:fake_manila"
    assert {"qiskit:aer", "qiskit:generic-<n>", "qiskit:fake_sherbrooke"} <= set(error.installed)
    assert "did you mean 'qiskit:fake_manila'" in str(error)
    with pytest.raises(UnknownPluginError, match="Devices are 'aer', 'generic-<n>'"):
        qloom.get_backend("qiskit:ionq")


def test_a_missing_provider_says_what_to_pip_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "qiskit_aer", None)
    with pytest.raises(UnknownPluginError, match="pip install qiskit-aer") as info:
        qiskit_backend("aer")
    assert "qiskit:aer" not in info.value.installed

    monkeypatch.setitem(sys.modules, "qiskit_ibm_runtime.fake_provider", None)
    with pytest.raises(UnknownPluginError, match="pip install qiskit-ibm-runtime"):
        qiskit_backend("fake_manila")
    assert available_devices() == ["generic-<n>"]
    with pytest.raises(UnknownPluginError, match=r"Not installed: qiskit-aer, qiskit-ibm-runtime"):
        qiskit_backend("something")


def test_a_device_is_required():
    with pytest.raises(QloomError, match="needs a device"):
        qloom.get_backend("qiskit")
    with pytest.raises(QloomError, match="at least one qubit"):
        qiskit_backend("generic-0")


def test_the_plugin_is_not_reported_broken_by_a_registry_check():
    registry = get_registry()
    assert "qiskit" in registry.names("backends")
    for kind in ("placers", "routers", "unrollers", "optimizers"):
        assert "qiskit" in registry.names(kind)
    broken = registry.check(["backends", "placers", "routers", "unrollers", "optimizers"])
    assert not [b for b in broken if b.info.distribution == "qloom-qiskit"]
