"""Layout: placement, routing permutation, composition and reading results."""

from __future__ import annotations

import pytest

from qloom import CircuitError, Layout


def test_trivial_layout():
    layout = Layout.trivial(3, 5)
    assert layout.final == (0, 1, 2) and layout.ancillas == (3, 4) and layout.is_trivial()


def test_final_follows_routing():
    layout = Layout((2, 0), (1, 2, 0))
    assert layout.final == (0, 1)
    assert layout.num_logical == 2 and layout.num_physical == 3


def test_rejects_bad_layouts():
    with pytest.raises(CircuitError, match="not a permutation"):
        Layout((0, 1), (0, 0))
    with pytest.raises(CircuitError, match="distinct"):
        Layout((1, 1), (0, 1, 2))


def _track(layout: Layout, wires: list[str]) -> list[str]:
    """Move labelled wire contents the way a layout says (ancillas labelled '.')."""
    start = ["."] * layout.num_physical
    for logical, physical in enumerate(layout.initial):
        start[physical] = wires[logical]
    end = ["."] * layout.num_physical
    for physical, label in enumerate(start):
        end[layout.routing[physical]] = label
    return end


def test_then_composes_like_running_both():
    first = Layout((1, 0), (1, 0, 2))  # 2 logical on 3 physical, swapped during routing
    second = Layout((2, 0, 1), (0, 2, 1, 3))  # 3 logical on 4 physical
    both = first.then(second)
    wires = ["a", "b"]
    assert both.initial == (second.initial[1], second.initial[0])
    middle = _track(first, wires)
    assert _track(both, wires) == _track(second, middle)


def test_then_checks_widths():
    with pytest.raises(CircuitError, match="cannot compose"):
        Layout.trivial(2, 3).then(Layout.trivial(2))


def test_logical_bits_and_counts():
    layout = Layout((2, 0), (0, 1, 2))  # logical 0 on physical 2, logical 1 on physical 0
    # physical bits, qubit 0 rightmost: p2=1, p1=0, p0=0 -> logical0=1, logical1=0
    assert layout.logical_bits("100") == "01"
    assert layout.logical_counts({"100": 3, "110": 2, "001": 5}) == {"01": 5, "10": 5}
    with pytest.raises(CircuitError, match="expected 3 physical bits"):
        layout.logical_bits("10")


def test_dict_roundtrip():
    layout = Layout((2, 0), (1, 2, 0))
    assert Layout.from_dict(layout.to_dict()) == layout
