"""The starting layouts of the SABRE layout search, one strategy at a time.

``golden/starts.json`` holds placements whose options leave one kind of start to win (see
``support.sabre_place_golden.STRATEGIES``): the structured starts without refinement (greedy
embedding in interaction order, trivial, along the long path), one random trial (a fully
random layout, or per component on a disconnected device) and two (the second a greedy
embedding from a random qubit). They were recorded from the Python loop the kernel ported
and matched the kernel on every case before that loop was removed (issue 17); the kernel's
start functions are also tested one by one in ``crates/qloom-place``. A difference here means
a start changed: fix the kernel, or rerun ``make_golden.py`` on purpose.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from qloom import Circuit
from qloom.passes import derive_seed
from qloom_routers import Coupling
from support import require_distribution, sabre_place_golden
from support.sabre_place_golden import STRATEGIES, Case, outcome
from support.topologies import device, heavy_hex

CASES = {case.id: case for case in sabre_place_golden.cases("starts")}
GOLDEN = sabre_place_golden.load("starts")


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")
    require_distribution("qloom-kernels")


def winning_trial(case: Case, chosen: dict[str, Any]) -> int | None:
    """The trial whose first forward routing scored the chosen layout (by its seed)."""
    for trial in range(5):
        if derive_seed(case.seed, "sabre-layout", trial, 0) == chosen["routing_seed"]:
            return trial
    return None


def test_every_case_has_a_golden_outcome() -> None:
    assert list(GOLDEN) == list(CASES)


@pytest.mark.parametrize("case_id", list(CASES))
def test_starting_layouts_place_as_recorded(case_id: str) -> None:
    assert outcome(CASES[case_id]) == GOLDEN[case_id]


@pytest.mark.parametrize("topology", ["line9", "grid4x4", "hh35"])
def test_a_chain_starts_in_chain_order_and_needs_no_swaps(topology: str) -> None:
    case = CASES[f"chain6/{topology}/structured-only/seed0"]
    chosen = outcome(case)
    coupling = Coupling.of(case.backend)
    on = [chosen["layout"][w] for w in (3, 0, 4, 1, 2)]  # the chain 3-0-4-1-2
    assert all(coupling.dist[a][b] == 1 for a, b in pairwise(on))
    assert chosen["swaps"] == 0
    assert winning_trial(case, chosen) == 0  # the greedy embedding comes first


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_the_winner_is_a_trial_of_the_strategy(strategy: str) -> None:
    runs = {"structured-only": range(4), "one-random": range(1), "two-random": range(2)}
    won = set()
    for case in CASES.values():
        if case.id.split("/")[2] == strategy:
            chosen = outcome(case)
            if "error" not in chosen:
                won.add(winning_trial(case, chosen))
    assert won and won <= set(runs[strategy])
    if strategy == "two-random":
        assert won == {0, 1}  # both the random layout and the greedy embedding win somewhere


def test_random_starts_keep_interacting_groups_in_one_component() -> None:
    backend = sabre_place_golden.islands()
    component = Coupling.of(backend).component
    groups = Circuit(6).cx(0, 1).cx(1, 2).cx(2, 3).cx(4, 5)
    for seed in range(8):
        layout = outcome(Case("", groups, backend, seed, STRATEGIES["one-random"]))["layout"]
        assert sorted(layout) == sorted(set(layout))
        assert len({component[layout[q]] for q in (0, 1, 2, 3)}) == 1
        assert component[layout[4]] == component[layout[5]]


def test_random_starts_vary_with_the_seed_only() -> None:
    partners = CASES["partners12/hh35/two-random/seed0"].circuit
    backend = device("hh35", heavy_hex(2, 2))

    def draw(seed: int, strategy: str) -> list[int]:
        return outcome(Case("", partners, backend, seed, STRATEGIES[strategy]))["layout"]

    for strategy in ("one-random", "two-random"):
        assert draw(3, strategy) == draw(3, strategy)
        assert len({tuple(draw(seed, strategy)) for seed in range(6)}) > 1
