"""``draw_text``: a circuit as a text diagram, one line per wire, gates packed into columns.

The picture is drawn on a grid of cells: wire ``i`` is row ``2*i + 1`` and the rows between
wires hold box borders, connectors and small captions. A cell is either a glyph (a gate
label, a control dot) or a set of line strokes (up, down, left, right; each none, single or
double) that is turned into a box-drawing character at the end, so a connector meeting a box
border or a wire becomes the right junction without special cases.
"""

from __future__ import annotations

import functools
import math
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from qloom.errors import CircuitError, QloomError

if TYPE_CHECKING:
    from qloom.circuit import Circuit, Operation
    from qloom.layout import Layout

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_LINES",
    "FULL_MAX_CHARS",
    "TextDiagram",
    "check_drawable",
    "draw_text",
    "format_param",
    "text_diagram",
]

DEFAULT_MAX_CHARS = 2_000_000
"""The largest diagram ``draw_text`` builds, in characters (about 2 MB of text)."""

FULL_MAX_CHARS = 200_000_000
"""The bound ``qloom draw --full`` uses unless given ``--max-chars`` (it prints page by
page, so memory stays that of one page)."""

DEFAULT_MAX_LINES = 500
"""How many lines ``qloom draw`` prints before it stops with a summary (``--full``: all)."""

_NONE, _SINGLE, _DOUBLE = 0, 1, 2
Strokes = tuple[int, int, int, int]  # up, down, left, right

_BOX_CHARS: dict[Strokes, str] = {
    (0, 0, 1, 1): "─", (1, 1, 0, 0): "│", (0, 1, 0, 1): "┌", (0, 1, 1, 0): "┐",
    (1, 0, 0, 1): "└", (1, 0, 1, 0): "┘", (1, 1, 0, 1): "├", (1, 1, 1, 0): "┤",
    (0, 1, 1, 1): "┬", (1, 0, 1, 1): "┴", (1, 1, 1, 1): "┼",
    (0, 0, 2, 2): "═", (2, 2, 0, 0): "║", (0, 2, 0, 2): "╔", (0, 2, 2, 0): "╗",
    (2, 0, 0, 2): "╚", (2, 0, 2, 0): "╝", (2, 2, 0, 2): "╠", (2, 2, 2, 0): "╣",
    (0, 2, 2, 2): "╦", (2, 0, 2, 2): "╩", (2, 2, 2, 2): "╬",
    (2, 2, 1, 1): "╫", (1, 1, 2, 2): "╪", (0, 2, 1, 1): "╥", (2, 0, 1, 1): "╨",
    (0, 1, 2, 2): "╤", (1, 0, 2, 2): "╧", (1, 1, 2, 0): "╡", (1, 1, 0, 2): "╞",
    (2, 2, 1, 0): "╢", (2, 2, 0, 1): "╟",
}  # fmt: skip

# Gate names as people write them; params follow in parentheses.
_LABELS = {
    "id": "I", "h": "H", "x": "X", "y": "Y", "z": "Z", "s": "S", "sdg": "S†", "t": "T",
    "tdg": "T†", "sx": "√X", "sxdg": "√X†", "rx": "Rx", "ry": "Ry", "rz": "Rz", "p": "P",
    "u": "U", "U": "U", "u0": "U0", "u1": "U1", "u2": "U2", "u3": "U3", "rxx": "Rxx",
    "ryy": "Ryy", "rzz": "Rzz", "rzx": "Rzx", "iswap": "iSwap", "ecr": "ECR", "ms": "MS",
    "gpi": "GPI", "gpi2": "GPI2", "prx": "PRX", "unitary": "Unitary", "rccx": "RCCX",
    "rc3x": "RC3X", "measure": "M",
}  # fmt: skip

