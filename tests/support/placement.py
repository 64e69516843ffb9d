"""Checks shared by the placer tests."""

from __future__ import annotations

from collections.abc import Sequence

from qloom import Circuit


def assert_placed(out: Circuit, circuit: Circuit, initial: Sequence[int], width: int) -> None:
    """``out`` is ``circuit`` moved onto distinct physical qubits ``initial`` of ``width``."""
    assert len(initial) == circuit.num_qubits and len(set(initial)) == len(initial)
    assert all(0 <= p < width for p in initial)
    assert out == circuit.remap(initial, width)
