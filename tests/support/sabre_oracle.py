"""Test oracle: the pure-Python SABRE swap search that ``qloom_kernels.sabre_route`` ports.

This is the engine ``qloom_routers.route`` ran before the search moved to Rust (issue 17),
kept unchanged, only as the reference the compiled kernel must reproduce bit for bit
(tests/plugins/kernels). It is not used by any plugin; do not maintain it as an engine.

The original description follows.

One call routes a ``RoutingDag`` from an initial layout and returns the number of swaps,
the two-qubit depth, the final layout and, when asked, the schedule of events from which
``emit`` builds the output circuit. The layout search (``placers:sabre``) calls it in
count-only mode thousands of times, so the whole search is one function over plain lists:

* the front layer is kept incrementally; a gate joins it when its predecessors are done;
* one-qubit operations never reach it (they ride on the DAG nodes);
* the score of a candidate swap is computed relatively: only the front and extended-set
  gates on the two swapped qubits change distance, read from per-physical-qubit partner
  lists that each swap updates;
* swaps that bring no front gate closer are skipped (they cannot win but through decay);
* the sums the decay heuristic multiplies are updated by the chosen swap's delta;
* the release valve undoes the swaps since the last progress and routes the closest front
  gate along a shortest path when no gate has executed for a while, so the search ends.
"""

from __future__ import annotations

import random

from qloom import MappingError
from qloom_routers.coupling import Coupling
from qloom_routers.dag import MULTI, TWO, RoutingDag
from qloom_routers.engine import RouteResult
from qloom_routers.errors import not_pairwise_coupled
from qloom_routers.heuristic import Heuristic

__all__ = ["route"]

_EPS = 1e-10
"""Scores closer than this are ties (broken by the trial's random generator)."""


