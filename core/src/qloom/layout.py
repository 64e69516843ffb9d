"""``Layout``: where each logical qubit starts and ends on the physical qubits.

A transpiled circuit acts on ``num_physical`` qubits. Logical qubit ``l`` starts on physical
``initial[l]``; the routing permutation sends the content of physical ``p`` at the start to
physical ``routing[p]`` at the end, so logical ``l`` ends on ``final[l]``. Physical qubits
outside ``initial`` are ancillas and start in |0>.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from qloom.errors import CircuitError

__all__ = ["Layout"]


@dataclass(frozen=True)
class Layout:
    """Initial placement and final permutation of a transpiled circuit.

    Attributes:
        initial: ``initial[l]`` is the physical qubit logical ``l`` starts on.
        routing: a permutation of ``range(num_physical)``: physical ``p``'s content at the
            start is on ``routing[p]`` at the end (identity when nothing was routed).
    """

    initial: tuple[int, ...]
    routing: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        initial = tuple(int(p) for p in self.initial)
        routing = tuple(int(p) for p in self.routing)
        if not routing:
            routing = tuple(range(max(initial, default=-1) + 1))
        n = len(routing)
        if sorted(routing) != list(range(n)):
            raise CircuitError(f"routing {list(routing)} is not a permutation of range({n})")
        if len(set(initial)) != len(initial) or any(not 0 <= p < n for p in initial):
            raise CircuitError(
                f"initial layout {list(initial)} must map to distinct qubits below {n}"
            )
        object.__setattr__(self, "initial", initial)
        object.__setattr__(self, "routing", routing)

    @classmethod
    def trivial(cls, num_logical: int, num_physical: int | None = None) -> Layout:
        """Logical ``i`` on physical ``i``, nothing routed."""
        n = num_logical if num_physical is None else num_physical
        return cls(tuple(range(num_logical)), tuple(range(n)))

    @property
    def num_logical(self) -> int:
        """Number of logical qubits of the original circuit."""
        return len(self.initial)

    @property
    def num_physical(self) -> int:
        """Number of qubits of the transpiled circuit."""
        return len(self.routing)

    @cached_property
    def final(self) -> tuple[int, ...]:
        """``final[l]`` is the physical qubit holding logical ``l`` at the end (computed once:
        the layout is immutable)."""
        return tuple(self.routing[p] for p in self.initial)

    @property
    def ancillas(self) -> tuple[int, ...]:
        """Physical qubits that hold no logical qubit at the start."""
        used = set(self.initial)
        return tuple(p for p in range(self.num_physical) if p not in used)

    def is_trivial(self) -> bool:
        """True when nothing moved: logical ``i`` starts and ends on physical ``i``."""
        return self.initial == tuple(range(self.num_logical)) and self.routing == tuple(
            range(self.num_physical)
        )

    def then(self, later: Layout) -> Layout:
        """The layout of running this transpilation, then ``later`` on its output.

        ``later`` treats this layout's physical qubits as its logical qubits.
        """
        if later.num_logical != self.num_physical:
            raise CircuitError(
                f"cannot compose: later layout has {later.num_logical} logical qubits, "
                f"this one has {self.num_physical} physical qubits"
            )
        initial = tuple(later.initial[p] for p in self.initial)
        routing = list(later.routing)
        later_initial, later_final = later.initial, later.final
        for wire, moved_to in enumerate(self.routing):
            routing[later_initial[wire]] = later_final[moved_to]
        return Layout(initial, tuple(routing))

    def with_routing(self, permutation: Sequence[int]) -> Layout:
        """This layout followed by a further permutation of the physical qubits."""
        return Layout(self.initial, tuple(permutation[p] for p in self.routing))

    def logical_bits(self, physical_bits: str) -> str:
        """Read logical qubits' outcomes from a bitstring over all physical qubits.

        Bitstrings put qubit 0 rightmost (the convention of ``Result.counts``).
        """
        n = self.num_physical
        if len(physical_bits) != n:
            raise CircuitError(f"expected {n} physical bits, got '{physical_bits}'")
        return "".join(physical_bits[n - 1 - p] for p in reversed(self.final))

    def logical_counts(self, physical_counts: Mapping[str, int]) -> dict[str, int]:
        """Counts over physical qubits, re-keyed by logical qubits (merging equal keys)."""
        out: dict[str, int] = {}
        for bits, count in physical_counts.items():
            key = self.logical_bits(bits)
            out[key] = out.get(key, 0) + count
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for shipping to workers and storing results."""
        return {"initial": list(self.initial), "routing": list(self.routing)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Layout:
        """Inverse of ``to_dict``."""
        return cls(tuple(data["initial"]), tuple(data["routing"]))
