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

from qloom.api import run_pipeline
from qloom.compiler.wire import circuit_from_data, circuit_to_data
from qloom.config import get_backend
from qloom.errors import transportable
from qloom.pipeline import Pipeline
from qloom.plugins import CORE_DISTRIBUTION, KINDS, get_registry
from qloom.report import counting_routed_swaps

__all__ = ["compile_request", "plugin_versions", "portable_error"]


def compile_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """Transpile one request (see ``Compiler.submit``) and return the result as plain data.

    Raises:
        Exception: whatever the transpilation raised, with its type kept, and the worker's
            traceback and the original cause attached for the client (``portable_error``).
    """
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        circuit = circuit_from_data(request["circuit"])
        backend = get_backend(request["backend"], **request.get("backend_options", {}))
        pipeline = _pipeline(json.dumps(request["pipeline"], sort_keys=True))
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
        "metrics_in": circuit.metrics(),
        "metrics_out": outcome.circuit.metrics(),
        "swaps_routed": routed.swaps,
        "wall_time": time.perf_counter() - wall,
        "cpu_time": time.process_time() - cpu,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "versions": plugin_versions(),
        "provenance": outcome.provenance,
    }


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
