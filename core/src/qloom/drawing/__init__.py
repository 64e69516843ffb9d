"""Circuit pictures: ``draw_text`` (a text diagram), ``text_diagram`` (the same, page by page)
and ``draw_coupling`` (a device's coupling map with the layout a transpilation chose; needs
matplotlib, ``pip install 'qloom[draw]'``); ``wrap_list`` folds a long list (a layout) for a
terminal.
"""

from qloom.drawing.coupling import coupling_positions, draw_coupling
from qloom.drawing.text import TextDiagram, draw_text, format_param, text_diagram
from qloom.drawing.wrap import wrap_list

__all__ = [
    "TextDiagram",
    "coupling_positions",
    "draw_coupling",
    "draw_text",
    "format_param",
    "text_diagram",
    "wrap_list",
]
