"""Run a compiled program, branching on mid-circuit measurements and resets.

Each branch carries a state, the classical bits written so far and a weight: a number of
shots when sampling (split between outcomes binomially) or a probability when computing
exact distributions. Branches are explored depth first, so at most one extra state per
pending branch point is alive at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from qloom.errors import QloomError
from qloom_sim_numpy.fusion import Block
from qloom_sim_numpy.memory import available_bytes, gib
from qloom_sim_numpy.program import Gates, Measure, Program, Reset
from qloom_sim_numpy.state import StateVector

__all__ = ["apply_blocks", "explore"]

W = TypeVar("W", int, float)

Split = Callable[[float, W], tuple[W, W]]
"""``split(p1, weight) -> (weight of outcome 0, weight of outcome 1)``."""

Leaf = Callable[[StateVector, int, W], None]
"""``leaf(final state, clbits mask, weight)``, called once per finished branch."""


def apply_blocks(state: StateVector, blocks: Sequence[Block]) -> None:
    """Apply fused blocks in order."""
    for block in blocks:
        if block.diagonal:
            state.apply_diagonal(block.matrix, block.wires)
        else:
            state.apply_dense(block.matrix, block.wires)


def explore(
    program: Program, state: StateVector, weight: W, split: Split[W], leaf: Leaf[W]
) -> None:
    """Run ``program`` from ``state``, calling ``leaf`` for every branch that gets weight.

    Raises:
        QloomError: a branch needs another copy of the state and memory would run out.
    """
    stack: list[tuple[int, StateVector, int, W]] = [(0, state, 0, weight)]
    steps = program.steps
    while stack:
        pc, current, clbits, w = stack.pop()
        while pc < len(steps):
            step = steps[pc]
            pc += 1
            if step.condition is not None and not step.condition.holds(clbits):
                continue
            if isinstance(step, Gates):
                apply_blocks(current, step.blocks)
                continue
            p1 = current.probability_one(step.wire)
            w0, w1 = split(p1, w)
            bit = 1 << step.clbit if isinstance(step, Measure) else 0
            reset = isinstance(step, Reset)
            if w0 and w1:
                other = _copy(current)
                other.collapse(step.wire, 1, p1, reset=reset)
                stack.append((pc, other, clbits | bit, w1))
            if w0:
                current.collapse(step.wire, 0, 1 - p1)
                clbits &= ~bit
                w = w0
            else:
                current.collapse(step.wire, 1, p1, reset=reset)
                clbits |= bit
                w = w1
        current.release()
        leaf(current, clbits, w)


def _copy(state: StateVector) -> StateVector:
    free = available_bytes()
    need = state.data.nbytes * 2
    if free is not None and need > free:
        raise QloomError(
            f"branching on a mid-circuit measurement or reset of a {state.num_qubits}-qubit "
            f"state needs another {gib(need)}; only {gib(free)} of memory is available"
        )
    return state.copy()
