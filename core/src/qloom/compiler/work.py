"""What a worker runs for one compile request: rebuild, transpile, report.

``compile_request`` is the only function executors ship for the Compiler. It takes and
returns plain data, so any worker with the same plugins installed can run it; a worker
missing a plugin fails with ``UnknownPluginError`` naming it.
"""

from __future__ import annotations

import functools
import importlib.metadata as md
import json
import os
import socket
import time
import traceback
from collections.abc import Mapping
from typing import Any

from qloom import worker
from qloom.api import run_pipeline
from qloom.compiler.follow import INITIALIZING
from qloom.compiler.wire import circuit_from_data, circuit_to_data
from qloom.config import get_backend
from qloom.errors import transportable
from qloom.pipeline import Pipeline
from qloom.plugins import CORE_DISTRIBUTION, KINDS, get_registry
from qloom.report import counting_routed_swaps

__all__ = ["compile_request", "cpu_by_stage", "plugin_versions", "portable_error"]


def compile_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """Transpile one request (see ``Compiler.submit``) and return the result as plain data.

    It reports ``INITIALIZING`` while it builds the backend and the pipeline, then the
    pipeline's stages; the result's ``cpu_by_stage`` says where the CPU time went.

    Raises:
        Exception: whatever the transpilation raised, with its type kept, and the worker's
            traceback and the original cause attached for the client (``portable_error``).
    """
    wall, cpu = time.perf_counter(), time.process_time()
    worker.emit(INITIALIZING)
    try:
        circuit = circuit_from_data(request["circuit"])
        backend = get_backend(request["backend"], **request.get("backend_options", {}))
        pipeline = _pipeline(json.dumps(request["pipeline"], sort_keys=True))
        setup_cpu = time.process_time() - cpu
        with counting_routed_swaps() as routed:
            outcome = run_pipeline(
                circuit,
                backend,
                pipeline,
                request["seed"],
                request.get("padding"),
                requested=request["backend"],
                backend_options=request.get("backend_options", {}),
            )
    except Exception as exc:
        raise portable_error(exc) from None
    return {
        "circuit": circuit_to_data(outcome.circuit),
        "layout": outcome.layout.to_dict(),
        "backend": outcome.backend,
        "pipeline": outcome.pipeline,
        "seed": outcome.seed,
        "pass_times": outcome.pass_times,
        "cpu_by_stage": cpu_by_stage(pipeline, outcome.pass_times, setup_cpu),
        "metrics_in": circuit.metrics(),
        "metrics_out": outcome.circuit.metrics(),
        "swaps_routed": routed.swaps,
        "wall_time": time.perf_counter() - wall,
        "cpu_time": time.process_time() - cpu,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "versions": plugin_versions(),
        "provenance": outcome.provenance,
    }


def cpu_by_stage(
    pipeline: Pipeline, pass_times: list[dict[str, Any]], setup_cpu: float
) -> dict[str, float]:
    """CPU seconds per stage (``ROUTING``, ...), summed over the passes of each, with the
    worker's setup (backend and pipeline) as ``INITIALIZING``: what a shared service
    reports as each task's resource use."""
    stages = _stages(pipeline)
    out = {INITIALIZING: setup_cpu}
    for timing in pass_times:
        stage = stages.get(timing["pass"], "OTHER")
        out[stage] = out.get(stage, 0.0) + float(timing["cpu"])
    return out


def _stages(pipeline: Pipeline) -> dict[str, str]:
    """Pass label -> stage, over the pipeline and the pipelines nested in it."""
    out: dict[str, str] = {}
    for step in pipeline.passes:
        if isinstance(step, Pipeline):
            out.update(_stages(step))
        else:
            out.setdefault(step.label, step.stage)
    return out


@functools.lru_cache(maxsize=64)
def _pipeline(spec: str) -> Pipeline:
    return Pipeline.from_spec(json.loads(spec))


@functools.lru_cache(maxsize=1)
def plugin_versions() -> dict[str, str]:
    """``{distribution: version}`` of qloom and of every distribution providing its parts."""
    registry = get_registry()
    versions = {CORE_DISTRIBUTION: md.version(CORE_DISTRIBUTION)}
    for kind in KINDS:
        for info in registry.infos(kind):
            versions.setdefault(info.distribution, info.version)
    for info in registry.hook_infos():
        versions.setdefault(info.distribution, info.version)
    return dict(sorted(versions.items()))


def portable_error(exc: BaseException) -> BaseException:
    """``exc`` made fit to cross processes: its worker traceback and its cause attached.

    ``remote_traceback`` (text) and ``remote_cause`` (the ``__cause__``, or a
    ``RemoteError`` standing in for it) survive pickling where ``__traceback__`` and
    ``__cause__`` do not; an exception that cannot be pickled becomes a ``RemoteError``.
    """
    text = "".join(traceback.format_exception(exc))
    cause = exc.__cause__
    portable_cause = None if cause is None else transportable(cause)
    out = transportable(exc)
    out.remote_traceback = text  # type: ignore[attr-defined]
    out.remote_cause = portable_cause  # type: ignore[attr-defined]
    return out
