"""Graph views the placers share: the coupling graph, the circuit's interactions, distances.

Graph algorithms run on rustworkx (VF2, shortest paths): on the devices and circuits of the
benchmarks it is 10x to over 10^5x faster than networkx (figures in the plugin README). A
``Backend`` keeps a networkx graph, so it is converted once per placement here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import cached_property, lru_cache
from itertools import combinations
from weakref import WeakKeyDictionary

import networkx as nx
import numpy as np
import rustworkx as rx

from qloom import Backend, Circuit

__all__ = [
    "Interactions",
    "coupling_graph",
    "distance_matrix",
    "to_rustworkx",
]


def coupling_graph(backend: Backend) -> nx.Graph:
    """The backend's coupling as a simple undirected graph over all its physical qubits.

    Directed pairs become undirected edges: placement only needs the pair to be coupled,
    the direction of a gate is fixed later. The qubits are ``range(num_qubits)`` (or up to
    the highest qubit of the coupling when ``num_qubits`` is not set), as ``Placer.run``
    counts them. Built once per coupling (the same edges in the same order share one frozen
    graph, and with it its distances and rustworkx form): every placement asks for it.
    """
    width = backend.device_width() or backend.num_qubits or 0
    connectivity = backend.connectivity
    edges = () if connectivity is None else tuple((a, b) for a, b in connectivity.edges if a != b)
    return _coupling_graph(width, edges)


@lru_cache(maxsize=64)
def _coupling_graph(width: int, edges: tuple[tuple[int, int], ...]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(range(width))
    graph.add_edges_from(edges)
    return nx.freeze(graph)


_DISTANCES: WeakKeyDictionary[nx.Graph, np.ndarray] = WeakKeyDictionary()
_DEVICE_FORMS: WeakKeyDictionary[nx.Graph, rx.PyGraph] = WeakKeyDictionary()


def to_rustworkx(graph: nx.Graph, nodes: Iterable[int] | None = None) -> rx.PyGraph:
    """``graph`` as a rustworkx graph whose node ``i`` is ``nodes[i]`` (default: sorted)."""
    order = sorted(graph.nodes) if nodes is None else list(nodes)
    device = nx.is_frozen(graph) and order == list(range(graph.number_of_nodes()))
    if device and graph in _DEVICE_FORMS:  # a coupling graph in its own order: kept
        return _DEVICE_FORMS[graph]
    index = {node: i for i, node in enumerate(order)}
    out = rx.PyGraph(multigraph=False)
    out.add_nodes_from(order)
    out.add_edges_from_no_data([(index[a], index[b]) for a, b in graph.edges])
    if device:
        _DEVICE_FORMS[graph] = out
    return out


def distance_matrix(graph: nx.Graph) -> np.ndarray:
    """Hop distances between the nodes ``0..n-1`` of ``graph``.

    Unreachable pairs get ``n``, longer than any path, so costs stay finite and comparable.
    Computed once per frozen graph (``coupling_graph``'s); the array is then read-only.
    """
    cached = _DISTANCES.get(graph) if nx.is_frozen(graph) else None
    if cached is not None:
        return cached
    n = graph.number_of_nodes()
    if n == 0:
        return np.zeros((0, 0))
    dist = np.asarray(rx.distance_matrix(to_rustworkx(graph), null_value=np.inf), dtype=float)
    dist[~np.isfinite(dist)] = float(n)
    np.fill_diagonal(dist, 0.0)
    if nx.is_frozen(graph):  # a coupling graph: its distances never change, keep them
        dist.setflags(write=False)
        _DISTANCES[graph] = dist
    return dist


class Interactions:
    """What a circuit asks of the coupling: which logical pairs meet, how often, and when.

    Attributes:
        num_qubits: the circuit's qubits.
        weights: ``{(a, b): count}`` (``a < b``) of gates acting on both ``a`` and ``b``;
            a gate on three or more qubits counts for each of its pairs, since a backend
            accepts it only when every pair is coupled.
        one_qubit: how many single-qubit operations (gates, measurements, resets) each
            qubit has, for costing a placement on noisy qubits.
        first_use: index of each qubit's first multi-qubit gate (``inf`` when it has none).
    """

    def __init__(self, circuit: Circuit) -> None:
        self.num_qubits = circuit.num_qubits
        weights: Counter[tuple[int, int]] = Counter()
        one_qubit = [0] * circuit.num_qubits
        first_use = [float("inf")] * circuit.num_qubits
        for index, op in enumerate(circuit):
            if op.name == "barrier":
                continue
            if len(op.qubits) == 1:
                one_qubit[op.qubits[0]] += 1
                continue
            for q in op.qubits:
                first_use[q] = min(first_use[q], index)
            for a, b in combinations(sorted(op.qubits), 2):
                weights[(a, b)] += 1
        self.weights: Mapping[tuple[int, int], int] = dict(weights)
        self.one_qubit = one_qubit
        self.first_use = first_use
        self.neighbors: dict[int, dict[int, int]] = defaultdict(dict)
        for (a, b), w in self.weights.items():
            self.neighbors[a][b] = w
            self.neighbors[b][a] = w

    @property
    def active(self) -> list[int]:
        """Qubits with at least one multi-qubit gate, in index order."""
        return sorted(self.neighbors)

    @property
    def idle(self) -> list[int]:
        """Qubits without multi-qubit gates, in index order."""
        return [q for q in range(self.num_qubits) if q not in self.neighbors]

    def strength(self, qubit: int) -> int:
        """Total number of multi-qubit gates (counted per pair) ``qubit`` takes part in."""
        return sum(self.neighbors.get(qubit, {}).values())

    def graph(self) -> nx.Graph:
        """The interaction graph over the active qubits, edges weighted by ``weight``."""
        graph = nx.Graph()
        graph.add_nodes_from(self.active)
        graph.add_weighted_edges_from((a, b, w) for (a, b), w in self.weights.items())
        return graph

    @cached_property
    def pair_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The pairs of ``weights`` as arrays: first qubits, second qubits, gate counts."""
        pairs = sorted(self.weights)
        first = np.array([a for a, _ in pairs], dtype=int)
        second = np.array([b for _, b in pairs], dtype=int)
        return first, second, np.array([self.weights[p] for p in pairs], dtype=float)

    @cached_property
    def matrix(self) -> np.ndarray:
        """The symmetric ``num_qubits`` square matrix of pair weights (do not modify)."""
        out = np.zeros((self.num_qubits, self.num_qubits))
        for (a, b), w in self.weights.items():
            out[a, b] = out[b, a] = w
        return out
