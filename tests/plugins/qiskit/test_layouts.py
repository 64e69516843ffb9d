"""Layouts across the bridge: Qiskit's ``TranspileLayout`` and qloom's ``Layout`` agree."""

from __future__ import annotations

import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.random import random_circuit
from qiskit.quantum_info import Operator
from qiskit.transpiler import CouplingMap

import qloom
from qloom import Backend, Circuit, Layout
from qloom.testing import assert_equivalent
from qloom_qiskit import from_qiskit, to_qiskit
from support import require_distribution

EDGES = [(0, 1), (1, 2), (2, 3), (3, 4), (1, 5), (5, 6), (3, 6), (6, 7)]
HEAVY_HEX_ISH = CouplingMap(EDGES + [(b, a) for a, b in EDGES])


def logical_circuit(seed: int, width: int = 5, measure: bool = True) -> Circuit:
    """A random qloom circuit (via Qiskit's random_circuit), optionally measured."""
    qc = random_circuit(width, 6, max_operands=2, seed=seed)
    circuit = from_qiskit(qc)
    if measure:
        circuit.measure_all()
    return circuit


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("level", [1, 3])
def test_a_qiskit_transpiled_circuit_comes_back_with_an_equivalent_layout(seed, level):
    original = logical_circuit(seed)
    transpiled = transpile(
        to_qiskit(original),
        coupling_map=HEAVY_HEX_ISH,
        basis_gates=["cx", "rz", "sx", "x"],
        optimization_level=level,
        seed_transpiler=seed,
    )
    converted = from_qiskit(transpiled)
    assert converted.layout is not None and converted.num_qubits == 8
    assert converted.layout.num_logical == 5
    assert_equivalent(original, converted, layout=converted.layout)


def test_swaps_elided_by_qiskit_are_part_of_the_layout():
    """Level 3 runs ElidePermutations: Qiskit keeps the elided swaps as a virtual permutation,
    which must reach the qloom layout."""
    original = Circuit(5).h(0).swap(0, 3).cx(3, 4).swap(1, 2).cx(0, 1).t(2).swap(2, 4)
    original.measure_all()
    transpiled = transpile(
        to_qiskit(original), coupling_map=HEAVY_HEX_ISH, optimization_level=3, seed_transpiler=1
    )
    assert "swap" not in transpiled.count_ops()
    converted = from_qiskit(transpiled)
    assert_equivalent(original, converted, layout=converted.layout)


def test_the_layout_matches_qiskit_s_own_index_layouts():
    qc = to_qiskit(logical_circuit(4, measure=False))
    transpiled = transpile(qc, coupling_map=HEAVY_HEX_ISH, seed_transpiler=4)
    layout = from_qiskit(transpiled).layout
    qiskit_layout = transpiled.layout
    assert list(layout.initial) == qiskit_layout.initial_index_layout(filter_ancillas=True)
    assert list(layout.routing) == qiskit_layout.routing_permutation()
    assert list(layout.final) == qiskit_layout.final_index_layout()


def test_a_qloom_layout_becomes_a_transpile_layout_qiskit_understands():
    original = logical_circuit(5, measure=False)
    transpiled = transpile(to_qiskit(original), coupling_map=HEAVY_HEX_ISH, seed_transpiler=5)
    converted = from_qiskit(transpiled)
    again = to_qiskit(converted)
    tl = again.layout
    assert tl.initial_index_layout(filter_ancillas=True) == list(converted.layout.initial)
    assert tl.routing_permutation() == list(converted.layout.routing)
    assert tl.final_index_layout() == list(converted.layout.final)
    assert Operator.from_circuit(again).equiv(Operator.from_circuit(transpiled))
    wide = QuantumCircuit(8)
    wide.compose(to_qiskit(original), range(5), inplace=True)
    assert Operator.from_circuit(again).equiv(Operator(wide))
    assert from_qiskit(again).layout == converted.layout


def test_a_hand_written_layout_with_ancillas_and_routing():
    # logical 0 on physical 2, logical 1 on physical 0; physical 2 and 0 swap contents
    circuit = Circuit(3).x(2).swap(0, 2)
    circuit.layout = Layout((2, 0), (2, 1, 0))
    qc = to_qiskit(circuit)
    assert qc.layout.initial_index_layout(filter_ancillas=True) == [2, 0]
    assert qc.layout.final_index_layout() == [0, 2]
    assert from_qiskit(qc).layout == circuit.layout
    assert_equivalent(Circuit(2).x(0), circuit, layout=circuit.layout)


def test_a_layout_without_routing_needs_no_final_layout():
    circuit = Circuit(3).x(0)
    circuit.layout = Layout((1, 0))
    qc = to_qiskit(circuit)
    assert qc.layout.final_layout is None
    assert from_qiskit(qc).layout == Layout((1, 0), (0, 1, 2))


def test_a_qloom_routed_circuit_is_equivalent_in_qiskit():
    require_distribution("qloom-routers")
    line = Backend("line", 5, [(i, i + 1) for i in range(4)])
    original = logical_circuit(6, measure=False)
    routed = qloom.transpile(
        original, on=line, transpiler={"name": "route", "passes": ["routers:sabre"]}, seed=6
    )
    assert not routed.layout.is_trivial()
    qc = to_qiskit(routed)
    assert Operator.from_circuit(qc).equiv(Operator(to_qiskit(original)))
    assert from_qiskit(qc).layout == routed.layout
