"""Shared helpers for the router tests."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from qloom import Circuit, Pipeline
from support import require_distribution


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-routers")


def pipeline(*entries: Any) -> Pipeline:
    """A pipeline of installed passes, e.g. ``pipeline({"pass": "routers:sabre", "trials": 2})``."""
    return Pipeline.from_spec({"name": "under-test", "passes": list(entries)})


def unroute(routed: Circuit, num_logical: int, start: list[int] | None = None) -> Circuit:
    """The routed circuit with its swaps taken out and qubits renamed back to wires.

    Walks ``routed`` keeping where each wire is (wire ``w`` starts on ``start[w]``,
    default ``w``); every swap moves two wires, every other operation is re-expressed on
    the wires it acts on. The result can be compared, wire by wire, with the original.
    """
    where = list(start) if start is not None else list(range(routed.num_qubits))
    wire_at = {p: w for w, p in enumerate(where)}
    out = Circuit(num_logical, routed.num_clbits, cregs=routed.cregs)
    for op in routed:
        if op.name == "swap" and op.condition is None:
            a, b = op.qubits
            wire_at[a], wire_at[b] = wire_at[b], wire_at[a]
            continue
        out.append(op.name, [wire_at[q] for q in op.qubits], op.params, op.clbits, op.condition)
    return out


def per_wire(circuit: Circuit) -> dict[str, list[Any]]:
    """Each qubit's and classical bit's operations in order (what routing must preserve)."""
    offset = circuit.num_qubits
    bits: dict[str, list[int]] = {}
    start = offset
    for reg in circuit.cregs:
        bits[reg.name] = list(range(start, start + reg.size))
        start += reg.size
    wires: dict[str, list[Any]] = defaultdict(list)
    for op in circuit:
        key = (op.name, op.qubits, op.params, op.clbits, op.condition)
        touched = list(op.qubits) + [offset + c for c in op.clbits]
        if op.condition is not None:
            touched += bits[op.condition[0]]
        for w in touched:
            wires[str(w)].append(key)
    return dict(wires)
