"""What a worker runs for one evaluation: a candidate step and the completion, on one circuit.

``evaluate`` takes and returns plain data (the circuit as ``qloom.circuit_data``, the
backend by name, pipeline entries as specs, the seed), so it runs the same on every
executor. Each worker process keeps a small least-recently-used cache of sessions keyed by
the steps taken: evaluating ``prefix + candidate`` forks the cached session of ``prefix``
(sharing its states) instead of re-running it, and keeps the new one for the next round,
which extends the winner. Sessions are deterministic under their seed, so the cache
changes how long an evaluation takes, never its result.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from qloom.backend import Backend
from qloom.circuit_data import circuit_from_data
from qloom.config import get_backend
from qloom.errors import QloomError
from qloom.session import Observations, Session
from qloom.tuning.space import metric_value

__all__ = ["CACHE_SIZE", "clear_cache", "evaluate", "transpile_metric"]

CACHE_SIZE = 256
"""Sessions a worker keeps (each shares its states with its forks)."""

_lock = threading.Lock()
_sessions: OrderedDict[str, Session] = OrderedDict()
_backends: OrderedDict[str, Backend] = OrderedDict()


def clear_cache() -> None:
    """Forget the cached sessions and backends of this process."""
    with _lock:
        _sessions.clear()
        _backends.clear()


def evaluate(job: Mapping[str, Any]) -> dict[str, Any]:
    """Score ``prefix + extension + completion`` on one circuit.

    Args:
        job: ``circuit`` (circuit data), ``backend`` (name), ``backend_options``, ``seed``,
            ``metric``, ``circuit_key`` (optional: a digest naming the circuit, to key
            the cache without hashing it again), ``prefix`` (entries already taken, front
            included), ``extension`` (the entries the candidate adds; empty for the prefix
            alone), ``completion`` (entries) and ``skip_noop`` (default True: an
            extension that changes nothing is not completed).

    Returns:
        ``{"value", "executable", "wall"}``; ``{"noop": True, ...}`` when the extension
        changed nothing (same circuit, same layout) and was not completed;
        ``{"error": "..."}`` when a pass failed (qloom errors are data here, not raised).
    """
    began = time.perf_counter()
    try:
        parent = _session(job, list(job["prefix"]))
        current = parent
        if job.get("extension"):
            current = _session(job, [*job["prefix"], *job["extension"]])
            if job.get("skip_noop", True) and _same(parent, current):
                return {"noop": True, "wall": time.perf_counter() - began}
        done = current.fork()
        for entry in job["completion"]:
            done.step(entry)
        observation = done.observation
        return {
            "value": metric_value(observation, job["metric"]),
            "executable": bool(observation["executable"]),
            "wall": time.perf_counter() - began,
        }
    except QloomError as exc:
        return {"error": f"{type(exc).__name__}: {exc}", "wall": time.perf_counter() - began}


def transpile_metric(job: Mapping[str, Any]) -> dict[str, Any]:
    """The metric of one circuit transpiled by a whole pipeline (``job["pipeline"]``: a
    name or a spec), as ``qloom.transpile`` with ``job["seed"]`` gives it: for the
    held-back check. A failed transpilation is ``{"error": ...}``."""
    from qloom.api import transpile

    began = time.perf_counter()
    circuit = circuit_from_data(job["circuit"])
    backend = _backend(job["backend"], job.get("backend_options") or {})
    try:
        out = transpile(circuit, on=backend, transpiler=job["pipeline"], seed=job["seed"])
    except QloomError as exc:
        return {"error": f"{type(exc).__name__}: {exc}", "wall": time.perf_counter() - began}
    observation = Observations(out, backend)
    return {
        "value": metric_value(observation, job["metric"]),
        "executable": bool(observation["executable"]),
        "wall": time.perf_counter() - began,
    }


def _session(job: Mapping[str, Any], steps: Sequence[Any]) -> Session:
    """The session of ``job``'s circuit after ``steps``, from the longest cached prefix."""
    root = _root_key(job)
    keys = [root + _digest(steps[:n]) for n in range(len(steps) + 1)]
    with _lock:
        found = [n for n in range(len(steps), -1, -1) if keys[n] in _sessions]
        start = found[0] if found else 0
        session = _sessions.get(keys[start]) if found else None
        if session is not None:
            _sessions.move_to_end(keys[start])
    if session is None:
        backend = _backend(job["backend"], job.get("backend_options") or {})
        session = Session(circuit_from_data(job["circuit"]), on=backend, seed=job["seed"])
        _keep(keys[0], session)
    for n in range(start, len(steps)):
        session = session.fork()
        session.step(steps[n])
        _keep(keys[n + 1], session)
    return session


def _keep(key: str, session: Session) -> None:
    with _lock:
        _sessions[key] = session
        _sessions.move_to_end(key)
        while len(_sessions) > CACHE_SIZE:
            _sessions.popitem(last=False)


def _backend(name: str, options: Mapping[str, Any]) -> Backend:
    key = json.dumps([name, options], sort_keys=True)
    with _lock:
        if key in _backends:
            return _backends[key]
    backend = get_backend(name, **dict(options))
    with _lock:
        _backends[key] = backend
        while len(_backends) > 8:
            _backends.popitem(last=False)
    return backend


def _root_key(job: Mapping[str, Any]) -> str:
    circuit = job.get("circuit_key") or _digest(job["circuit"])
    root = [circuit, job["backend"], job.get("backend_options") or {}, job["seed"]]
    return _digest(root) + ":"


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _same(a: Session, b: Session) -> bool:
    """Whether two sessions hold the same circuit, layout and placement: a step between
    them changed nothing later passes could see (a placer that keeps the trivial layout
    still marks the circuit placed, so later placers skip it: not the same)."""
    placed = [getattr(s._states[-1], "placement", None) for s in (a, b)]
    return placed[0] == placed[1] and a.circuit == b.circuit and a.layout == b.layout
