"""qloom-routers: swap insertion on any coupling graph.

``routers:basic`` (shortest-path reference) and ``routers:sabre`` (SABRE with lookahead,
decay, release valve and seeded trials). The search engine (``route``) is public so placers
can count swaps for candidate layouts without building circuits; ``knobs``, ``native_dag``,
``native_device`` and ``mapping_errors`` hand the same kernels to ``placers:sabre``.
"""

from qloom_routers.base import Router
from qloom_routers.basic import BasicRouter
from qloom_routers.coupling import UNREACHABLE, Coupling
from qloom_routers.dag import FREE, MULTI, ONE, TWO, RoutingDag
from qloom_routers.direction import DirectionFixer, is_symmetric
from qloom_routers.emit import emit
from qloom_routers.engine import (
    RouteResult,
    knobs,
    mapping_errors,
    native_dag,
    native_device,
    route,
    route_best,
)
from qloom_routers.heuristic import Heuristic
from qloom_routers.passes import SabreRouter

__all__ = [
    "FREE",
    "MULTI",
    "ONE",
    "TWO",
    "UNREACHABLE",
    "BasicRouter",
    "Coupling",
    "DirectionFixer",
    "Heuristic",
    "RouteResult",
    "Router",
    "RoutingDag",
    "SabreRouter",
    "emit",
    "is_symmetric",
    "knobs",
    "mapping_errors",
    "native_dag",
    "native_device",
    "route",
    "route_best",
]
