"""Per-pass transpilation reports: time, size and SWAPs after every pass of a pipeline.

``transpile_with_report`` is ``qloom.transpile`` that also returns a ``TranspileReport``::

    circuit, report = transpile_with_report(circuit, on="emulator:line-32", seed=1)
    print(report.table())
    report.to_json()

How it records: ``Pipeline.run`` already calls the ``qloom_pass_started`` and
``qloom_pass_finished`` hooks around every leaf pass, with the circuit and the pass's
timings, so no hook point in ``run_pipeline`` is needed. ``recording()`` registers a
``PassRecorder`` with the hook manager for the duration of one transpilation and always
unregisters it. The hook manager is shared by the whole process, so a recorder receives
every thread's events; it keeps only those of the context that opened ``recording()`` (a
``ContextVar``, so another thread or asyncio task transpiling at the same time is ignored)
and, within it, only those of the first ``PassContext`` it sees (a pass that runs a whole
transpilation of its own inside does not add rows).

SWAPs: ``swaps`` is the number of ``swap`` gates in the circuit after the pass. Unrollers
later decompose them, so ``swaps_inserted`` is what each pass added: a router's own count
when it leaves one in ``context.properties[label]["swaps"]`` during the pass (``routers:sabre``
does), else how many more ``swap`` gates its output has than its input. The totals keep
``swaps_routed`` (the ``ROUTING`` passes' counts: what routing cost) apart from ``swaps_out``
(the ``swap`` gates left in the output, usually 0 once the basis translation decomposed
them). ``counting_routed_swaps()`` gives the routed count alone, without the per-pass
metrics, for callers that want only that number (``qloom transpile``, ``qloom compile``).

Finishers registered with ``PassContext.at_end`` (padding ``after`` widening the circuit back
to the device) run after the last pass without hooks; the report's ``output`` row is
therefore taken from the transpiled circuit itself, and ``table()`` shows it when it differs
from the last pass's row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from qloom.hookspecs import hookimpl
from qloom.passes import STAGES
from qloom.success import SuccessEstimate
from qloom.watching import TranspilationWatcher, watching

if TYPE_CHECKING:
    import pluggy

    from qloom.api import TranspileOutcome
    from qloom.backend import Backend
    from qloom.circuit import Circuit
    from qloom.config import PipelineLike
    from qloom.passes import PassContext

__all__ = [
    "METRICS",
    "PassRecord",
    "PassRecorder",
    "RoutedSwapCounter",
    "TranspileReport",
    "counting_routed_swaps",
    "recording",
    "routed_swaps_line",
    "transpile_with_report",
]

METRICS: tuple[str, ...] = ("qubits", "ops", "n2q", "depth", "depth2q", "swaps")
"""The keys of ``Circuit.metrics()``, in the order reports show them."""

ROUTING = STAGES["routers"]
"""The stage whose inserted SWAPs are the routing cost (``swaps_routed``)."""

_HEADINGS = {
    "qubits": "QUBITS",
    "ops": "OPS",
    "n2q": "2Q",
    "depth": "DEPTH",
    "depth2q": "2Q DEPTH",
    "swaps": "SWAPS",
}


@dataclass(frozen=True)
class PassRecord:
    """One leaf pass as it ran: what it was, how long it took, the circuit it left.

    Attributes:
        index: 1-based position among the leaf passes that ran.
        label: the pass as ``kind:name``.
        stage: its stage label (``ROUTING``, ...).
        pipeline: the innermost pipeline that ran it.
        wall: wall-clock seconds; cpu: CPU seconds of this process.
        qubits, ops, n2q, depth, depth2q, swaps: ``Circuit.metrics()`` of its output.
        swaps_inserted: SWAP gates the pass added (see the module docstring).
    """

    index: int
    label: str
    stage: str
    pipeline: str | None
    wall: float
    cpu: float
    qubits: int
    ops: int
    n2q: int
    depth: int
    depth2q: int
    swaps: int
    swaps_inserted: int

    @property
    def metrics(self) -> dict[str, int]:
        """The output's metrics, keyed as ``Circuit.metrics()``."""
        return {key: getattr(self, key) for key in METRICS}

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PassRecord:
        """Rebuild a record from ``to_dict`` output."""
        return cls(**{f.name: data[f.name] for f in fields(cls)})


class _PassWatcher(TranspilationWatcher):
    """Pass hooks of one transpilation: the SWAPs each leaf pass inserted.

    Only events of the context that opened the watch (see ``qloom.watching``) and, within it, of
    the first ``PassContext`` seen count.
    """

    def __init__(self) -> None:
        self._swaps_before = 0
        self._property_before: Any = None

    @hookimpl
    def qloom_pass_started(self, pass_label: str, circuit: Circuit, context: PassContext) -> None:
        """Note what the pass starts from: its input's SWAPs, any count it left before."""
        if not self.mine(context):
            return
        self._swaps_before = _count_swaps(circuit)
        self._property_before = context.properties.get(pass_label)

    def _inserted(
        self, pass_label: str, stage: str, swaps_after: int, context: PassContext
    ) -> int:
        """SWAPs the pass added: a router's own count if it left one, else the gate delta."""
        reported = context.properties.get(pass_label)
        if (
            stage == ROUTING
            and reported is not self._property_before
            and isinstance(reported, Mapping)
            and isinstance(reported.get("swaps"), int)
        ):
            return int(reported["swaps"])
        return max(0, swaps_after - self._swaps_before)