# Controlled gates: name -> (number of controls, what the target is: "x" for ⊕, "z" for a
# second dot, "swap" for two crosses, else the base gate whose box sits on the target).
_CONTROLLED = {
    "cx": (1, "x"), "CX": (1, "x"), "ccx": (2, "x"), "c3x": (3, "x"), "c4x": (4, "x"),
    "cz": (1, "z"), "cy": (1, "y"), "ch": (1, "h"), "csx": (1, "sx"), "c3sqrtx": (3, "sx"),
    "crx": (1, "rx"), "cry": (1, "ry"), "crz": (1, "rz"), "cu1": (1, "u1"), "cp": (1, "p"),
    "cu3": (1, "u3"), "cu": (1, "u"), "cswap": (1, "swap"),
}  # fmt: skip


@dataclass(frozen=True)
class _Style:
    """The characters of one output alphabet."""

    ascii: bool
    control: str
    target: str
    swap: str
    barrier: str
    bit_one: str
    bit_zero: str
    reset: str
    fold_out: str
    fold_in: str


_UNICODE = _Style(False, "●", "⊕", "✕", "░", "■", "○", "|0⟩", "»", "«")
_ASCII = _Style(True, "*", "(+)", "x", "#", "*", "o", "|0>", ">", "<")


def format_param(value: Any, ascii: bool = False) -> str:
    """A gate parameter, compactly: ``π/2``, ``-3π/4``, ``2π`` when exact, else 4 digits.

    Args:
        value: the parameter (a real number).
        ascii: write ``pi`` instead of ``π``.
    """
    x = float(value)
    pi = "pi" if ascii else "π"
    ratio = x / math.pi
    for den in (1, 2, 3, 4, 6, 8, 12, 16):
        num = round(ratio * den)
        if abs(ratio * den - num) < 1e-9 and abs(num) < 64:
            if num == 0:
                return "0"
            head = {1: pi, -1: f"-{pi}"}.get(num, f"{num}{pi}")
            return head if den == 1 else f"{head}/{den}"
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


def _gate_label(name: str, params: Sequence[Any], style: _Style) -> str:
    label = _LABELS.get(name, name)
    if style.ascii:
        label = label.replace("√X", "SX").replace("†", "dg")
    if params and name != "unitary":
        label += "(" + ",".join(format_param(p, style.ascii) for p in params) + ")"
    return label


# -- wires ---------------------------------------------------------------------------------


@dataclass
class _Wires:
    """Which wires are shown, in order, and where each qubit and clbit is drawn."""

    labels: list[str]
    classical: list[bool]
    qubit_row: dict[int, int]
    clbit_row: dict[int, int]
    clbit_caption: dict[int, str]  # bundled registers: the bit's index under the wire
    creg_rows: dict[str, list[int]]  # register name -> its wires (one when bundled)
    bundled: bool

    def __len__(self) -> int:
        return len(self.labels)


def _wires(circuit: Circuit, layout: Layout | None, idle_wires: bool, cregbundle: bool) -> _Wires:
    used_qubits: set[int] = set()
    used_clbits: set[int] = set()
    creg_start: dict[str, int] = {}
    start = 0
    for reg in circuit.cregs:
        creg_start[reg.name] = start
        start += reg.size
    sizes = {reg.name: reg.size for reg in circuit.cregs}
    for op in circuit:
        if op.name != "barrier":
            used_qubits.update(op.qubits)
        used_clbits.update(op.clbits)
        if op.condition is not None:
            first = creg_start[op.condition[0]]
            used_clbits.update(range(first, first + sizes[op.condition[0]]))
    if not used_qubits and not used_clbits:
        idle_wires = True  # nothing happens: the wires themselves are the picture

    qubit_names = _bit_names(circuit.qregs, circuit.num_qubits, "q")
    if layout is not None:
        logical = {p: q for q, p in enumerate(layout.initial)}
        qubit_names = [
            f"q{logical[p]} -> {p}" if p in logical else f"ancilla -> {p}"
            for p in range(circuit.num_qubits)
        ]
    out = _Wires([], [], {}, {}, {}, {}, cregbundle)
    for q in range(circuit.num_qubits):
        if idle_wires or q in used_qubits:
            out.qubit_row[q] = len(out.labels)
            out.labels.append(f"{qubit_names[q]}: ")
            out.classical.append(False)
    clbit_names = _bit_names(circuit.cregs, circuit.num_clbits, "c")
    for reg in circuit.cregs:
        bits = range(creg_start[reg.name], creg_start[reg.name] + reg.size)
        shown = [c for c in bits if idle_wires or c in used_clbits]
        if not shown:
            continue
        if cregbundle:
            row = len(out.labels)
            out.labels.append(f"{reg.name}: {reg.size}/")
            out.classical.append(True)
            out.creg_rows[reg.name] = [row]
            for c in bits:
                out.clbit_row[c] = row
                out.clbit_caption[c] = str(c - bits.start)
            continue
        out.creg_rows[reg.name] = []
        for c in shown:
            out.clbit_row[c] = len(out.labels)
            out.creg_rows[reg.name].append(len(out.labels))
            out.labels.append(f"{clbit_names[c]}: ")
            out.classical.append(True)
    return out