def route(
    dag: RoutingDag,
    coupling: Coupling,
    layout: list[int],
    heuristic: Heuristic,
    rng: random.Random,
    record: bool = True,
) -> RouteResult:
    """Route ``dag`` on ``coupling`` starting with wire ``w`` on physical ``layout[w]``.

    Args:
        dag: the circuit's routing DAG; its wires must be ``coupling.num_qubits``.
        coupling: the device.
        layout: a permutation of ``range(coupling.num_qubits)`` (wire -> physical).
        heuristic: the scoring knobs.
        rng: breaks ties between equally scored swaps.
        record: keep the event schedule (off for layout search: it only counts).

    Raises:
        MappingError: a gate on 3+ qubits whose qubits are not pairwise coupled when it
            is reached, or more than ``heuristic.max_swaps`` swaps.
    """
    n = coupling.num_qubits
    dist = coupling.dist
    nbrs = coupling.neighbors
    kind, qa, qb, succ = dag.kind, dag.qa, dag.qb, dag.succ
    npred = list(dag.npred)
    l2p = list(layout)
    p2l = [0] * n
    for wire, phys in enumerate(l2p):
        p2l[phys] = wire
    events: list[int] | None = [] if record else None
    level = [0] * n
    # The front layer: its nodes (in arrival order), and per physical qubit the front node
    # on it and the physical qubit of that node's other end (-1 when none).
    front: dict[int, None] = {}
    front_on = [-1] * n
    partner = [-1] * n
    # The physical qubits front gates act on, and where each sits in that list.
    active: list[int] = []
    slot = [-1] * n
    # The extended set, per physical qubit: the physical qubits of its gates' other ends.
    ext_pos: list[list[int]] = [[] for _ in range(n)]
    ext_touched: list[int] = []
    decay = [1.0] * n
    lookahead = heuristic.lookahead
    layer_weights = heuristic.layer_weights
    last_weight = layer_weights[-1]
    weight = heuristic.lookahead_weight if lookahead else 0.0
    inc = heuristic.decay
    reset = heuristic.decay_reset
    release = heuristic.release or 10 * n
    max_swaps = heuristic.max_swaps
    if max_swaps is None:
        max_swaps = (dag.num_two + 1) * (release + coupling.diameter + 1)
    uniform = rng.random

    def advance(todo: list[int]) -> None:
        """Execute every ready node it can, starting from ``todo``; the rest join the front."""
        while todo:
            node = todo.pop()
            k = kind[node]
            if k == TWO:
                a = l2p[qa[node]]
                b = l2p[qb[node]]
                if dist[a][b] != 1:
                    front[node] = None
                    front_on[a] = front_on[b] = node
                    partner[a] = b
                    partner[b] = a
                    slot[a] = len(active)
                    active.append(a)
                    slot[b] = len(active)
                    active.append(b)
                    continue
                lv = level[a] if level[a] > level[b] else level[b]
                level[a] = level[b] = lv + 1
            elif k == MULTI:
                _execute_multi(dag, node, l2p, dist, level)
            if events is not None:
                events.append(node)
            for s in succ[node]:
                npred[s] -= 1
                if npred[s] == 0:
                    todo.append(s)

    def refresh() -> tuple[int, int, int]:
        """Rebuild the extended set after the front changed.

        Returns the front's distance sum, the extended set's size and its distance sum.
        """
        f_total = 0
        for p in active:
            f_total += dist[p][partner[p]]
        f_total //= 2
        for p in ext_touched:
            ext_pos[p] = []
        ext_touched.clear()
        if not lookahead:
            return f_total, 0, 0
        # Breadth-first by layers: a gate is one layer further than the gate that freed it
        # (barriers and other free nodes pass through). Nearer layers weigh more; a weight
        # is kept as that many copies of the gate, so scoring stays a plain loop.
        current = list(front)
        touched: list[int] = []
        count = total = copies = 0
        depth = 0
        while current:
            weight_here = layer_weights[depth] if depth < len(layer_weights) else last_weight
            following: list[int] = []
            for node in current:  # grows with the free nodes freed in this layer
                for s in succ[node]:
                    npred[s] -= 1  # pretend the layers so far have executed
                    touched.append(s)
                    if npred[s]:
                        continue
                    if kind[s] != TWO:
                        current.append(s)
                        continue
                    following.append(s)
                    x = l2p[qa[s]]
                    y = l2p[qb[s]]
                    ext_pos[x] += [y] * weight_here
                    ext_pos[y] += [x] * weight_here
                    ext_touched.append(x)
                    ext_touched.append(y)
                    total += weight_here * dist[x][y]
                    copies += weight_here
                    count += 1
                    if count >= lookahead:
                        break
                else:
                    continue
                break
            else:
                current = following
                depth += 1
                continue
            break
        for s in touched:
            npred[s] += 1
        return f_total, copies, total

    def exchange(u: int, v: int) -> None:
        """Swap the contents of physical ``u`` and ``v`` in every structure."""
        wu, wv = p2l[u], p2l[v]
        p2l[u], p2l[v] = wv, wu
        l2p[wu], l2p[wv] = v, u
        front_on[u], front_on[v] = front_on[v], front_on[u]
        x, y = partner[u], partner[v]
        if x >= 0:
            partner[x] = v
        if y >= 0:
            partner[y] = u
        partner[u], partner[v] = y, x
        i, j = slot[u], slot[v]
        if i >= 0:
            active[i] = v
        if j >= 0:
            active[j] = u
        slot[u], slot[v] = j, i
        eu, ev = ext_pos[u], ext_pos[v]
        if eu or ev:
            for x in {*eu, *ev}:
                if x != u and x != v:
                    ext_pos[x] = [v if z == u else u if z == v else z for z in ext_pos[x]]
            ext_pos[u] = [v if z == u else z for z in ev]
            ext_pos[v] = [u if z == v else z for z in eu]
            if ext_pos[u]:
                ext_touched.append(u)
            if ext_pos[v]:
                ext_touched.append(v)

    def swap(u: int, v: int) -> bool:
        """Insert a swap of physical ``u`` and ``v``; True when front gates executed."""
        exchange(u, v)
        lv = level[u] if level[u] > level[v] else level[v]
        level[u] = level[v] = lv + 1
        if events is not None:
            events.append(~(u * n + v))
        todo = []
        for p in (u, v):
            g = front_on[p]
            if g >= 0 and dist[p][partner[p]] == 1:
                q = partner[p]
                del front[g]
                front_on[p] = front_on[q] = -1
                partner[p] = partner[q] = -1
                for x in (p, q):
                    i = slot[x]
                    last = active.pop()
                    if last != x:
                        active[i] = last
                        slot[last] = i
                    slot[x] = -1
                todo.append(g)
        if todo:
            advance(todo)
            return True
        return False

    def release_valve(fruitless: list[tuple[int, int, int, int]]) -> int:
        """Undo the swaps since the last progress, then bring the closest front gate
        together along a shortest path; the change in the swap count."""
        for u, v, level_u, level_v in reversed(fruitless):
            exchange(u, v)
            level[u], level[v] = level_u, level_v
            if events is not None:
                events.pop()
        gate = min(front, key=lambda g: dist[l2p[qa[g]]][l2p[qb[g]]])
        path = coupling.shortest_path(l2p[qa[gate]], l2p[qb[gate]])
        needed = len(path) - 2
        left = (needed + 1) // 2
        for i in range(left):
            swap(path[i], path[i + 1])
        for j in range(needed - left):
            swap(path[-1 - j], path[-2 - j])
        return needed - len(fruitless)

    def candidates(base: float, we: float, prune: bool) -> list[tuple[int, int, int, int]]:
        """The best-scoring swaps ``(u, v, front delta, extended delta)``.

        With ``prune``, swaps that bring no front gate closer are skipped: they cannot beat
        one that does (its front gain of 1 outweighs any lookahead gain of at most 0.5)
        unless decay tips the balance, and skipping them halves the work.
        """
        best = 1e300
        chosen: list[tuple[int, int, int, int]] = []
        for u in active:
            q = partner[u]
            du = dist[u]
            du_q = du[q]
            eu = ext_pos[u]
            dec_u = decay[u]
            for v in nbrs[u]:
                r = partner[v]
                dv = dist[v]
                if r >= 0:
                    if v < u:
                        continue
                    f = dv[q] - du_q + du[r] - dv[r]
                else:
                    f = dv[q] - du_q
                if f >= 0 and prune:
                    continue
                e = 0
                for z in eu:
                    if z != v:
                        e += dv[z] - du[z]
                for z in ext_pos[v]:
                    if z != u:
                        e += du[z] - dv[z]
                dec_v = decay[v]
                score = (base + f + we * e) * (dec_u if dec_u > dec_v else dec_v)
                if score < best - _EPS:
                    best = score
                    chosen = [(u, v, f, e)]
                elif score <= best + _EPS:
                    chosen.append((u, v, f, e))
        return chosen

    ready = [i for i, c in enumerate(npred) if c == 0]
    ready.reverse()
    advance(ready)
    f_sum, n_ext, e_sum = refresh()
    swaps = 0
    fruitless: list[tuple[int, int, int, int]] = []
    while front:
        if swaps >= max_swaps:
            raise MappingError(
                f"routing gave up after {swaps} swaps (max_swaps) with {len(front)} gates "
                "still waiting; raise max_swaps, or check the circuit and coupling"
            )
        if len(fruitless) >= release:
            swaps += release_valve(fruitless)
            fruitless = []
            f_sum, n_ext, e_sum = refresh()
            decay[:] = [1.0] * n
            continue
        we = weight / n_ext if n_ext else 0.0
        base = f_sum + we * e_sum
        chosen = candidates(base, we, True) or candidates(base, we, False)
        u, v, f, e = chosen[int(uniform() * len(chosen))] if len(chosen) > 1 else chosen[0]
        swaps += 1
        level_u, level_v = level[u], level[v]
        if swap(u, v):
            f_sum, n_ext, e_sum = refresh()
            fruitless = []
            decay[:] = [1.0] * n
        else:
            f_sum += f
            e_sum += e
            fruitless.append((u, v, level_u, level_v))
            if swaps % reset == 0:
                decay[:] = [1.0] * n
            else:
                decay[u] += inc
                decay[v] += inc
    if any(npred):
        raise AssertionError("router stopped with nodes left: the routing DAG has a cycle")
    return RouteResult(swaps, max(level, default=0), l2p, events)


def _execute_multi(
    dag: RoutingDag, node: int, l2p: list[int], dist: list[list[int]], level: list[int]
) -> None:
    phys = [l2p[w] for w in dag.qubits[node]]
    for i, a in enumerate(phys):
        for b in phys[i + 1 :]:
            if dist[a][b] != 1:
                raise not_pairwise_coupled(dag.op[node], dag.names[node], dag.qubits[node], a, b)
    lv = max(level[p] for p in phys) + 1
    for p in phys:
        level[p] = lv
