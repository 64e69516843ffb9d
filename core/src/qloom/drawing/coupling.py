"""``draw_coupling``: a device's coupling map with the layout a transpilation chose.

Physical qubits are nodes, couplers are edges. Qubits where a logical qubit starts are
coloured and labelled with it, qubits the circuit only borrows (routing ancillas) get a
second colour, and couplers carrying the circuit's two-qubit gates are drawn thicker the
more gates they carry. Needs matplotlib (``pip install 'qloom[draw]'``), imported on use.
"""

from __future__ import annotations

import cmath
import math
import textwrap
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from qloom.errors import QloomError

if TYPE_CHECKING:
    from matplotlib.axes import Axes  # type: ignore[import-not-found,unused-ignore]
    from matplotlib.figure import Figure  # type: ignore[import-not-found,unused-ignore]

    from qloom.backend import Backend
    from qloom.circuit import Circuit
    from qloom.layout import Layout

__all__ = ["coupling_positions", "draw_coupling"]

Position = tuple[float, float]

_KAMADA_KAWAI_MAX = 300  # nodes; above this its O(n^2) cost is felt, spring layout instead
_CLOSEST_MAX = 2000  # nodes; up to here the closest pair is measured (an O(n^2) array)
_CROWDED = 1e-3  # two positions closer than this fraction of the drawing's extent coincide
_PLACED = "#e6750a"  # a logical qubit starts here
_BORROWED = "#8c6bb1"  # touched by the circuit, no logical qubit starts here (routing)
_IDLE = "#d9d9d9"
_USED_EDGE = "#1b7f5f"
_IDLE_EDGE = "#b0b0b0"


def coupling_positions(backend: Backend, seed: int = 0) -> dict[int, Position]:
    """Where each physical qubit of ``backend`` is drawn.

    The backend's own ``properties["coordinates"]`` when it publishes them (``(x, y)`` per
    qubit, as a list or a ``{qubit: (x, y)}`` mapping). Otherwise a deterministic layout of
    the coupling graph: Kamada-Kawai started from the spectral layout for graphs up to
    300 qubits, which draws grids, heavy-hex lattices, rings and stars flat and untangled,
    and a spring layout seeded with ``seed`` for larger ones; then rotated so the commonest
    edge direction is horizontal. A start that puts two qubits on one spot (the spectral
    layout of a star or a complete graph does: its eigenvalues repeat) is replaced by a
    circle, so no two qubits are ever drawn on top of each other.

    Raises:
        QloomError: the backend has no coupling map, or its coordinates are malformed.
    """
    graph = _coupling_graph(backend)
    given = backend.properties.get("coordinates")
    if given is not None:
        return _given_positions(backend.name, given, graph)
    if graph.number_of_nodes() <= 2 or graph.number_of_edges() == 0:
        return {int(q): (float(i), 0.0) for i, q in enumerate(sorted(graph.nodes))}
    if graph.number_of_nodes() <= _KAMADA_KAWAI_MAX:
        raw = _kamada_kawai(graph)
    else:
        raw = nx.spring_layout(graph, seed=seed)
    positions = {int(q): (float(xy[0]), float(xy[1])) for q, xy in raw.items()}
    return _level(positions, list(graph.edges))


def _kamada_kawai(graph: nx.Graph) -> Mapping[Any, Any]:
    """Kamada-Kawai from the spectral layout, or from a circle when the spectral layout
    puts qubits together; a circle itself if the optimisation still fails.

    Kamada-Kawai divides by the distance between every two nodes, so coincident starting
    points give numpy's "divide by zero" and nodes that stay together: both are refused
    here (floating-point errors raise inside, and are never shown as warnings).
    """
    circle: dict[Any, Any] = dict(nx.circular_layout(graph))
    with np.errstate(divide="raise", invalid="raise", over="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        for spectral in (True, False):
            try:
                first = dict(nx.spectral_layout(graph)) if spectral else circle
                if _crowded(first):
                    continue
                raw: dict[Any, Any] = dict(nx.kamada_kawai_layout(graph, pos=first))
            except (ArithmeticError, Warning, ImportError, np.linalg.LinAlgError):
                continue
            if not _crowded(raw):
                return raw
    return circle


def _crowded(positions: Mapping[Any, Any]) -> bool:
    """Whether two positions (nearly) coincide, or any is not finite."""
    points = np.array([positions[q] for q in positions], dtype=float)
    if not np.isfinite(points).all():
        return True
    extent = float(np.ptp(points, axis=0).max()) if len(points) else 0.0
    return extent == 0.0 or _closest(points) < _CROWDED * extent


def _closest(points: np.ndarray) -> float:
    """The smallest distance between two of ``points`` (``inf`` for fewer than two, or too
    many to measure)."""
    if len(points) < 2 or len(points) > _CLOSEST_MAX:
        return math.inf
    gaps = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)
    np.fill_diagonal(gaps, np.inf)
    return float(gaps.min())


