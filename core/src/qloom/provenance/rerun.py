"""``replay``: rerun a recorded transpilation with the installed plugins and compare bytes.

The pipeline is rebuilt from its recorded spec, the backend by name when its plugin is
installed and still matches the snapshot (else from the snapshot, saying what differs), the
input from the record (checked against its digest), and the transpilation reruns with the
recorded seed. The verdict is ``identical`` (same output digest), ``different``, or
``cannot replay`` (a part missing, the input altered, ...); installed versions that differ
from the record are named in every case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from qloom.api import run_pipeline
from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.circuit_data import circuit_from_data, circuit_to_data
from qloom.config import get_backend
from qloom.errors import QloomError
from qloom.executor import Executor
from qloom.pipeline import Pipeline
from qloom.plugins import get_registry
from qloom.provenance import record as _record
from qloom.provenance.load import (
    MAX_RECORD_BYTES,
    ProvenanceError,
    read_labelled,
    read_records,
)
from qloom.provenance.snapshot import (
    backend_from_snapshot,
    backend_snapshot,
    digest,
    snapshot_differences,
)

__all__ = [
    "BackendSource",
    "HasProvenance",
    "ReplayReport",
    "VersionDifference",
    "replay",
    "replay_all",
    "version_differences",
]

BackendSource = Literal["auto", "name", "snapshot"]
"""How ``replay`` rebuilds the backend: ``name`` from its installed plugin, ``snapshot``
from the record, ``auto`` by name when that matches the snapshot, else from the snapshot."""

IDENTICAL, DIFFERENT, CANNOT = "identical", "different", "cannot replay"
_EXIT = {IDENTICAL: 0, DIFFERENT: 1, CANNOT: 2}


@dataclass(frozen=True)
class VersionDifference:
    """A distribution whose installed version is not the recorded one."""

    distribution: str
    recorded: str
    installed: str | None

    def __str__(self) -> str:
        now = self.installed or "not installed"
        return f"{self.distribution}: recorded {self.recorded}, installed {now}"


@dataclass
class ReplayReport:
    """What a replay found.

    Attributes:
        status: ``identical``, ``different`` or ``cannot replay``.
        reason: one sentence saying why (what differs, what is missing).
        where: the record replayed (file, or file and entry).
        versions: plugin distributions (and the core) installed at another version.
        libraries: other libraries recorded (numpy, ...) installed at another version.
        backend_source: ``name`` or ``snapshot``: where the backend was rebuilt from.
        backend_differences: how the installed backend differs from the snapshot.
        recorded_output, replayed_output: the output digests (sha256).
        circuit: the replayed output, when the transpilation ran.
        provenance: the replay's own record, when the transpilation ran.
        worker: ``host:pid`` of the worker that replayed it on an executor, else ``None``.
    """

    status: str
    reason: str
    where: str = "record"
    versions: list[VersionDifference] = field(default_factory=list)
    libraries: list[VersionDifference] = field(default_factory=list)
    backend_source: str | None = None
    backend_differences: list[str] = field(default_factory=list)
    recorded_output: str | None = None
    replayed_output: str | None = None
    circuit: Circuit | None = None
    provenance: dict[str, Any] | None = None
    worker: str | None = None

    @property
    def identical(self) -> bool:
        """True when the replayed output is byte-identical to the recorded one."""
        return self.status == IDENTICAL

    @property
    def exit_code(self) -> int:
        """0 identical, 1 different, 2 cannot replay (what ``qloom replay`` exits with)."""
        return _EXIT[self.status]

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (without the circuit; with the replay's record)."""
        return {
            "where": self.where,
            "status": self.status,
            "reason": self.reason,
            "versions": [vars(v) for v in self.versions],
            "libraries": [vars(v) for v in self.libraries],
            "backend_source": self.backend_source,
            "backend_differences": list(self.backend_differences),
            "recorded_output": self.recorded_output,
            "replayed_output": self.replayed_output,
            "worker": self.worker,
            "provenance": self.provenance,
        }

    def text(self) -> str:
        """The report as a few lines for people."""
        lines = [f"{self.where}: {self.status}: {self.reason}"]
        if self.backend_source:
            lines.append(f"  backend rebuilt from its {self.backend_source}")
        if self.worker:
            lines.append(f"  replayed on worker {self.worker}")
        for line in self.backend_differences:
            lines.append(f"  backend differs from the snapshot: {line}")
        if self.versions:
            lines.append("  installed versions that differ from the record:")
            lines += [f"    {v}" for v in self.versions]
        if self.libraries:
            lines.append("  libraries that differ from the record:")
            lines += [f"    {v}" for v in self.libraries]
        return "\n".join(lines)


