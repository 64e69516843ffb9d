"""Choosing a connected, well-coupled region of a device for a circuit of ``size`` qubits."""

from __future__ import annotations

import networkx as nx

from qloom import Backend, MappingError

__all__ = ["best_region"]


def best_region(backend: Backend, size: int) -> list[int]:
    """The connected set of ``size`` qubits with most couplings inside it.

    Grown from every qubit in turn, each step adding the neighbour with most couplings into
    the region; ties go to the lower calibration cost, then the lower index. The region with
    most inner couplings wins, then the lowest total cost, then the lowest qubits: the same
    device and size always give the same region.

    Raises:
        MappingError: no connected region of ``size`` qubits exists.
    """
    graph = _undirected(backend)
    if size == 0:
        return []
    best: tuple[int, float, list[int]] | None = None
    for start in sorted(graph.nodes):
        region = _grow(graph, backend, start, size)
        if region is None:
            continue
        inner = graph.subgraph(region).number_of_edges()
        cost = _cost(backend, region)
        key = (-inner, cost, sorted(region))
        if best is None or key < (best[0], best[1], best[2]):
            best = key
    if best is None:
        largest = max((len(c) for c in nx.connected_components(graph)), default=0)
        raise MappingError(
            f"backend '{backend.name}' has no connected region of {size} qubits "
            f"(its largest connected part has {largest})"
        )
    return best[2]


def _grow(graph: nx.Graph, backend: Backend, start: int, size: int) -> list[int] | None:
    region = [start]
    inside = {start}
    while len(region) < size:
        frontier = {n for q in region for n in graph.neighbors(q)} - inside
        if not frontier:
            return None
        pick = min(
            frontier,
            key=lambda n: (
                -sum(1 for m in graph.neighbors(n) if m in inside),
                _qubit_cost(backend, n),
                n,
            ),
        )
        region.append(pick)
        inside.add(pick)
    return region


def _undirected(backend: Backend) -> nx.Graph:
    assert backend.connectivity is not None
    graph = nx.Graph(backend.connectivity)
    if backend.num_qubits is not None:
        graph.add_nodes_from(range(backend.num_qubits))
    return graph


def _qubit_cost(backend: Backend, qubit: int) -> float:
    return backend.calibration.qubit_cost(qubit) if backend.calibration else 0.0


def _cost(backend: Backend, region: list[int]) -> float:
    if not backend.calibration:
        return 0.0
    calibration = backend.calibration
    inside = set(region)
    assert backend.connectivity is not None
    edges = sum(
        calibration.edge_cost(a, b)
        for a, b in backend.connectivity.edges
        if a in inside and b in inside
    )
    return edges + sum(calibration.qubit_cost(q) for q in region)
