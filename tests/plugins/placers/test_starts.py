"""Starting layouts for the SABRE layout search (the Python oracle of the kernel's starts)."""

from __future__ import annotations

import random
from collections import Counter
from itertools import pairwise

from qloom import Backend, Circuit
from qloom_routers import Coupling, RoutingDag
from support.sabre_place_oracle import (
    along_path,
    complete,
    greedy,
    interaction_order,
    interactions,
    random_layout,
)
from support.topologies import device, grid, heavy_hex


def is_path(coupling: Coupling, path: list[int]) -> bool:
    return len(set(path)) == len(path) and all(coupling.dist[a][b] == 1 for a, b in pairwise(path))


def test_a_chain_comes_out_in_chain_order():
    pairs = Counter({(0, 3): 1, (0, 4): 2, (1, 4): 1, (1, 2): 1})  # 3-0-4-1-2
    order = interaction_order(6, pairs)
    assert order in ([3, 0, 4, 1, 2, 5], [2, 1, 4, 0, 3, 5])  # idle qubit 5 last


def test_interactions_count_pairs_of_every_multi_qubit_gate():
    dag = RoutingDag.from_circuit(Circuit(3).cx(0, 1).cz(1, 0).ccx(0, 1, 2).h(2))
    assert interactions(dag) == Counter({(0, 1): 3, (0, 2): 1, (1, 2): 1})


def test_greedy_keeps_partners_close():
    coupling = Coupling.of(device("grid4x4", grid(4, 4)))
    pairs = Counter({(0, 1): 5, (1, 2): 5, (2, 3): 5})
    layout = greedy([0, 1, 2, 3], pairs, coupling)
    assert sorted(layout) == list(range(16))
    assert all(coupling.dist[layout[q]][layout[q + 1]] == 1 for q in range(3))


def test_along_path_and_complete_give_permutations():
    assert complete({0: 3, 1: 0}, 4) == [3, 0, 1, 2]
    assert along_path([1, 0], [2, 3, 0], 4) == [3, 2, 0, 1]
    assert along_path([0, 1, 2], [0, 1], 4) is None


def test_random_layouts_respect_components():
    coupling = Coupling.of(Backend("islands", 7, [(0, 1), (1, 2), (3, 4), (4, 5), (5, 6)]))
    for seed in range(5):
        layout = random_layout(random.Random(seed), [[0, 1, 2, 3], [4]], coupling, 5)
        assert not isinstance(layout, str)
        assert sorted(layout) == list(range(7))
        assert len({coupling.component[layout[q]] for q in range(4)}) == 1
    refused = random_layout(random.Random(0), [[0, 1, 2, 3, 4]], coupling, 5)
    assert isinstance(refused, str) and "fits in no component" in refused


def test_randomised_greedy_embeddings_vary_with_the_seed_only():
    coupling = Coupling.of(device("hh35", heavy_hex(2, 2)))
    pairs = Counter({(a, (a * 5 + 1) % 12): 1 for a in range(12) if a != (a * 5 + 1) % 12})

    def draw(seed: int) -> list[int]:
        rng = random.Random(seed)
        return greedy(interaction_order(12, pairs, rng), pairs, coupling, rng)

    assert draw(3) == draw(3)
    assert sorted(draw(3)) == list(range(coupling.num_qubits))
    assert len({tuple(draw(seed)[:12]) for seed in range(8)}) > 1