def _bit_names(registers: Sequence[Any], size: int, default: str) -> list[str]:
    """``q0, q1, ...`` for the default single register, else ``name[i]`` per register."""
    if len(registers) == 1 and registers[0].name == default:
        return [f"{default}{i}" for i in range(size)]
    return [f"{reg.name}[{i}]" for reg in registers for i in range(reg.size)]


# -- elements: what one operation draws ----------------------------------------------------


@dataclass
class _Piece:
    """One part of an element: a box over a range of wires, a glyph on a wire, or only the
    end of a connector on a wire (``glyph == ""``, ``is_box`` false)."""

    top: int  # first wire
    bottom: int  # last wire (== top unless a box spans several)
    label: str | None = None  # a box's label; None for glyphs and connector ends
    glyph: str = ""
    indices: dict[int, str] = field(default_factory=dict)  # box: wire -> input number
    caption: str = ""  # text in the gap row under the wire (captions of classical wires)

    @property
    def is_box(self) -> bool:
        return self.label is not None

    def min_width(self) -> int:
        if self.label is None:
            return max(len(self.glyph), len(self.caption), 1)
        index_width = max((len(i) for i in self.indices.values()), default=0)
        if index_width:
            index_width += 1
        return len(self.label) + 2 * index_width + 4

    def first_row(self) -> int:
        return 2 * self.top if self.is_box else 2 * self.top + 1

    def last_row(self) -> int:
        return 2 * self.bottom + 2 if self.is_box else 2 * self.bottom + 1


@dataclass
class _Element:
    """What one operation draws: pieces joined by a vertical connector."""

    pieces: list[_Piece]
    weight: int = _SINGLE  # of the connector between the quantum pieces
    classical: list[_Piece] = field(default_factory=list)  # joined by a double line
    barrier: list[int] = field(default_factory=list)  # wires of a barrier

    def span(self) -> tuple[int, int]:
        wires = [w for p in self.pieces + self.classical for w in (p.top, p.bottom)]
        wires += self.barrier
        return min(wires), max(wires)

    def min_width(self) -> int:
        return max((p.min_width() for p in self.pieces + self.classical), default=1)


def _element(op: Operation, wires: _Wires, style: _Style) -> _Element | None:
    rows = [wires.qubit_row[q] for q in op.qubits if q in wires.qubit_row]
    if op.name == "barrier":
        return _Element([], barrier=sorted(rows)) if rows else None
    if len(rows) != len(op.qubits):
        raise CircuitError(f"cannot draw '{op.name}': it acts on a qubit that is not shown")
    element = _Element(_quantum_pieces(op, rows, style))
    if op.name == "measure":
        clbit = op.clbits[0]
        element.classical.append(
            _Piece(
                wires.clbit_row[clbit],
                wires.clbit_row[clbit],
                caption=wires.clbit_caption.get(clbit, ""),
            )
        )
    if op.condition is not None:
        name, value = op.condition
        creg_rows = wires.creg_rows[name]
        if wires.bundled:
            element.classical.append(
                _Piece(creg_rows[0], creg_rows[0], glyph=style.bit_one, caption=f"=={value}")
            )
        else:
            for bit, row in enumerate(creg_rows):
                glyph = style.bit_one if (value >> bit) & 1 else style.bit_zero
                element.classical.append(_Piece(row, row, glyph=glyph))
    return element


