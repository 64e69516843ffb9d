"""``optimizers:optimize``: the optimisation passes, repeated until the circuit stops shrinking."""

from __future__ import annotations

from qloom import Circuit, Pass, PassContext
from qloom_optimizers.cancellation import LOOKBACK, cancel_gates
from qloom_optimizers.consolidation import consolidate_blocks
from qloom_optimizers.fusion import fuse_single_qubit_runs
from qloom_optimizers.removal import remove_identities

__all__ = ["Optimize"]


class Optimize(Pass):
    """``optimizers:optimize``: identities out, one-qubit fusion, cancellation and (with
    ``resynthesize=True``) two-qubit block resynthesis, repeated while the circuit gets
    smaller (fewer two-qubit gates, then fewer gates), at most ``max_iterations`` times. A
    round that saves under 0.2% of the two-qubit gates and 5% of the gates is the last, and
    so is a round after the first that saves no two-qubit gate: on the shared benchmarks
    the round after such a round never saved a two-qubit gate (at most 11 one-qubit gates),
    and it costs a whole round (see docs/performance.md, issue 17)."""

    kind = "optimizers"
    name = "optimize"

    def __init__(
        self, *, resynthesize: bool = False, max_iterations: int = 10, lookback: int = LOOKBACK
    ) -> None:
        super().__init__(
            resynthesize=resynthesize, max_iterations=max_iterations, lookback=lookback
        )
        self.resynthesize = resynthesize
        self.max_iterations = max_iterations
        self.lookback = lookback

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        natives = context.backend.natives
        best = circuit
        for round_ in range(self.max_iterations):
            current = remove_identities(best)
            current = fuse_single_qubit_runs(current, natives)
            current = cancel_gates(current, self.lookback)
            if self.resynthesize:
                current = consolidate_blocks(current, context.backend)
            current = fuse_single_qubit_runs(current, natives)
            before, after = _size(best), _size(current)
            if after >= before:
                break
            best = current
            if after[0] > 0.998 * before[0] and after[1] > 0.95 * before[1]:
                break  # under 0.2% fewer two-qubit gates and 5% fewer gates: settled
            if round_ > 0 and after[0] == before[0]:
                break  # only one-qubit gates went: what the first round exposed is done
        return best


def _size(circuit: Circuit) -> tuple[int, int]:
    return circuit.count_2q(), len(circuit)
