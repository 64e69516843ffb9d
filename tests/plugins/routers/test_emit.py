"""``emit`` builds the routed circuit unchecked; it must equal the checked per-op build.

The reference below is the per-operation path ``emit`` replaced: every operation mapped
through the layout of the moment and ``append``-ed (checked and normalised one at a
time), two-qubit gates and swaps as ``DirectionFixer.operations`` gives them, ``extend``-ed
(checked likewise).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Backend, Circuit, PassContext, qasm2
from qloom.testing import assert_equivalent, circuits
from qloom_routers import BasicRouter, DirectionFixer, emit
from qloom_routers.coupling import Coupling
from qloom_routers.dag import TWO, RoutingDag
from qloom_routers.engine import route_best
from qloom_routers.heuristic import Heuristic
from support.topologies import devices
from support.trusted import assert_rebuilds_as_checked, typed

SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GATES = ["h", "x", "rz", "sx", "u3", "cx", "cz", "swap", "rzz", "cp", "crx", "unitary"]


def checked_emit(circuit, dag, coupling, backend, layout, events):
    n = coupling.num_qubits
    out = circuit.copy_empty(n)
    ops = circuit.operations
    fixer = DirectionFixer(backend, coupling.directed)
    l2p = list(layout)
    p2l = [0] * n
    for wire, phys in enumerate(l2p):
        p2l[phys] = wire
    for event in events:
        if event < 0:
            a, b = divmod(~event, n)
            out.extend(fixer.operations("swap", a, b))
            wa, wb = p2l[a], p2l[b]
            p2l[a], p2l[b] = wb, wa
            l2p[wa], l2p[wb] = b, a
            continue
        for index in dag.riders[event]:
            op = ops[index]
            out.append(op.name, (l2p[op.qubits[0]],), op.params)
        op = ops[dag.op[event]]
        if dag.kind[event] == TWO:
            a, b = (l2p[q] for q in op.qubits)
            out.extend(fixer.operations(op.name, a, b, op.params, op.clbits, op.condition))
        else:
            out.append(op.name, [l2p[q] for q in op.qubits], op.params, op.clbits, op.condition)
    for index in dag.tail:
        op = ops[index]
        out.append(op.name, (l2p[op.qubits[0]],), op.params)
    return out


def assert_emits_as_checked(circuit: Circuit, backend: Backend) -> None:
    coupling = Coupling.of(backend)
    n = coupling.num_qubits
    dag = RoutingDag.from_circuit(circuit, n)
    layout = list(range(n))
    _, best = route_best(dag, coupling, layout, Heuristic(), [3, 4], record=True)
    args = (circuit.remap(range(circuit.num_qubits), n), dag, coupling, backend, layout)
    out = emit(*args, best.events)
    expected = checked_emit(*args, best.events)
    assert out == expected
    assert typed(out) == typed(expected)
    assert (out.qregs, out.cregs, out.num_qubits) == (
        expected.qregs,
        expected.cregs,
        expected.num_qubits,
    )


@pytest.mark.parametrize("backend", devices(), ids=lambda b: b.name)
@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=GATES))
def test_emit_equals_the_checked_build(backend, circuit):
    assert_emits_as_checked(circuit, backend)


@pytest.mark.parametrize("backend", devices(), ids=lambda b: b.name)
def test_measures_resets_barriers_and_conditions_as_the_checked_build(backend):
    circuit = qasm2.loads(
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[5]; creg c[2]; creg d[1];'
        "h q[0]; cx q[0],q[4]; reset q[3]; cx q[2],q[0]; if(c==1) x q[3]; cx q[3],q[1];"
        "measure q[1] -> d[0]; if(d==1) cx q[0],q[3]; cz q[4],q[1]; u3(0.1,0.2,0.3) q[2];"
        "cx q[1],q[2]; measure q[0] -> c[1]; barrier q; cx q[4],q[0]; rz(-0.0) q[4];"
    )
    assert_emits_as_checked(circuit, backend)


@pytest.mark.parametrize("backend", devices(), ids=lambda b: b.name)
@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=GATES))
def test_the_basic_router_builds_what_a_checked_rebuild_gives(backend, circuit):
    context = PassContext(backend=backend, seed=0)
    out = BasicRouter().run(circuit, context)
    assert_rebuilds_as_checked(out)
    assert_equivalent(circuit, out, context.layout)
