"""``backend_target``: a calibrated qloom backend as a Qiskit ``Target`` with the same data."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import pytest
from qiskit import QuantumCircuit, transpile

from qloom import Backend, QloomError
from qloom.config import get_backend
from qloom.success import estimated_success
from qloom_qiskit import from_qiskit
from qloom_qiskit.target import backend_target, read_target
from support import require_distribution


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-hw-emulator")


def pairs(graph: nx.Graph) -> set[Any]:
    return set(graph.edges) if graph.is_directed() else {frozenset(e) for e in graph.edges}


@pytest.mark.parametrize("device", ["heavy-hex-27", "heavy-hex-127", "iqm-crystal-20"])
def test_reading_the_target_back_gives_the_same_device(device):
    backend = get_backend(f"emulator:{device}")
    info = read_target(backend_target(backend))
    # read back, cx also reads as its alias CX
    assert info.num_qubits == backend.num_qubits and backend.natives <= info.natives <= {
        *backend.natives,
        "CX",
    }
    assert info.connectivity.is_directed() == backend.connectivity.is_directed()
    assert pairs(info.connectivity) == pairs(backend.connectivity)
    ours, theirs = backend.calibration, info.calibration
    assert theirs.qubit_error == ours.qubit_error and theirs.readout_error == ours.readout_error
    assert all(
        theirs.edge_rate(a, b) == ours.edge_rate(a, b) for a, b in backend.connectivity.edges
    )


def test_virtual_gates_are_free_and_unknown_rates_unknown():
    backend = Backend(
        "line3",
        3,
        [(0, 1), (1, 2)],
        ["rz", "sx", "cz"],
        properties={"virtual_gates": ["rz"]},
        calibration=get_backend("emulator:line-32").calibration.restrict([0, 1]),
    )
    target = backend_target(backend)
    assert target["rz"][(2,)].error == 0.0
    assert target["sx"][(2,)].error is None and target["cz"][(1, 2)].error is None
    assert target["cz"][(1, 0)].error == backend.calibration.edge_rate(0, 1)


def test_the_esp_of_a_qiskit_output_is_the_product_of_its_target_fidelities():
    backend = get_backend("emulator:heavy-hex-27")
    target = backend_target(backend)
    qc = QuantumCircuit(5, 5)
    qc.h(0)
    for q in range(4):
        qc.cx(q, q + 1)
    qc.measure(range(5), range(5))
    out = transpile(qc, target=target, optimization_level=3, seed_transpiler=11)
    expected = math.prod(
        1.0 - target[i.operation.name][tuple(out.find_bit(q).index for q in i.qubits)].error
        for i in out.data
        if i.operation.name != "barrier"
    )
    circuit = from_qiskit(out)
    backend.validate(circuit)
    estimate = estimated_success(circuit, backend.calibration, backend.properties["virtual_gates"])
    assert estimate.probability == pytest.approx(expected, rel=1e-12)
    assert estimate.operations["readout"] == 5 and not estimate.unknown


def test_a_backend_without_couplings_or_natives_has_no_target():
    with pytest.raises(QloomError, match="no fixed qubits, coupling and natives"):
        backend_target(Backend("free", 3))
    with pytest.raises(QloomError, match="no Qiskit standard gate"):
        backend_target(Backend("ion", 2, [(0, 1)], ["ms", "gpi"]))
