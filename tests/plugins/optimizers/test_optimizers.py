"""Every optimizer keeps circuits equivalent, native and on their pairs, and shrinks them."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qloom import Backend, Circuit, PassContext, transpile
from qloom.testing import assert_backend_accepts, assert_equivalent, check_pass, circuits
from qloom.testing.dense import probabilities
from qloom_optimizers.cancellation import Cancel
from qloom_optimizers.consolidation import Consolidate2q
from qloom_optimizers.elide import ElideSwaps
from qloom_optimizers.fusion import FuseSingleQubit
from qloom_optimizers.removal import RemoveDiagonalBeforeMeasure, RemoveIdentities
from support import require_distribution
from support.circuits import qft
from support.natives import NATIVE_SETS
from support.tolerances import IDENTITY_REMOVAL_ATOL

PASSES = [
    "optimizers:fuse_1q",
    "optimizers:cancel",
    "optimizers:remove_identities",
    "optimizers:consolidate_2q",
    {"pass": "optimizers:optimize", "resynthesize": True},
]
BASIS = {"name": "basis", "passes": ["unrollers:basis"]}
SLOW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def pipeline(entry):
    return {"name": "under-test", "passes": [entry]}


def directed_line(natives, n=4):
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((i, i + 1) if i % 2 else (i + 1, i) for i in range(n - 1))
    return Backend("directed", n, graph, natives, default_pipeline="identity")


@st.composite
def native_line_circuits(draw, natives, n=4, max_ops=25):
    """Random circuits of native gates on the pairs ``directed_line`` accepts."""
    backend = directed_line(natives, n)
    from qloom.gates import GATES

    circuit = Circuit(n)
    angle = st.floats(-6.3, 6.3, allow_nan=False)
    for _ in range(draw(st.integers(1, max_ops))):
        name = draw(st.sampled_from(sorted(natives)))
        gate = GATES[name]
        if gate.num_qubits == 2:
            i = draw(st.integers(0, n - 2))
            pair = (i, i + 1) if (i, i + 1) in backend else (i + 1, i)
        else:
            pair = (draw(st.integers(0, n - 1)),)
        circuit.append(name, pair, [draw(angle) for _ in range(gate.num_params or 0)])
    return circuit


@pytest.mark.parametrize("key", sorted(NATIVE_SETS))
@pytest.mark.parametrize("entry", PASSES, ids=str)
@SLOW
@given(data=st.data())
def test_native_circuits_stay_native_and_equivalent(key, entry, data):
    natives = NATIVE_SETS[key]
    circuit = data.draw(native_line_circuits(natives))
    check_pass(
        pipeline(entry), [directed_line(natives)], [circuit], seed=1, atol=IDENTITY_REMOVAL_ATOL
    )


@pytest.mark.parametrize("entry", PASSES, ids=str)
@SLOW
@given(circuit=circuits(max_qubits=4, max_ops=25, max_unitary_qubits=2))
def test_any_circuit_on_a_simulator(entry, circuit):
    check_pass(pipeline(entry), [Backend("sim")], [circuit], seed=1, atol=IDENTITY_REMOVAL_ATOL)


def run(pass_, circuit, backend=None):
    return pass_.run(circuit, PassContext(backend or Backend("sim")))


def test_inverse_pairs_cancel_across_commuting_gates():
    circuit = Circuit(2).cx(0, 1).rz(0.3, 0).x(1).cx(0, 1).h(0).h(0).s(1).sdg(1)
    out = run(Cancel(), circuit)
    assert [op.name for op in out] == ["rz", "x"]
    assert_equivalent(circuit, out)


def test_rotations_merge_and_vanish():
    circuit = Circuit(2).rz(0.3, 0).rz(0.4, 0).rzz(0.5, 0, 1).rzz(-0.5, 1, 0).rx(math.pi, 1)
    circuit.rx(math.pi, 1)
    out = run(Cancel(), circuit)
    assert [(op.name, round(op.params[0], 6)) for op in out] == [("rz", 0.7)]
    assert_equivalent(circuit, out)


def test_nothing_moves_across_measurements_barriers_or_conditions():
    circuit = Circuit(2, 2).h(0).measure(0, 0).h(0).x(1).barrier().x(1)
    circuit.append("x", (1,), condition=("c", 1))
    circuit.append("x", (1,))
    out = run(Cancel(), circuit)
    assert [op.name for op in out] == [op.name for op in circuit]
    assert list(run(FuseSingleQubit(), circuit)) == list(circuit)


def test_one_qubit_runs_fuse_into_the_natives():
    circuit = Circuit(1).h(0).t(0).h(0).s(0).x(0)
    backend = Backend("ibm", 1, None, ["cz", "rz", "sx", "x"])
    out = run(FuseSingleQubit(), circuit, backend)
    assert len(out) <= 5 and {op.name for op in out} <= {"rz", "sx", "x"}
    assert_equivalent(circuit, out)


def test_a_swap_next_to_a_cx_on_the_same_pair_becomes_two_entanglers():
    circuit = Circuit(2).cx(0, 1).cx(1, 0).cx(0, 1).cx(0, 1)
    out = run(Consolidate2q(), circuit, Backend("ibm", 2, [(0, 1)], ["cx", "rz", "sx", "x"]))
    assert out.count_2q() == 2  # swap . cx is locally iSWAP: two entanglers, not four
    assert_equivalent(circuit, out)
    swap_then_cp = Circuit(2).swap(0, 1).cp(0.3, 0, 1).cp(0.2, 0, 1)
    backend = Backend("cz", 2, [(0, 1)], ["cz", "rz", "sx", "x"])
    out = run(Consolidate2q(), transpile(swap_then_cp, on=backend, transpiler=BASIS), backend)
    assert out.count_2q() == 3
    assert_equivalent(swap_then_cp, out)


def test_consolidation_respects_direction():
    backend = directed_line(["ecr", "rz", "sx", "x"], 2)
    circuit = transpile(Circuit(2).swap(0, 1).cx(0, 1), on=backend, transpiler=BASIS)
    out = run(Consolidate2q(), circuit, backend)
    assert out.count_2q() == 2
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out)


def test_identities_are_removed():
    circuit = Circuit(2).rz(0, 0).id(1).u(0, 0, 0, 1).rzz(2 * math.pi, 0, 1).cx(0, 1)
    out = run(RemoveIdentities(), circuit)
    assert [op.name for op in out] == ["cx"]


def test_diagonal_gates_before_final_measurements_go():
    circuit = Circuit(2, 2).h(0).cx(0, 1).rz(0.3, 1).cz(0, 1).t(0).measure(0, 0).measure(1, 1)
    out = run(RemoveDiagonalBeforeMeasure(), circuit)
    assert [op.name for op in out] == ["h", "cx", "measure", "measure"]
    assert np.allclose(probabilities(circuit), probabilities(out), rtol=0, atol=1e-12)
    kept = Circuit(2, 1).h(0).cz(0, 1).measure(0, 0).h(1)
    assert list(run(RemoveDiagonalBeforeMeasure(), kept)) == list(kept)


def test_elided_swaps_are_recorded_in_the_layout():
    circuit = Circuit(3).h(0).swap(0, 2).cx(2, 1).swap(1, 2).x(1)
    context = PassContext(Backend("sim"))
    out = ElideSwaps().run(circuit, context)
    assert "swap" not in out.count_ops()
    assert_equivalent(circuit, out, context.layout)


def test_optimize_shrinks_a_routed_qft_below_the_routed_count():
    require_distribution("qloom-levels")
    backend = Backend("line", 6, [(i, i + 1) for i in range(5)], ["cz", "rz", "sx", "x"])
    routed = transpile(qft(6), on=backend, transpiler="O0", seed=1)
    out = transpile(qft(6), on=backend, transpiler="O2", seed=1)
    assert out.count_2q() < routed.count_2q()
    assert_backend_accepts(out, backend)
    assert_equivalent(qft(6), out)
