"""The built-in devices: their shape, data, conformance, and how names resolve."""

from __future__ import annotations

import json

import networkx as nx
import pytest

import qloom
from qloom import QloomError
from qloom.testing import check_backend
from qloom_hw_emulator import EmulatorBackend, catalog_names, device_from_catalog

DEVICES = catalog_names()

# the reference topologies of ../shared/benchmarks/topologies, where the catalog has the device
SHARED_TOPOLOGIES = {
    "heavy-hex-127": "hh127",
    "heavy-hex-27": "hh27",
    "grid-100": "grid100",
    "line-32": "line32",
}


def test_the_catalog_has_every_family_the_issue_names():
    assert set(DEVICES) >= {
        "heavy-hex-27",
        "heavy-hex-127",
        "grid-100",
        "line-32",
        "ring-16",
        "iqm-crystal-20",
        "star-6",
        "ion-25",
    }


@pytest.mark.parametrize("name", DEVICES)
def test_every_device_passes_the_backend_conformance_suite_without_noise(name):
    report = check_backend(EmulatorBackend(name, noise=False))
    assert not report.failures
    assert any("GHZ" in c.name and c.status == "pass" for c in report.checks)


@pytest.mark.parametrize("name", DEVICES)
def test_every_device_passes_the_conformance_suite_with_its_noise(name):
    # 3-qubit GHZ on real-looking readout and gate errors is a few percent off the ideal
    report = check_backend(qloom.get_backend(f"emulator:{name}"), max_tvd=0.2)
    assert not report.failures


@pytest.mark.parametrize("name", DEVICES)
def test_every_device_has_rates_and_durations_for_every_qubit_and_pair(name):
    device = device_from_catalog(name)
    qubits = set(range(device.num_qubits))
    assert set(device.gate_error) == set(device.readout_error) == qubits
    assert set(device.gate_ns) == set(device.readout_ns) == qubits
    assert set(device.edge_error) == set(device.edge_ns) == set(device.edges)
    rates = [*device.gate_error.values(), *device.readout_error.values()]
    assert all(0 < r < 0.5 for r in [*rates, *device.edge_error.values()])
    assert len(set(device.edge_error.values())) > 1, "rates vary across the device"
    backend = EmulatorBackend(name)
    assert backend.calibration.edge_rate(*device.edges[0]) == device.edge_error[device.edges[0]]
    assert backend.properties["durations_ns"]["gate_2q"] == device.edge_ns
    assert backend.default_pipeline == "emulator"
    assert nx.is_connected(backend.connectivity.to_undirected())


@pytest.mark.parametrize(("name", "reference"), sorted(SHARED_TOPOLOGIES.items()))
def test_topologies_are_the_shared_reference_ones(name, reference, shared_benchmarks):
    data = json.loads((shared_benchmarks / "topologies" / f"{reference}.json").read_text())
    device = device_from_catalog(name)
    assert device.num_qubits == data["n"]
    assert {tuple(sorted(e)) for e in device.edges} == {tuple(sorted(e)) for e in data["edges"]}


def test_natives_and_directions_follow_the_vendors():
    eagle = EmulatorBackend("heavy-hex-127")
    assert eagle.natives == {"ecr", "rz", "sx", "x"}
    assert isinstance(eagle.connectivity, nx.DiGraph)
    assert (0, 1) in eagle and (1, 0) not in eagle
    assert EmulatorBackend("iqm-crystal-20").natives == {"prx", "cz"}
    ions = EmulatorBackend("ion-25")
    assert ions.natives == {"gpi", "gpi2", "ms"}
    assert all((a, b) in ions for a in range(25) for b in range(25) if a != b)
    assert "rz" in EmulatorBackend("heavy-hex-27").device.virtual


def test_unknown_device_lists_the_catalog_and_the_closest_name():
    with pytest.raises(QloomError, match="did you mean 'heavy-hex-127'") as info:
        qloom.get_backend("emulator:heavy-hex-128")
    assert "ion-25" in str(info.value)


def test_a_device_name_is_required():
    with pytest.raises(QloomError, match="needs a device"):
        qloom.get_backend("emulator")


def test_a_negative_noise_scale_is_refused():
    with pytest.raises(QloomError, match="noise_scale"):
        EmulatorBackend("star-6", noise_scale=-1)
