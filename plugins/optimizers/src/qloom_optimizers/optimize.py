"""``optimizers:optimize``: the optimisation passes, repeated until the circuit stops shrinking."""

from __future__ import annotations

from qloom import Circuit, Pass, PassContext
from qloom.options import check_approximation_degree
from qloom_optimizers.identity_equivalence import (
    EXACT_CUTOFF,
    cutoff,
    degree_in,
    record_removals,
)
from qloom_optimizers.kernel import ArrayCircuit
from qloom_optimizers.rules import LOOKBACK

__all__ = ["Optimize"]


class Optimize(Pass):
    """``optimizers:optimize``: identities out, one-qubit fusion, cancellation and (with
    ``resynthesize=True``) two-qubit block resynthesis, repeated while the circuit gets
    smaller (fewer two-qubit gates, then fewer gates), at most ``max_iterations`` times. A
    round that saves under 0.2% of the two-qubit gates and 5% of the gates is the last, and
    so is a round after the first that saves no two-qubit gate: on the shared benchmarks
    the round after such a round never saved a two-qubit gate (at most 11 one-qubit gates),
    and it costs a whole round (see docs/performance.md, issue 17).

    The circuit goes into the optimizer kernel's array form once and comes back once; the
    block resynthesis runs on that form too (the kernel asks Python to decide each distinct
    block).

    Identities go as in ``optimizers:remove_identities``, within the same
    ``approximation_degree`` (its own option, else the transpilation's, else exact), and are
    tallied the same way in ``context.properties["removed_identities"]`` (a round that is
    undone is not tallied); with ``resynthesize`` and a degree below 1, so do two-qubit blocks
    whose product is within it, however many gates they hold."""

    kind = "optimizers"
    name = "optimize"

    def __init__(
        self,
        *,
        resynthesize: bool = False,
        max_iterations: int = 10,
        lookback: int = LOOKBACK,
        approximation_degree: float | None = None,
    ) -> None:
        # given only when set, so the specs of existing pipelines stay as they were
        extra = {"approximation_degree": approximation_degree}
        if approximation_degree is None:
            extra = {}
        super().__init__(
            resynthesize=resynthesize, max_iterations=max_iterations, lookback=lookback, **extra
        )
        self.approximation_degree = check_approximation_degree(approximation_degree)
        self.resynthesize = resynthesize
        self.max_iterations = max_iterations
        self.lookback = lookback

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        degree = degree_in(self.approximation_degree, context.approximation_degree)
        limit = cutoff(degree)
        form = ArrayCircuit(circuit, context.backend.natives, limit)
        # Blocks equal to the identity go whole only when approximating: at double precision
        # their synthesis already has no two-qubit gate (and the outputs stay as they were).
        blocks = self.resynthesize and limit > EXACT_CUTOFF
        removed = []
        for round_ in range(self.max_iterations):
            before = form.size()
            form.save()
            removed_now = form.remove_identities()
            form.fuse()
            form.cancel(self.lookback)
            if self.resynthesize:
                form.consolidate(context.backend, identity_blocks=blocks)
            form.fuse()
            after = form.size()
            if after >= before:
                form.restore()
                break
            removed += removed_now
            if after[0] > 0.998 * before[0] and after[1] > 0.95 * before[1]:
                break  # under 0.2% fewer two-qubit gates and 5% fewer gates: settled
            if round_ > 0 and after[0] == before[0]:
                break  # only one-qubit gates went: what the first round exposed is done
        if blocks:
            removed += form.remove_identities()  # blocks found equal to the identity last
        if removed:
            record_removals(context.properties, removed)
        return form.to_circuit()
