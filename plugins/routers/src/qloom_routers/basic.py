"""``routers:basic``: the reference router, simple enough to be obviously right.

Operations are taken in circuit order; before a two-qubit gate whose qubits are not coupled,
its first qubit walks along a shortest path (one swap per step) until it is next to the
second. No lookahead: use ``routers:sabre`` for good results.
"""

from __future__ import annotations

from itertools import pairwise

from qloom import Circuit, Operation, PassContext
from qloom_routers.base import Router
from qloom_routers.coupling import Coupling
from qloom_routers.direction import DirectionFixer
from qloom_routers.errors import check_reachable, not_pairwise_coupled

__all__ = ["BasicRouter"]


class BasicRouter(Router):
    """Shortest-path swaps before each uncoupled gate, in circuit order. No options."""

    def route(
        self, circuit: Circuit, coupling: Coupling, context: PassContext
    ) -> tuple[Circuit, list[int]]:
        n = coupling.num_qubits
        l2p = list(range(n))
        p2l = list(range(n))
        check_reachable(
            (
                (i, op.name, op.qubits)
                for i, op in enumerate(circuit)
                if len(op.qubits) > 1 and op.name != "barrier"
            ),
            l2p,
            coupling,
            context.backend.name,
        )
        dist = coupling.dist
        # Operations of ``circuit`` relabelled, plus swaps: built unchecked (``copy_with``).
        out: list[Operation] = []
        push, grow = out.append, out.extend
        pair = DirectionFixer(context.backend, coupling.directed).operations
        for index, op in enumerate(circuit):
            phys = tuple([l2p[q] for q in op.qubits])
            if op.name == "barrier" or len(phys) < 2:
                push(Operation(op.name, phys, op.params, op.clbits, op.condition))
                continue
            if len(phys) > 2:
                for i, a in enumerate(phys):
                    for b in phys[i + 1 :]:
                        if dist[a][b] != 1:
                            raise not_pairwise_coupled(index, op.name, op.qubits, a, b)
                push(Operation(op.name, phys, op.params, op.clbits, op.condition))
                continue
            a, b = phys
            if dist[a][b] > 1:
                path = coupling.shortest_path(a, b)
                for x, y in pairwise(path[:-1]):
                    grow(pair("swap", x, y))
                    wx, wy = p2l[x], p2l[y]
                    p2l[x], p2l[y] = wy, wx
                    l2p[wx], l2p[wy] = y, x
                a = path[-2]
            grow(pair(op.name, a, b, op.params, op.clbits, op.condition))
        return circuit.copy_with(out, n), l2p
