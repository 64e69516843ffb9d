"""The same seed gives the same routing; the trials really differ."""

from __future__ import annotations

import random

from qloom import Circuit, PassContext
from qloom_routers import Coupling, Heuristic, RoutingDag, SabreRouter, route
from support.circuits import qft
from support.topologies import device, heavy_hex


def routed(seed: int, **options: object) -> tuple[Circuit, object]:
    context = PassContext(backend=device("hh21", heavy_hex(1, 2)), seed=seed)
    out = SabreRouter(**options).run(qft(12), context)
    return out, context.layout


def test_the_same_seed_gives_the_same_circuit_and_layout():
    assert routed(5) == routed(5)
    assert routed(5, trials=1) == routed(5, trials=1)


def test_different_seeds_explore_different_routings():
    outcomes = {tuple(routed(seed, trials=1)[0]) for seed in range(6)}
    assert len(outcomes) > 1


def test_more_trials_never_route_worse():
    for seed in range(3):
        one = routed(seed, trials=1)[0].count_ops()["swap"]
        many = routed(seed, trials=6)[0].count_ops()["swap"]
        assert many <= one


def test_the_engine_is_a_pure_function_of_its_seed():
    coupling = Coupling.of(device("hh21", heavy_hex(1, 2)))
    dag = RoutingDag.from_circuit(qft(15), coupling.num_qubits)
    layout = list(range(coupling.num_qubits))

    def once(seed: int) -> tuple[int, list[int], list[int] | None]:
        result = route(dag, coupling, layout, Heuristic(), random.Random(seed), record=True)
        return result.swaps, result.final, result.events

    assert once(3) == once(3)
