"""Building the routed circuit from a schedule of node executions and swaps."""

from __future__ import annotations

from qloom import Backend, Circuit, Operation
from qloom_routers.coupling import Coupling
from qloom_routers.dag import TWO, RoutingDag
from qloom_routers.direction import DirectionFixer

__all__ = ["emit"]


def emit(
    circuit: Circuit,
    dag: RoutingDag,
    coupling: Coupling,
    backend: Backend,
    layout: list[int],
    events: list[int],
) -> Circuit:
    """The circuit over physical qubits that ``events`` describe (see ``RouteResult``).

    Each node is preceded by its riders and mapped through the layout of the moment;
    swaps update that layout; the tail comes last, mapped through the final layout.
    The operations come from ``circuit`` (already checked) relabelled through a
    permutation, so the result is built unchecked with ``Circuit.copy_with``.
    """
    n = coupling.num_qubits
    ops = circuit.operations
    fixer = DirectionFixer(backend, coupling.directed)
    pair = fixer.operations
    out: list[Operation] = []
    push, grow = out.append, out.extend
    single = [(q,) for q in range(n)]
    l2p = list(layout)
    p2l = [0] * n
    for wire, phys in enumerate(l2p):
        p2l[phys] = wire
    riders, kind, node_op = dag.riders, dag.kind, dag.op
    for event in events:
        if event < 0:
            a, b = divmod(~event, n)
            grow(pair("swap", a, b))
            wa, wb = p2l[a], p2l[b]
            p2l[a], p2l[b] = wb, wa
            l2p[wa], l2p[wb] = b, a
            continue
        for index in riders[event]:
            op = ops[index]
            push(Operation(op.name, single[l2p[op.qubits[0]]], op.params))
        op = ops[node_op[event]]
        if kind[event] == TWO:
            qs = op.qubits
            grow(pair(op.name, l2p[qs[0]], l2p[qs[1]], op.params, op.clbits, op.condition))
        else:
            qs = tuple([l2p[q] for q in op.qubits])
            push(Operation(op.name, qs, op.params, op.clbits, op.condition))
    for index in dag.tail:
        op = ops[index]
        push(Operation(op.name, single[l2p[op.qubits[0]]], op.params))
    return circuit.copy_with(out, n)
