"""Coupling graphs of the device families in the catalog, built from their public shapes.

Each builder returns the undirected pairs ``(a, b)`` with ``a < b``; a device file names one
with ``[topology] kind = "..."`` (or lists ``edges`` itself).
"""

from __future__ import annotations

from itertools import combinations

__all__ = [
    "BUILDERS",
    "all_to_all",
    "couplers_of",
    "grid",
    "heavy_hex",
    "line",
    "qubits_of",
    "ring",
    "star",
]

Edges = list[tuple[int, int]]


def line(qubits: int) -> Edges:
    """``0 - 1 - ... - (n-1)``."""
    return [(q, q + 1) for q in range(qubits - 1)]


def ring(qubits: int) -> Edges:
    """A line closed into a cycle."""
    return line(qubits) + ([(0, qubits - 1)] if qubits > 2 else [])


def grid(rows: int, cols: int) -> Edges:
    """A ``rows x cols`` square lattice, qubits numbered row by row."""
    edges = []
    for r in range(rows):
        for c in range(cols):
            q = r * cols + c
            if c + 1 < cols:
                edges.append((q, q + 1))
            if r + 1 < rows:
                edges.append((q, q + cols))
    return edges


def star(qubits: int) -> Edges:
    """Qubit 0 coupled to every other qubit, as around a central resonator."""
    return [(0, q) for q in range(1, qubits)]


def all_to_all(qubits: int) -> Edges:
    """Every pair coupled (trapped ions)."""
    return list(combinations(range(qubits), 2))


def heavy_hex(rows: int, width: int) -> Edges:
    """IBM's heavy-hex lattice as on Eagle processors (``rows=7, width=15``: 127 qubits).

    ``rows`` rows of ``width`` qubits, numbered row by row with the bridge qubits of each
    gap in between; the first row lacks its last qubit and the last row its first. Bridges
    join the rows at every fourth column, starting at column 0 below even rows and column
    2 below odd ones.
    """
    edges: Edges = []
    next_qubit = 0
    previous: dict[int, int] = {}
    bridges: dict[int, int] = {}
    for r in range(rows):
        columns = range(width)
        if r == 0:
            columns = range(width - 1)
        elif r == rows - 1:
            columns = range(1, width)
        row = {c: next_qubit + i for i, c in enumerate(columns)}
        next_qubit += len(row)
        edges += [(row[c], row[c + 1]) for c in columns if c + 1 in row]
        if r > 0:
            for c in range(0 if (r - 1) % 2 == 0 else 2, width, 4):
                bridge = bridges[c]
                edges += [(previous[c], bridge), (bridge, row[c])]
        if r < rows - 1:
            start = 0 if r % 2 == 0 else 2
            bridges = {c: next_qubit + i for i, c in enumerate(range(start, width, 4))}
            next_qubit += len(bridges)
        previous = row
    return sorted((min(a, b), max(a, b)) for a, b in edges)


BUILDERS = {
    "line": line,
    "ring": ring,
    "grid": grid,
    "star": star,
    "all-to-all": all_to_all,
    "heavy-hex": heavy_hex,
}
"""Topology kinds a device file may name, with the builder of each."""


def qubits_of(kind: str, *dims: int) -> int:
    """How many qubits ``BUILDERS[kind](*dims)`` has, computed without building it.

    So a description's size is checked before anything of that size is allocated.
    """
    if kind == "grid":
        return dims[0] * dims[1]
    if kind == "heavy-hex":
        rows, width = dims
        return rows * width - min(rows, 2) + _heavy_hex_bridges(rows, width)
    return dims[0]


def couplers_of(kind: str, *dims: int) -> int:
    """How many pairs ``BUILDERS[kind](*dims)`` couples, computed without building it."""
    if kind == "grid":
        rows, cols = dims
        return rows * (cols - 1) + cols * (rows - 1)
    if kind == "heavy-hex":
        rows, width = dims
        return rows * (width - 1) - min(rows, 2) + 2 * _heavy_hex_bridges(rows, width)
    qubits = dims[0]
    if kind == "all-to-all":
        return qubits * (qubits - 1) // 2
    if kind == "ring" and qubits > 2:
        return qubits
    return max(qubits - 1, 0)


def _heavy_hex_bridges(rows: int, width: int) -> int:
    """Bridge qubits between the rows: every fourth column, from 0 or 2 alternately."""
    return sum(len(range(0 if r % 2 == 0 else 2, width, 4)) for r in range(rows - 1))
