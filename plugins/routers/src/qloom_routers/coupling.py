"""``Coupling``: a backend's coupling graph as plain lists, precomputed once for routing.

Routers ask the same few questions millions of times (how far apart are two physical
qubits, who are a qubit's neighbours), so the answers are Python lists indexed by qubit:
scalar lookups in lists are the fastest thing CPython does. Distances are taken on the
undirected graph; the direction of a pair only matters when gates are emitted.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import lru_cache

import networkx as nx

from qloom import Backend, MappingError

__all__ = ["UNREACHABLE", "Coupling"]

UNREACHABLE = 1 << 20
"""Distance between qubits in different connected components of the coupling graph."""


class Coupling:
    """The undirected view of a coupling graph over ``range(num_qubits)``.

    Attributes:
        num_qubits: number of physical qubits.
        neighbors: ``neighbors[p]`` is the sorted tuple of qubits coupled to ``p``.
        edges: the undirected pairs ``(a, b)``, ``a < b``, sorted.
        dist: ``dist[a][b]`` is the number of couplings on a shortest path from ``a`` to
            ``b`` (``UNREACHABLE`` across components).
        diameter: the longest finite distance (0 for a graph without couplings), computed
            once here: routers ask for it on every call (it bounds the SWAPs of a routing).
        component: ``component[p]`` numbers the connected component of ``p`` (0, 1, ...).
        directed: the directed pairs the backend accepts, or ``None`` when every coupled
            pair is accepted both ways.
    """

    def __init__(
        self, num_qubits: int, edges: Iterable[tuple[int, int]], directed: bool = False
    ) -> None:
        pairs = [(int(a), int(b)) for a, b in edges if a != b]
        self.num_qubits = num_qubits
        adjacency: list[set[int]] = [set() for _ in range(num_qubits)]
        for a, b in pairs:
            adjacency[a].add(b)
            adjacency[b].add(a)
        self.neighbors: list[tuple[int, ...]] = [tuple(sorted(s)) for s in adjacency]
        self.edges: list[tuple[int, int]] = sorted({(a, b) if a < b else (b, a) for a, b in pairs})
        self.directed: frozenset[tuple[int, int]] | None = frozenset(pairs) if directed else None
        self.dist: list[list[int]] = [self._bfs(p) for p in range(num_qubits)]
        self.diameter: int = max(
            (d for row in self.dist for d in row if d < UNREACHABLE), default=0
        )
        self.component: list[int] = _components(self.neighbors)
        self.num_components = max(self.component, default=-1) + 1

    @classmethod
    def of(cls, backend: Backend) -> Coupling:
        """The coupling of ``backend`` (cached: equal graphs share one instance).

        Raises:
            MappingError: the backend has no coupling graph (every pair is coupled).
        """
        graph = backend.connectivity
        if graph is None:
            raise MappingError(f"backend '{backend.name}' couples every pair: nothing to route")
        n = backend.num_qubits
        if n is None:
            n = max(graph.nodes, default=-1) + 1
        directed = isinstance(graph, nx.DiGraph)
        return _cached(n, tuple(sorted((int(a), int(b)) for a, b in graph.edges)), directed)

    def _bfs(self, source: int) -> list[int]:
        dist = [UNREACHABLE] * self.num_qubits
        dist[source] = 0
        queue = deque([source])
        neighbors = self.neighbors
        while queue:
            p = queue.popleft()
            step = dist[p] + 1
            for q in neighbors[p]:
                if dist[q] == UNREACHABLE:
                    dist[q] = step
                    queue.append(q)
        return dist

    def accepts(self, a: int, b: int) -> bool:
        """Whether a two-qubit gate may act on ``(a, b)`` in this order."""
        if self.directed is None:
            return self.dist[a][b] == 1
        return (a, b) in self.directed

    def shortest_path(self, a: int, b: int) -> list[int]:
        """A shortest path ``[a, ..., b]``; at each step the lowest-numbered closer qubit.

        Raises:
            MappingError: ``a`` and ``b`` are in different components.
        """
        to_b = self.dist[b]
        if to_b[a] >= UNREACHABLE:
            raise MappingError(f"physical qubits {a} and {b} are not connected")
        path = [a]
        while path[-1] != b:
            here = path[-1]
            path.append(next(q for q in self.neighbors[here] if to_b[q] == to_b[here] - 1))
        return path


@lru_cache(maxsize=32)
def _cached(n: int, edges: tuple[tuple[int, int], ...], directed: bool) -> Coupling:
    return Coupling(n, edges, directed)


def _components(neighbors: list[tuple[int, ...]]) -> list[int]:
    label = [-1] * len(neighbors)
    count = 0
    for start in range(len(neighbors)):
        if label[start] != -1:
            continue
        label[start] = count
        stack = [start]
        while stack:
            p = stack.pop()
            for q in neighbors[p]:
                if label[q] == -1:
                    label[q] = count
                    stack.append(q)
        count += 1
    return label
