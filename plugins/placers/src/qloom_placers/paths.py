"""Long simple paths in a coupling graph, for laying a chain of qubits along the device.

The longest path problem is NP-hard, so this is a heuristic: a depth-first search from
several start qubits that tries next the neighbour with the fewest unvisited neighbours of
its own (Warnsdorff's rule; dead ends last; ties to the neighbour whose own free neighbours
have the fewest onward moves), backtracking within a budget of steps. It finds the snake of
a grid and the long paths of heavy-hex lattices. When the search stops short, Posa rotations
(reverse the tail of the path to expose a new end) try to extend it, and a last bounded VF2
search asks for a path of exactly the length needed (it does better than the depth-first
search on large heavy-hex lattices, worse on grids).
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import numpy as np
import rustworkx as rx

from qloom_placers.graphs import distance_matrix, to_rustworkx

__all__ = ["long_path"]


def long_path(
    graph: nx.Graph,
    need: int,
    rng: np.random.Generator,
    *,
    starts: int = 8,
    budget: int = 5000,
    vf2_calls: int = 100_000,
    dist: np.ndarray | None = None,
) -> list[int]:
    """A simple path of ``graph``, as long as the search finds (and at most ``need`` long).

    Args:
        graph: an undirected graph.
        need: stop as soon as a path has this many nodes.
        rng: breaks ties between equally good neighbours and picks extra start qubits.
        starts: how many start qubits to search from: peripheral ones first (lowest
            degree, then farthest from the rest), then random ones.
        budget: depth-first steps per start qubit.
        vf2_calls: states of the final VF2 search for a path of ``need`` nodes, run when
            the depth-first search found a shorter one (0 skips it).
        dist: hop distances between the nodes ``0..n-1`` (computed when not given).

    Returns:
        The nodes of the path, in order; empty for an empty graph.
    """
    if graph.number_of_nodes() == 0 or need <= 0:
        return []
    adjacency = {v: sorted(graph.neighbors(v)) for v in graph.nodes}
    best: list[int] = []
    dist = distance_matrix(graph) if dist is None else dist
    for start in _start_nodes(graph, starts, rng, dist):
        path = _search(adjacency, start, need, budget, rng)
        if len(path) < need:
            path = _rotate_extend(adjacency, path, need, budget)
        if len(path) > len(best):
            best = path
        if len(best) >= need:
            break
    if len(best) < need and vf2_calls > 0:
        best = _vf2_path(graph, need, vf2_calls) or best
    return best[:need]


def _start_nodes(
    graph: nx.Graph, count: int, rng: np.random.Generator, dist: np.ndarray
) -> list[int]:
    """Peripheral nodes of the largest component first, then random others."""
    components: list[set[int]] = list(nx.connected_components(graph))
    largest: set[int] = max(components, key=_size_then_lowest)
    component = sorted(largest)
    eccentricity = dist[np.ix_(component, component)].max(axis=1)
    farthest = {v: float(e) for v, e in zip(component, eccentricity, strict=True)}
    ranked = sorted(component, key=lambda v: (graph.degree(v), -farthest[v], v))
    chosen = ranked[: max(1, count // 2)]
    others = [v for v in component if v not in set(chosen)]
    extra = max(0, count - len(chosen))
    if others and extra:
        picks = rng.choice(len(others), size=min(extra, len(others)), replace=False)
        chosen += [others[int(i)] for i in picks]
    return chosen


def _size_then_lowest(component: set[int]) -> tuple[int, int]:
    return (len(component), -min(component))


def _search(
    adjacency: dict[int, list[int]], start: int, need: int, budget: int, rng: np.random.Generator
) -> list[int]:
    """Depth-first search for a long path from ``start``, Warnsdorff order, bounded."""
    order = sorted(adjacency)
    tie = {v: float(r) for v, r in zip(order, rng.random(len(order)), strict=True)}
    path, on_path = [start], {start}
    best = [start]
    stack: list[Iterator[int]] = [iter(_ordered(adjacency, start, on_path, tie))]
    steps = 0
    while stack and steps < budget and len(best) < need:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            on_path.discard(path.pop())
            continue
        if step in on_path:
            continue
        steps += 1
        path.append(step)
        on_path.add(step)
        if len(path) > len(best):
            best = list(path)
        stack.append(iter(_ordered(adjacency, step, on_path, tie)))
    return best


def _ordered(
    adjacency: dict[int, list[int]], node: int, on_path: set[int], tie: dict[int, float]
) -> list[int]:
    """``node``'s free neighbours, fewest onward moves first, dead ends last."""
    free = [v for v in adjacency[node] if v not in on_path]

    def onward(v: int) -> int:
        return sum(1 for w in adjacency[v] if w not in on_path)

    def key(v: int) -> tuple[bool, int, int, float]:
        ahead = onward(v)
        beyond = sum(onward(w) - 1 for w in adjacency[v] if w not in on_path and w != node)
        return (ahead == 0, ahead, beyond, tie[v])

    return sorted(free, key=key)


def _vf2_path(graph: nx.Graph, length: int, calls: int) -> list[int] | None:
    """A path of exactly ``length`` nodes found by VF2 within ``calls`` states, or ``None``."""
    if length > graph.number_of_nodes():
        return None
    nodes = sorted(graph.nodes)
    found = rx.vf2_mapping(
        to_rustworkx(graph, nodes),
        rx.generators.path_graph(length),
        subgraph=True,
        induced=False,
        id_order=False,
        call_limit=calls,
    )
    match = next(found, None)
    if match is None:
        return None
    order = sorted(match.items(), key=lambda item: item[1])
    return [nodes[physical] for physical, _ in order]


def _rotate_extend(
    adjacency: dict[int, list[int]], path: list[int], need: int, budget: int
) -> list[int]:
    """Extend ``path`` by Posa rotations: when its end ``u`` is stuck and has a neighbour
    ``path[i]`` on the path, reversing ``path[i+1:]`` makes ``path[i+1]`` the new end,
    which may have a free neighbour. Rotations that revisit an end are not repeated."""
    path = list(path)
    on_path = set(path)
    seen_ends: set[tuple[int, int]] = set()
    for _ in range(budget):
        if len(path) >= need:
            break
        end = path[-1]
        free = [v for v in adjacency[end] if v not in on_path]
        if free:
            nxt = min(free, key=lambda v: (sum(w not in on_path for w in adjacency[v]), v))
            path.append(nxt)
            on_path.add(nxt)
            seen_ends.clear()
            continue
        position = {v: i for i, v in enumerate(path)}
        options = [
            position[v]
            for v in adjacency[end]
            if position[v] < len(path) - 2 and (path[0], path[position[v] + 1]) not in seen_ends
        ]
        if not options:
            if (path[-1], path[0]) in seen_ends:
                break
            seen_ends.add((path[-1], path[0]))
            path.reverse()
            continue
        pivot = max(
            options, key=lambda i: (sum(w not in on_path for w in adjacency[path[i + 1]]), -i)
        )
        seen_ends.add((path[0], path[pivot + 1]))
        path[pivot + 1 :] = reversed(path[pivot + 1 :])
    return path
