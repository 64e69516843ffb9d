"""``placers:subgraph``: a placement that needs no SWAP at all, when one exists.

VF2 (rustworkx) looks for a monomorphism of the circuit's interaction graph into the
coupling graph: every interacting pair of logical qubits lands on a coupled pair of
physical qubits (the coupling may have more edges than the circuit uses).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any, ClassVar

import networkx as nx
import numpy as np
import rustworkx as rx

from qloom import Circuit, PassContext
from qloom_placers.base import Placer
from qloom_placers.costs import ErrorModel, error_model
from qloom_placers.graphs import Interactions, coupling_graph, distance_matrix, to_rustworkx

__all__ = ["SubgraphPlacer", "complete_idle", "embeddings"]

CALL_LIMIT = 1_000_000
"""Default bound on VF2 states: about half a second on the slowest benchmark searches."""

MAX_TRIALS = 64
"""Default number of embeddings scored when the backend has a calibration."""


class SubgraphPlacer(Placer):
    """Embed the interaction graph into the coupling graph so every gate is on a coupled
    pair, or return ``None`` (leaving the circuit to the next placer of the pipeline) when
    there is no such embedding or the search hits its limit.

    Qubits without two-qubit gates take free qubits: the best-calibrated ones when the
    backend has a calibration, else the ones nearest the embedded qubits. Directed couplings
    are embedded as undirected (routers fix directions). Which embedding: without a
    calibration every zero-SWAP embedding is as good as another, so the first one found is
    used (deterministic, independent of the seed). With a calibration, up to ``max_trials``
    embeddings are scored by the estimated error of the circuit (``costs.ErrorModel``: the
    ``edge_cost`` of each two-qubit gate plus the ``qubit_cost`` of each single-qubit
    operation) and the lowest wins; ties go to the first found.

    Options:
        call_limit: most VF2 states visited, over all embeddings (default 1,000,000).
        max_trials: embeddings scored when a calibration is present (default 64).
        force: place even when an earlier placer already did (default ``False``).
    """

    option_defaults: ClassVar[Mapping[str, Any]] = {
        **Placer.option_defaults,
        "call_limit": CALL_LIMIT,
        "max_trials": MAX_TRIALS,
    }

    def place(self, circuit: Circuit, context: PassContext) -> list[int] | None:
        """A zero-SWAP placement, or ``None`` when none was found."""
        backend = context.backend
        graph = coupling_graph(backend)
        inter = Interactions(circuit)
        calibration = backend.calibration or None
        trials = int(self.option("max_trials")) if calibration else 1
        found = embeddings(inter, graph, int(self.option("call_limit")))
        model = error_model(calibration, graph) if calibration is not None else None
        dist = None if model is not None else distance_matrix(graph)
        best: tuple[float, list[int]] | None = None
        for embedding in islice(found, max(1, trials)):
            mapping = complete_idle(inter, embedding, graph, model=model, dist=dist)
            score = 0.0 if model is None else model.cost(inter, np.array(mapping))
            if best is None or score < best[0]:
                best = (score, mapping)
        if best is None:
            context.logger.debug("%s: no zero-SWAP embedding found", self.label)
            return None
        return best[1]


def embeddings(inter: Interactions, graph: nx.Graph, call_limit: int) -> Iterator[dict[int, int]]:
    """Zero-SWAP placements of the active logical qubits (``{logical: physical}``).

    Enumerated by rustworkx's VF2 (non-induced subgraph, heuristic node order) until
    ``call_limit`` states have been visited in all. Yields nothing when the interaction
    graph plainly cannot fit (more qubits or edges than the coupling, or a qubit with more
    partners than any physical qubit has neighbours).
    """
    active = inter.active
    if not active:
        yield {}
        return
    pattern = inter.graph()
    max_degree = max((d for _, d in graph.degree), default=0)
    if (
        len(active) > graph.number_of_nodes()
        or pattern.number_of_edges() > graph.number_of_edges()
        or max(d for _, d in pattern.degree) > max_degree
    ):
        return
    found = rx.vf2_mapping(
        to_rustworkx(graph, range(graph.number_of_nodes())),
        to_rustworkx(pattern, active),
        subgraph=True,
        induced=False,
        id_order=False,
        call_limit=max(1, call_limit),
    )
    for match in found:
        yield {active[logical]: physical for physical, logical in match.items()}


def complete_idle(
    inter: Interactions,
    placed: dict[int, int],
    graph: nx.Graph,
    *,
    model: ErrorModel | None = None,
    dist: np.ndarray | None = None,
) -> list[int]:
    """``placed`` plus the idle logical qubits on free physical qubits, as a list.

    With ``model``, the idle qubits with most single-qubit operations go to the free
    qubits with the lowest ``qubit_cost``; otherwise idle qubits go, in index order, to the
    free qubits nearest the placed ones (by ``dist``), lowest index first on ties.
    """
    used = set(placed.values())
    free = [p for p in sorted(graph.nodes) if p not in used]
    idle = [q for q in range(inter.num_qubits) if q not in placed]
    if model is not None:
        free.sort(key=lambda p: (model.qubit[p], p))
        idle.sort(key=lambda q: (-inter.one_qubit[q], q))
    elif used and free:
        dist = distance_matrix(graph) if dist is None else dist
        near = dist[sorted(used)].min(axis=0)
        free.sort(key=lambda p: (near[p], p))
    mapping = dict(placed)
    mapping.update(zip(idle, free, strict=False))
    return [mapping[q] for q in range(inter.num_qubits)]