def _quantum_pieces(op: Operation, rows: list[int], style: _Style) -> list[_Piece]:
    controlled = _CONTROLLED.get(op.name)
    if op.name == "swap":
        return [_Piece(r, r, glyph=style.swap) for r in rows]
    if controlled is not None:
        count, target = controlled
        pieces = [_Piece(r, r, glyph=style.control) for r in rows[:count]]
        rest = rows[count:]
        if target == "x":
            pieces.append(_Piece(rest[0], rest[0], glyph=style.target))
        elif target == "z":
            pieces.append(_Piece(rest[0], rest[0], glyph=style.control))
        elif target == "swap":
            pieces += [_Piece(r, r, glyph=style.swap) for r in rest]
        else:
            label = _gate_label(target, op.params, style)
            pieces.append(_Piece(rest[0], rest[0], label=label))
        return pieces
    if op.name == "reset":
        return [_Piece(rows[0], rows[0], glyph=style.reset)]
    label = _gate_label(op.name, op.params, style)
    if len(rows) == 1:
        return [_Piece(rows[0], rows[0], label=label)]
    indices = {r: str(i) for i, r in enumerate(rows)}
    return [_Piece(min(rows), max(rows), label=label, indices=indices)]


# -- the canvas ------------------------------------------------------------------------------


class _Canvas:
    """A grid of cells, each a glyph or line strokes, rendered to text at the end.

    Sparse: a row is its wire (or blank) repeated, and only the cells an element touched are
    kept, so drawing costs what the gates draw, not rows x columns of Python objects.
    """

    def __init__(self, base: Sequence[int], num_cols: int) -> None:
        self.base = list(base)  # per row: the weight of the wire along it (0: a gap row)
        self.num_cols = num_cols
        self.strokes: list[dict[int, list[int]]] = [{} for _ in self.base]
        self.glyphs: list[dict[int, str]] = [{} for _ in self.base]

    def _cell(self, row: int, col: int) -> list[int]:
        cell = self.strokes[row].get(col)
        if cell is None:
            weight = self.base[row]
            cell = self.strokes[row][col] = [0, 0, weight, weight]
        return cell

    def add(self, row: int, col: int, strokes: Strokes) -> None:
        cell = self._cell(row, col)
        for i, weight in enumerate(strokes):
            if weight > cell[i]:
                cell[i] = weight

    def set(self, row: int, col: int, strokes: Strokes) -> None:
        self.strokes[row][col] = list(strokes)
        self.glyphs[row].pop(col, None)

    def text(self, row: int, col: int, text: str) -> None:
        glyphs = self.glyphs[row]
        for i, char in enumerate(text):
            glyphs[col + i] = char

    def vline(self, col: int, first: int, last: int, weight: int) -> None:
        """A vertical line from row ``first`` down to row ``last``, joining both ends."""
        if last <= first:
            return
        self.add(first, col, (0, weight, 0, 0))
        for row in range(first + 1, last):
            self.add(row, col, (weight, weight, 0, 0))
        self.add(last, col, (weight, 0, 0, 0))

    def render(self, style: _Style) -> list[str]:
        lines = []
        for row, (weight, strokes_row, glyph_row) in enumerate(
            zip(self.base, self.strokes, self.glyphs, strict=True)
        ):
            on_wire = row % 2 == 1
            fill = _line_char((0, 0, weight, weight), style.ascii, on_wire)
            if not strokes_row and not glyph_row:
                lines.append(fill * self.num_cols)
                continue
            chars = [fill] * self.num_cols
            for col, cell in strokes_row.items():
                chars[col] = _line_char(_strokes(cell), style.ascii, on_wire)
            for col, glyph in glyph_row.items():
                chars[col] = glyph
            lines.append("".join(chars))
        return lines


