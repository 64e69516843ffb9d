"""Circuit pictures: ``draw_text`` (a text diagram) and ``draw_coupling`` (a device's coupling
map with the layout a transpilation chose; needs matplotlib, ``pip install 'qloom[draw]'``).
"""

from qloom.drawing.coupling import coupling_positions, draw_coupling
from qloom.drawing.text import draw_text, format_param

__all__ = ["coupling_positions", "draw_coupling", "draw_text", "format_param"]
