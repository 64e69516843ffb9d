"""``Device``: one emulated device, everything its description file says, validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from qloom import Calibration

__all__ = ["Device"]

Pair = tuple[int, int]


@dataclass(frozen=True)
class Device:
    """A device model: qubits, couplings, natives, error rates and durations.

    Attributes:
        name: catalog name or file stem; the backend is ``emulator:<name>``.
        description: one line for ``qloom plugins`` and reports.
        num_qubits: qubits ``0..num_qubits-1``.
        edges: coupled pairs; the accepted direction when ``directed``.
        directed: the two-qubit natives run only as ``(a, b)`` for each edge.
        natives: gate names the device executes.
        virtual: natives done in software (frame changes): no error, no duration.
        pipeline: the default pipeline's name.
        padding: the default padding strategy (``None``: the core's default).
        gate_error: depolarizing error of a single-qubit gate, per qubit.
        readout_error: probability a measurement reads the wrong bit, per qubit.
        edge_error: depolarizing error of the two-qubit native, per edge.
        gate_ns, readout_ns, edge_ns: durations in nanoseconds, same keys.
        source: where the description came from (catalog or file path).
    """

    name: str
    description: str
    num_qubits: int
    edges: tuple[Pair, ...]
    directed: bool
    natives: frozenset[str]
    virtual: frozenset[str]
    pipeline: str
    padding: str | None
    gate_error: dict[int, float] = field(default_factory=dict)
    readout_error: dict[int, float] = field(default_factory=dict)
    edge_error: dict[Pair, float] = field(default_factory=dict)
    gate_ns: dict[int, float] = field(default_factory=dict)
    readout_ns: dict[int, float] = field(default_factory=dict)
    edge_ns: dict[Pair, float] = field(default_factory=dict)
    source: str = ""

    def connectivity(self) -> nx.Graph:
        """The coupling graph: a ``DiGraph`` when the device is directed."""
        graph = nx.DiGraph() if self.directed else nx.Graph()
        graph.add_nodes_from(range(self.num_qubits))
        graph.add_edges_from(self.edges)
        return graph

    def calibration(self) -> Calibration:
        """The error rates, in the form noise-aware passes read."""
        return Calibration(self.gate_error, self.readout_error, self.edge_error)

    def pair_error(self, a: int, b: int) -> float:
        """The two-qubit error on ``(a, b)`` in either order (0 for an uncoupled pair)."""
        return self.edge_error.get((a, b), self.edge_error.get((b, a), 0.0))

    def properties(self) -> dict[str, Any]:
        """What the backend publishes besides the calibration: description and durations."""
        return {
            "description": self.description,
            "source": self.source,
            "virtual_gates": sorted(self.virtual),
            "durations_ns": {
                "gate_1q": dict(self.gate_ns),
                "gate_2q": dict(self.edge_ns),
                "readout": dict(self.readout_ns),
            },
        }