def version_differences(recorded: Mapping[str, str]) -> list[VersionDifference]:
    """Every distribution of ``recorded`` whose installed version is another (or none)."""
    out = []
    for distribution, version in sorted(recorded.items()):
        installed = _record.installed_version(distribution)
        if installed != version:
            out.append(VersionDifference(distribution, version, installed))
    return out


class HasProvenance(Protocol):
    """A transpiled ``Circuit``, a ``Result`` or a ``CompileResult``: anything with a record."""

    @property
    def provenance(self) -> Mapping[str, Any] | None: ...


def replay(
    record: str | Path | Mapping[str, Any] | HasProvenance,
    *,
    circuit: Circuit | None = None,
    backend: BackendSource = "auto",
    executor: str | Executor | None = None,
    max_bytes: int = MAX_RECORD_BYTES,
) -> ReplayReport:
    """Rerun the transpilation a provenance record describes and compare the outputs.

    Args:
        record: a record (``circuit.provenance``), a result holding one (a transpiled
            ``Circuit``, a ``Result``, a ``CompileResult``, or its JSON data), or a JSON file.
        circuit: the input circuit, for a record that holds only its digest (an input
            over ``MAX_INPUT_BYTES``); it must match that digest.
        backend: where the backend comes from (see ``BackendSource``).
        executor: ``None`` transpiles in this process; an executor name (``processes``,
            ``dask``, ...) or ``Executor`` transpiles through a ``Compiler`` on it, whose
            workers rebuild backend and pipeline from their own plugins (the backend must
            then be rebuilt by name).
        max_bytes: refuse record files larger than this.

    Returns:
        A ``ReplayReport``; ``report.identical`` says whether the bytes are the same.

    Raises:
        ProvenanceError: the record cannot be read (missing, too large, malformed), or the
            file holds several records (use ``replay_all``).
    """
    if not isinstance(record, (str, Path, Mapping)):
        held = record.provenance
        if held is None:
            raise ProvenanceError(f"{type(record).__name__} carries no provenance record")
        record = held
    records = read_records(record, max_bytes)
    if len(records) != 1:
        raise ProvenanceError(
            f"{record}: holds {len(records)} records; "
            "qloom.provenance.rerun.replay_all replays each"
        )
    where = "record" if isinstance(record, Mapping) else str(record)
    return _replay_one(records[0], where, circuit, backend, executor)


def replay_all(
    source: str | Path | Mapping[str, Any],
    *,
    backend: BackendSource = "auto",
    executor: str | Executor | None = None,
    max_bytes: int = MAX_RECORD_BYTES,
) -> list[ReplayReport]:
    """``replay`` every record of a file (``qloom compile``'s ``report.json`` holds many)."""
    return [
        _replay_one(found, where, None, backend, executor)
        for where, found in read_labelled(source, max_bytes)
    ]


def _replay_one(
    record: dict[str, Any],
    where: str,
    given: Circuit | None,
    source: BackendSource,
    executor: str | Executor | None,
) -> ReplayReport:
    report = ReplayReport(CANNOT, "", where, recorded_output=record["output"]["sha256"])
    report.versions = version_differences(record["distributions"])
    report.libraries = version_differences(dict(record.get("libraries") or {}))
    if record.get("replayable") is False:
        report.reason = f"the record says it cannot be replayed: {record.get('why_not', '?')}"
        return report
    circuit, problem = _input(record, given)
    if circuit is None:
        report.reason = problem
        return report
    try:
        pipeline = Pipeline.from_spec(record["pipeline"])
    except QloomError as exc:
        report.reason = f"the pipeline cannot be rebuilt: {exc}"
        return report
    snapshot = record["backend"]
    target, how, differences, problem = _backend(snapshot, source)
    report.backend_source, report.backend_differences = how, differences
    if target is None:
        report.reason = problem
        return report
    try:
        if executor is None:
            out = _run_here(circuit, target, pipeline, record)
        else:
            out, report.worker = _run_on(executor, circuit, how, record)
    except QloomError as exc:
        report.reason = f"the transpilation raised {type(exc).__name__}: {exc}"
        return report
    assert out.provenance is not None
    report.circuit, report.provenance = out, out.provenance
    recorded, now = record["output"], out.provenance["output"]
    report.replayed_output = now["sha256"]
    if now["sha256"] == recorded["sha256"]:
        report.status = IDENTICAL
        report.reason = f"the output's sha256 matches the record ({recorded['sha256'][:12]})"
        return report
    report.status = DIFFERENT
    report.reason = (
        f"the output differs: recorded sha256 {recorded['sha256'][:12]} "
        f"({_size(recorded)}), replayed {now['sha256'][:12]} ({_size(now)})"
    )
    if not (report.versions or report.libraries or differences):
        report.reason += "; no installed version and nothing of the backend differs"
    return report


