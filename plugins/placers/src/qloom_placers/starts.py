"""Starting layouts for the SABRE layout search (``placers:sabre``).

Random layouts explore; these cheap, structured ones give the search good places to start:

* ``along_path``: the circuit's qubits, in a band-reducing order of its interaction graph,
  laid along a long simple path of the coupling graph (``paths.long_path``). Chains (GHZ,
  Ising, W states) land on it with no swaps at all, and line-friendly circuits (QFT) route
  well from it.
* ``greedy``: each qubit, in the same order, on the free physical qubit closest (weighted
  by interactions) to its already placed partners: a compact, dense region.

A layout is a full permutation: wire ``w`` -> physical qubit, wires beyond the circuit's
width being idle.
"""

from __future__ import annotations

import random
from collections import Counter

from qloom_routers.coupling import Coupling
from qloom_routers.dag import MULTI, TWO, RoutingDag

__all__ = [
    "along_path",
    "complete",
    "greedy",
    "interaction_order",
    "interactions",
    "random_layout",
]


def interactions(dag: RoutingDag) -> Counter[tuple[int, int]]:
    """How many gates act on each pair of wires ``(a, b)``, ``a < b`` (3+ qubit gates count
    once for each pair)."""
    counts: Counter[tuple[int, int]] = Counter()
    for k, wires in zip(dag.kind, dag.qubits, strict=True):
        if k in (TWO, MULTI):
            for i, a in enumerate(wires):
                for b in wires[i + 1 :]:
                    counts[(a, b) if a < b else (b, a)] += 1
    return counts


def interaction_order(
    width: int, pairs: Counter[tuple[int, int]], rng: random.Random | None = None
) -> list[int]:
    """The circuit's qubits in Cuthill-McKee order of the interaction graph.

    Each connected group is walked breadth-first from a peripheral qubit (found by two
    sweeps), neighbours by ascending degree: a path graph comes out in path order, and any
    graph gets a small bandwidth. Groups come largest first, then idle qubits. With
    ``rng``, each walk starts from a random qubit of its group instead.
    """
    adjacency: list[dict[int, int]] = [{} for _ in range(width)]
    for (a, b), count in pairs.items():
        adjacency[a][b] = count
        adjacency[b][a] = count
    degree = [len(adj) for adj in adjacency]
    seen = [False] * width
    groups: list[list[int]] = []
    for start in sorted(range(width), key=lambda q: (degree[q], q)):
        if seen[start] or not degree[start]:
            continue
        if rng is None:
            first = _sweep(adjacency, degree, start)[-1]
        else:
            group = _sweep(adjacency, degree, start)
            first = group[int(rng.random() * len(group))]
        order = _sweep(adjacency, degree, first)
        for q in order:
            seen[q] = True
        groups.append(order)
    groups.sort(key=lambda g: -len(g))
    out = [q for g in groups for q in g]
    return out + [q for q in range(width) if not seen[q]]


def _sweep(adjacency: list[dict[int, int]], degree: list[int], start: int) -> list[int]:
    order = [start]
    seen = {start}
    i = 0
    while i < len(order):
        for q in sorted(adjacency[order[i]], key=lambda x: (degree[x], x)):
            if q not in seen:
                seen.add(q)
                order.append(q)
        i += 1
    return order


def complete(partial: dict[int, int], n: int) -> list[int]:
    """A full layout from ``partial`` (wire -> physical): the other wires take the free
    physical qubits in increasing order."""
    layout = [-1] * n
    used = [False] * n
    for w, p in partial.items():
        layout[w] = p
        used[p] = True
    free = iter(p for p in range(n) if not used[p])
    return [p if p >= 0 else next(free) for p in layout]


def along_path(order: list[int], path: list[int], n: int) -> list[int] | None:
    """Wire ``order[i]`` on ``path[i]``; ``None`` when the path is shorter than ``order``."""
    if len(path) < len(order):
        return None
    return complete(dict(zip(order, path[: len(order)], strict=True)), n)


def greedy(
    order: list[int],
    pairs: Counter[tuple[int, int]],
    coupling: Coupling,
    rng: random.Random | None = None,
) -> list[int]:
    """Each wire of ``order`` on the free physical qubit nearest its placed partners.

    The first goes on the most central qubit; a wire with no placed partner goes next to
    the region placed so far. Ties go to the more central qubit, then the lower index.
    With ``rng``, the first goes on a random qubit and ties are broken at random.
    """
    n = coupling.num_qubits
    dist = coupling.dist
    rank = list(range(n))
    if rng is not None:
        shuffle(rng, rank)
    partners: list[list[tuple[int, int]]] = [[] for _ in range(max(order, default=-1) + 1)]
    for (a, b), count in pairs.items():
        partners[a].append((b, count))
        partners[b].append((a, count))
    central = [sum(row) for row in dist]
    placed: dict[int, int] = {}
    free = set(range(n))
    for wire in order:
        anchors = [(placed[w], c) for w, c in partners[wire] if w in placed]
        if not placed:
            target = min(free, key=lambda p: (central[p], rank[p]) if rng is None else rank[p])
        elif anchors:
            target = min(
                free,
                key=lambda p: (sum(c * dist[p][q] for q, c in anchors), central[p], rank[p]),
            )
        else:
            region = list(placed.values())
            target = min(free, key=lambda p: (min(dist[p][q] for q in region), central[p], rank[p]))
        placed[wire] = target
        free.discard(target)
    return complete(placed, n)


def random_layout(
    rng: random.Random, groups: list[list[int]], coupling: Coupling, width: int
) -> list[int] | str:
    """A random layout keeping each group of interacting wires in one coupled component.

    Returns a message instead when some group fits in no component.
    """
    n = coupling.num_qubits
    if coupling.num_components == 1:
        layout = list(range(n))
        shuffle(rng, layout)
        return layout
    members: dict[int, list[int]] = {}
    for p, c in enumerate(coupling.component):
        members.setdefault(c, []).append(p)
    free = {c: list(ps) for c, ps in members.items()}
    for ps in free.values():
        shuffle(rng, ps)
    layout = [-1] * n
    for group in groups:
        room = max(free, key=lambda c: (len(free[c]), -c))
        if len(group) > len(free[room]):
            sizes = sorted((len(m) for m in members.values()), reverse=True)
            return (
                f"the circuit's qubits interact in groups of sizes {[len(g) for g in groups]} "
                f"but the coupling graph's connected components have sizes {sizes}: a group "
                f"of {len(group)} interacting qubits fits in no component with room left"
            )
        for q in group:
            layout[q] = free[room].pop()
    rest = [p for ps in free.values() for p in ps]
    shuffle(rng, rest)
    for w in range(width, n):
        layout[w] = rest.pop()
    return layout


def shuffle(rng: random.Random, items: list[int]) -> None:
    """Fisher-Yates with ``rng.random`` only, whose stream Python keeps across versions."""
    for i in range(len(items) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        items[i], items[j] = items[j], items[i]
