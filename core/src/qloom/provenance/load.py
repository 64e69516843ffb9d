"""Reading provenance records from files or data, with bounds, never executing anything.

A record is JSON parsed with ``json.loads`` (never unpickled or evaluated), from a file no
larger than ``MAX_RECORD_BYTES``, nested no deeper than ``MAX_DEPTH``, and checked field by
field before anything is rebuilt from it. The file may hold a record, a result carrying
one under ``"provenance"`` (``qloom run --json``, ``qloom transpile --report-json``), or a
list of those (``qloom compile``'s ``report.json``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qloom.errors import QloomError
from qloom.provenance.record import FORMAT

__all__ = [
    "MAX_DEPTH",
    "MAX_PIPELINE_DEPTH",
    "MAX_QUBITS",
    "MAX_RECORDS",
    "MAX_RECORD_BYTES",
    "ProvenanceError",
    "check_record",
    "read_labelled",
    "read_records",
]

MAX_RECORD_BYTES = 32 * 1024 * 1024
"""Largest file ``read_records`` reads (``max_bytes`` raises it)."""

MAX_DEPTH = 64
"""Deepest JSON nesting accepted (records written by qloom stay far below it)."""

MAX_PIPELINE_DEPTH = 16
"""Deepest nesting of pipelines inside a record's pipeline spec."""

MAX_RECORDS = 10_000
"""Most records one file may hold."""

MAX_QUBITS = 100_000
"""Most qubits (and clbits) a record's input circuit or backend snapshot may have: a replay
builds them, so a record must not ask for a billion (the OpenQASM reader's default bound)."""

_SHA256 = re.compile(r"[0-9a-f]{64}")


class ProvenanceError(QloomError):
    """A provenance record that cannot be read: missing, too large, malformed, or of a
    format this qloom does not know. The message says where and what was expected."""


def read_records(
    source: str | Path | Mapping[str, Any], max_bytes: int = MAX_RECORD_BYTES
) -> list[dict[str, Any]]:
    """Every provenance record in a file (or in already parsed data), each checked.

    Args:
        source: a path, or a record (or a result holding one under ``"provenance"``).
        max_bytes: refuse files larger than this.

    Raises:
        ProvenanceError: no such file, too large, not JSON, nested too deeply, or no
            valid record in it (the message names the file and the field).
    """
    return [record for _, record in read_labelled(source, max_bytes)]


def read_labelled(
    source: str | Path | Mapping[str, Any], max_bytes: int = MAX_RECORD_BYTES
) -> list[tuple[str, dict[str, Any]]]:
    """``read_records``, each record with where it was found: the file, or a list entry's
    ``"file"`` (``qloom compile``'s report rows) or ``FILE[index]``."""
    if isinstance(source, Mapping):
        where = "record"
        data: Any = source
    else:
        where = str(source)
        data = _parse(Path(source), max_bytes)
    _check_depth(data, where)
    return [(label, check_record(record, label)) for label, record in _find(data, where)]


def _parse(path: Path, max_bytes: int) -> Any:
    if not path.is_file():
        raise ProvenanceError(f"no such file: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise ProvenanceError(
            f"{path}: {size} bytes, over the {max_bytes}-byte limit for provenance records "
            "(raise it with --max-bytes / max_bytes= if the file is trusted)"
        )
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:  # grew since stat
        raise ProvenanceError(f"{path}: over the {max_bytes}-byte limit for provenance records")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProvenanceError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except json.JSONDecodeError as exc:
        raise ProvenanceError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise ProvenanceError(f"{path}: JSON nested too deeply") from None


def _check_depth(data: Any, where: str) -> None:
    """Refuse data nested deeper than ``MAX_DEPTH`` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ProvenanceError(f"{where}: JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, Mapping):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def _find(data: Any, where: str) -> list[tuple[str, Any]]:
    """The records in ``data``: itself, its ``"provenance"``, or those of a list's items."""
    if isinstance(data, list):
        if len(data) > MAX_RECORDS:
            raise ProvenanceError(f"{where}: {len(data)} entries, over {MAX_RECORDS}")
        found = []
        for index, item in enumerate(data):
            if isinstance(item, Mapping) and ("format" in item or "provenance" in item):
                label = str(item.get("file", f"{where}[{index}]"))
                found.append((label, item.get("provenance", item)))
        if found:
            return found
    elif isinstance(data, Mapping):
        if "format" in data:
            return [(where, data)]
        if isinstance(data.get("provenance"), Mapping):
            return [(where, data["provenance"])]
    raise ProvenanceError(
        f"{where}: no provenance record in it (expected an object with "
        f'"format": "{FORMAT}", a result with a "provenance" key, or a list of those)'
    )


