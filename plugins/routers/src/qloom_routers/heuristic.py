"""``Heuristic``: the knobs of the SABRE swap search, shared by the router and the placer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from qloom import ConfigError

__all__ = ["Heuristic"]


@dataclass(frozen=True)
class Heuristic:
    """How SABRE scores a candidate swap.

    The score of a swap is the distance sum of the front layer after it, plus
    ``lookahead_weight`` times the weighted mean distance of the extended set (the next
    ``lookahead`` two-qubit gates, nearer layers weighing more), times the larger decay of
    the two swapped qubits. With ``swap_cost_weight`` above 0, ``swap_cost_weight`` times
    the entanglers the swap adds once 2q blocks are resynthesised is added before the decay:
    a swap right after a 2q block on the same pair (nothing else on either qubit in between)
    merges into that block, which needs at most 3 entanglers, so it adds 1 after a 1- or
    2-entangler block, none after a full one, and 3 otherwise (NASSC, Liu, Li & Zhou 2022).

    Attributes:
        lookahead: how many two-qubit gates past the front layer form the extended set
            (0 disables lookahead).
        lookahead_weight: weight of the extended set against the front layer.
        layer_weights: relative weights of extended-set gates by layer past the front (the
            gates freed by the front layer are layer 1, ...); the last weight holds for
            deeper layers. ``(1,)`` weighs them all alike, as the original SABRE does.
        decay: how much a swapped qubit's decay grows, so the search spreads its swaps
            over qubits that can act in parallel (0 disables decay).
        decay_reset: reset all decays after this many swaps (and whenever a gate executes).
        release: after this many swaps without executing a gate, route the closest front
            gate along a shortest path (the release valve); ``None`` means 10 x qubits.
        max_swaps: raise ``MappingError`` after this many swaps; ``None`` means a bound
            the release valve guarantees never to reach.
        swap_cost_weight: weight of a swap's entangler cost after resynthesis, in distance
            units per entangler (a swap moves a qubit one step for 3 entanglers, so 1/3
            weighs them alike); above 0 the best of several routings is also the one whose
            swaps add fewest entanglers, not the one with fewest swaps. 0 (the default)
            scores every swap alike, as SABRE does; it pays off only when an optimizer
            resynthesises 2q blocks after routing (``optimizers:optimize`` with
            ``resynthesize``).
    """

    lookahead: int = 20
    lookahead_weight: float = 0.5
    layer_weights: tuple[int, ...] = (3, 2, 1)
    decay: float = 0.001
    decay_reset: int = 5
    release: int | None = None
    max_swaps: int | None = None
    swap_cost_weight: float = 0.0

    def __post_init__(self) -> None:
        if (
            self.lookahead < 0
            or self.lookahead_weight < 0
            or self.decay < 0
            or not 0 <= self.swap_cost_weight < float("inf")
        ):
            raise ConfigError(
                "lookahead, lookahead_weight, decay and swap_cost_weight must not be negative"
            )
        weights = tuple(self.layer_weights)
        if not weights or any(int(w) != w or w < 1 for w in weights):
            raise ConfigError(f"layer_weights must be positive integers, got {weights}")
        object.__setattr__(self, "layer_weights", tuple(int(w) for w in weights))
        if self.decay_reset < 1:
            raise ConfigError(f"decay_reset must be at least 1, got {self.decay_reset}")
        if self.release is not None and self.release < 1:
            raise ConfigError(f"release must be at least 1, got {self.release}")
        if self.max_swaps is not None and self.max_swaps < 0:
            raise ConfigError(f"max_swaps must not be negative, got {self.max_swaps}")

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Heuristic:
        """The heuristic named by a pass's options (unknown keys are ignored here)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in options.items() if k in names})
