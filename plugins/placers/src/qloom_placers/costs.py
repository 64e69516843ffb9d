"""``ErrorModel``: the estimated error of a placement from a backend's calibration.

The estimate is a sum of ``-log`` fidelities (so it adds up along a circuit): each
single-qubit operation costs its qubit's ``qubit_cost``, each two-qubit gate on a coupled
pair costs that pair's ``edge_cost``. A gate on an uncoupled pair costs the cheapest way to
bring its qubits together: SWAPs (three two-qubit gates each) along the path of lowest
error to a neighbour of the other qubit, then the gate there. So a placement needing fewer
or better SWAPs scores lower, and so do placements on good qubits.
"""

from __future__ import annotations

import weakref
from functools import cached_property

import networkx as nx
import numpy as np
import rustworkx as rx

from qloom import Calibration
from qloom_placers.graphs import Interactions

__all__ = ["ErrorModel", "error_model"]

SWAP_GATES = 3
"""Two-qubit gates per SWAP."""

FLOOR = 1e-6
"""Smallest cost of an edge, so distance still counts on a perfectly calibrated device."""


def error_model(calibration: Calibration, graph: nx.Graph) -> ErrorModel:
    """The ``ErrorModel`` of ``calibration`` on the (frozen, ``graphs.coupling_graph``)
    ``graph``, built once per pair: a backend keeps its calibration, and every placement on
    it asked for the same all-pairs costs again (5 ms per placement on hh127)."""
    if not nx.is_frozen(graph):
        return ErrorModel(calibration, graph)
    # A calibration holds dicts (no hash): kept by identity, forgotten when it goes away.
    key = id(calibration)
    entry = _MODELS.get(key)
    if entry is None or entry[0]() is not calibration:
        entry = _MODELS[key] = (weakref.ref(calibration, lambda _: _MODELS.pop(key, None)), {})
    models = entry[1]
    model = models.get(graph)
    if model is None:
        model = models[graph] = ErrorModel(calibration, graph)
    return model


class ErrorModel:
    """Costs of qubits, pairs and placements on one device.

    Attributes:
        qubit: ``qubit[p]``, the cost of a single-qubit operation on ``p``.
        pair: ``pair[p, r]``, the estimated cost of one two-qubit gate between logical
            qubits placed on ``p`` and ``r`` (the edge's cost when they are coupled); a pair
            in different components gets a cost above any path.
    """

    def __init__(self, calibration: Calibration, graph: nx.Graph) -> None:
        n = graph.number_of_nodes()
        self.qubit = np.array([calibration.qubit_cost(q) for q in range(n)], dtype=float)
        edge = np.full((n, n), np.inf)
        routed = rx.PyGraph(multigraph=False)
        routed.add_nodes_from(range(n))
        for a, b in graph.edges:
            cost = max(calibration.edge_cost(a, b), FLOOR)
            edge[a, b] = edge[b, a] = cost
            routed.add_edge(a, b, SWAP_GATES * cost)
        swaps = np.asarray(rx.floyd_warshall_numpy(routed, weight_fn=float), dtype=float)
        pair = np.full((n, n), np.inf)
        for r in range(n):
            near = np.flatnonzero(np.isfinite(edge[r]))
            if len(near):
                pair[:, r] = (swaps[:, near] + edge[near, r]).min(axis=1)
        pair = np.minimum(pair, pair.T)
        coupled = np.isfinite(edge)
        pair[coupled] = edge[coupled]
        finite = pair[np.isfinite(pair)]
        pair[~np.isfinite(pair)] = 10.0 * (float(finite.max()) if finite.size else 1.0) + 1.0
        np.fill_diagonal(pair, 0.0)
        for table in (self.qubit, pair, edge):  # shared between placements: never written
            table.setflags(write=False)
        self.pair = pair
        self.edge = edge

    def cost(self, inter: Interactions, mapping: np.ndarray) -> float:
        """The estimated error of the circuit with logical ``l`` on ``mapping[l]``."""
        mapping = np.asarray(mapping, dtype=int)
        if not len(mapping):
            return 0.0
        first, second, weight = inter.pair_arrays
        total = np.dot(inter.one_qubit, self.qubit[mapping])
        total += np.dot(weight, self.pair[mapping[first], mapping[second]])
        return float(total)

    @cached_property
    def goodness(self) -> np.ndarray:
        """Per qubit: its own cost plus its cheapest edge's; lower is better."""
        cheapest = self.edge.min(axis=1, initial=np.inf)
        cheapest[~np.isfinite(cheapest)] = float(self.pair.max())
        return np.asarray(self.qubit + cheapest, dtype=float)


_MODELS: dict[int, tuple[weakref.ref[Calibration], dict[nx.Graph, ErrorModel]]] = {}
"""``id(calibration)`` -> (the calibration, its models by frozen coupling graph)."""
