"""``RoutingDag``: the dependencies between the operations that matter for routing.

Built once per circuit in O(operations). Only operations that order several wires or need a
coupling become nodes: two-qubit gates, wider gates, barriers, measurements and anything
conditioned or writing classical bits. A plain one-qubit operation (a gate or a reset)
"rides" on the next node of its wire and is emitted just before it, so the router never
looks at it; those after a wire's last node form the ``tail``. Wires are the circuit's
qubits, then its classical bits, so measurements and conditions keep their order.

With ``commute=True`` the DAG orders only gates that do not commute: consecutive gates that
act alike on a qubit (all diagonal there, or all X-like; see ``commutation``) form a group on
that wire, and each depends on the group before it rather than on its neighbour. The router
may then execute CNOTs sharing a control or a target, or diagonal gates such as the ``cp``
of a QFT, in whichever order needs the fewest swaps. A one-qubit gate that acts alike rides
along inside a group (it commutes with every member); any other one-qubit gate closes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qloom import Circuit
from qloom_routers.commutation import TRANSPARENT, acts_on_wires

__all__ = ["FREE", "MULTI", "ONE", "TWO", "RoutingDag"]

FREE = 0
"""A node that needs no coupling: barrier, measurement, conditioned one-qubit gate."""
TWO = 1
"""A two-qubit gate: executable when its qubits are coupled."""
MULTI = 2
"""A gate on three or more qubits: executable only when they are pairwise coupled."""
ONE = 3
"""A one-qubit gate made a node only to order two groups of commuting gates (``commute``):
needs no coupling and, unlike a ``FREE`` node, does not end the 2q block before it."""

GROUP_LIMIT = 8
"""Most gates in one commuting group on a wire. A larger group puts all its gates in the
front layer at once, all on one qubit, where SABRE's distance sums stop telling good swaps
from bad (Bernstein-Vazirani on 100 qubits, O2 on heavy-hex: 86 two-qubit gates with
groups of 8, 183 with 16, 395 with 64; other shared circuits do not change). It also
keeps the edges linear: each gate of the next group depends on every member."""


@dataclass
class RoutingDag:
    """Nodes in circuit order with predecessor counts and successor lists.

    Attributes:
        num_wires: number of qubit wires (the routed width, at least the circuit's).
        kind: ``FREE``, ``TWO``, ``MULTI`` or ``ONE`` per node.
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
    def from_circuit(
        cls, circuit: Circuit, num_wires: int | None = None, commute: bool = False
    ) -> RoutingDag:
        """The routing DAG of ``circuit`` over ``num_wires`` qubit wires (default: its width).

        ``commute``: order only gates that do not commute (see the module docstring);
        without it every node depends on the previous node of each of its wires.
        """
        nq = circuit.num_qubits if num_wires is None else num_wires
        dag = cls(nq)
        creg_wires: dict[str, tuple[int, ...]] = {}
        start = nq
        for reg in circuit.cregs:
            creg_wires[reg.name] = tuple(range(start, start + reg.size))
            start += reg.size
        last = [-1] * (nq + circuit.num_clbits)
        # Per qubit wire: the current group of commuting nodes, how they act on the wire (0:
        # a group of one that commutes with nothing), the group before it (what members
        # depend on) and whether a one-qubit gate since has closed it. Without ``commute``
        # every group is one node.
        group: list[list[int]] = [[] for _ in range(nq)]
        action = [0] * nq
        previous: list[list[int]] = [[] for _ in range(nq)]
        closed = [False] * nq
        pending: list[list[int]] = [[] for _ in range(nq)]
        ops = circuit.operations

        def add(
            index: int, code: int, qs: tuple[int, ...], deps: list[int], ride: list[int]
        ) -> int:
            node = len(dag.kind)
            dag.kind.append(code)
            two = code == TWO
            dag.qa.append(qs[0] if two else -1)
            dag.qb.append(qs[1] if two else -1)
            dag.num_two += two
            dag.qubits.append(qs)
            dag.names.append(ops[index].name)
            dag.op.append(index)
            dag.pred.append(deps)
            dag.succ.append([])
            for p in deps:
                dag.succ[p].append(node)
            dag.riders.append(ride)
            return node

        for index, op in enumerate(ops):
            qs = op.qubits
            clbits = op.clbits
            condition = op.condition
            if len(qs) == 1 and not clbits and condition is None:
                q = qs[0]
                pending[q].append(index)
                if commute:
                    acts = acts_on_wires(op.name, qs, False)[0]
                    if acts != TRANSPARENT and (acts == 0 or acts != action[q]):
                        closed[q] = True
                continue
            name = op.name
            acting = (
                acts_on_wires(name, qs, bool(clbits) or condition is not None)
                if commute
                else (0,) * len(qs)
            )
            joins = [
                bool(acts)
                and acts == action[w]
                and not closed[w]
                and 0 < len(group[w]) < GROUP_LIMIT
                for w, acts in zip(qs, acting, strict=True)
            ]
            if commute:
                # One-qubit gates waiting on a wire where a new group starts must precede
                # every gate of that group, not just the first: they become a free node
                # between the groups.
                # (A gate that commutes with nothing there has no group to share.)
                for w, acts, join in zip(qs, acting, joins, strict=True):
                    if acts and not join and pending[w]:
                        *ride, own = pending[w]
                        pending[w] = []
                        gate = add(own, ONE, (w,), list(group[w]), ride)
                        previous[w], group[w], action[w] = group[w], [gate], 0
            node = len(dag.kind)
            before: list[int] = []
            seen: set[int] = set()
            for w, acts, join in zip(qs, acting, joins, strict=True):
                if join:
                    deps = previous[w]
                    group[w].append(node)
                else:
                    deps = group[w]
                    previous[w], group[w], action[w] = group[w], [node], acts
                    closed[w] = False
                for p in deps:
                    if p not in seen:
                        seen.add(p)
                        before.append(p)
            wires: list[int] = []
            if clbits:
                wires.extend(nq + c for c in clbits)
            if condition is not None:
                wires.extend(creg_wires[condition[0]])
            for w in wires:
                p = last[w]
                if p >= 0 and p not in seen:
                    seen.add(p)
                    before.append(p)
                last[w] = node
            ride_on: list[int] = []
            for q in qs:
                if pending[q]:
                    ride_on.extend(pending[q])
                    pending[q] = []
            code = FREE if name == "barrier" or len(qs) < 2 else TWO if len(qs) == 2 else MULTI
            add(index, code, qs, before, ride_on)
        dag.npred = [len(p) for p in dag.pred]
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