def draw_coupling(
    backend: Backend,
    *,
    circuit: Circuit | None = None,
    layout: Layout | None = None,
    path: str | Path | None = None,
    ax: Axes | None = None,
    seed: int = 0,
) -> Figure:
    """Draw ``backend``'s coupling map, the qubits a layout uses and the couplers a circuit uses.

    Args:
        backend: a backend with a coupling map (a device, not a simulator).
        circuit: a circuit transpiled for ``backend``: couplers carrying its two-qubit gates
            are highlighted, thicker the more gates they carry.
        layout: where each logical qubit starts; defaults to ``circuit.layout``.
        path: also write the picture here; the format follows the suffix (``.png``,
            ``.svg``, ``.pdf``, any format matplotlib writes).
        ax: draw on these axes instead of a new figure.
        seed: seed of the spring layout used for very large devices without coordinates.

    Returns:
        The matplotlib ``Figure`` (``ax``'s figure when ``ax`` is given). It is not
        registered with ``pyplot``, so nothing needs closing; Jupyter displays it.

    Raises:
        QloomError: matplotlib is not installed; the backend has no coupling map; the
            circuit or layout does not fit the backend.
    """
    graph = _coupling_graph(backend)
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # type: ignore[import-not-found,unused-ignore]
        from matplotlib.figure import Figure  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        raise QloomError(
            "drawing a coupling map needs matplotlib: pip install 'qloom[draw]'"
        ) from exc

    if layout is None and circuit is not None:
        layout = circuit.layout
    placed = _placed(backend, graph, layout)
    usage = _pair_usage(backend, graph, circuit)
    borrowed = set() if circuit is None else set(circuit.active_qubits()) - set(placed)
    positions = coupling_positions(backend, seed)
    x_low, x_high, y_low, y_high, margin = _extent(positions)
    title = _title(backend, graph, layout, circuit, usage)

    own_figure = ax is None
    if ax is None:
        spread = max(x_high - x_low, y_high - y_low, 1e-9)
        side = min(16.0, max(6.0, 1.2 * math.sqrt(graph.number_of_nodes()) + 2.0))
        width = max(6.0, side * max(0.6, (x_high - x_low) / spread))
        title = _wrapped(title, width, _TITLE_SIZE)
        lines = title.count("\n") + 1
        height = side * max(0.5, (y_high - y_low) / spread) + 0.9 + 0.2 * lines  # and legend
        figure = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(figure)  # a non-interactive canvas: no GUI backend is ever touched
        ax = figure.add_subplot()
    else:
        owner = ax.figure
        figure = owner if isinstance(owner, Figure) else owner.figure  # a SubFigure's root
    ax.set_xlim(x_low - margin, x_high + margin)
    ax.set_ylim(y_low - margin, y_high + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()
    handles = _draw(ax, graph, positions, placed, borrowed, usage)
    if own_figure:
        figure.suptitle(title, fontsize=_TITLE_SIZE)
        columns = 3 if figure.get_figwidth() >= 8.0 else 2
        figure.legend(
            handles=handles, loc="outside lower center", ncol=columns, fontsize=8, frameon=False
        )
    else:
        box = ax.get_position()
        ax.set_title(_wrapped(title, box.width * figure.get_figwidth(), 9.0), fontsize=9)
        ax.legend(handles=handles, fontsize=7)
    if path is not None:
        figure.savefig(Path(path), dpi=150)
    return figure


_TITLE_SIZE = 10.0


def _wrapped(title: str, inches: float, points: float) -> str:
    """``title`` with each line wrapped to fit ``inches`` at a font of ``points``.

    An average character of the default sans-serif font is about 0.6 of its size wide.
    """
    columns = max(20, int(0.9 * inches * 72.0 / (0.6 * points)))
    return "\n".join(
        textwrap.fill(line, columns, break_on_hyphens=False) for line in title.splitlines()
    )


def _coupling_graph(backend: Backend) -> nx.Graph:
    if backend.connectivity is None:
        raise QloomError(
            f"backend '{backend.name}' has no coupling map (every pair of qubits is coupled): "
            "draw the coupling map of a device backend, e.g. 'emulator:heavy-hex-27'"
        )
    graph = nx.Graph(backend.connectivity)  # direction does not matter for the picture
    graph.add_nodes_from(range(backend.device_width() or 0))
    return graph


def _given_positions(name: str, given: Any, graph: nx.Graph) -> dict[int, Position]:
    items = given.items() if isinstance(given, Mapping) else enumerate(given)
    try:
        positions = {int(q): (float(xy[0]), float(xy[1])) for q, xy in items}
    except (TypeError, ValueError, IndexError) as exc:
        raise QloomError(
            f"backend '{name}': properties['coordinates'] must give (x, y) per qubit: {exc}"
        ) from exc
    missing = sorted(q for q in graph.nodes if q not in positions)
    if missing:
        raise QloomError(
            f"backend '{name}': properties['coordinates'] has no position for qubits {missing}"
        )
    return positions


def _level(positions: dict[int, Position], edges: Sequence[tuple[int, int]]) -> dict[int, Position]:
    """Rotate a layout square to the page.

    When most edges meet at right angles (grids) they are lined up with the axes; otherwise
    (heavy-hex, rings) the longest extent of the drawing is laid horizontally.
    """
    total = 0j
    for a, b in edges:
        dx, dy = positions[b][0] - positions[a][0], positions[b][1] - positions[a][1]
        if dx or dy:
            total += cmath.exp(4j * math.atan2(dy, dx))
    if edges and abs(total) / len(edges) > 0.6:
        angle = cmath.phase(total) / 4
    else:
        xs = np.array([p[0] for p in positions.values()])
        ys = np.array([p[1] for p in positions.values()])
        values, vectors = np.linalg.eigh(np.cov(np.vstack([xs, ys])))
        main = vectors[:, int(np.argmax(values))]
        angle = math.atan2(float(main[1]), float(main[0]))
    turn = cmath.exp(-1j * angle)
    out = {q: complex(x, y) * turn for q, (x, y) in positions.items()}
    # Mirrored so the lowest-numbered qubit is at the top left, as vendors draw their maps.
    first = out[min(out)]
    middle = sum(out.values()) / len(out)
    flip_x = -1.0 if first.real > middle.real + 1e-9 else 1.0
    flip_y = -1.0 if first.imag < middle.imag - 1e-9 else 1.0
    return {q: (flip_x * z.real, flip_y * z.imag) for q, z in out.items()}


def _placed(backend: Backend, graph: nx.Graph, layout: Layout | None) -> dict[int, int]:
    """Physical qubit -> the logical qubit that starts on it."""
    if layout is None:
        return {}
    outside = [p for p in layout.initial if p not in graph]
    if outside:
        raise QloomError(
            f"the layout places logical qubits on {outside}, which backend '{backend.name}' "
            f"does not have ({graph.number_of_nodes()} qubits): pass the layout of a "
            "transpilation for this backend"
        )
    return {p: logical for logical, p in enumerate(layout.initial)}


def _pair_usage(backend: Backend, graph: nx.Graph, circuit: Circuit | None) -> Counter[Any]:
    """How many two-qubit gates run on each coupler, keyed by the sorted pair."""
    usage: Counter[Any] = Counter()
    if circuit is None:
        return usage
    for index, op in enumerate(circuit):
        if op.name == "barrier" or len(op.qubits) != 2:
            continue
        a, b = sorted(op.qubits)
        if not graph.has_edge(a, b):
            raise QloomError(
                f"operation {index} ({op.name} on {list(op.qubits)}) is not on a coupler of "
                f"backend '{backend.name}': draw a circuit transpiled for this backend "
                "(qloom.transpile(circuit, on=backend))"
            )
        usage[a, b] += 1
    return usage


def _draw(
    ax: Any,
    graph: nx.Graph,
    positions: Mapping[int, Position],
    placed: Mapping[int, int],
    borrowed: set[int],
    usage: Counter[Any],
) -> list[Any]:
    """Draw edges, nodes and labels on ``ax``; return the legend's handles."""
    from matplotlib.collections import LineCollection  # type: ignore[import-not-found,unused-ignore]
    from matplotlib.lines import Line2D  # type: ignore[import-not-found,unused-ignore]

    nodes = sorted(graph.nodes)
    diameter = _node_diameter(ax, graph, positions)  # points
    font = max(4.0, min(9.0, 0.42 * diameter))
    busiest = max(usage.values(), default=1)
    idle_edges, used_edges, widths = [], [], []
    for a, b in graph.edges:
        segment = [positions[a], positions[b]]
        count = usage.get((min(a, b), max(a, b)), 0)
        if not count:
            idle_edges.append(segment)
            continue
        used_edges.append(segment)
        widths.append(1.5 + 0.35 * diameter * count / busiest)
        if len(nodes) <= 64:
            middle = (
                (positions[a][0] + positions[b][0]) / 2,
                (positions[a][1] + positions[b][1]) / 2,
            )
            ax.annotate(
                str(count),
                middle,
                xytext=(0.35 * diameter, 0.35 * diameter),
                textcoords="offset points",
                fontsize=font * 0.85,
                color=_USED_EDGE,
                ha="center",
                va="center",
                zorder=4,
            )
    ax.add_collection(LineCollection(idle_edges, colors=_IDLE_EDGE, linewidths=1.0, zorder=1))
    ax.add_collection(LineCollection(used_edges, colors=_USED_EDGE, linewidths=widths, zorder=2))

    colours = [_PLACED if q in placed else _BORROWED if q in borrowed else _IDLE for q in nodes]
    ax.scatter(
        [positions[q][0] for q in nodes],
        [positions[q][1] for q in nodes],
        s=diameter**2,
        c=colours,
        edgecolors="#404040",
        linewidths=0.6,
        zorder=3,
    )
    for q in nodes:
        light = q in placed or q in borrowed
        ax.annotate(
            str(q),
            positions[q],
            fontsize=font * 0.8,
            ha="center",
            va="center",
            color="white" if light else "#404040",
            zorder=5,
        )
    for q, logical in placed.items():
        ax.annotate(
            f"q{logical}",
            positions[q],
            xytext=(0, 0.55 * diameter + 1),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=font,
            fontweight="bold",
            color=_PLACED,
            zorder=6,
        )

    def dot(colour: str, label: str) -> Any:
        return Line2D([], [], marker="o", ls="", mfc=colour, mec="#404040", label=label)

    handles = []
    if placed:
        handles.append(dot(_PLACED, "logical qubit qN starts here"))
    if borrowed:
        handles.append(dot(_BORROWED, "used by routing only"))
    handles.append(dot(_IDLE, "unused qubit" if placed or borrowed else "qubit"))
    if usage:
        handles.append(
            Line2D([], [], color=_USED_EDGE, lw=3, label="coupler with 2q gates (thicker: more)")
        )
    handles.append(
        Line2D([], [], color=_IDLE_EDGE, lw=1, label="unused coupler" if usage else "coupler")
    )
    return handles


def _node_diameter(ax: Any, graph: nx.Graph, positions: Mapping[int, Position]) -> float:
    """A node size in points that leaves the median edge about half visible and keeps the
    two closest qubits apart (a star's leaves are closer to each other than to its hub)."""
    lengths = sorted(math.dist(positions[a], positions[b]) for a, b in graph.edges if a != b)
    if not lengths:
        return 14.0
    closest = _closest(np.array([positions[q] for q in sorted(positions)], dtype=float))
    box = ax.get_position()
    figure_width, figure_height = ax.figure.get_size_inches()
    x_low, x_high = ax.get_xlim()
    y_low, y_high = ax.get_ylim()
    scale = 72.0 * min(
        box.width * figure_width / max(x_high - x_low, 1e-9),
        box.height * figure_height / max(y_high - y_low, 1e-9),
    )  # points per data unit
    size = min(0.5 * lengths[len(lengths) // 2], 0.85 * closest) * scale
    return float(max(3.0, min(22.0, size)))


def _extent(positions: Mapping[int, Position]) -> tuple[float, float, float, float, float]:
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    margin = 0.08 * max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    return min(xs), max(xs), min(ys), max(ys), margin


def _title(
    backend: Backend,
    graph: nx.Graph,
    layout: Layout | None,
    circuit: Circuit | None,
    usage: Counter[Any],
) -> str:
    head = f"{backend.name}: {graph.number_of_nodes()} qubits, {graph.number_of_edges()} couplers"
    facts = []
    if layout is not None:
        facts.append(f"{layout.num_logical} logical qubits placed")
        moved = sum(1 for a, b in zip(layout.initial, layout.final, strict=True) if a != b)
        if moved:
            facts.append(f"{moved} end elsewhere after routing")
    if circuit is not None:
        facts.append(f"{sum(usage.values())} two-qubit gates on {len(usage)} couplers")
    return head + ("\n" + ", ".join(facts) if facts else "")
