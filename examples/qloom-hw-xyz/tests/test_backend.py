"""The ``xyz`` backend: conformance, the devices, their errors and the jobs it runs."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import qloom
from qloom import BackendViolation, Calibration, Circuit, QloomError
from qloom.testing import check_backend
from qloom_hw_xyz import DEVICES, NATIVES, XYZBackend

DEVICE_NAMES = sorted(DEVICES)


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_conformance(device):
    report = check_backend(qloom.get_backend(f"xyz:{device}"))
    assert not report.skipped, "every check runs: XYZ's natives can express them all"


def test_ladder_12_is_a_2_by_6_ladder():
    backend = qloom.get_backend("xyz:ladder-12")
    assert backend.num_qubits == 12
    assert nx.is_isomorphic(backend.connectivity, nx.ladder_graph(6))
    assert (0, 1) in backend and (1, 0) in backend and (0, 6) in backend and (5, 11) in backend
    assert (5, 6) not in backend and (0, 7) not in backend


def test_ring_8_is_a_cycle():
    backend = qloom.get_backend("xyz:ring-8")
    assert backend.num_qubits == 8
    assert nx.is_isomorphic(backend.connectivity, nx.cycle_graph(8))
    assert (7, 0) in backend and (0, 4) not in backend


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_every_qubit_and_pair_is_calibrated(device):
    backend = qloom.get_backend(f"xyz:{device}")
    calibration = backend.calibration
    qubits = set(range(backend.num_qubits))
    assert set(calibration.qubit_error) == set(calibration.readout_error) == qubits
    pairs = {frozenset(edge) for edge in backend.connectivity.edges}
    assert {frozenset(edge) for edge in calibration.edge_error} == pairs


def test_natives_default_pipeline_and_properties():
    backend = qloom.get_backend("xyz:ring-8")
    assert isinstance(backend, XYZBackend)
    assert backend.natives == NATIVES == {"rz", "sx", "x", "cz"}
    assert backend.default_pipeline == "xyz_default"
    assert backend.properties["vendor"] == "XYZ Quantum"
    assert backend.device is DEVICES["ring-8"]


# The factory raises QloomError itself for the user's mistakes: qloom passes it on as it is,
# while any other exception would reach the user as a BrokenPluginError and `qloom plugins`
# would list the plugin as broken. Hence `type(...) is QloomError` below.


def test_unknown_device_lists_the_devices():
    with pytest.raises(QloomError, match="XYZ Quantum has no device 'ladder-13'") as info:
        qloom.get_backend("xyz:ladder-13")
    assert type(info.value) is QloomError
    message = str(info.value)
    assert "devices: xyz:ladder-12, xyz:ring-8" in message
    assert "Did you mean 'xyz:ladder-12'?" in message


def test_a_device_is_required():
    # `qloom plugins` builds every backend once with no argument: this is its answer.
    with pytest.raises(QloomError, match="needs a device: on='xyz:<device>'") as info:
        qloom.get_backend("xyz")
    assert type(info.value) is QloomError


def test_unknown_options_and_bad_calibrations_are_refused():
    with pytest.raises(
        QloomError, match=r"only the option 'calibration', not \['shots_limit'\]"
    ) as info:
        qloom.get_backend("xyz:ring-8", shots_limit=10)
    assert type(info.value) is QloomError
    with pytest.raises(QloomError, match=r"must be a qloom\.Calibration, not a dict") as info:
        qloom.get_backend("xyz:ring-8", calibration={"0": 0.01})
    assert type(info.value) is QloomError


def test_a_fresh_calibration_steers_placement():
    # The snapshot's worst pair of ring-8 is (2, 3); a calibration where it is the only
    # good pair must move a Bell pair there.
    edges = DEVICES["ring-8"].edges
    fresh = Calibration(edge_error={edge: 0.001 if edge == (2, 3) else 0.05 for edge in edges})
    backend = qloom.get_backend("xyz:ring-8", calibration=fresh)
    assert backend.calibration is fresh
    bell = Circuit(2).h(0).cx(0, 1)
    out = qloom.transpile(bell, on=backend, seed=1)
    assert set(out.layout.initial) == {2, 3}
    snapshot = qloom.transpile(bell, on="xyz:ring-8", seed=1)
    assert set(snapshot.layout.initial) != {2, 3}


def test_a_job_the_device_cannot_run_is_refused():
    backend = qloom.get_backend("xyz:ladder-12")
    with pytest.raises(BackendViolation, match=r"pair \(0, 7\) is not coupled"):
        backend.run(Circuit(12).cz(0, 7), shots=10, seed=1)
    with pytest.raises(BackendViolation, match="'h' is not a native gate"):
        backend.run(Circuit(2).h(0), shots=10, seed=1)


def _h(circuit: Circuit, qubit: int) -> Circuit:
    """``h`` in XYZ natives: rz(pi/2) sx rz(pi/2), exact up to a global phase."""
    return circuit.rz(math.pi / 2, qubit).sx(qubit).rz(math.pi / 2, qubit)


def test_ghz_job_in_xyz_natives():
    backend = qloom.get_backend("xyz:ring-8")
    circuit = _h(Circuit(8, 3), 0)
    for control, target in ((0, 1), (1, 2)):
        _h(_h(circuit, target).cz(control, target), target)
    for clbit, qubit in enumerate((0, 1, 2)):
        circuit.measure(qubit, clbit)
    result = backend.execute(circuit, shots=4000, seed=3)
    assert set(result.counts) == {"000", "111"}
    assert abs(result.counts["111"] / 4000 - 0.5) < 0.03
    assert (result.backend, result.shots) == ("xyz:ring-8", 4000)
    assert result.metadata == {"simulated": True}
    assert backend.execute(circuit, shots=4000, seed=3).counts == result.counts
