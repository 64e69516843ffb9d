"""What the routers refuse, and how they say it."""

from __future__ import annotations

import pytest

from qloom import Backend, Circuit, ConfigError, MappingError, PassContext
from qloom_routers import BasicRouter, SabreRouter
from support.topologies import device, grid, line

ROUTERS = [BasicRouter, SabreRouter]


def run(router: type, circuit: Circuit, backend: Backend, **options: object) -> Circuit:
    return router(**options).run(circuit, PassContext(backend=backend, seed=1))


@pytest.mark.parametrize("router", ROUTERS)
def test_a_circuit_wider_than_the_device(router):
    with pytest.raises(MappingError, match=r"6 qubits but backend 'line5' has 5"):
        run(router, Circuit(6).cx(0, 5), device("line5", line(5)))


@pytest.mark.parametrize("router", ROUTERS)
def test_a_gate_across_disconnected_parts_of_the_device(router):
    split = Backend("split", 4, [(0, 1), (2, 3)])
    circuit = Circuit(4).cx(0, 1).h(2).cx(1, 2)
    with pytest.raises(MappingError) as info:
        run(router, circuit, split)
    message = str(info.value)
    assert "operation 2 (cx on qubits [1, 2])" in message
    assert "different connected components" in message and "'split'" in message


@pytest.mark.parametrize("router", ROUTERS)
def test_gates_within_one_part_of_a_disconnected_device_route(router):
    split = Backend("split", 6, [(0, 1), (1, 2), (3, 4), (4, 5)])
    out = run(router, Circuit(6).cx(0, 2).cx(3, 5), split)
    split.validate(out)


@pytest.mark.parametrize("router", ROUTERS)
def test_a_three_qubit_gate_on_uncoupled_qubits(router):
    circuit = Circuit(3).h(0).ccx(0, 1, 2)
    with pytest.raises(MappingError) as info:
        run(router, circuit, device("line3", line(3)))
    message = str(info.value)
    assert "operation 1 (ccx on qubits [0, 1, 2])" in message
    assert "not coupled" in message and "Unroll" in message


@pytest.mark.parametrize("router", ROUTERS)
def test_a_three_qubit_gate_on_a_triangle_is_kept(router):
    triangle = Backend("triangle", 3, [(0, 1), (1, 2), (0, 2)])
    out = run(router, Circuit(3).ccx(0, 1, 2).cx(2, 0), triangle)
    assert [op.name for op in out] == ["ccx", "cx"]


def test_sabre_gives_up_past_max_swaps():
    circuit = Circuit(5).cx(0, 4).cx(1, 3).cx(0, 2)
    with pytest.raises(MappingError, match=r"gave up after 1 swaps \(max_swaps\)"):
        run(SabreRouter, circuit, device("line5", line(5)), max_swaps=1)


@pytest.mark.parametrize(
    "options",
    [
        {"trial": 3},
        {"trials": 0},
        {"lookahead": -1},
        {"decay_reset": 0},
        {"release": 0},
        {"layer_weights": [2, 0]},
        {"layer_weights": []},
    ],
)
def test_bad_sabre_options(options):
    with pytest.raises(ConfigError):
        run(SabreRouter, Circuit(2).cx(0, 1), device("grid", grid(2, 2)), **options)


def test_the_basic_router_takes_no_options():
    with pytest.raises(ConfigError, match="no option"):
        BasicRouter(trials=2)
