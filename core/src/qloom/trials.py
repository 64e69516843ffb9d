"""``Trials``: run a stretch of a pipeline several times with different seeds, keep the best.

Placement and routing are seeded searches, and which of their many near-equal answers ends
with the fewest two-qubit gates shows only once the circuit is translated and optimised. So
a pipeline can wrap those passes in an inline entry with ``"trials": K``::

    {"name": "search", "trials": 4, "passes": ["placers:sabre", "routers:sabre", ...]}

Each trial runs the passes from the same circuit and context, trial ``k`` with the seed
``derive_seed(seed, "trial", k)`` (trial 0 with the entry's own seed); the output with the
fewest two-qubit gates, then the lowest two-qubit depth, then the fewest operations wins,
ties to the earlier trial. On a backend with a calibration the estimated success
probability (``qloom.success.estimated_success``) decides first. The trials run one after
another, so the same seed gives the same output on any executor. ``pass_started`` is
called as every trial's passes start (progress, and a task's stop and time-limit checks);
``pass_finished`` (reports, swap counts) only for the kept trial's passes, replayed with
their ``pass_started`` as if it had been the only trial;
``context.properties["trials:<name>"]`` says what every trial gave.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qloom.errors import ConfigError
from qloom.hooks import hooks
from qloom.passes import PassContext, PassEvent, derive_seed
from qloom.pipeline import PartSource, Pipeline, PipelineResolver
from qloom.success import estimated_success

if TYPE_CHECKING:
    from qloom.circuit import Circuit
    from qloom.layout import Layout

__all__ = ["MAX_TRIALS", "Trials", "copy_properties"]

MAX_TRIALS = 64
"""Most trials one entry may ask for: each is a whole run of its passes."""


class _State:
    """The parts of a ``PassContext`` that passes change, kept apart from it (a plain class:
    ``import qloom`` imports this module, and a dataclass costs a millisecond to define)."""

    __slots__ = ("finishers", "layout", "placement", "properties")

    def __init__(
        self,
        layout: Layout | None,
        placement: str | None,
        properties: dict[str, Any],
        finishers: list[Any],
    ) -> None:
        self.layout, self.placement = layout, placement
        self.properties, self.finishers = properties, finishers

    @classmethod
    def of(cls, context: PassContext) -> _State:
        return cls(
            context.layout,
            context.placement,
            copy_properties(context.properties),
            list(context.finishers),
        )

    def restore(self, context: PassContext) -> None:
        """Put a copy of this state into ``context`` (the state itself stays as it is)."""
        context.layout, context.placement = self.layout, self.placement
        context.properties = copy_properties(self.properties)
        context.finishers = list(self.finishers)


def copy_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """A copy passes can change freely; the pass timings list is copied, not deep-copied."""
    times = properties.get("pass_times", [])
    out = copy.deepcopy({k: v for k, v in properties.items() if k != "pass_times"})
    out["pass_times"] = list(times)
    return out


class Trials(Pipeline):
    """Passes run ``trials`` times with different seeds; the best output is kept.

    Args:
        passes: the passes of one trial, in order.
        trials: how many trials (1 to ``MAX_TRIALS``).
        name: the entry's name (in reports and ``properties``).
        description: one line on what it is for.
    """

    inline_key = "trials"

    def __init__(
        self,
        passes: Any = (),
        trials: int = 1,
        name: str = "trials",
        description: str = "",
    ) -> None:
        super().__init__(passes, name, description)
        if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
            raise ConfigError(
                f"pipeline '{name}': trials must be an integer from 1 to {MAX_TRIALS}, "
                f"got {trials!r}"
            )
        self.trials = trials

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        """Run every trial, keep the best, then report its passes to the hooks."""
        outer_trace, root_seed = context.trace, context.seed
        start = _State.of(context)
        outermost = context.pipeline is None
        if outermost:
            context.pipeline = self.name
        best: tuple[tuple[float, ...], int, Circuit, _State, list[PassEvent]] | None = None
        scores: list[list[float]] = []
        try:
            for trial in range(self.trials):
                start.restore(context)
                context.seed = root_seed if trial == 0 else derive_seed(root_seed, "trial", trial)
                events: list[PassEvent] = []
                context.trace = events
                out = super().run(circuit, context)
                score = _score(out, context)
                scores.append(list(score))
                if best is None or score < best[0]:
                    best = (score, trial, out, _State.of(context), events)
        finally:
            context.trace, context.seed = outer_trace, root_seed
            if outermost:
                context.pipeline = None
        assert best is not None
        _, chosen, out, state, events = best
        state.restore(context)
        context.properties[f"trials:{self.name}"] = {"chosen": chosen, "scores": scores}
        outer = context.pipeline
        context.pipeline = self.name  # the passes ran inside this entry: reports say so
        try:
            _replay(events, context)
        finally:
            context.pipeline = outer
        if outermost:
            out = self._finish(out, context)
        return out

    def spec(self) -> dict[str, Any]:
        out = super().spec()
        out["trials"] = self.trials
        return out

    to_spec = spec

    @classmethod
    def from_spec(
        cls,
        spec: Mapping[str, Any],
        registry: PartSource | None = None,
        resolver: PipelineResolver | None = None,
    ) -> Trials:
        """Build from ``{"name": ..., "trials": K, "passes": [...]}`` (see the module)."""
        inner = Pipeline.from_spec(spec, registry, resolver)
        return cls(
            inner.passes,
            spec.get("trials", 1),
            inner.name,
            inner.description,
        )

    def __repr__(self) -> str:
        return f"<Trials '{self.name}' x{self.trials}: {' -> '.join(p.label for p in self.passes)}>"


def _score(circuit: Circuit, context: PassContext) -> tuple[float, ...]:
    """Lower is better: on a calibrated backend the estimated success probability first
    (as ``-log``), then two-qubit gates, two-qubit depth, operations."""
    counts = (
        float(circuit.count_2q()),
        float(circuit.depth(two_qubit_only=True)),
        float(len(circuit)),
    )
    backend = context.backend
    if not backend.calibration:
        return counts
    virtual = backend.properties.get("virtual_gates", ())
    success = estimated_success(circuit, backend.calibration, virtual)
    return (-success.log_probability, *counts)


def _replay(events: list[PassEvent], context: PassContext) -> None:
    """Tell the hooks about the kept trial's passes, in order, as if they ran now."""
    if context.trace is not None:  # trials inside trials: the outer one replays
        context.trace.extend(events)
        return
    caller = hooks()
    for event in events:
        caller.pass_started(event.label, event.stage, event.before, context)
        caller.pass_finished(event.label, event.stage, event.after, context, event.wall, event.cpu)
