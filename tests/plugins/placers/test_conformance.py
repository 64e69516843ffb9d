"""Every placer against the conformance checks: equivalent up to its layout, deterministic,
and (followed by a router) accepted by every kind of device."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Backend, Circuit, MappingError, PassContext, PassError
from qloom.pipeline import make_pass
from qloom.testing import check_pass, circuits
from support import require_distribution
from support.topologies import device, devices, grid, heavy_hex, line

PLACERS = ["trivial", "line", "dense", "subgraph", "noise"]
ROUTABLE = ["h", "x", "rz", "sx", "u3", "cx", "cz", "swap", "rzz", "cp"]
"""Gates a router alone can turn around on a directed pair (symmetric ones, and cx)."""
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")


@pytest.fixture
def targets(calibrated) -> list[Backend]:
    """The conformance devices, plus calibrated ones for the noise-aware paths."""
    return [
        *devices(),
        calibrated(device("grid3x3", grid(3, 3)), seed=1),
        calibrated(device("heavyhex21", heavy_hex(1, 2)), seed=2),
    ]


@pytest.mark.parametrize("name", PLACERS)
@SETTINGS
@given(circuit=circuits(max_qubits=5, max_ops=25))
def test_placement_alone_is_equivalent_and_deterministic(name, circuit, targets):
    spec = {"name": f"place-{name}", "passes": [f"placers:{name}"]}
    check_pass(spec, targets, [circuit], seed=7, expect_accepted=False)


@pytest.mark.parametrize("name", PLACERS)
@SETTINGS
@given(circuit=circuits(max_qubits=5, max_ops=25, gates=ROUTABLE))
def test_placement_then_routing_is_accepted(name, circuit, targets):
    require_distribution("qloom-routers")
    spec = {"name": f"place-{name}-route", "passes": [f"placers:{name}", "routers:sabre"]}
    check_pass(spec, targets, [circuit], seed=7)


@pytest.mark.parametrize("name", PLACERS)
def test_placement_is_a_layout_onto_distinct_device_qubits(name, place):
    backend = device("heavyhex21", heavy_hex(1, 2))
    circuit = Circuit(7).h(0).cx(0, 1).cx(1, 2).cx(2, 3).cx(1, 4).cz(5, 3).rz(0.3, 6)
    out, context = place(name, circuit, backend)
    initial = context.layout.initial
    assert len(initial) == 7 and len(set(initial)) == 7
    assert all(0 <= p < 21 for p in initial)
    assert out == circuit.remap(initial, 21)
    assert context.placement == f"placers:{name}"


@pytest.mark.parametrize("name", PLACERS)
def test_an_already_placed_circuit_is_left_alone_unless_forced(name):
    backend = device("line6", line(6))
    circuit = Circuit(3).cx(0, 2).cx(2, 1)
    context = PassContext(backend=backend, placement="placers:earlier")
    assert make_pass("placers", name, {})(circuit, context) is circuit
    assert context.layout is None
    forced = make_pass("placers", name, {"force": True})(circuit, context)
    assert context.layout is not None and forced.num_qubits == 6


@pytest.mark.parametrize("name", PLACERS)
def test_a_circuit_wider_than_the_device_is_a_mapping_error(name, place):
    with pytest.raises((MappingError, PassError), match="7 qubits"):
        place(name, Circuit(7).cx(0, 6), device("line6", line(6)))


@pytest.mark.parametrize("name", PLACERS)
def test_an_all_to_all_backend_needs_no_placement(name, place):
    circuit = Circuit(3).cx(0, 2)
    out, context = place(name, circuit, Backend("any", 5))
    assert out is circuit and context.layout is None


@pytest.mark.parametrize("name", PLACERS)
def test_circuits_without_two_qubit_gates_are_placed(name, place):
    circuit = Circuit(4).h(0).x(3).measure_all()
    out, context = place(name, circuit, device("grid3x3", grid(3, 3)))
    assert context.placement == f"placers:{name}" and len(context.layout.initial) == 4
    assert out == circuit.remap(context.layout.initial, 9)


def test_trivial_keeps_every_qubit_where_it_is(place):
    circuit = Circuit(4).cx(3, 0).cx(1, 2)
    out, context = place("trivial", circuit, device("line6", line(6)))
    assert context.layout.initial == (0, 1, 2, 3)
    assert list(out) == list(circuit)