def check_record(record: Any, where: str = "record") -> dict[str, Any]:
    """``record`` when it has every field a replay needs, of the right type.

    Raises:
        ProvenanceError: naming the first field that is missing or wrong.
    """
    if not isinstance(record, Mapping):
        raise ProvenanceError(f"{where}: a record is a JSON object, got {type(record).__name__}")
    fmt = record.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and fmt.startswith("qloom-provenance/"):
            raise ProvenanceError(
                f"{where}: format '{fmt}' is not one this qloom reads ('{FORMAT}'); "
                "upgrade qloom to replay it"
            )
        raise ProvenanceError(f"{where}: field 'format' should be '{FORMAT}', got {fmt!r}")
    seed = record.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise ProvenanceError(f"{where}: field 'seed' should be an integer in [0, 2**64)")
    _check_pipeline(record.get("pipeline"), f"{where}: field 'pipeline'", 1)
    _mapping_of_str(record.get("distributions"), f"{where}: field 'distributions'")
    options = record.get("options", {})
    if not isinstance(options, Mapping):
        raise ProvenanceError(f"{where}: field 'options' should be an object")
    _check_backend(record.get("backend"), f"{where}: field 'backend'")
    for side in ("input", "output"):
        entry = record.get(side)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("sha256"), str):
            raise ProvenanceError(f"{where}: field '{side}' should be an object with 'sha256'")
        if not _SHA256.fullmatch(entry["sha256"]):
            raise ProvenanceError(f"{where}: field '{side}.sha256' is not a sha256 hex digest")
    circuit = record["input"].get("circuit")
    if circuit is not None:
        if not isinstance(circuit, Mapping) or not isinstance(circuit.get("ops"), list):
            raise ProvenanceError(
                f"{where}: field 'input.circuit' should be a circuit (with 'ops') or null"
            )
        for key in ("num_qubits", "num_clbits"):
            if not _count(circuit.get(key, 0)):
                raise ProvenanceError(
                    f"{where}: field 'input.circuit.{key}' should be an integer from 0 to "
                    f"{MAX_QUBITS}"
                )
    return dict(record)


def _qubit(value: Any, width: int) -> bool:
    return type(value) is int and 0 <= value < width


def _count(value: Any) -> bool:
    """Whether ``value`` is a qubit count a replay may build: an int in [0, MAX_QUBITS]."""
    return type(value) is int and 0 <= value <= MAX_QUBITS


def _check_pipeline(spec: Any, where: str, depth: int) -> None:
    if depth > MAX_PIPELINE_DEPTH:
        raise ProvenanceError(f"{where}: pipelines nested deeper than {MAX_PIPELINE_DEPTH}")
    if not isinstance(spec, Mapping) or not isinstance(spec.get("passes"), list):
        raise ProvenanceError(f"{where}: should be a pipeline spec with a 'passes' list")
    for index, entry in enumerate(spec["passes"]):
        if isinstance(entry, Mapping) and "passes" in entry:
            _check_pipeline(entry, f"{where}.passes[{index}]", depth + 1)


def _mapping_of_str(value: Any, where: str) -> None:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ProvenanceError(f"{where}: should be an object of distribution -> version text")


def _check_backend(snapshot: Any, where: str) -> None:
    if not isinstance(snapshot, Mapping) or not isinstance(snapshot.get("name"), str):
        raise ProvenanceError(f"{where}: should be a backend snapshot with a 'name'")
    num_qubits = snapshot.get("num_qubits")
    if num_qubits is not None and not _count(num_qubits):
        raise ProvenanceError(
            f"{where}.num_qubits: should be an integer from 0 to {MAX_QUBITS}, or null"
        )
    edges = snapshot.get("edges")
    width = MAX_QUBITS if num_qubits is None else num_qubits
    if edges is not None and not (
        isinstance(edges, list)
        and all(
            isinstance(e, list) and len(e) == 2 and all(_qubit(q, width) for q in e) for e in edges
        )
    ):
        raise ProvenanceError(
            f"{where}.edges: should be a list of [a, b] pairs of qubits below {width}, or null"
        )
    natives = snapshot.get("natives")
    if natives is not None and not (
        isinstance(natives, list) and all(isinstance(n, str) for n in natives)
    ):
        raise ProvenanceError(f"{where}.natives: should be a list of gate names or null")
    options = snapshot.get("options") or {}
    if not isinstance(options, Mapping):
        raise ProvenanceError(f"{where}.options: should be an object")
