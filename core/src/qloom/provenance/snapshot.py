"""Canonical digests of circuits and calibrations, and backend snapshots as plain data.

A digest is the sha256 of canonical JSON (sorted keys, no spaces, no NaN): the same data
gives the same digest on any machine. Circuits are hashed in their wire form
(``qloom.circuit_data.circuit_to_data``), which keeps every operation, parameter, register
and the layout. A backend snapshot is what a transpilation could read of its target: qubits,
pairs (and whether they are directed), natives, defaults, calibration and plain properties.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

from qloom.backend import Backend
from qloom.calibration import Calibration
from qloom.circuit import Circuit
from qloom.circuit_data import circuit_to_data

__all__ = [
    "MAX_PROPERTIES_BYTES",
    "backend_from_snapshot",
    "backend_snapshot",
    "calibration_from_data",
    "calibration_to_data",
    "canonical_json",
    "circuit_digest",
    "digest",
    "snapshot_differences",
]

MAX_PROPERTIES_BYTES = 256 * 1024
"""Backend properties larger than this (as JSON) are kept as a digest only."""

_COMPARED = (
    "num_qubits",
    "directed",
    "edges",
    "natives",
    "default_pipeline",
    "default_padding",
    "calibration_sha256",
    "properties_sha256",
)


def canonical_json(data: Any) -> str:
    """``data`` as canonical JSON text; raises ``TypeError``/``ValueError`` when it is not
    plain JSON data (a set, a numpy number, NaN, ...)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)


def digest(data: Any) -> str:
    """The sha256 (hex) of ``canonical_json(data)``."""
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def circuit_digest(circuit: Circuit) -> str:
    """The sha256 of the circuit's canonical wire form (operations, registers, layout)."""
    return digest(circuit_to_data(circuit))


def calibration_to_data(calibration: Calibration) -> dict[str, list[list[float]]]:
    """A calibration as sorted lists (JSON object keys cannot be integers or pairs)."""
    return {
        "qubit_error": [[q, r] for q, r in sorted(calibration.qubit_error.items())],
        "readout_error": [[q, r] for q, r in sorted(calibration.readout_error.items())],
        "edge_error": [[a, b, r] for (a, b), r in sorted(calibration.edge_error.items())],
    }


def calibration_from_data(data: Mapping[str, Any]) -> Calibration:
    """The calibration ``calibration_to_data`` wrote (rates re-checked by ``Calibration``)."""
    return Calibration(
        {int(q): float(r) for q, r in data.get("qubit_error", [])},
        {int(q): float(r) for q, r in data.get("readout_error", [])},
        {(int(a), int(b)): float(r) for a, b, r in data.get("edge_error", [])},
    )


def backend_snapshot(backend: Backend) -> dict[str, Any]:
    """What a transpilation could read of ``backend``, as plain data with digests."""
    graph = backend.connectivity
    directed = isinstance(graph, nx.DiGraph)
    edges = None
    if graph is not None:
        pairs = graph.edges if directed else (sorted(e) for e in graph.edges)
        edges = sorted([int(a), int(b)] for a, b in pairs)
    calibration = None if backend.calibration is None else calibration_to_data(backend.calibration)
    snapshot: dict[str, Any] = {
        "name": backend.name,
        "class": f"{type(backend).__module__}:{type(backend).__qualname__}",
        "num_qubits": backend.num_qubits,
        "directed": directed,
        "edges": edges,
        "natives": None if backend.natives is None else sorted(backend.natives),
        "default_pipeline": backend.default_pipeline,
        "default_padding": backend.default_padding,
        "calibration": calibration,
        "calibration_sha256": None if calibration is None else digest(calibration),
    }
    try:
        text = canonical_json(backend.properties)
    except (TypeError, ValueError):
        snapshot["properties"] = None
        snapshot["properties_sha256"] = None
        snapshot["properties_note"] = (
            f"not plain JSON data (keys: {sorted(map(str, backend.properties))})"
        )
        return snapshot
    snapshot["properties_sha256"] = hashlib.sha256(text.encode()).hexdigest()
    if len(text) <= MAX_PROPERTIES_BYTES:
        snapshot["properties"] = backend.properties
    else:
        snapshot["properties"] = None
        snapshot["properties_note"] = f"{len(text)} bytes of JSON, over {MAX_PROPERTIES_BYTES}"
    return snapshot


def backend_from_snapshot(snapshot: Mapping[str, Any]) -> Backend:
    """A compilation target equal to the snapshot: same qubits, pairs, natives, defaults,
    calibration and properties (it cannot execute circuits).

    Raises:
        QloomError: the snapshot does not describe a valid backend (unknown natives, ...).
    """
    edges = snapshot.get("edges")
    connectivity: nx.Graph | None = None
    if edges is not None:
        connectivity = nx.DiGraph() if snapshot.get("directed") else nx.Graph()
        connectivity.add_edges_from((int(a), int(b)) for a, b in edges)
    calibration = snapshot.get("calibration")
    num_qubits = snapshot.get("num_qubits")
    return Backend(
        str(snapshot["name"]),
        None if num_qubits is None else int(num_qubits),
        connectivity,
        snapshot.get("natives"),
        default_pipeline=snapshot.get("default_pipeline"),
        default_padding=snapshot.get("default_padding"),
        properties=dict(snapshot.get("properties") or {}),
        calibration=None if calibration is None else calibration_from_data(calibration),
    )


def snapshot_differences(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """How ``current`` differs from ``recorded``, one line per field (empty when equal)."""
    lines = []
    for key in _COMPARED:
        old, new = recorded.get(key), current.get(key)
        if old == new:
            continue
        if key == "edges" and old is not None and new is not None:
            before, after = {tuple(e) for e in old}, {tuple(e) for e in new}
            gone, added = sorted(before - after), sorted(after - before)
            parts = []
            if gone:
                parts.append(f"{len(gone)} recorded pairs missing (first {list(gone[0])})")
            if added:
                parts.append(f"{len(added)} pairs added (first {list(added[0])})")
            lines.append(f"edges: {', '.join(parts)}")
        elif key == "natives" and old is not None and new is not None:
            gone, added = sorted(set(old) - set(new)), sorted(set(new) - set(old))
            lines.append(f"natives: missing {gone or '[]'}, added {added or '[]'}")
        elif key.endswith("_sha256"):
            what = key.removesuffix("_sha256")
            lines.append(f"{what}: digest {_short(old)} recorded, {_short(new)} now")
        else:
            lines.append(f"{key}: {old!r} recorded, {new!r} now")
    return lines


def _short(value: Any) -> str:
    return "none" if value is None else str(value)[:12]
