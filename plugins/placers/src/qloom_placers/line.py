"""``placers:line``: lay the circuit's qubits along a long path of the device.

For circuits whose qubits interact like a chain (GHZ ladders, nearest-neighbour Ising
steps, cat states): the chain follows a snake through a grid or the long paths of a
heavy-hex lattice and needs no SWAP at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import networkx as nx
import numpy as np

from qloom import Circuit, PassContext
from qloom_placers.assign import greedy_assign
from qloom_placers.base import Placer
from qloom_placers.graphs import Interactions, coupling_graph, distance_matrix
from qloom_placers.paths import long_path

__all__ = ["LinePlacer", "chain_order"]


class LinePlacer(Placer):
    """Order the logical qubits into a chain and lay the chain along a long device path.

    The chain follows the interaction graph: a group of qubits that interact as a path is
    walked end to end; any other group is walked greedily, each next qubit being the
    unvisited partner of the last with the most gates (or, when it has none, the qubit most
    tied to the recent end of the chain). Groups go in order of first use; qubits without
    two-qubit gates come last. The device path comes from ``paths.long_path``. Qubits beyond
    the path's length go next to their placed partners.

    Options:
        starts: start qubits of the path search (default 8).
        budget: depth-first steps per start (default 5000).
        vf2_calls: states of the VF2 search for a path as long as the chain, run when the
            depth-first search found a shorter one (default 100,000; 0 skips it).
        force: place even when an earlier placer already did (default ``False``).
    """

    option_defaults: ClassVar[Mapping[str, Any]] = {
        **Placer.option_defaults,
        "starts": 8,
        "budget": 5000,
        "vf2_calls": 100_000,
    }

    def place(self, circuit: Circuit, context: PassContext) -> list[int]:
        """Logical qubits along a long path of the coupling graph."""
        graph = coupling_graph(context.backend)
        dist = distance_matrix(graph)
        inter = Interactions(circuit)
        chain = chain_order(inter)
        path = long_path(
            graph,
            len(chain),
            context.rng("path"),
            starts=int(self.option("starts")),
            budget=int(self.option("budget")),
            vf2_calls=int(self.option("vf2_calls")),
            dist=dist,
        )
        placed = dict(zip(chain, path, strict=False))
        candidates = _by_distance(dist, list(placed.values()))
        mapping = greedy_assign(inter, candidates, dist, placed)
        return [mapping[q] for q in range(circuit.num_qubits)]


def chain_order(inter: Interactions) -> list[int]:
    """The active logical qubits in the order to lay them along a path (see ``LinePlacer``)."""
    graph = inter.graph()
    groups = sorted(
        nx.connected_components(graph), key=lambda g: min((inter.first_use[q], q) for q in g)
    )
    order: list[int] = []
    for group in groups:
        order += _walk(inter, graph.subgraph(group))
    return order


def _walk(inter: Interactions, group: nx.Graph) -> list[int]:
    """One connected group of interacting qubits as a chain."""

    def early(q: int) -> tuple[float, int]:
        return (inter.first_use[q], q)

    degrees = dict(group.degree)
    if max(degrees.values()) <= 2 and group.number_of_edges() == group.number_of_nodes() - 1:
        ends = [q for q, d in degrees.items() if d <= 1]
        start = min(ends, key=early)
        return list(nx.dfs_preorder_nodes(group, start))
    start = min(group.nodes, key=lambda q: (degrees[q], *early(q)))
    chain, left = [start], set(group.nodes) - {start}
    while left:
        tail = chain[-1]
        nearby = [q for q in inter.neighbors[tail] if q in left]
        if nearby:
            nxt = max(nearby, key=lambda q: (inter.neighbors[tail][q], *(-x for x in early(q))))
        else:
            position = {q: i for i, q in enumerate(chain)}
            nxt = max(left, key=lambda q: _pull(inter, position, q))
        chain.append(nxt)
        left.discard(nxt)
    return chain


def _pull(inter: Interactions, position: dict[int, int], qubit: int) -> tuple[float, float, int]:
    """How strongly ``qubit`` is tied to the recent end of the chain (``position``), then
    earliest use, then lowest index."""
    length = len(position)
    tie = sum(
        w / (length - position[p]) for p, w in inter.neighbors[qubit].items() if p in position
    )
    return (tie, -inter.first_use[qubit], -qubit)


def _by_distance(dist: np.ndarray, used: list[int]) -> list[int]:
    """Physical qubits, closest to ``used`` first (all of them, index order, if none)."""
    n = dist.shape[0]
    if not used:
        return list(range(n))
    near = dist[used].min(axis=0)
    return sorted(range(n), key=lambda p: (near[p], p))
