"""placers:sabre's compiled layout search (``qloom_kernels.sabre_place``) gives the layouts
the Python loop it replaced gave.

``golden/*.json`` holds, per case of ``support.sabre_place_golden``, the layout, the swaps and
seed of the routing that scored it, or the error's type and message. They were recorded from
the Python trial loop the kernel ported, and the kernel matched it on every case before that
loop was removed (issue 17): larger circuits on heavy-hex and grid (``layouts``), random
circuits on line, ring, grid, heavy-hex, directed and disconnected devices under six option
sets (``options``), and what cannot be placed (``errors``); ``test_starts.py`` checks the
starting layouts. A difference here means the search's output changed: fix the kernel, or, if
the change is meant, rerun ``make_golden.py`` and say why in the commit.
"""

from __future__ import annotations

from typing import Any

import pytest

from qloom import Backend, Circuit
from support import require_distribution, sabre_place_golden
from support.sabre_place_golden import DEVICES, outcome, scrambled

CASES = {
    group: {case.id: case for case in sabre_place_golden.cases(group)}
    for group in ("layouts", "options", "errors")
}
GOLDEN = {group: sabre_place_golden.load(group) for group in CASES}


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")
    require_distribution("qloom-kernels")


@pytest.mark.parametrize("group", list(CASES))
def test_every_case_has_a_golden_outcome(group: str) -> None:
    assert list(GOLDEN[group]) == list(CASES[group])


@pytest.mark.parametrize("case_id", list(CASES["layouts"]))
def test_golden_layouts(case_id: str) -> None:
    assert outcome(CASES["layouts"][case_id]) == GOLDEN["layouts"][case_id]


@pytest.mark.parametrize("case_id", list(CASES["options"]))
def test_the_kernel_places_as_the_python_loop(case_id: str) -> None:
    assert outcome(CASES["options"][case_id]) == GOLDEN["options"][case_id]


@pytest.mark.parametrize("case_id", list(CASES["errors"]))
def test_errors_are_the_python_loop_s(case_id: str) -> None:
    expected = GOLDEN["errors"][case_id]
    assert expected.keys() == {"error", "message"}
    assert outcome(CASES["errors"][case_id]) == expected


def kernel_place(circuit: Circuit, backend: Backend, seed: int) -> object:
    """The outcome of ``placers:sabre`` with its defaults."""
    return outcome(sabre_place_golden.Case("", circuit, backend, seed))


def _native_call(threads: int, **change: Any) -> object:
    from qloom_kernels import sabre_place
    from qloom_routers import Coupling, Heuristic, RoutingDag
    from qloom_routers.engine import knobs, native_dag, native_device

    coupling = Coupling.of(DEVICES["grid4x4"]())
    dag = RoutingDag.from_circuit(scrambled(10, 60, 4), 16)
    arguments: dict[str, Any] = dict(
        width=10,
        path=[0, 1, 2, 3, 7, 6, 5, 4, 8, 9, 10, 11, 15, 14, 13, 12],
        trials=6,
        iterations=2,
        confirm=2,
        budget=None,
        seed=5,
        threads=threads,
    )
    arguments.update(change)
    out = sabre_place(
        native_dag(dag),
        native_dag(dag.reversed()),
        native_device(coupling),
        knobs(Heuristic(), coupling),
        **arguments,
    )
    return out.swaps, out.layout, out.seed


def test_the_number_of_threads_does_not_change_the_layout() -> None:
    serial = _native_call(1)
    assert all(_native_call(threads) == serial for threads in (2, 3, 7))


def test_the_kernel_refuses_inputs_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="path"):
        _native_call(2, path=[0, 1, 1])
    with pytest.raises(ValueError, match="path"):
        _native_call(2, path=[0, 16])
    with pytest.raises(ValueError, match="seed"):
        _native_call(2, seed=-1)
    with pytest.raises(ValueError, match="width"):
        _native_call(2, width=17)


def test_placements_from_several_python_threads_agree_with_serial_ones() -> None:
    """The search runs with the GIL released; concurrent calls must not disturb each other."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [
        (scrambled(12, 150, seed), DEVICES[name](), seed)
        for seed, name in enumerate(["grid4x4", "hh21", "grid4x4", "hh21"])
    ]
    serial = [kernel_place(*job) for job in jobs]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda job: kernel_place(*job), jobs))
    assert parallel == serial
