"""The SABRE swap search (Li, Ding & Xie 2019, with LightSABRE's refinements).

One call routes a ``RoutingDag`` from an initial layout and returns the number of swaps,
the two-qubit depth, the final layout and, when asked, the schedule of events from which
``emit`` builds the output circuit. The layout search (``placers:sabre``) calls it in
count-only mode hundreds of times.

The search itself is compiled: ``qloom_kernels.sabre_route`` (Rust, crate ``qloom-sabre``)
keeps the front layer incrementally, scores candidate swaps relatively from partner lists,
skips swaps that bring no front gate closer, applies decay and the release valve. This
module converts the DAG and the coupling to the kernel's array forms once (each is cached
for as long as the Python object lives) and turns the kernel's errors into the routers'
``MappingError`` messages. Ties are broken with the caller's ``random.Random``, exactly as
the pure-Python engine it replaced did (that engine's outputs are the golden files of
``tests/plugins/kernels``).
"""

from __future__ import annotations

import random
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from qloom import MappingError
from qloom_kernels import (
    Dag,
    Device,
    SabreDisconnected,
    SabreGaveUp,
    SabreKnobs,
    SabreNotPairwise,
    sabre_route,
    sabre_route_best,
)
from qloom_routers.coupling import Coupling
from qloom_routers.dag import RoutingDag
from qloom_routers.errors import not_pairwise_coupled
from qloom_routers.heuristic import Heuristic

__all__ = [
    "RouteResult",
    "knobs",
    "mapping_errors",
    "native_dag",
    "native_device",
    "route",
    "route_best",
]


@dataclass
class RouteResult:
    """What one routing of a DAG produced.

    Attributes:
        swaps: number of swaps inserted.
        depth: two-qubit depth of the routed circuit (swaps count; other nodes are ignored).
        final: ``final[w]`` is the physical qubit holding wire ``w`` at the end.
        events: the schedule when recorded: a node index ``i >= 0`` means "execute node i",
            a negative ``~(a * n + b)`` means "swap physical qubits a and b".
    """

    swaps: int
    depth: int
    final: list[int]
    events: list[int] | None = None


_DEVICES: weakref.WeakKeyDictionary[Coupling, Device] = weakref.WeakKeyDictionary()
_DAGS: dict[int, Dag] = {}


def native_device(coupling: Coupling) -> Device:
    """The kernel's form of ``coupling``: distances computed once per coupling (a backend's
    ``Coupling`` is itself cached, so once per device)."""
    device = _DEVICES.get(coupling)
    if device is None:
        edges = [(p, q) for p, row in enumerate(coupling.neighbors) for q in row if p < q]
        device = _DEVICES[coupling] = Device(coupling.num_qubits, edges)
    return device


def native_dag(dag: RoutingDag) -> Dag:
    """The kernel's form of ``dag`` (a ``RoutingDag`` is not changed once built)."""
    key = id(dag)
    native = _DAGS.get(key)
    if native is None:
        native = _DAGS[key] = Dag(dag.num_wires, dag.kind, dag.qubits, dag.succ)
        weakref.finalize(dag, _DAGS.pop, key, None)
    return native


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
    with mapping_errors(dag):
        out = sabre_route(
            native_dag(dag),
            native_device(coupling),
            layout,
            rng,
            knobs(heuristic, coupling),
            record=record,
        )
    return RouteResult(out.swaps, out.depth, out.final, out.events)


def route_best(
    dag: RoutingDag,
    coupling: Coupling,
    layout: list[int],
    heuristic: Heuristic,
    seeds: Sequence[int],
    record: bool = True,
) -> tuple[int, RouteResult]:
    """Route ``dag`` once per seed and keep the best trial, in one call on threads.

    The same as calling ``route`` with ``random.Random(seed)`` for each seed in order and
    keeping a result only when it has fewer swaps (with ``heuristic.swap_cost_weight`` above
    0: when its swaps add fewer entanglers after 2q block resynthesis), or as many and a
    lower depth; the trials run in parallel with the GIL released.

    Returns:
        The index of the chosen seed and its result.

    Raises:
        MappingError: as ``route``, for the first failing trial.
    """
    with mapping_errors(dag):
        index, out = sabre_route_best(
            native_dag(dag),
            native_device(coupling),
            layout,
            list(seeds),
            knobs(heuristic, coupling),
            record=record,
        )
    return index, RouteResult(out.swaps, out.depth, out.final, out.events)


def knobs(heuristic: Heuristic, coupling: Coupling) -> SabreKnobs:
    """The kernels' form of ``heuristic`` on ``coupling`` (``release`` resolved), for
    ``route``, ``route_best`` and the layout search of ``placers:sabre``."""
    return SabreKnobs(
        lookahead=heuristic.lookahead,
        lookahead_weight=heuristic.lookahead_weight,
        layer_weights=heuristic.layer_weights,
        decay=heuristic.decay,
        decay_reset=heuristic.decay_reset,
        release=heuristic.release or 10 * coupling.num_qubits,
        max_swaps=heuristic.max_swaps,
        swap_cost_weight=heuristic.swap_cost_weight,
    )


@contextmanager
def mapping_errors(dag: RoutingDag) -> Iterator[None]:
    """Turn the kernel's errors into the routers' ``MappingError`` messages."""
    try:
        yield
    except SabreGaveUp as exc:
        swaps, waiting = exc.args
        raise MappingError(
            f"routing gave up after {swaps} swaps (max_swaps) with {waiting} gates "
            "still waiting; raise max_swaps, or check the circuit and coupling"
        ) from None
    except SabreNotPairwise as exc:
        node, a, b = exc.args
        raise not_pairwise_coupled(dag.op[node], dag.names[node], dag.qubits[node], a, b) from None
    except SabreDisconnected as exc:
        a, b = exc.args
        raise MappingError(f"physical qubits {a} and {b} are not connected") from None
