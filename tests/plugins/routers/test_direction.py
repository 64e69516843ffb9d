"""Directed couplings: symmetric gates and cx are emitted the way the backend accepts."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from qloom import Backend, Circuit, PassContext
from qloom.gates import unitary_params
from qloom.testing import assert_equivalent
from qloom_routers import BasicRouter, SabreRouter, is_symmetric

ROUTERS = [BasicRouter, SabreRouter]


@pytest.mark.parametrize(
    ("name", "params", "symmetric"),
    [
        ("cz", (), True),
        ("swap", (), True),
        ("cp", (0.3,), True),
        ("rzz", (1.1,), True),
        ("rxx", (0.2,), True),
        ("iswap", (), True),
        ("cx", (), False),
        ("crx", (0.4,), False),
        ("ecr", (), False),
        ("h", (), False),
    ],
)
def test_symmetry_is_read_from_the_matrices(name, params, symmetric):
    assert is_symmetric(name, params) is symmetric


def test_a_symmetric_unitary_is_recognised():
    diagonal = np.diag(np.exp(1j * np.array([0.1, 0.7, 0.7, -0.4])))
    assert is_symmetric("unitary", unitary_params(diagonal))
    assert not is_symmetric("unitary", unitary_params(np.eye(4)[[0, 1, 3, 2]]))


def reversed_pair(natives: list[str] | None = None) -> Backend:
    graph = nx.DiGraph()
    graph.add_edge(1, 0)  # only (1, 0) is accepted
    return Backend("one-way", 2, graph, natives)


def route_on(router: type, circuit: Circuit, backend: Backend) -> Circuit:
    context = PassContext(backend=backend, seed=0)
    out = router().run(circuit, context)
    assert_equivalent(circuit, out, context.layout)
    return out


@pytest.mark.parametrize("router", ROUTERS)
def test_symmetric_gates_are_flipped(router):
    circuit = Circuit(2).cz(0, 1).cp(0.25, 0, 1).rzz(0.5, 0, 1).swap(0, 1)
    out = route_on(router, circuit, reversed_pair())
    assert [(op.name, op.qubits) for op in out] == [
        ("cz", (1, 0)),
        ("cp", (1, 0)),
        ("rzz", (1, 0)),
        ("swap", (1, 0)),
    ]
    reversed_pair().validate(out)


@pytest.mark.parametrize("router", ROUTERS)
def test_cx_is_reversed_with_hadamards_when_h_is_accepted(router):
    out = route_on(router, Circuit(2).cx(0, 1), reversed_pair())
    assert [(op.name, op.qubits) for op in out] == [
        ("h", (0,)),
        ("h", (1,)),
        ("cx", (1, 0)),
        ("h", (0,)),
        ("h", (1,)),
    ]


@pytest.mark.parametrize("router", ROUTERS)
def test_cx_is_left_for_an_unroller_without_h(router):
    backend = reversed_pair(natives=["cx", "rz", "sx"])
    out = route_on(router, Circuit(2).cx(0, 1), backend)
    assert [(op.name, op.qubits) for op in out] == [("cx", (0, 1))]


@pytest.mark.parametrize("router", ROUTERS)
def test_asymmetric_gates_are_left_as_they_are(router):
    out = route_on(router, Circuit(2).crx(math.pi / 3, 0, 1), reversed_pair())
    assert [(op.name, op.qubits) for op in out] == [("crx", (0, 1))]


@pytest.mark.parametrize("router", ROUTERS)
def test_routing_swaps_follow_the_direction_too(router):
    graph = nx.DiGraph([(1, 0), (2, 1), (3, 2)])
    backend = Backend("one-way-line", 4, graph)
    out = route_on(router, Circuit(4).cz(0, 3).cx(3, 0), backend)
    assert out.count_ops()["swap"] >= 1
    backend.validate(out)
