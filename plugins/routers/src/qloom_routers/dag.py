"""``RoutingDag``: the dependencies between the operations that matter for routing.

Built once per circuit in O(operations). Only operations that order several wires or need a
coupling become nodes: two-qubit gates, wider gates, barriers, measurements and anything
conditioned or writing classical bits. A plain one-qubit operation (a gate or a reset)
"rides" on the next node of its wire and is emitted just before it, so the router never
looks at it; those after a wire's last node form the ``tail``. Wires are the circuit's
qubits, then its classical bits, so measurements and conditions keep their order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qloom import Circuit

__all__ = ["FREE", "MULTI", "TWO", "RoutingDag"]

FREE = 0
"""A node that needs no coupling: barrier, measurement, conditioned one-qubit gate."""
TWO = 1
"""A two-qubit gate: executable when its qubits are coupled."""
MULTI = 2
"""A gate on three or more qubits: executable only when they are pairwise coupled."""


@dataclass
class RoutingDag:
    """Nodes in circuit order with predecessor counts and successor lists.

    Attributes:
        num_wires: number of qubit wires (the routed width, at least the circuit's).
        kind: ``FREE``, ``TWO`` or ``MULTI`` per node.
        qa, qb: the two qubit wires of a ``TWO`` node (``-1`` for other nodes).
        qubits: the qubit wires of each node.
        names: the operation name of each node (for error messages).
        op: index in the source circuit of each node's operation.
        succ, pred: successor and predecessor nodes of each node.
        npred: ``len(pred[i])``, the count a router decrements.
        riders: indices of the one-qubit operations emitted just before each node.
        tail: indices of the one-qubit operations after the last node of their wire.
        num_two: number of ``TWO`` nodes.
    """

    num_wires: int
    kind: list[int] = field(default_factory=list)
    qa: list[int] = field(default_factory=list)
    qb: list[int] = field(default_factory=list)
    qubits: list[tuple[int, ...]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    op: list[int] = field(default_factory=list)
    succ: list[list[int]] = field(default_factory=list)
    pred: list[list[int]] = field(default_factory=list)
    npred: list[int] = field(default_factory=list)
    riders: list[list[int]] = field(default_factory=list)
    tail: list[int] = field(default_factory=list)
    num_two: int = 0

    @classmethod
    def from_circuit(cls, circuit: Circuit, num_wires: int | None = None) -> RoutingDag:
        """The routing DAG of ``circuit`` over ``num_wires`` qubit wires (default: its width)."""
        nq = circuit.num_qubits if num_wires is None else num_wires
        dag = cls(nq)
        creg_wires: dict[str, tuple[int, ...]] = {}
        start = nq
        for reg in circuit.cregs:
            creg_wires[reg.name] = tuple(range(start, start + reg.size))
            start += reg.size
        last = [-1] * (nq + circuit.num_clbits)
        pending: list[list[int]] = [[] for _ in range(nq)]
        kind, qa, qb, qubits, names, op_index = (
            dag.kind,
            dag.qa,
            dag.qb,
            dag.qubits,
            dag.names,
            dag.op,
        )
        succ, pred, riders = dag.succ, dag.pred, dag.riders
        for index, op in enumerate(circuit):
            qs = op.qubits
            clbits = op.clbits
            condition = op.condition
            if len(qs) == 1 and not clbits and condition is None:
                pending[qs[0]].append(index)
                continue
            node = len(kind)
            name = op.name
            if name == "barrier" or len(qs) < 2:
                kind.append(FREE)
                qa.append(-1)
                qb.append(-1)
            elif len(qs) == 2:
                kind.append(TWO)
                qa.append(qs[0])
                qb.append(qs[1])
                dag.num_two += 1
            else:
                kind.append(MULTI)
                qa.append(-1)
                qb.append(-1)
            qubits.append(qs)
            names.append(name)
            op_index.append(index)
            wires: list[int] = list(qs)
            if clbits:
                wires.extend(nq + c for c in clbits)
            if condition is not None:
                wires.extend(creg_wires[condition[0]])
            before: list[int] = []
            for w in wires:
                p = last[w]
                if p >= 0 and p not in before:
                    before.append(p)
                    succ[p].append(node)
                last[w] = node
            pred.append(before)
            succ.append([])
            ride: list[int] = []
            for q in qs:
                if pending[q]:
                    ride.extend(pending[q])
                    pending[q] = []
            riders.append(ride)
        dag.npred = [len(p) for p in pred]
        dag.tail = sorted(i for wire in pending for i in wire)
        return dag

    def __len__(self) -> int:
        return len(self.kind)

    def reversed(self) -> RoutingDag:
        """The DAG of the reversed circuit (successors and predecessors exchanged).

        Riders and tail are dropped: the reversed DAG is for counting swaps (layout search),
        not for emitting a circuit.
        """
        out = RoutingDag(self.num_wires)
        out.kind, out.qa, out.qb = self.kind, self.qa, self.qb
        out.qubits, out.names, out.op = self.qubits, self.names, self.op
        out.succ, out.pred = self.pred, self.succ
        out.npred = [len(s) for s in self.succ]
        out.riders = [[] for _ in self.kind]
        out.num_two = self.num_two
        return out
