"""The user API: ``transpile`` and ``execute``."""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qloom.backend import Backend
from qloom.circuit import Circuit, serve_execute_from
from qloom.config import PipelineLike, get_backend, pipeline_for
from qloom.errors import QloomError
from qloom.layout import Layout
from qloom.passes import PassContext, derive_seed
from qloom.pipeline import Pipeline
from qloom.provenance.record import build_record
from qloom.result import Result
from qloom.success import estimated_success

__all__ = [
    "ESP",
    "TranspileOutcome",
    "execute",
    "run_pipeline",
    "transpile",
    "transpile_outcome",
]

ESP = "estimated_success"
"""The key of ``TranspileOutcome.properties`` holding the output's estimated success
probability (``SuccessEstimate.to_dict()``), present when the backend has a calibration."""


@dataclass
class TranspileOutcome:
    """Everything a transpilation produced: enough to reproduce and report it.

    ``provenance`` is its record (``qloom.provenance``): pipeline as run, per-pass seeds,
    distributions, backend snapshot, input and output digests; ``qloom.replay`` reruns it.
    """

    circuit: Circuit
    layout: Layout
    backend: str
    pipeline: dict[str, Any]
    seed: int
    pass_times: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def provenance(self) -> dict[str, Any]:
        """The transpilation's record, built on first read (``Circuit.provenance``)."""
        return self.circuit.provenance or {}


def run_pipeline(
    circuit: Circuit,
    backend: Backend,
    pipeline: Pipeline,
    seed: int | None = None,
    padding: str | None = None,
    approximation_degree: float | None = None,
    *,
    requested: str | None = None,
    backend_options: Mapping[str, Any] | None = None,
) -> TranspileOutcome:
    """Run ``pipeline`` on ``circuit`` for ``backend``, then check the backend accepts it.

    On a calibrated backend the outcome's ``properties[ESP]`` is the output's estimated
    success probability (``qloom.success``; gates in the backend's ``virtual_gates``
    property are free).

    ``padding`` overrides the backend's default padding strategy for pipelines that pad
    with ``padding:auto``; ``approximation_degree`` is carried to the passes in the
    ``PassContext`` (see ``transpile``).

    The outcome's ``provenance`` record (also set as ``circuit.provenance`` on the output)
    names the backend by ``requested`` with ``backend_options``, the name and options it was
    built from, when given, so a replay can rebuild it by name.

    Raises:
        ConfigError: ``approximation_degree`` is not in (0, 1].
        PassError: a pass raised (the original exception is ``__cause__``).
        BackendViolation: the output uses a qubit, pair or gate the backend rejects.
    """
    root = secrets.randbits(63) if seed is None else int(seed)
    context = PassContext(
        backend=backend, seed=root, padding=padding, approximation_degree=approximation_degree
    )
    out = pipeline(circuit, context)
    if out is circuit:
        out = circuit.copy()
    layout = context.layout or Layout.trivial(circuit.num_qubits, out.num_qubits)
    if layout.num_logical != circuit.num_qubits or layout.num_physical != out.num_qubits:
        raise QloomError(
            f"pipeline '{pipeline.name}' left a layout for {layout.num_logical} -> "
            f"{layout.num_physical} qubits on a {circuit.num_qubits} -> {out.num_qubits} "
            "qubit transpilation"
        )
    stage = f"pipeline '{pipeline.name}'"
    if pipeline.passes:
        stage += f", last pass {pipeline.passes[-1].label}"
    backend.validate(out, stage=stage)
    out.layout = layout
    properties = dict(context.properties)
    pass_times = properties.pop("pass_times", [])
    if backend.calibration:
        virtual = backend.properties.get("virtual_gates", ())
        properties[ESP] = estimated_success(out, backend.calibration, virtual).to_dict()
    out.provenance = functools.partial(  # built when first read, from copies made now
        build_record,
        circuit.copy(),
        out.copy(),
        backend,
        pipeline,
        root,
        padding=padding,
        approximation_degree=approximation_degree,
        properties=dict(properties),
        requested=requested,
        backend_options=dict(backend_options or {}),
        created=time.gmtime(),
    )
    return TranspileOutcome(
        out, layout, backend.name, pipeline.spec(), root, pass_times, properties
    )


