"""Backend: one class for simulators and devices; __contains__ and validate."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from qloom import (
    Backend,
    BackendViolation,
    Calibration,
    Circuit,
    MappingError,
    Operation,
    QloomError,
)


def line(n: int = 3) -> Backend:
    return Backend("line", n, [(q, q + 1) for q in range(n - 1)], ["cx", "rz", "sx", "x"])


def test_unconstrained_backend_accepts_everything():
    sim = Backend("sim")
    assert sim.is_unconstrained and sim.qubits is None
    assert 10_000 in sim and (0, 999) in sim and "ccx" in sim
    assert Operation("ccx", (0, 5, 9)) in sim
    assert sim.default_padding == "none"


def test_constrained_backend_answers_for_qubits_pairs_and_gates():
    b = line()
    assert 0 in b and 2 in b and 3 not in b and -1 not in b and True not in b
    assert (0, 1) in b and (1, 0) in b and (0, 2) not in b and (1, 1) not in b and (2, 3) not in b
    assert "cx" in b and "h" not in b and "measure" in b and "barrier" in b
    assert Operation("cx", (1, 2)) in b and Operation("cx", (0, 2)) not in b
    assert Operation("h", (0,)) not in b
    assert b.default_padding == "before" and b.qubits == range(3)


def test_directed_pairs():
    b = Backend("directed", 2, nx.DiGraph([(0, 1)]), ["cx"])
    assert (0, 1) in b and (1, 0) not in b


def test_validate_reports_the_first_violation():
    c = Circuit(3).cx(0, 1).x(2).cx(0, 2).append("h", [1])
    with pytest.raises(BackendViolation) as info:
        line().validate(c, stage="routers:basic")
    err = info.value
    assert (err.index, err.gate, err.qubits) == (2, "cx", (0, 2))
    assert "operation 2 (output of routers:basic): cx on qubits [0, 2]: pair (0, 2)" in str(err)
    assert [v.index for v in line().violations(c)] == [2, 3]


def test_validate_rejects_too_wide_circuits():
    with pytest.raises(BackendViolation, match="the circuit has 4 qubits, the backend 3"):
        line().validate(Circuit(4))


def test_three_qubit_gate_needs_all_pairs_coupled():
    b = Backend("tri", 3, [(0, 1), (1, 2), (0, 2)], ["ccx"])
    assert Operation("ccx", (0, 1, 2)) in b
    assert Operation("ccx", (0, 1, 2)) not in Backend("l", 3, [(0, 1), (1, 2)], ["ccx"])


def test_construction_errors():
    with pytest.raises(QloomError, match="unknown native gates: \\['cnot'\\]"):
        Backend("x", 2, None, ["cnot"])
    with pytest.raises(QloomError, match="outside range\\(2\\)"):
        Backend("x", 2, [(0, 5)])


def test_a_target_only_backend_refuses_to_run():
    assert not line().can_execute
    with pytest.raises(QloomError, match="compilation target only"):
        line().execute(Circuit(1).x(0))


def test_restrict_keeps_the_couplings_natives_and_calibration_of_a_region():
    calibration = Calibration({0: 0.1, 2: 0.2, 3: 0.3}, {3: 0.05}, {(2, 3): 0.01, (0, 1): 0.5})
    graph = nx.DiGraph([(0, 1), (1, 2), (3, 2)])
    backend = Backend("dev", 4, graph, ["cx", "rz"], calibration=calibration)
    region = backend.restrict([3, 2])
    assert region.num_qubits == 2
    assert (0, 1) in region and (1, 0) not in region
    assert "cx" in region and "h" not in region
    assert region.properties["region"] == [3, 2]
    assert region.calibration == Calibration({0: 0.3, 1: 0.2}, {0: 0.05}, {(1, 0): 0.01})
    assert not region.can_execute


def test_restrict_rejects_repeated_or_missing_qubits():
    backend = Backend("dev", 3, [(0, 1), (1, 2)])
    with pytest.raises(QloomError, match="distinct qubits"):
        backend.restrict([0, 0])
    with pytest.raises(QloomError, match="distinct qubits"):
        backend.restrict([1, 3])


def test_calibration_costs_treat_unknown_rates_as_the_median():
    calibration = Calibration({0: 0.1, 1: 0.3}, {}, {(0, 1): 0.02, (1, 2): 0.04, (2, 3): 0.06})
    assert calibration.edge_rate(1, 0) == 0.02
    assert calibration.edge_cost(3, 4) == pytest.approx(-math.log(1 - 0.04))
    assert calibration.qubit_cost(7) == pytest.approx(-math.log(1 - 0.2))
    assert calibration.qubit_cost(0) < calibration.qubit_cost(1)
    assert not Calibration()
    with pytest.raises(QloomError, match=r"edge_error\[\(0, 1\)\] = 1.5"):
        Calibration(edge_error={(0, 1): 1.5})


def test_device_width_is_what_mapping_places_onto():
    assert Backend("sim").device_width(Circuit(40)) is None
    assert Backend("dev", 5, [(0, 1)]).device_width() == 5
    assert Backend("loose", None, [(0, 3)]).device_width() == 4
    with pytest.raises(MappingError, match="the circuit has 6 qubits, backend 'dev' has 5"):
        Backend("dev", 5, [(0, 1)]).device_width(Circuit(6))


def test_an_unknown_gate_name_is_not_in_any_backend():
    # issue 16 point 8: an unconstrained backend accepts every gate of the library, no more.
    sim = Backend("sim")
    assert "h" in sim and "unitary" in sim and "measure" in sim
    for name in ("foo", "", "H ", "cx;", "gate"):
        assert name not in sim, name
        assert name not in line(), name
    assert Operation("h", (0,)) in sim