def _run_here(
    circuit: Circuit, target: Backend, pipeline: Pipeline, record: Mapping[str, Any]
) -> Circuit:
    """Transpile in this process, as ``qloom.transpile`` did."""
    options, snapshot = record.get("options") or {}, record["backend"]
    return run_pipeline(
        circuit,
        target,
        pipeline,
        record["seed"],
        options.get("padding"),
        options.get("approximation_degree"),
        requested=snapshot.get("requested"),
        backend_options=snapshot.get("options") or {},
    ).circuit


def _run_on(
    executor: str | Executor, circuit: Circuit, how: str | None, record: Mapping[str, Any]
) -> tuple[Circuit, str | None]:
    """Transpile through a ``Compiler`` on ``executor``: its workers rebuild the backend by
    name and the pipeline from the spec, as for any compile request. Returns the output
    and the worker (``host:pid``) that made it."""
    from qloom.compiler import Compiler

    options, snapshot = record.get("options") or {}, record["backend"]
    if how != "name":
        raise QloomError(
            "replaying on an executor needs the backend by name (workers rebuild it from its "
            "name), and this one is rebuilt from the recorded snapshot; replay without one"
        )
    if options.get("approximation_degree") is not None:
        raise QloomError(
            "the Compiler takes no approximation_degree; replay this record without an executor"
        )
    with Compiler(executor, reuse=False, progress=False) as compiler:
        result = compiler.compile(
            circuit,
            str(snapshot.get("requested") or snapshot["name"]),
            record["pipeline"],
            record["seed"],
            padding=options.get("padding"),
            backend_options=dict(snapshot.get("options") or {}),
        )
    return result.circuit, result.metadata.get("worker")


def _size(output: Mapping[str, Any]) -> str:
    return f"{output.get('ops', '?')} operations"


def _input(record: Mapping[str, Any], given: Circuit | None) -> tuple[Circuit | None, str]:
    """The recorded input circuit, checked against its digest; or ``None`` and why not."""
    entry = record["input"]
    if given is None:
        data = entry.get("circuit")
        if data is None:
            why = entry.get("omitted", "the record holds only its digest")
            return None, f"the input circuit is not in the record ({why})"
        try:
            circuit = circuit_from_data(data)
        except (QloomError, LookupError, TypeError, ValueError, AttributeError) as exc:
            return None, f"the record's input circuit is malformed ({type(exc).__name__}: {exc})"
    else:
        circuit = given.copy()
        if circuit.name is None and isinstance(entry.get("name"), str):
            circuit.name = entry["name"]
    found = digest(circuit_to_data(circuit))
    if found != entry["sha256"]:
        source = "the given input circuit" if given is not None else "the record's input circuit"
        return None, (
            f"{source} does not match the recorded input sha256 (recorded "
            f"{entry['sha256'][:12]}, found {found[:12]}): the record was altered, or this is "
            "not the circuit that was transpiled"
        )
    return circuit, ""


def _backend(
    snapshot: Mapping[str, Any], source: BackendSource
) -> tuple[Backend | None, str | None, list[str], str]:
    """The backend to replay on, where it came from, how the installed one differs from the
    snapshot, and why there is none."""
    requested = str(snapshot.get("requested") or snapshot["name"])
    provider = requested.partition(":")[0]
    differences: list[str] = []
    if source in ("auto", "name"):
        if provider in get_registry().names("backends"):
            try:
                named = get_backend(requested, **dict(snapshot.get("options") or {}))
            except QloomError as exc:
                if source == "name":
                    return None, None, [], f"backend '{requested}' cannot be built: {exc}"
                differences = [f"'{requested}' cannot be built here ({exc})"]
            else:
                differences = snapshot_differences(snapshot, backend_snapshot(named))
                if not differences or source == "name":
                    return named, "name", differences, ""
        elif source == "name":
            return (
                None,
                None,
                [],
                (
                    f"no installed plugin provides backend '{provider}' (recorded from "
                    f"{snapshot.get('distribution') or 'an unknown distribution'})"
                ),
            )
    try:
        return backend_from_snapshot(snapshot), "snapshot", differences, ""
    except (QloomError, LookupError, TypeError, ValueError) as exc:
        return None, None, differences, f"the backend snapshot is malformed ({exc})"
