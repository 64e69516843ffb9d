"""How a gate acts on each of its qubits, for routing gates that commute in any order.

A gate that is diagonal in the Z basis on a qubit (``rz``, a control, either qubit of ``cz``
or ``cp``) "acts as Z" there; one that is diagonal in the X basis (``x``, ``sx``, the target
of ``cx``) "acts as X". Two gates commute when, on every qubit they share, they act alike
(both Z or both X): each is then a sum of terms diagonal in the same basis on the shared
qubits, times operators on qubits the other does not touch. So CNOTs with a shared control
commute, CNOTs with a shared target commute, and all diagonal gates commute with each
other; a router may execute such gates in whichever order needs the fewest swaps.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ACTS_AS_X", "ACTS_AS_Z", "TRANSPARENT", "acts_on_wires"]

ACTS_AS_Z = 1
"""Diagonal in the computational basis on that qubit."""
ACTS_AS_X = 2
"""Diagonal in the X basis on that qubit."""
TRANSPARENT = 3
"""The identity on that qubit (``id``): commutes with everything."""
_OTHER = 0

_Z, _X = ACTS_AS_Z, ACTS_AS_X

_ONE_QUBIT: dict[str, int] = {
    **dict.fromkeys(("rz", "z", "s", "sdg", "t", "tdg", "p", "u1"), _Z),
    **dict.fromkeys(("x", "sx", "sxdg", "rx"), _X),
    **dict.fromkeys(("id", "u0"), TRANSPARENT),
}

_MULTI_QUBIT: dict[str, tuple[int, ...]] = {
    "cx": (_Z, _X),
    "CX": (_Z, _X),
    "csx": (_Z, _X),
    "crx": (_Z, _X),
    "rzx": (_Z, _X),
    "cz": (_Z, _Z),
    "cp": (_Z, _Z),
    "cu1": (_Z, _Z),
    "crz": (_Z, _Z),
    "rzz": (_Z, _Z),
    "rxx": (_X, _X),
    "cy": (_Z, _OTHER),
    "ch": (_Z, _OTHER),
    "cry": (_Z, _OTHER),
    "cu3": (_Z, _OTHER),
    "cu": (_Z, _OTHER),
    "ccx": (_Z, _Z, _X),
    "c3x": (_Z, _Z, _Z, _X),
    "c3sqrtx": (_Z, _Z, _Z, _X),
    "c4x": (_Z, _Z, _Z, _Z, _X),
    "cswap": (_Z, _OTHER, _OTHER),
}


def acts_on_wires(name: str, qubits: Sequence[int], conditioned: bool) -> tuple[int, ...]:
    """How operation ``name`` acts on each of its ``qubits``: ``ACTS_AS_Z``,
    ``ACTS_AS_X``, ``TRANSPARENT`` or 0 (neither: it commutes with nothing there).

    Conditioned operations and anything unknown (barriers, measurements, resets, ``swap``,
    ``unitary``) act as 0 on every qubit, so they keep their place.
    """
    width = len(qubits)
    if conditioned:
        return (_OTHER,) * width
    if width == 1:
        return (_ONE_QUBIT.get(name, _OTHER),)
    actions = _MULTI_QUBIT.get(name)
    if actions is None or len(actions) != width:
        return (_OTHER,) * width
    return actions
