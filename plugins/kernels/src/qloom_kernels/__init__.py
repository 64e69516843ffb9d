"""qloom-kernels: the compiled kernels of qloom's plugins (Rust, through PyO3).

Kernels take arrays in and give arrays out; the plugins keep the passes, options and error
messages. The array forms are built once and reused across calls:

* ``Dag``: a circuit's routing DAG (``qloom_routers.RoutingDag`` in arrays);
* ``Device``: a coupling graph with every distance computed once;
* ``SabreKnobs``: the SABRE scoring knobs, one object for every SABRE kernel.

``sabre_route`` is the SABRE swap search of ``routers:sabre``. It breaks ties with the
caller's ``random.Random``, drawing exactly what the Python engine it replaced drew, so a
seed gives the same routing as before and leaves the generator where that engine left it.
``sabre_place`` is the whole layout search of ``placers:sabre`` (starting layouts, trials,
confirmations) in one call, its trials on threads. The searches run with the GIL released.

``kak_weyl_coordinates``, ``kak_count_entanglers``, ``kak_num_entanglers`` and
``kak_decompose`` are the two-qubit KAK decomposition of ``qloom_unrollers.synthesis`` (a
4x4 unitary as the bytes of a C-ordered complex128 array; ``ValueError`` when it is not
unitary).

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
    SabreKnobs,
    SabreNoRoom,
    SabreNotPairwise,
    kak_count_entanglers,
    kak_decompose,
    kak_num_entanglers,
    kak_weyl_coordinates,
)
from qloom_kernels._native import sabre_place as _sabre_place
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
    "SabreKnobs",
    "SabreNoRoom",
    "SabreNotPairwise",
    "SabreOutcome",
    "SabrePlacement",
    "sabre_place",
    "kak_count_entanglers",
    "kak_decompose",
    "kak_num_entanglers",
    "kak_weyl_coordinates",
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
    knobs: SabreKnobs,
    *,
    record: bool,
) -> SabreOutcome:
    """Route ``dag`` on ``device`` with wire ``w`` starting on physical ``layout[w]``.

    Args:
        dag: the routing DAG; its wires must be ``device.num_qubits``.
        device: the coupling graph.
        layout: a permutation of ``range(device.num_qubits)`` (wire -> physical).
        rng: breaks ties between equally scored swaps; advanced as the draws require (left
            as it was when an error is raised).
        knobs: the scoring knobs (see ``qloom_routers.Heuristic``; ``release`` resolved,
            ``max_swaps`` ``None`` for a bound the release valve never reaches).
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
        knobs,
        record=record,
    )
    rng.setstate((version, (*words, pos), gauss))
    return SabreOutcome(swaps, depth, final, events)


def sabre_route_best(
    dag: Dag,
    device: Device,
    layout: Sequence[int],
    seeds: Sequence[int],
    knobs: SabreKnobs,
    *,
    record: bool,
    threads: int | None = None,
) -> tuple[int, SabreOutcome]:
    """Route ``dag`` once per seed (the trials) and keep the best: fewest swaps (with
    ``knobs.swap_cost_weight > 0``: fewest entanglers the swaps add after 2q block
    resynthesis), then the lowest two-qubit depth, then the earliest trial.

    Trial ``i`` breaks ties with ``random.Random(seeds[i])``, so the outcome is what calling
    ``sabre_route`` for each seed in order and keeping a trial only when strictly better
    gives, on any number of threads. The trials run on threads with the GIL released.

    Args:
        dag, device, layout, knobs, record: as for ``sabre_route``.
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
        knobs,
        record=record,
        threads=max(1, threads),
    )
    return index, SabreOutcome(swaps, depth, final, events)


@dataclass
class SabrePlacement:
    """What the SABRE layout search chose.

    Attributes:
        swaps: swaps of the routing that scored the layout.
        layout: ``layout[w]`` is the physical qubit of wire ``w`` (a full permutation).
        seed: the seed of that routing's ``random.Random``.
    """

    swaps: int
    layout: list[int]
    seed: int


def sabre_place(
    dag: Dag,
    backward: Dag,
    device: Device,
    knobs: SabreKnobs,
    *,
    width: int,
    path: Sequence[int] | None,
    trials: int,
    iterations: int,
    confirm: int,
    budget: int | None,
    seed: int,
    threads: int | None = None,
) -> SabrePlacement:
    """The SABRE layout search of ``placers:sabre`` in one call: the layout whose forward
    routing of ``dag`` needs fewest swaps (then lowest depth, then earliest trial).

    Trials start from the structured layouts (the greedy embedding in interaction order,
    the trivial layout, the interaction and wire orders along ``path``; duplicates dropped),
    then from random ones (odd random trials a greedy embedding from a random qubit, the
    others fully random, each interacting group kept in one component). ``trials``,
    ``iterations`` and ``confirm`` are first cut down to ``budget`` routed two-qubit gates.
    Each trial routes forwards (the score) and backwards (the next layout) ``iterations``
    times; the four best distinct layouts are routed ``confirm`` more times each. The
    trials and confirmations run on threads with the GIL released; the outcome does not
    depend on their number.

    Args:
        dag, backward: the routing DAG and its reverse (``RoutingDag.reversed``).
        device: the coupling graph.
        knobs: the scoring knobs.
        width: the circuit's width: wires ``0..width`` are placed, the rest are idle.
        path: a long simple path of the device for the structured starts; ``None`` for
            none (they are only used on a connected device).
        trials, iterations, confirm, budget: the placer's options.
        seed: the pass's seed (not negative). Trial ``t`` draws its random start and breaks
            the ties of its backward routings with ``random.Random(derive_seed(seed,
            "sabre-layout", t))``, of its forward routing at step ``s`` with
            ``derive_seed(seed, "sabre-layout", t, s)``, the ``k``-th confirmation of the
            ``r``-th best layout with ``derive_seed(seed, "sabre-confirm", r, k)``
            (``qloom.passes.derive_seed``, computed in the kernel).
        threads: threads for the trials (default: the CPUs).

    Returns:
        The chosen layout, its swaps and its routing's seed.

    Raises:
        SabreGaveUp, SabreNotPairwise, SabreDisconnected: as ``sabre_route``, for the first
            failing routing in the serial order.
        SabreNoRoom: a random layout cannot keep a group of interacting qubits in one
            component (args: group sizes, component sizes, the group's size).
        ValueError: no trial to run, a negative seed, or inputs that do not fit together.
    """
    if seed < 0:
        raise ValueError(f"seed must not be negative, got {seed}")
    words = [(seed >> shift) & 0xFFFFFFFF for shift in range(0, max(seed.bit_length(), 1), 32)]
    if threads is None:
        threads = os.cpu_count() or 1
    swaps, layout, seed = _sabre_place(
        dag,
        backward,
        device,
        knobs,
        width=width,
        path=None if path is None else list(path),
        trials=trials,
        iterations=iterations,
        confirm=confirm,
        budget=budget,
        seed=words,
        threads=max(1, threads),
    )
    return SabrePlacement(swaps, layout, seed)
