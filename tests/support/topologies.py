"""Coupling graphs and constrained backends for routing and placement tests.

Generated here, not read from ``../shared``, so the tests run wherever the suite does.
"""

from __future__ import annotations

import random

import networkx as nx

from qloom import Backend


def line(n: int) -> nx.Graph:
    """Qubits ``0 - 1 - ... - n-1``."""
    return nx.path_graph(n)


def ring(n: int) -> nx.Graph:
    """A line closed into a cycle."""
    return nx.cycle_graph(n)


def grid(rows: int, cols: int) -> nx.Graph:
    """A ``rows`` x ``cols`` square grid, qubit ``r * cols + c`` at row ``r``, column ``c``."""
    return nx.convert_node_labels_to_integers(nx.grid_2d_graph(rows, cols), ordering="sorted")


def heavy_hex(rows: int, cols: int) -> nx.Graph:
    """IBM's heavy-hex lattice: a hexagonal lattice with one more qubit on every edge.

    ``heavy_hex(1, 1)`` is a 12-qubit ring, ``heavy_hex(1, 2)`` has 21 qubits, ``heavy_hex(2, 2)``
    has 35.
    """
    hexagons = nx.convert_node_labels_to_integers(
        nx.hexagonal_lattice_graph(rows, cols), ordering="sorted"
    )
    heavy = nx.Graph()
    heavy.add_nodes_from(hexagons.nodes)
    bridge = hexagons.number_of_nodes()
    for a, b in sorted(hexagons.edges):
        heavy.add_edge(a, bridge)
        heavy.add_edge(bridge, b)
        bridge += 1
    return heavy


def directed(graph: nx.Graph, seed: int = 0) -> nx.DiGraph:
    """Each undirected edge kept in one random direction only (like IBM's cx directions)."""
    rng = random.Random(seed)
    out = nx.DiGraph()
    out.add_nodes_from(graph.nodes)
    for a, b in sorted(graph.edges):
        out.add_edge(*((a, b) if rng.random() < 0.5 else (b, a)))
    return out


def device(name: str, graph: nx.Graph, natives: list[str] | None = None) -> Backend:
    """A compilation target with ``graph``'s coupling and, by default, every gate native."""
    return Backend(name, graph.number_of_nodes(), graph, natives)


def devices() -> list[Backend]:
    """The small devices the routing and placement conformance tests run on."""
    return [
        device("line6", line(6)),
        device("grid3x3", grid(3, 3)),
        device("heavyhex12", heavy_hex(1, 1)),
        device("heavyhex21", heavy_hex(1, 2)),
        device("directed-line5", directed(line(5), seed=1)),
        device("directed-grid2x3", directed(grid(2, 3), seed=2)),
    ]
