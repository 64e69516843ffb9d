"""Both routers produce equivalent circuits the backend accepts, on every kind of device."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Circuit, qasm2, transpile
from qloom.testing import assert_backend_accepts, assert_equivalent, check_pass, circuits
from support import require_distribution
from support.topologies import device, devices, grid, heavy_hex, line

from .conftest import per_wire, pipeline, unroute

ROUTERS = ["routers:basic", "routers:sabre"]
# Gates every device here accepts in some direction once routed (directed pairs included).
DIRECTABLE = ["h", "x", "rz", "sx", "u3", "cx", "cz", "swap", "rzz", "cp"]
# Any two-qubit gates, for undirected devices.
ANY_2Q = ["h", "ry", "u3", "cx", "cy", "crx", "cu3", "iswap", "ecr", "rzx", "unitary"]
UNDIRECTED = [b for b in devices() if not b.name.startswith("directed")]

SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("router", ROUTERS)
@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=DIRECTABLE))
def test_random_circuits_on_every_device(router, circuit):
    check_pass(pipeline(router), devices(), [circuit], seed=7)


@pytest.mark.parametrize("router", ROUTERS)
@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=25, gates=ANY_2Q))
def test_any_two_qubit_gate_on_undirected_devices(router, circuit):
    check_pass(pipeline(router), UNDIRECTED, [circuit], seed=2)


@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=DIRECTABLE))
def test_sabre_placement_then_sabre_routing(circuit):
    require_distribution("qloom-placers")
    check_pass(pipeline("placers:sabre", "routers:sabre"), devices(), [circuit], seed=5)


def test_sabre_options_reach_the_search():
    busy = Circuit(5)
    for a in range(5):
        for b in range(a + 1, 5):
            busy.cx(a, b).rz(0.1 * (a + b), b)
    spec = {"pass": "routers:sabre", "trials": 3, "lookahead": 0, "decay": 0.0, "release": 1}
    check_pass(pipeline(spec), devices(), [busy], seed=1)


def cat_with_measurements() -> Circuit:
    circuit = Circuit(5).h(0)
    for q in range(4):
        circuit.cx(q, q + 1)
    circuit.cz(0, 4).cx(4, 1).cp(0.4, 3, 0)
    return circuit.measure_all()


@pytest.mark.parametrize("router", ROUTERS)
def test_final_measurements_follow_their_qubits(router):
    original = cat_with_measurements()
    check_pass(pipeline(router), devices(), [original], seed=3)


def mid_circuit() -> Circuit:
    return qasm2.loads(
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[5]; creg c[2]; creg d[1];'
        "h q[0]; cx q[0],q[4]; measure q[4] -> c[0]; reset q[4]; barrier q[0],q[2],q[4];"
        "cx q[2],q[0]; if(c==1) x q[3]; cx q[3],q[1]; measure q[1] -> d[0];"
        "if(d==1) cx q[0],q[3]; cz q[4],q[1]; u3(0.1,0.2,0.3) q[2]; cx q[1],q[2];"
        "measure q[0] -> c[1]; barrier q; cx q[4],q[0];"
    )


@pytest.mark.parametrize("router", ROUTERS)
@pytest.mark.parametrize("backend", UNDIRECTED, ids=lambda b: b.name)
def test_measure_reset_barrier_and_conditions_keep_their_order(router, backend):
    original = mid_circuit()
    out = transpile(original, on=backend, transpiler=pipeline(router), seed=4)
    assert_backend_accepts(out, backend)
    back = unroute(out, backend.num_qubits)
    # Wire by wire (qubits and classical bits), the same operations in the same order.
    assert per_wire(back) == per_wire(original.remap(range(5), backend.num_qubits))
    # ... and each wire ends where the layout says.
    where = list(range(backend.num_qubits))
    for op in out:
        if op.name == "swap":
            a, b = op.qubits
            pa, pb = where.index(a), where.index(b)
            where[pa], where[pb] = b, a
    assert list(out.layout.final) == where[:5]


@pytest.mark.parametrize("router", ROUTERS)
def test_every_two_qubit_gate_lands_on_a_coupling(router):
    backend = device("heavyhex35", heavy_hex(2, 2))
    circuit = Circuit(20)
    for i in range(20):
        circuit.cx(i, (7 * i + 3) % 20) if i != (7 * i + 3) % 20 else circuit.h(i)
    out = transpile(circuit, on=backend, transpiler=pipeline(router), seed=1)
    coupled = {tuple(sorted(e)) for e in backend.connectivity.edges}
    assert all(tuple(sorted(op.qubits)) in coupled for op in out if len(op.qubits) == 2)
    wide = circuit.remap(range(20), backend.num_qubits)
    assert per_wire(unroute(out, backend.num_qubits)) == per_wire(wide)


@pytest.mark.parametrize("router", ROUTERS)
def test_unconstrained_backend_leaves_the_circuit_alone(router):
    from qloom import Backend

    circuit = Circuit(3).cx(0, 2).cz(2, 1)
    out = transpile(circuit, on=Backend("free", 3), transpiler=pipeline(router), seed=0)
    assert list(out) == list(circuit)
    assert out.layout.is_trivial()


@pytest.mark.parametrize("router", ROUTERS)
def test_a_narrow_circuit_is_widened_to_the_device(router):
    backend = device("line7", line(7))
    circuit = Circuit(3).cx(0, 2).h(1).cx(2, 0)
    out = transpile(circuit, on=backend, transpiler=pipeline(router), seed=0)
    assert out.num_qubits == 7
    assert out.layout.num_logical == 3 and out.layout.num_physical == 7
    assert_equivalent(circuit, out, out.layout)


def test_sabre_needs_no_swap_when_none_is_needed():
    backend = device("grid3x3", grid(3, 3))
    circuit = Circuit(9)
    for a, b in backend.connectivity.edges:
        circuit.cx(a, b).rz(math.pi / 7, b)
    out = transpile(circuit, on=backend, transpiler=pipeline("routers:sabre"), seed=0)
    assert out.count_ops().get("swap", 0) == 0
    assert out.layout.is_trivial()


def test_sabre_beats_the_basic_router_on_a_structured_circuit():
    backend = device("grid4x4", grid(4, 4))
    qft = Circuit(16)
    for a in range(16):
        for b in range(a + 1, 16):
            qft.cp(math.pi / 2 ** (b - a), a, b)
    basic = transpile(qft, on=backend, transpiler=pipeline("routers:basic"), seed=0)
    sabre = transpile(qft, on=backend, transpiler=pipeline("routers:sabre"), seed=0)
    assert sabre.count_ops()["swap"] < basic.count_ops()["swap"]