def _strokes(cell: list[int]) -> Strokes:
    return (cell[0], cell[1], cell[2], cell[3])


@functools.cache
def _line_char(strokes: Strokes, ascii: bool, on_wire: bool) -> str:
    up, down, left, right = strokes
    if not any(strokes):
        return " "
    vertical = max(up, down)
    horizontal = max(left, right)
    if ascii:
        if not vertical:
            return "=" if horizontal == _DOUBLE else "-"
        # A line through a wire, or a box side a wire enters, reads as "|"; corners and
        # junctions of box borders (between wires) as "+".
        if not horizontal or (on_wire and up and down):
            return "|"
        return "+"
    char = _BOX_CHARS.get(strokes)
    if char is None:  # a half line or an unusual mix: the nearest full character
        full = (vertical if up or not down else 0, vertical if down or not up else 0)
        sides = (horizontal if left or not right else 0, horizontal if right or not left else 0)
        if not vertical:
            full = (0, 0)
        if not horizontal:
            sides = (0, 0)
        single = (min(full[0], 1), min(full[1], 1), min(sides[0], 1), min(sides[1], 1))
        char = _BOX_CHARS.get((*full, *sides)) or _BOX_CHARS.get(single, "+")
    return char


def _draw_element(
    canvas: _Canvas, element: _Element, x0: int, width: int, wires: _Wires, style: _Style
) -> None:
    center = x0 + width // 2
    for wire in element.barrier:
        canvas.text(2 * wire + 1, center, style.barrier)
    for wire, below in pairwise(element.barrier):
        if below == wire + 1:
            canvas.text(2 * wire + 2, center, style.barrier)
    pieces = sorted(element.pieces, key=lambda p: p.top)
    for piece in pieces:
        _draw_piece(canvas, piece, x0, width, wires)
    for upper, lower in pairwise(pieces):
        canvas.vline(center, upper.last_row(), lower.first_row(), element.weight)
    if element.classical:
        start = pieces[-1].last_row()
        for piece in element.classical:
            row = 2 * piece.top + 1
            if piece.glyph:
                canvas.text(row, center - len(piece.glyph) // 2, piece.glyph)
            if piece.caption:
                canvas.text(row + 1, center - len(piece.caption) // 2, piece.caption)
        end = max(2 * p.top + 1 for p in element.classical)
        canvas.vline(center, start, end, _DOUBLE)


def _draw_piece(canvas: _Canvas, piece: _Piece, x0: int, width: int, wires: _Wires) -> None:
    center = x0 + width // 2
    if not piece.is_box:
        canvas.text(2 * piece.top + 1, center - len(piece.glyph) // 2, piece.glyph)
        return
    top, bottom = piece.first_row(), piece.last_row()
    right = x0 + width - 1
    canvas.add(top, x0, (0, 1, 0, 1))
    canvas.add(top, right, (0, 1, 1, 0))
    canvas.add(bottom, x0, (1, 0, 0, 1))
    canvas.add(bottom, right, (1, 0, 1, 0))
    for col in range(x0 + 1, right):
        canvas.add(top, col, (0, 0, 1, 1))
        canvas.add(bottom, col, (0, 0, 1, 1))
    for row in range(top + 1, bottom):
        wire = (row - 1) // 2 if row % 2 else -1
        weight = (_DOUBLE if wires.classical[wire] else _SINGLE) if wire >= 0 else 0
        canvas.set(row, x0, (1, 1, weight, 0))
        canvas.set(row, right, (1, 1, 0, weight))
        canvas.text(row, x0 + 1, " " * (width - 2))
        index = piece.indices.get(wire)
        if index is not None:
            canvas.text(row, x0 + 1, index)
    label = piece.label or ""
    # Centred on the middle row; min_width keeps it clear of the input numbers.
    canvas.text((top + bottom) // 2, x0 + (width - len(label)) // 2, label)


# -- layout into columns and sections --------------------------------------------------------


def _columns(elements: Iterable[_Element], num_wires: int) -> list[list[_Element]]:
    """Each element in the earliest column after everything on the wires it spans."""
    level = [0] * num_wires
    columns: list[list[_Element]] = []
    for element in elements:
        low, high = element.span()
        col = max(level[low : high + 1])
        if col == len(columns):
            columns.append([])
        columns[col].append(element)
        for w in range(low, high + 1):
            level[w] = col + 1
    return columns


def _render_section(
    columns: Sequence[list[_Element]],
    widths: Sequence[int],
    wires: _Wires,
    style: _Style,
    first: bool,
    last: bool,
) -> list[str]:
    lead = 0 if first else len(style.fold_in)
    total = lead + sum(w + 1 for w in widths) + 1
    base = [0] * (2 * len(wires) + 1)
    for wire, classical in enumerate(wires.classical):
        base[2 * wire + 1] = _DOUBLE if classical else _SINGLE
    canvas = _Canvas(base, total)
    if not first:
        for wire in range(len(wires)):
            canvas.text(2 * wire + 1, 0, style.fold_in)
    x = lead + 1
    for column, width in zip(columns, widths, strict=True):
        for element in column:
            _draw_element(canvas, element, x, width, wires, style)
        x += width + 1
    body = canvas.render(style)
    label_width = max(len(label) for label in wires.labels)
    lines = []
    for row, text in enumerate(body):
        is_wire = row % 2 == 1
        label = wires.labels[row // 2].rjust(label_width) if is_wire else " " * label_width
        tail = style.fold_out if is_wire and not last else ""
        lines.append((label + text + tail).rstrip())
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def draw_text(
    circuit: Circuit,
    *,
    ascii: bool = False,
    width: int | None = None,
    layout: Layout | None = None,
    idle_wires: bool = False,
    cregbundle: bool = True,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_lines: int | None = None,
) -> str:
    """Draw ``circuit`` as a text diagram, one line per qubit and classical register.

    Gates are packed into columns: each goes in the earliest column after everything on the
    wires its drawing spans, so no gate overlaps another's vertical connector. Controls are
    ``●``, ``cx``/``ccx`` targets ``⊕``, swaps ``✕``, barriers ``░``, resets ``|0⟩``;
    measurements are an ``M`` box with a double line down to the classical wire (the bit's
    index written under it) and ``c_if`` conditions are a ``■`` on the register with the
    value under it. Parameters read ``π/2`` when they are a simple fraction of π, else to
    4 significant digits.

    Idle wires (qubits no gate but a barrier touches, classical registers never written or
    read) are left out by default, as Qiskit does for transpiled circuits: a 5-qubit circuit
    placed on a 127-qubit device draws 5 wires, not 127. A circuit with no operation at all
    draws all its wires.

    Args:
        circuit: the circuit to draw.
        ascii: use only ASCII characters (``*`` controls, ``(+)`` targets, ``-`` wires).
        width: fold the diagram into sections at most this many characters wide, each
            repeating the wire labels; default the terminal's width (80 when unknown);
            0 or less never folds.
        layout: label physical wire ``p`` with the logical qubit placed there first
            (``q3 -> 5:``); defaults to ``circuit.layout`` unless that one is trivial.
        idle_wires: draw idle wires too.
        cregbundle: one wire per classical register (``c: 5/``); ``False`` draws one wire
            per classical bit, conditions as ``■``/``○`` for the bits of the value.
        max_chars: refuse a diagram larger than this many characters (grid cells, padding
            included). Checked before any drawing: a circuit with more than a third that
            many operations, bits or qubits is refused at once (each draws 3 or more
            characters), the rest once its gates are packed into columns. With
            ``max_lines``, only what is drawn counts.
        max_lines: draw only the pages (sections) that fit in this many lines, then say
            what was left out and the circuit's size (qubits, operations, two-qubit gates,
            depth); ``None`` draws every page. ``qloom draw`` uses ``DEFAULT_MAX_LINES``
            unless given ``--full``.

    Returns:
        The diagram, lines joined by newlines (no trailing newline).

    Raises:
        CircuitError: ``layout`` is for a different number of qubits than ``circuit``.
        QloomError: the diagram would be larger than ``max_chars``.
    """
    diagram = text_diagram(
        circuit,
        ascii=ascii,
        width=width,
        layout=layout,
        idle_wires=idle_wires,
        cregbundle=cregbundle,
        max_chars=max_chars,
        max_lines=max_lines,
    )
    return "\n".join(diagram.lines(max_lines, "draw_text(..., max_lines=None) draws it all"))


def text_diagram(
    circuit: Circuit,
    *,
    ascii: bool = False,
    width: int | None = None,
    layout: Layout | None = None,
    idle_wires: bool = False,
    cregbundle: bool = True,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_lines: int | None = None,
) -> TextDiagram:
    """``circuit`` laid out for ``draw_text`` (same arguments), its pages drawn on demand.

    ``max_chars`` bounds what ``lines(max_lines)`` will draw: with ``max_lines`` only the
    pages that fit count, so a huge circuit's first pages can be drawn under a small bound.

    Raises:
        CircuitError: ``layout`` is for a different number of qubits than ``circuit``.
        QloomError: what would be drawn is larger than ``max_chars``.
    """
    check_drawable(circuit, max_chars)
    style = _ASCII if ascii else _UNICODE
    if layout is None and circuit.layout is not None and not circuit.layout.is_trivial():
        layout = circuit.layout
    if layout is not None and layout.num_physical != circuit.num_qubits:
        raise CircuitError(
            f"the layout is for {layout.num_physical} physical qubits, the circuit has "
            f"{circuit.num_qubits}; pass the layout of this circuit's transpilation"
        )
    wires = _wires(circuit, layout, idle_wires, cregbundle)
    elements = [e for e in (_element(op, wires, style) for op in circuit) if e is not None]
    columns = _columns(elements, len(wires))
    widths = [max(e.min_width() for e in column) for column in columns]
    if width is None:
        width = shutil.get_terminal_size(fallback=(80, 24)).columns
    label_width = max((len(label) for label in wires.labels), default=0)
    room = max(width - label_width, 1) if width > 0 else 0
    sections = _fold(widths, room, len(style.fold_in) + len(style.fold_out))
    diagram = TextDiagram(circuit, wires, style, columns, widths, sections, label_width)
    cells = diagram.cells(diagram.pages_within(max_lines))
    if cells > max_chars:
        raise _too_large(f"its diagram would be about {cells} characters", max_chars)
    return diagram


@dataclass
class TextDiagram:
    """A circuit's text diagram as pages: sections of columns folded to the width, each
    repeating the wire labels, drawn one at a time (``page(i)``, ``lines()``)."""

    circuit: Circuit
    _wires: _Wires
    _style: _Style
    _columns: list[list[_Element]]
    _widths: list[int]
    _sections: list[tuple[int, int]]
    _label_width: int

    @property
    def num_pages(self) -> int:
        """How many pages (sections) the whole diagram has; 0 when nothing is drawn."""
        return len(self._sections) if len(self._wires) else 0

    @property
    def page_height(self) -> int:
        """The most lines a page has (two per wire and one more)."""
        return 2 * len(self._wires) + 1 if len(self._wires) else 0

    def pages_within(self, max_lines: int | None) -> int:
        """How many pages ``lines(max_lines)`` draws (at least part of the first)."""
        if max_lines is None or not self.num_pages:
            return self.num_pages
        return min(self.num_pages, max(1, (max_lines + 1) // (self.page_height + 1)))

    def cells(self, pages: int) -> int:
        """About how many characters the first ``pages`` pages are (padding included)."""
        chosen = self._sections[:pages]
        columns = sum(w + 1 for start, stop in chosen for w in self._widths[start:stop])
        margin = self._label_width + 1 + len(self._style.fold_in)
        return self.page_height * (columns + len(chosen) * margin)

    def page(self, number: int) -> list[str]:
        """The lines of page ``number`` (0-based)."""
        start, stop = self._sections[number]
        return _render_section(
            self._columns[start:stop],
            self._widths[start:stop],
            self._wires,
            self._style,
            first=number == 0,
            last=number == len(self._sections) - 1,
        )

    def lines(self, max_lines: int | None = None, how_to_see_all: str = "") -> Iterator[str]:
        """The diagram's lines, pages separated by a blank line, drawn as they are asked for.

        Args:
            max_lines: stop after the pages that fit in this many lines (at least the first
                page's first ``max_lines`` lines) and end with ``summary()`` of what was
                left out; ``None``: every page.
            how_to_see_all: said after the summary (``--full draws it all``).
        """
        shown = self.pages_within(max_lines)
        for number in range(shown):
            if number:
                yield ""
            page = self.page(number)
            if max_lines is not None and len(page) > max_lines:
                yield from page[:max_lines]
                yield from self.summary(0, (max_lines, len(page)), how_to_see_all)
                return
            yield from page
        if shown < self.num_pages:
            yield from self.summary(shown, None, how_to_see_all)

    def summary(
        self, pages: int, cut: tuple[int, int] | None = None, how_to_see_all: str = ""
    ) -> list[str]:
        """What a drawing of the first ``pages`` pages leaves out (or, with ``cut`` =
        ``(drawn, of)``, of the first ``drawn`` lines of page 1's ``of``), and the circuit's
        size: qubits, operations, two-qubit gates, depth."""
        metrics = self.circuit.metrics()
        total_columns = len(self._widths)
        lines_total = self.num_pages * (self.page_height + 1) - 1
        if cut is not None:
            drawn = (
                f"drew the first {cut[0]} of {cut[1]} lines "
                f"of page 1 of {self.num_pages:,} ({len(self._wires)} wires)"
            )
        else:
            last_column = self._sections[pages - 1][1] if pages else 0
            drawn = (
                f"drew {pages} of {self.num_pages:,} pages (columns 1-{last_column} of "
                f"{total_columns:,}, about {lines_total:,} lines in all)"
            )
        size = (
            f"the circuit: {metrics['qubits']} qubits, {metrics['ops']:,} operations, "
            f"{metrics['n2q']:,} two-qubit gates, depth {metrics['depth']:,}"
        )
        tail = f"; {how_to_see_all}" if how_to_see_all else ""
        return ["", f"... {drawn}", f"... {size}{tail}"]


def check_drawable(circuit: Circuit, max_chars: int = DEFAULT_MAX_CHARS) -> None:
    """Refuse, in constant time, a circuit whose diagram is surely over ``max_chars``.

    ``draw_text`` calls it first; ``qloom draw`` also calls it before transpiling.

    Raises:
        QloomError: more than ``max_chars // 3`` operations, or qubits and clbits.
    """
    if len(circuit) > max_chars // 3:
        raise _too_large(f"it has {len(circuit)} operations", max_chars)
    if circuit.num_qubits + circuit.num_clbits > max_chars // 3:
        raise _too_large(
            f"it has {circuit.num_qubits} qubits and {circuit.num_clbits} clbits", max_chars
        )


def _too_large(what: str, max_chars: int) -> QloomError:
    return QloomError(
        f"the circuit is too large to draw: {what}, over the limit max_chars={max_chars} "
        "characters (raise it with draw_text(..., max_chars=N) or qloom draw --max-chars N)"
    )


def _fold(widths: Sequence[int], room: int, markers: int) -> list[tuple[int, int]]:
    """Split columns into sections that fit ``room`` characters (at least one column each;
    ``room == 0``: one section)."""
    if not widths:
        return [(0, 0)]
    if room <= 0 or sum(w + 1 for w in widths) + 1 <= room:
        return [(0, len(widths))]
    sections = []
    start = 0
    used = 1 + markers
    for i, w in enumerate(widths):
        if i > start and used + w + 1 > room:
            sections.append((start, i))
            start, used = i, 1 + markers
        used += w + 1
    sections.append((start, len(widths)))
    return sections