def transpile(
    circuit: Circuit,
    on: str | Backend | None = None,
    transpiler: PipelineLike | None = None,
    seed: int | None = None,
    padding: str | None = None,
    approximation_degree: float | None = None,
    **backend_options: Any,
) -> Circuit:
    """Transpile ``circuit`` for a backend; the result's ``layout`` says where qubits went.

    Args:
        circuit: the circuit, over logical qubits.
        on: backend name (``provider`` or ``provider:device``) or ``Backend``; defaults to
            ``set_backend``/``$QLOOM_BACKEND``/the config file.
        transpiler: pipeline name, ``Pipeline``, ``Pass`` or spec; defaults to the backend's.
        seed: root seed; the same seed gives the same output on any machine or executor.
        padding: ``"none"``, ``"before"`` or ``"after"``: overrides the backend's default
            padding in pipelines that use ``padding:auto``.
        approximation_degree: a float in (0, 1]: passes that may approximate
            (``optimizers:remove_identities``, ``optimizers:optimize``) drop a gate whose
            average gate fidelity to the identity is at least this; ``None`` or 1.0 allows
            no change beyond double precision.

    Returns:
        The transpiled circuit over physical qubits, with ``.layout`` set, and
        ``.provenance``: the record of how it was made, which ``qloom.replay`` reruns.

    Raises:
        ConfigError: ``approximation_degree`` is not in (0, 1].
    """
    return transpile_outcome(
        circuit, on, transpiler, seed, padding, approximation_degree, **backend_options
    ).circuit


def transpile_outcome(
    circuit: Circuit,
    on: str | Backend | None = None,
    transpiler: PipelineLike | None = None,
    seed: int | None = None,
    padding: str | None = None,
    approximation_degree: float | None = None,
    **backend_options: Any,
) -> TranspileOutcome:
    """``transpile``, returning everything it produced (``TranspileOutcome``): the backend
    and pipeline resolved from names as ``transpile`` does, with the name the backend was
    asked by kept for the provenance record."""
    backend = get_backend(on, **backend_options)
    pipeline = pipeline_for(backend, transpiler)
    return run_pipeline(
        circuit,
        backend,
        pipeline,
        seed,
        padding,
        approximation_degree,
        requested=on if isinstance(on, str) else None,
        backend_options=backend_options,
    )


def execute(
    circuit: Circuit,
    on: str | Backend | None = None,
    transpiler: PipelineLike | None = None,
    shots: int = 1024,
    seed: int | None = None,
    padding: str | None = None,
    approximation_degree: float | None = None,
    **backend_options: Any,
) -> Result:
    """Transpile ``circuit`` for a backend, run it, and return counts in logical order.

    A circuit without measurements is measured on every qubit first (register ``meas``), so
    bit ``i`` of each outcome is logical qubit ``i`` whatever layout the transpiler chose.
    ``padding`` and ``approximation_degree`` are as in ``transpile``; the result's
    ``provenance`` is the transpilation's record (sampling is not part of it).
    """
    if shots < 1:
        raise QloomError(f"shots must be at least 1, got {shots}")
    backend = get_backend(on, **backend_options)
    if not backend.can_execute:
        raise QloomError(
            f"backend '{backend.name}' is a compilation target only; use qloom.transpile, "
            "or execute on a simulator or device backend"
        )
    if not any(op.name == "measure" for op in circuit):
        circuit = circuit.copy()
        circuit.measure_all()
    root = secrets.randbits(63) if seed is None else int(seed)
    pipeline = pipeline_for(backend, transpiler)
    requested = on if isinstance(on, str) else None
    outcome = run_pipeline(
        circuit,
        backend,
        pipeline,
        root,
        padding,
        approximation_degree,
        requested=requested,
        backend_options=backend_options,
    )
    result = backend.run(outcome.circuit, shots, derive_seed(root, "execute"))
    result.layout = outcome.layout
    result.provenance = outcome.provenance
    result.metadata.setdefault("seed", root)
    result.metadata.setdefault("pipeline", outcome.pipeline["name"])
    return result


serve_execute_from(execute)  # Circuit.execute calls it: handed down, never imported up
