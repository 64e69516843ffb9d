"""Circuits and compile requests as plain, JSON-ready data: what travels to workers.

Work is never shipped as live objects: a worker rebuilds the circuit from this data, the
backend from its name and options, and the pipeline from its spec, using its own installed
plugins. The same data is what the task store keeps and what request keys are hashed from.
The circuit codec lives in ``qloom.circuit_data`` (provenance records use it too) and is
re-exported here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from qloom.circuit_data import circuit_from_data, circuit_to_data

__all__ = ["circuit_from_data", "circuit_to_data", "encode_request", "request_key"]


def encode_request(request: Mapping[str, Any]) -> str:
    """A request as canonical JSON text: what the store keeps and the key is made from."""
    return json.dumps(request, sort_keys=True, separators=(",", ":"))


def request_key(encoded: str, versions: Mapping[str, str]) -> str:
    """A digest naming a compilation: same circuit, backend, pipeline, seed and plugins."""
    blob = json.dumps(dict(versions), sort_keys=True, separators=(",", ":")) + encoded
    return hashlib.sha256(blob.encode()).hexdigest()