class RoutedSwapCounter(_PassWatcher):
    """Sums the SWAPs the ``ROUTING`` passes inserted; see ``counting_routed_swaps()``.

    Attributes:
        swaps: the total so far.
    """

    def __init__(self) -> None:
        super().__init__()
        self.swaps = 0

    @hookimpl
    def qloom_pass_finished(
        self, pass_label: str, stage: str, circuit: Circuit, context: PassContext
    ) -> None:
        """Add a routing pass's SWAPs."""
        if stage == ROUTING and self.mine(context):
            self.swaps += self._inserted(pass_label, stage, _count_swaps(circuit), context)


class PassRecorder(_PassWatcher):
    """Collects a ``PassRecord`` per leaf pass from the pass hooks; see ``recording()``."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[PassRecord] = []

    @hookimpl
    def qloom_pass_finished(
        self,
        pass_label: str,
        stage: str,
        circuit: Circuit,
        context: PassContext,
        wall_time: float,
        cpu_time: float,
    ) -> None:
        """Record the pass's timings and its output's metrics."""
        if not self.mine(context):
            return
        metrics = circuit.metrics()
        inserted = self._inserted(pass_label, stage, metrics["swaps"], context)
        self.records.append(
            PassRecord(
                index=len(self.records) + 1,
                label=pass_label,
                stage=stage,
                pipeline=context.pipeline,
                wall=wall_time,
                cpu=cpu_time,
                swaps_inserted=inserted,
                **metrics,
            )
        )


def _count_swaps(circuit: Circuit) -> int:
    return sum(1 for op in circuit if op.name == "swap")


@contextmanager
def recording(manager: pluggy.PluginManager | None = None) -> Iterator[PassRecorder]:
    """Record every pass run in this thread (or task) inside the ``with`` block.

    Args:
        manager: the hook manager to listen on; defaults to the current registry's.

    Yields:
        The recorder; its ``records`` fill in as passes finish.
    """
    recorder = PassRecorder()
    with watching(recorder, manager):
        yield recorder


@contextmanager
def counting_routed_swaps(
    manager: pluggy.PluginManager | None = None,
) -> Iterator[RoutedSwapCounter]:
    """Count the SWAPs routing inserts in this thread (or task) inside the ``with`` block.

    Cheaper than ``recording()`` (no per-pass metrics); the basis translation decomposing
    the SWAPs afterwards does not lower the count.

    Args:
        manager: the hook manager to listen on; defaults to the current registry's.

    Yields:
        The counter; its ``swaps`` grows as routing passes finish.
    """
    counter = RoutedSwapCounter()
    with watching(counter, manager):
        yield counter


@dataclass
class TranspileReport:
    """What each pass of one transpilation did.

    Attributes:
        backend: the backend's name.
        pipeline: the pipeline's name.
        seed: the root seed used.
        input: ``Circuit.metrics()`` of the circuit given.
        records: one ``PassRecord`` per leaf pass, in the order they ran.
        output: ``Circuit.metrics()`` of the transpiled circuit (after any finishers).
        removed_identities: what removing gates equal to the identity cost, as the passes
            left it in ``context.properties["removed_identities"]`` (``gates``, the
            ``infidelity`` sum, the operator-norm ``distance`` sum and ``infidelity_bound``:
            no input's fidelity to the exact result is below ``1 - infidelity_bound``);
            empty when no pass removed any.
        success: the output's estimated success probability on a calibrated backend
            (``SuccessEstimate.to_dict()``, see ``qloom.success``), else ``None``.
        provenance: the transpilation's provenance record (``qloom.provenance``), which
            ``qloom replay`` reruns from the report's JSON.
    """

    backend: str
    pipeline: str
    seed: int
    input: dict[str, int]
    records: list[PassRecord] = field(default_factory=list)
    output: dict[str, int] = field(default_factory=dict)
    removed_identities: dict[str, float] = field(default_factory=dict)
    success: dict[str, Any] | None = None
    provenance: dict[str, Any] | None = None

    @classmethod
    def from_outcome(
        cls, circuit: Circuit, outcome: TranspileOutcome, records: list[PassRecord]
    ) -> TranspileReport:
        """The report of ``outcome``, the transpilation of ``circuit`` that ran ``records``."""
        from qloom.api import ESP

        success = outcome.properties.get(ESP)
        return cls(
            backend=outcome.backend,
            pipeline=str(outcome.pipeline.get("name", "custom")),
            seed=outcome.seed,
            input=circuit.metrics(),
            records=list(records),
            output=outcome.circuit.metrics(),
            removed_identities=dict(outcome.properties.get("removed_identities", {})),
            success=None if success is None else dict(success),
            provenance=outcome.provenance or None,
        )

    @property
    def totals(self) -> dict[str, float | int]:
        """Wall and CPU seconds of all passes; the SWAPs they inserted (``swaps_inserted``),
        those the ``ROUTING`` passes inserted (``swaps_routed``) and the ``swap`` gates left
        in the output (``swaps_out``)."""
        return {
            "wall": sum(r.wall for r in self.records),
            "cpu": sum(r.cpu for r in self.records),
            "swaps_inserted": sum(r.swaps_inserted for r in self.records),
            "swaps_routed": sum(r.swaps_inserted for r in self.records if r.stage == ROUTING),
            "swaps_out": int(self.output.get("swaps", 0)),
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data: backend, pipeline, seed, input, passes, output, totals,
        removed_identities, ``estimated_success`` when the backend has a calibration, and
        ``provenance`` when the report has a record."""
        data = {
            "backend": self.backend,
            "pipeline": self.pipeline,
            "seed": self.seed,
            "input": dict(self.input),
            "passes": [r.to_dict() for r in self.records],
            "output": dict(self.output),
            "totals": self.totals,
            "removed_identities": dict(self.removed_identities),
        }
        if self.success is not None:
            data["estimated_success"] = dict(self.success)
        if self.provenance is not None:
            data["provenance"] = self.provenance
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict()`` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TranspileReport:
        """Rebuild a report from ``to_dict`` output (``totals`` is recomputed)."""
        return cls(
            backend=str(data["backend"]),
            pipeline=str(data["pipeline"]),
            seed=int(data["seed"]),
            input=dict(data["input"]),
            records=[PassRecord.from_dict(r) for r in data["passes"]],
            output=dict(data["output"]),
            removed_identities=dict(data.get("removed_identities", {})),
            success=data.get("estimated_success"),
            provenance=data.get("provenance"),
        )

    @classmethod
    def from_json(cls, text: str) -> TranspileReport:
        """Rebuild a report from ``to_json`` output."""
        return cls.from_dict(json.loads(text))

    def table(self) -> str:
        """The report as an aligned text table: input, one row per pass, output, total; then
        a line on the gates removed as equal to the identity, when any were, and the
        estimated success probability when there is one."""
        header = ["#", "PASS", "STAGE", "WALL ms", "CPU ms", *_HEADINGS.values(), "+SWAPS"]
        rows: list[list[str]] = [_row("", "input", "", None, None, self.input, None)]
        for r in self.records:
            label = r.label if r.pipeline in (None, self.pipeline) else f"{r.label} ({r.pipeline})"
            rows.append(
                _row(str(r.index), label, r.stage, r.wall, r.cpu, r.metrics, r.swaps_inserted)
            )
        last = self.records[-1].metrics if self.records else self.input
        if self.output != last:
            rows.append(_row("", "output (after finishers)", "", None, None, self.output, None))
        totals = self.totals
        rows.append(
            _row(
                "",
                "total",
                "",
                float(totals["wall"]),
                float(totals["cpu"]),
                None,
                int(totals["swaps_inserted"]),
            )
        )
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
        left = {1, 2}
        lines = []
        for row in (header, *rows):
            cells = [
                cell.ljust(w) if i in left else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
        removed = self.removed_identities
        if removed.get("gates"):
            lines.append(
                f"gates equal to the identity removed: {int(removed['gates'])} (sum of average "
                f"gate infidelities {removed['infidelity']:.3g}; every input's fidelity >= "
                f"1 - {removed['infidelity_bound']:.3g})"
            )
        if self.success is not None:
            lines.append(SuccessEstimate(**self.success).summary())
        return "\n".join(lines)


def routed_swaps_line(routed: int, left: int) -> str:
    """The one-line SWAP summary ``qloom transpile`` prints under its before/after table."""
    return f"SWAPs inserted by routing: {routed}; swap gates in the output: {left}"


def _row(
    index: str,
    label: str,
    stage: str,
    wall: float | None,
    cpu: float | None,
    metrics: Mapping[str, int] | None,
    inserted: int | None,
) -> list[str]:
    def ms(seconds: float | None) -> str:
        return "" if seconds is None else f"{seconds * 1000:.1f}"

    values = [str(metrics[key]) if metrics else "" for key in METRICS]
    return [
        index,
        label,
        stage,
        ms(wall),
        ms(cpu),
        *values,
        "" if inserted is None else str(inserted),
    ]


def transpile_with_report(
    circuit: Circuit,
    on: str | Backend | None = None,
    transpiler: PipelineLike | None = None,
    seed: int | None = None,
    padding: str | None = None,
    approximation_degree: float | None = None,
    **backend_options: Any,
) -> tuple[Circuit, TranspileReport]:
    """``qloom.transpile`` that also reports what every pass did.

    Arguments are those of ``qloom.transpile``.

    Returns:
        The transpiled circuit (with ``.layout``) and its ``TranspileReport``.

    Raises:
        PassError, BackendViolation: as ``qloom.transpile``.
    """
    from qloom.api import transpile_outcome

    with recording() as recorder:
        outcome = transpile_outcome(
            circuit, on, transpiler, seed, padding, approximation_degree, **backend_options
        )
    return outcome.circuit, TranspileReport.from_outcome(circuit, outcome, recorder.records)
