"""qloom-kernels: the compiled kernels of qloom's plugins (Rust, through PyO3).

Kernels take arrays in and give arrays out; the plugins keep the passes, options and error
messages. The array forms are built once and reused across calls:

* ``Dag``: a circuit's routing DAG (``qloom_routers.RoutingDag`` in arrays);
* ``Device``: a coupling graph with every distance computed once.

``sabre_route`` is the SABRE swap search of ``routers:sabre`` and ``placers:sabre``. It
breaks ties with the caller's ``random.Random``, drawing exactly what the Python engine it
replaced drew, so a seed gives the same routing as before and leaves the generator where
that engine left it. The search runs with the GIL released.

``OneQubitNatives`` is the one-qubit Euler synthesis of ``qloom_unrollers.synthesis``
(crate ``qloom-euler``): built once per native gate set (``None``: the whole library), its
``bases`` are the Euler bases the natives express and ``synthesize(matrix_bytes)`` gives the
fewest native gates ``[(name, (angles...)), ...]`` for a 2x2 unitary passed as the 64 bytes
of a C-ordered complex128 array, or raises ``EulerError`` with the reason.

``OptCircuit`` is a circuit in the array form of the optimizer kernel (crate ``qloom-opt``):
distinct gate kinds with their matrices and facts, operations as kind, qubits and an opaque
flag; ``remove_identities``, ``fuse`` and ``cancel`` run on it with the GIL released.
``qloom_optimizers.kernel.ArrayCircuit`` builds it from a ``Circuit`` and reads it back.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from dataclasses import dataclass

from qloom_kernels._native import (
    Dag,
    Device,
    EulerError,
    KernelError,
    OneQubitNatives,
    OptCircuit,
    SabreDisconnected,
    SabreGaveUp,
    SabreNotPairwise,
)
from qloom_kernels._native import sabre_route as _sabre_route
from qloom_kernels._native import sabre_route_best as _sabre_route_best

__all__ = [
    "Dag",
    "Device",
    "EulerError",
    "KernelError",
    "OneQubitNatives",
    "OptCircuit",
    "SabreDisconnected",
    "SabreGaveUp",
    "SabreNotPairwise",
    "SabreOutcome",
    "sabre_route",
    "sabre_route_best",
]


@dataclass
class SabreOutcome:
    """What one SABRE routing produced.

    Attributes:
        swaps: number of swaps inserted.
        depth: two-qubit depth of the routed circuit (swaps count).
        final: ``final[w]`` is the physical qubit holding wire ``w`` at the end.
        events: when recorded, ``i >= 0`` executes DAG node ``i`` and ``~(a * n + b)``
            swaps physical qubits ``a`` and ``b``; ``None`` otherwise.
    """

    swaps: int
    depth: int
    final: list[int]
    events: list[int] | None


def sabre_route(
    dag: Dag,
    device: Device,
    layout: Sequence[int],
    rng: random.Random,
    *,
    lookahead: int,
    lookahead_weight: float,
    layer_weights: Sequence[int],
    decay: float,
    decay_reset: int,
    release: int,
    max_swaps: int | None,
    record: bool,
) -> SabreOutcome:
    """Route ``dag`` on ``device`` with wire ``w`` starting on physical ``layout[w]``.

    Args:
        dag: the routing DAG; its wires must be ``device.num_qubits``.
        device: the coupling graph.
        layout: a permutation of ``range(device.num_qubits)`` (wire -> physical).
        rng: breaks ties between equally scored swaps; advanced as the draws require (left
            as it was when an error is raised).
        lookahead, lookahead_weight, layer_weights, decay, decay_reset: the scoring knobs
            (see ``qloom_routers.Heuristic``).
        release: swaps without progress before the release valve (at least 1).
        max_swaps: give up beyond this many swaps; ``None`` for a bound the release valve
            never reaches.
        record: keep the event schedule.

    Returns:
        The swap count, depth, final layout and (when recorded) events.

    Raises:
        SabreGaveUp: more than ``max_swaps`` swaps (args: swaps, waiting front gates).
        SabreNotPairwise: a gate on 3+ qubits reached with two qubits apart (args: node,
            physical a, physical b).
        SabreDisconnected: a front gate across components (args: physical a, b).
        TypeError: ``rng`` is not a ``random.Random`` drawing with the Mersenne Twister.
        ValueError: inputs that do not fit together (layout, wires, knobs).
    """
    if not isinstance(rng, random.Random) or type(rng).random is not random.Random.random:
        raise TypeError("sabre_route needs a random.Random (Mersenne Twister) to break ties")
    version, internal, gauss = rng.getstate()
    swaps, depth, final, events, words, pos = _sabre_route(
        dag,
        device,
        list(layout),
        list(internal[:-1]),
        internal[-1],
        lookahead=lookahead,
        lookahead_weight=lookahead_weight,
        layer_weights=list(layer_weights),
        decay=decay,
        decay_reset=decay_reset,
        release=release,
        max_swaps=max_swaps,
        record=record,
    )
    rng.setstate((version, (*words, pos), gauss))
    return SabreOutcome(swaps, depth, final, events)


def sabre_route_best(
    dag: Dag,
    device: Device,
    layout: Sequence[int],
    seeds: Sequence[int],
    *,
    lookahead: int,
    lookahead_weight: float,
    layer_weights: Sequence[int],
    decay: float,
    decay_reset: int,
    release: int,
    max_swaps: int | None,
    record: bool,
    threads: int | None = None,
) -> tuple[int, SabreOutcome]:
    """Route ``dag`` once per seed (the trials) and keep the best: fewest swaps, then the
    lowest two-qubit depth, then the earliest trial.

    Trial ``i`` breaks ties with ``random.Random(seeds[i])``, so the outcome is what calling
    ``sabre_route`` for each seed in order and keeping a trial only when strictly better
    gives, on any number of threads. The trials run on threads with the GIL released.

    Args:
        dag, device, layout, lookahead, lookahead_weight, layer_weights, decay, decay_reset,
        release, max_swaps, record: as for ``sabre_route``.
        seeds: one seed per trial (at least one).
        threads: threads to spread the trials over (default: the CPUs, at most the trials).

    Returns:
        The index of the chosen trial and its outcome.

    Raises:
        SabreGaveUp, SabreNotPairwise, SabreDisconnected: as ``sabre_route``, for the first
            failing trial in order.
        ValueError: no seed, or inputs that do not fit together.
    """
    if threads is None:
        threads = os.cpu_count() or 1
    states = []
    for seed in seeds:
        internal = random.Random(seed).getstate()[1]
        states.append((list(internal[:-1]), internal[-1]))
    index, swaps, depth, final, events = _sabre_route_best(
        dag,
        device,
        list(layout),
        states,
        lookahead=lookahead,
        lookahead_weight=lookahead_weight,
        layer_weights=list(layer_weights),
        decay=decay,
        decay_reset=decay_reset,
        release=release,
        max_swaps=max_swaps,
        record=record,
        threads=max(1, threads),
    )
    return index, SabreOutcome(swaps, depth, final, events)
