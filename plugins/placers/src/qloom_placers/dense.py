"""``placers:dense``: the best-connected region of the device, busiest qubits at its heart.

For circuits whose interactions are not a chain or an embeddable graph (QFT, adders, QV):
a tightly connected region keeps every pair few SWAPs apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, ClassVar

import networkx as nx
import numpy as np

from qloom import Circuit, PassContext
from qloom_placers.assign import greedy_assign, swap_estimate
from qloom_placers.base import Placer
from qloom_placers.graphs import Interactions, coupling_graph, distance_matrix

__all__ = ["DensePlacer", "dense_regions", "dense_mapping"]


class DensePlacer(Placer):
    """Grow a region of as many qubits as the circuit has from every seed qubit, keep the
    best-connected ones, and fill each with the greedy assignment; keep the fill with the
    fewest estimated SWAPs.

    A region grows from its seed by adding, each time, the neighbouring qubit with the most
    edges into the region (ties: nearest the seed, then lowest index). Regions rank by
    their number of internal edges, then by how compact they are (sum of the distances
    between their qubits). In a region, the qubit with the most gates goes to the qubit with
    the most edges inside the region; each next qubit (the one with most gates to placed
    ones) goes where its gates times distances to placed partners are smallest. The SWAP
    estimate is the sum over interacting pairs of gates times (distance - 1).

    Options:
        regions: how many of the best regions are filled and compared (default 8).
        max_seeds: seed qubits to grow from; all of them on devices up to this size, else
            this many picked with the pass's seed (default 256).
        force: place even when an earlier placer already did (default ``False``).
    """

    option_defaults: ClassVar[Mapping[str, Any]] = {
        **Placer.option_defaults,
        "regions": 8,
        "max_seeds": 256,
    }

    def place(self, circuit: Circuit, context: PassContext) -> list[int]:
        """The best fill of the best-connected regions."""
        graph = coupling_graph(context.backend)
        dist = distance_matrix(graph)
        inter = Interactions(circuit)
        return dense_mapping(
            inter,
            graph,
            dist,
            context.rng("seeds"),
            regions=int(self.option("regions")),
            max_seeds=int(self.option("max_seeds")),
        )


def dense_mapping(
    inter: Interactions,
    graph: nx.Graph,
    dist: np.ndarray,
    rng: np.random.Generator,
    *,
    regions: int = 8,
    max_seeds: int = 256,
) -> list[int]:
    """The placement ``DensePlacer`` chooses (see there), as a list over logical qubits."""
    best: tuple[float, int] | None = None
    chosen: dict[int, int] = {}
    for rank, region in enumerate(dense_regions(graph, dist, inter.num_qubits, rng, max_seeds)):
        if rank >= max(1, regions):
            break
        candidates = _hubs_first(graph, dist, region)
        mapping = greedy_assign(inter, candidates, dist)
        score = (swap_estimate(inter, mapping, dist), rank)
        if best is None or score < best:
            best, chosen = score, mapping
    return [chosen[q] for q in range(inter.num_qubits)]


def dense_regions(
    graph: nx.Graph, dist: np.ndarray, size: int, rng: np.random.Generator, max_seeds: int = 256
) -> list[list[int]]:
    """Distinct regions of ``size`` qubits, best-connected first (see ``DensePlacer``)."""
    nodes = sorted(graph.nodes)
    seeds = nodes
    if len(nodes) > max_seeds:
        picks = rng.choice(len(nodes), size=max_seeds, replace=False)
        seeds = sorted(nodes[int(i)] for i in picks)
    found: dict[frozenset[int], tuple[int, float, int, list[int]]] = {}
    for seed in seeds:
        region, edges = _grow(graph, dist, seed, size)
        key = frozenset(region)
        if key not in found:
            spread = float(dist[np.ix_(region, region)].sum())
            found[key] = (-edges, spread, seed, region)
    return [entry[3] for entry in sorted(found.values(), key=lambda e: e[:3])]


def _grow(graph: nx.Graph, dist: np.ndarray, seed: int, size: int) -> tuple[list[int], int]:
    """The region grown from ``seed`` and its number of internal edges."""
    region, inside = [seed], {seed}
    links: Counter[int] = Counter(graph.neighbors(seed))
    edges = 0
    while len(region) < size:
        if links:
            pick = max(links, key=lambda v: (links[v], -dist[seed, v], -v))
        else:  # the component is used up: go on from the lowest-index qubit outside
            pick = min((v for v in graph.nodes if v not in inside), key=lambda v: v)
        edges += links.pop(pick, 0)
        region.append(pick)
        inside.add(pick)
        for v in graph.neighbors(pick):
            if v not in inside:
                links[v] += 1
    return region, edges


def _hubs_first(graph: nx.Graph, dist: np.ndarray, region: list[int]) -> list[int]:
    """The region's qubits, most edges inside the region first, then most central."""
    inside = set(region)
    spread = dist[np.ix_(region, region)].sum(axis=1)
    centrality = {q: float(s) for q, s in zip(region, spread, strict=True)}
    return sorted(
        region,
        key=lambda q: (-sum(1 for v in graph.neighbors(q) if v in inside), centrality[q], q),
    )
