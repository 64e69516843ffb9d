"""``Coupling`` answers its questions from what it computed once (issue 17 item 4)."""

from __future__ import annotations

from qloom_routers import Coupling
from support.topologies import device, heavy_hex, line


class Untouchable(list):
    """A distance matrix that fails when read whole: a question answered from it again."""

    def __iter__(self):
        raise AssertionError("the distance matrix was walked again")


def test_the_diameter_is_computed_once_per_coupling():
    coupling = Coupling(5, [(0, 1), (1, 2), (2, 3), (3, 4)])
    coupling.dist = Untouchable(coupling.dist)
    assert coupling.diameter == 4
    assert coupling.diameter == 4


def test_the_diameter_ignores_unreachable_pairs_and_empty_graphs():
    assert Coupling(6, [(0, 1), (1, 2), (3, 4)]).diameter == 2
    assert Coupling(3, []).diameter == 0
    assert Coupling(0, []).diameter == 0


def test_the_diameter_of_devices():
    assert Coupling.of(device("line", line(7))).diameter == 6
    hh = Coupling.of(device("hh", heavy_hex(2, 2)))
    assert hh.diameter == max(d for row in hh.dist for d in row)
