"""``placers:post``: move a finished circuit onto the device's best qubits (after routing).

Once a circuit is routed and translated, every two-qubit gate is on a coupled pair, so any
embedding of its interaction graph into the coupling graph (VF2, in the gates' direction on
a directed device) gives the same circuit on other qubits: same gates, same count, still
accepted by the device. Which one is best is then known exactly from the calibration: the
estimated success probability (``qloom.success``) of each candidate, without estimating
SWAPs. The pass scores up to ``max_trials`` embeddings and relabels the circuit (and the
layout) when one beats the circuit as it is. The idea is Qiskit's ``VF2PostLayout``.

On a backend without a calibration, or without couplings, it does nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import islice
from typing import Any, ClassVar

import numpy as np
import rustworkx as rx

from qloom import Calibration, Circuit, Layout, Pass, PassContext
from qloom.gates import DIRECTIVES
from qloom.success import median_rates

__all__ = ["FidelityCosts", "PostPlacer", "Usage", "best_relabelling"]

CALL_LIMIT = 30_000
"""Default bound on VF2 states, 3% of ``placers:subgraph``'s: the circuit as it is always
remains a fallback, and O3 on the 45 shared circuits found 99.5% (grid-100) and 98%
(heavy-hex-127) of the geometric-mean ESP gain of 100,000 states and 2,000 trials in
60% of the time (1.6 s and 0.85 s in all, two runs per circuit, load 1)."""

SWAP_GATES = 3
"""Two-qubit gates a ``swap`` left by routing becomes."""

MAX_TRIALS = 1_000
"""Default number of embeddings scored."""


class PostPlacer(Pass):
    """Relabel a routed circuit onto the physical qubits where its estimated success
    probability is highest, when that beats where it is.

    Candidates are the embeddings of the circuit's two-qubit interactions into the coupling
    graph (directed couplings in the direction of each gate), in rustworkx's VF2 order, up
    to ``max_trials`` of them and ``call_limit`` search states; qubits with single-qubit
    operations only then take the free qubits cheapest for such work, busiest first. Each
    candidate is scored by ``-log`` ESP (gates in the backend's ``virtual_gates`` property
    are free, unknown rates at the calibration's median); the lowest wins if it is lower
    than the circuit's own, ties to the earlier one. Seed-independent.

    A ``swap`` (in a circuit not yet translated) counts as three two-qubit gates.

    Options:
        max_trials: embeddings scored (default 1,000).
        call_limit: most VF2 states visited (default 30,000).
        strict_direction: on a directed device, map each gate onto a coupler of its own
            direction (default ``True``: the output stays accepted). ``False`` matches pairs
            whatever their direction, as Qiskit's ``VF2PostLayout`` does after routing: more
            candidates, but gates may land reversed, so run it before the translation to
            the natives (``unrollers:basis`` turns them around).
    """

    kind = "placers"
    option_defaults: ClassVar[Mapping[str, Any]] = {
        "max_trials": MAX_TRIALS,
        "call_limit": CALL_LIMIT,
        "strict_direction": True,
    }

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        backend = context.backend
        calibration = backend.calibration
        if not calibration or backend.connectivity is None:
            return circuit
        n = circuit.num_qubits
        if backend.device_width(circuit) != n:
            return circuit
        usage = Usage(circuit, frozenset(backend.properties.get("virtual_gates", ())))
        if usage.wide:
            return circuit
        costs = FidelityCosts(calibration, n)
        mapping = best_relabelling(
            usage,
            costs,
            backend.connectivity.edges,
            backend.connectivity.is_directed() and bool(self.option("strict_direction")),
            int(self.option("max_trials")),
            int(self.option("call_limit")),
        )
        if mapping is None:
            return circuit
        context.logger.debug("%s: relabelled onto %s", self.label, mapping)
        context.compose(Layout(tuple(mapping), tuple(range(n))))
        return circuit.remap(mapping, n)


class Usage:
    """What a physical circuit asks of each qubit and pair: gate and measurement counts.

    Attributes:
        pairs: ``(a, b) -> count`` of two-qubit gates (a ``swap`` three), qubits in the
            order written.
        one_qubit: per qubit, single-qubit gates that are not virtual.
        readout: per qubit, measurements.
        wide: gates on three or more qubits (a circuit with any is left where it is: no
            calibration says where they run well).
    """

    def __init__(self, circuit: Circuit, virtual: frozenset[str]) -> None:
        n = circuit.num_qubits
        self.pairs: dict[tuple[int, int], int] = {}
        self.one_qubit = np.zeros(n)
        self.readout = np.zeros(n)
        self.wide = 0
        for op in circuit:
            qubits = op.qubits
            if op.name == "measure":
                self.readout[qubits[0]] += 1
            elif op.name in virtual or op.name in DIRECTIVES:
                continue
            elif len(qubits) == 1:
                self.one_qubit[qubits[0]] += 1
            elif len(qubits) == 2:
                key = (qubits[0], qubits[1])
                self.pairs[key] = self.pairs.get(key, 0) + (SWAP_GATES if op.name == "swap" else 1)
            else:
                self.wide += 1


class FidelityCosts:
    """``-log`` fidelities per qubit and pair, unknown rates as the ESP assumes them.

    Attributes:
        one_qubit, readout: per qubit, a single-qubit gate's and a measurement's cost.
        edge: ``(a, b)`` (both orders) -> a two-qubit gate's cost on a calibrated pair.
        edge_median: the cost of a two-qubit gate on a pair without a rate.
    """

    def __init__(self, calibration: Calibration, n: int) -> None:
        def cost(rate: float) -> float:
            return -math.log1p(-rate) if rate < 1.0 else 1e6

        assumed = median_rates(calibration)
        gate, read = assumed["gate_1q"], assumed["readout"]
        self.edge_median = cost(assumed["gate_2q"])
        self.one_qubit = np.array([cost(calibration.qubit_error.get(q, gate)) for q in range(n)])
        self.readout = np.array([cost(calibration.readout_error.get(q, read)) for q in range(n)])
        self.edge: dict[tuple[int, int], float] = {}
        for (a, b), rate in calibration.edge_error.items():
            self.edge[a, b] = self.edge[b, a] = cost(rate)

    def pair(self, a: int, b: int) -> float:
        return self.edge.get((a, b), self.edge_median)


def best_relabelling(
    usage: Usage,
    costs: FidelityCosts,
    edges: Any,
    directed: bool,
    max_trials: int,
    call_limit: int,
) -> list[int] | None:
    """The permutation ``p -> mapping[p]`` of the physical qubits with the lowest ``-log``
    ESP among the embeddings tried, or ``None`` when none beats the identity."""
    n = len(costs.one_qubit)
    active = sorted({q for pair in usage.pairs for q in pair})
    index = {q: i for i, q in enumerate(active)}
    pattern: rx.PyGraph | rx.PyDiGraph = rx.PyDiGraph() if directed else rx.PyGraph()
    device: rx.PyGraph | rx.PyDiGraph = rx.PyDiGraph() if directed else rx.PyGraph()
    pattern.add_nodes_from(active)
    pattern.add_edges_from_no_data(
        list(
            {
                (index[a], index[b]) if directed else _sorted(index[a], index[b])
                for a, b in usage.pairs
            }
        )
    )
    device.add_nodes_from(range(n))
    device.add_edges_from_no_data(
        sorted({(a, b) if directed else _sorted(a, b) for a, b in edges if a != b})
    )
    first = np.array([a for a, _ in usage.pairs], dtype=int)
    second = np.array([b for _, b in usage.pairs], dtype=int)
    weight = np.array(list(usage.pairs.values()), dtype=float)
    pair_cost = np.full((n, n), costs.edge_median)
    for (a, b), c in costs.edge.items():
        if a < n and b < n:
            pair_cost[a, b] = c
    single = usage.one_qubit[:, None] * costs.one_qubit[None, :]
    single += usage.readout[:, None] * costs.readout[None, :]
    lonely = [q for q in range(n) if q not in index and (usage.one_qubit[q] or usage.readout[q])]
    lonely.sort(key=lambda q: (-(usage.one_qubit[q] + usage.readout[q]), q))
    lonely_at = np.array(lonely, dtype=int)
    idle_at = np.array([q for q in range(n) if q not in index and q not in set(lonely)], dtype=int)
    # the free qubits the lonely ones take, cheapest first for their work as a whole
    work = usage.one_qubit[lonely_at].sum() * costs.one_qubit
    work += usage.readout[lonely_at].sum() * costs.readout
    ranking = np.lexsort((np.arange(n), work))
    active_at = np.array(active, dtype=int)

    def score(mapping: np.ndarray) -> float:
        total = float(np.dot(weight, pair_cost[mapping[first], mapping[second]]))
        return total + float(single[np.arange(n), mapping].sum())

    identity = np.arange(n)
    best, best_score = None, score(identity) - 1e-9
    found = rx.vf2_mapping(
        device,
        pattern,
        subgraph=True,
        induced=False,
        id_order=False,
        call_limit=max(1, call_limit),
    )
    for match in islice(found, max(0, max_trials)):
        mapping = np.empty(n, dtype=int)
        mapping[active_at[list(match.values())]] = list(match.keys())
        used = np.zeros(n, dtype=bool)
        used[mapping[active_at]] = True
        free = ranking[~used[ranking]]  # busiest lonely qubit on the cheapest free qubit
        mapping[lonely_at] = free[: len(lonely_at)]
        mapping[idle_at] = free[len(lonely_at) :]
        value = score(mapping)
        if value < best_score:
            best, best_score = mapping, value
    return None if best is None else [int(p) for p in best]


def _sorted(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)
