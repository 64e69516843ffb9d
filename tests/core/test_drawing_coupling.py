"""Coupling-map pictures with the layout (``qloom.drawing.draw_coupling``), needing matplotlib."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

import qloom
from qloom import Backend, Circuit, Layout
from qloom.drawing import coupling_positions, draw_coupling
from qloom.drawing.cli import add_draw_command
from qloom.errors import QloomError
from qloom.testing import assert_backend_accepts, assert_equivalent
from support import require_distribution

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PNG = b"\x89PNG\r\n\x1a\n"


def line_backend(**properties: object) -> Backend:
    return Backend(
        "line", 5, [(0, 1), (1, 2), (2, 3), (3, 4)], natives=["cx", "h"], properties=properties
    )


def texts(figure) -> list[str]:
    return [t.get_text() for ax in figure.axes for t in ax.texts]


@pytest.fixture
def mpl():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    return matplotlib


def test_without_matplotlib_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails as if absent
    with pytest.raises(QloomError, match=r"pip install 'qloom\[draw\]'"):
        draw_coupling(line_backend())


def test_unconstrained_backend_is_refused():
    with pytest.raises(QloomError, match="has no coupling map"):
        draw_coupling(Backend("sim"))


def test_line_device_with_a_layout_and_a_circuit(mpl, tmp_path):
    backend = line_backend()
    circuit = Circuit(5).h(3).cx(3, 2).cx(3, 2).cx(2, 1)
    circuit.layout = Layout((3, 2, 1), tuple(range(5)))
    assert_backend_accepts(circuit, backend)
    path = tmp_path / "line.png"
    figure = draw_coupling(backend, circuit=circuit, path=path)
    assert path.read_bytes().startswith(PNG)
    labels = texts(figure)
    assert {"q0", "q1", "q2"} <= set(labels) and "q3" not in labels
    assert {"0", "1", "2", "3", "4"} <= set(labels)  # physical qubits
    assert {"2", "1"} <= set(labels)  # gate counts on couplers (3-2 twice, 2-1 once)
    assert "3 two-qubit gates on 2 couplers" in figure.texts[0].get_text()  # the title


def test_svg_and_pdf_by_suffix_and_drawing_on_given_axes(mpl, tmp_path):
    from matplotlib.figure import Figure

    backend = line_backend()
    for name, head in (("map.svg", b"<?xml"), ("map.pdf", b"%PDF")):
        draw_coupling(backend, layout=Layout((4, 0), tuple(range(5))), path=tmp_path / name)
        assert (tmp_path / name).read_bytes().startswith(head)
    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert draw_coupling(backend, layout=Layout((1,), tuple(range(5))), ax=right) is figure
    assert "q0" in [t.get_text() for t in right.texts] and not left.texts


def test_a_circuit_not_for_the_backend_is_refused(mpl):
    with pytest.raises(QloomError, match=r"cx on \[0, 4\]\) is not on a coupler"):
        draw_coupling(line_backend(), circuit=Circuit(5).cx(0, 4))
    with pytest.raises(QloomError, match="does not have"):
        draw_coupling(line_backend(), layout=Layout((7,), tuple(range(8))))


def test_positions_come_from_the_backend_when_it_gives_them():
    coordinates = [(0, 0), (1, 0), (2, 0), (2, 1), (3, 1)]
    assert coupling_positions(line_backend(coordinates=coordinates)) == {
        q: (float(x), float(y)) for q, (x, y) in enumerate(coordinates)
    }
    with pytest.raises(QloomError, match=r"no position for qubits \[4\]"):
        coupling_positions(line_backend(coordinates=coordinates[:4]))


def test_computed_positions_are_deterministic_and_lay_a_grid_square():
    require_distribution("qloom-hw-emulator")
    backend = qloom.get_backend("emulator:grid-100")
    positions = coupling_positions(backend)
    assert positions == coupling_positions(backend)
    # Lined up with the axes: along each coupler, x or y stays (nearly) the same.
    for a, b in backend.connectivity.edges:
        (xa, ya), (xb, yb) = positions[a], positions[b]
        assert min(abs(xa - xb), abs(ya - yb)) < 0.25 * max(abs(xa - xb), abs(ya - yb))


def test_labels_name_the_logical_qubits_of_a_real_transpilation(mpl, tmp_path):
    require_distribution("qloom-hw-emulator")
    adder = qloom.qasm2.load(EXAMPLES / "adder.qasm")
    circuit = adder.copy_with(op for op in adder if op.name != "measure")  # comparable
    backend = qloom.get_backend("emulator:heavy-hex-27", noise=False)
    out = qloom.transpile(circuit, on=backend, seed=5)
    assert_equivalent(circuit, out)
    assert_backend_accepts(out, backend)
    path = tmp_path / "heavy-hex.png"
    figure = draw_coupling(backend, circuit=out, path=path)
    assert path.read_bytes().startswith(PNG)
    labels = texts(figure)
    assert sorted(label for label in labels if label.startswith("q")) == [
        f"q{logical}" for logical in range(circuit.num_qubits)
    ]
    assert f"{out.count_2q()} two-qubit gates" in figure.texts[0].get_text()


def test_cli_writes_the_coupling_picture(mpl, tmp_path, capsys):
    require_distribution("qloom-hw-emulator")
    parser = argparse.ArgumentParser(prog="qloom")
    add_draw_command(parser.add_subparsers())
    path = tmp_path / "layout.png"
    ghz = str(EXAMPLES / "ghz.qasm")
    args = parser.parse_args(["draw", ghz, "--on", "emulator:star-6", "--coupling", str(path)])
    assert args.func(args) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    assert path.read_bytes().startswith(PNG)


# -- layouts: no two qubits on top of each other, no numeric warnings (issue 16) -----------


def _family(kind: str, n: int):
    import networkx as nx

    graph = {
        "star": nx.star_graph(n - 1),
        "ring": nx.cycle_graph(n),
        "line": nx.path_graph(n),
        "all-to-all": nx.complete_graph(n),
        "grid": nx.grid_2d_graph(max(1, n // 4), 4),
    }[kind]
    graph = nx.convert_node_labels_to_integers(graph)
    return Backend(f"{kind}-{n}", graph.number_of_nodes(), list(graph.edges))


TIED = (3, 6, 12, 15, 16, 22, 28, 34, 40)  # stars of 12, 15, 16, ...: spectral layout ties


@pytest.mark.parametrize(
    ("kind", "sizes"),
    [
        ("star", TIED),
        ("all-to-all", TIED),
        ("ring", (3, 16, 40)),
        ("line", (3, 16, 40)),
        ("grid", (16, 40)),
    ],
)
def test_computed_positions_never_put_two_qubits_together(kind, sizes):
    import itertools
    import math
    import warnings

    for n in sizes:
        backend = _family(kind, n)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # networkx's divide-by-zero must not happen
            positions = coupling_positions(backend)
        edges = sorted(math.dist(positions[a], positions[b]) for a, b in backend.connectivity.edges)
        pairs = itertools.combinations(positions, 2)
        closest = min(math.dist(positions[a], positions[b]) for a, b in pairs)
        # A star of 40 spaces its leaves 2*sin(pi/39) = 0.16 of an edge apart on a circle.
        assert closest > 0.1 * edges[len(edges) // 2], f"{backend.name}: {closest:.3g}"


def _node_overlaps(figure) -> list[tuple[int, int, float, float]]:
    """Pairs of drawn qubit circles that overlap: (i, j, distance px, diameter px)."""
    import itertools
    import math

    from matplotlib.collections import PathCollection

    figure.canvas.draw()
    ax = figure.axes[0]
    (nodes,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    centres = ax.transData.transform(nodes.get_offsets())
    diameter = math.sqrt(nodes.get_sizes()[0]) * figure.dpi / 72
    return [
        (i, j, math.dist(centres[i], centres[j]), diameter)
        for i, j in itertools.combinations(range(len(centres)), 2)
        if math.dist(centres[i], centres[j]) < diameter
    ]


def _title_inside(figure) -> bool:
    figure.canvas.draw()
    box = figure.texts[0].get_window_extent(figure.canvas.get_renderer())
    return box.x0 >= 0 and box.x1 <= figure.bbox.width and box.y1 <= figure.bbox.height


@pytest.mark.parametrize("n", [6, 12, 16, 22, 30])
def test_star_pictures_have_no_overlapping_qubits_and_a_whole_title(mpl, n):
    backend = _family("star", n)
    circuit = Circuit(n)
    for q in range(1, n):
        circuit.cx(0, q)
    circuit.layout = Layout(tuple(range(n)), (1, 0, *range(2, n)))
    figure = draw_coupling(backend, circuit=circuit)
    assert not _node_overlaps(figure), _node_overlaps(figure)[:3]
    assert _title_inside(figure), figure.texts[0].get_text()


def test_the_issue_command_draws_a_clean_star(mpl, tmp_path):
    require_distribution("qloom-hw-emulator")
    ghz = qloom.qasm2.load(EXAMPLES / "ghz.qasm")
    backend = qloom.get_backend("emulator:star-6", noise=False)
    for seed in range(4):
        out = qloom.transpile(ghz, on=backend, seed=seed)
        figure = draw_coupling(backend, circuit=out, path=tmp_path / f"star{seed}.png")
        assert not _node_overlaps(figure), (seed, _node_overlaps(figure))
        assert _title_inside(figure), (seed, figure.texts[0].get_text())
