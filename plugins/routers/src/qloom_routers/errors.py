"""The ``MappingError`` messages the routers raise, worded in one place."""

from __future__ import annotations

from collections.abc import Iterable

from qloom import MappingError
from qloom_routers.coupling import Coupling

__all__ = ["check_reachable", "not_pairwise_coupled"]


def not_pairwise_coupled(
    index: int, name: str, qubits: Iterable[int], a: int, b: int
) -> MappingError:
    """The error for a gate on 3+ qubits whose physical qubits ``a`` and ``b`` are apart."""
    qs = list(qubits)
    return MappingError(
        f"operation {index} ({name} on qubits {qs}) acts on {len(qs)} qubits, but physical "
        f"qubits {a} and {b} are not coupled when it is reached: routers only bring two "
        "qubits together. Unroll gates on 3 or more qubits into 1- and 2-qubit gates first "
        "(an unroller pass before the router)"
    )


def check_reachable(
    gates: Iterable[tuple[int, str, tuple[int, ...]]],
    layout: list[int],
    coupling: Coupling,
    backend: str,
) -> None:
    """Raise for the first gate whose qubits lie in different components of the coupling.

    Swaps move a qubit's content along couplings only, so it never leaves its connected
    component: such a gate can never be routed, whatever the search does.

    Args:
        gates: ``(operation index, name, wires)`` of the multi-qubit gates, in order.
        layout: wire -> physical qubit at the start.
        coupling: the device.
        backend: its name, for the message.
    """
    if coupling.num_components < 2:
        return
    component = coupling.component
    for index, name, wires in gates:
        phys = [layout[w] for w in wires]
        first = component[phys[0]]
        for p in phys[1:]:
            if component[p] != first:
                raise MappingError(
                    f"operation {index} ({name} on qubits {list(wires)}) needs physical "
                    f"qubits {phys[0]} and {p} together, but they are in different connected "
                    f"components of the coupling graph of backend '{backend}': no swaps can "
                    "reach across. Place the circuit so that interacting qubits share a "
                    "component (e.g. with placers:sabre), or use a connected device"
                )
