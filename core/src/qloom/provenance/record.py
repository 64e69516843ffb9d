"""Building a provenance record: how one transpilation was made, as versioned JSON data.

The record names everything the output depends on: the pipeline spec as run (nested
pipelines and trials expanded, in the form ``Pipeline.from_spec`` accepts), every leaf pass
with its options and seed, the root seed, the distributions that provided the parts used
(and the core), a snapshot of the backend, and the input and output circuits' digests. The
input circuit itself is embedded (wire form) up to ``MAX_INPUT_BYTES``, so ``qloom replay``
can rerun the transpilation from the record alone.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata as md
import json
import sys
import time
from collections.abc import Mapping
from typing import Any

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.circuit_data import circuit_to_data
from qloom.passes import Pass, derive_seed
from qloom.pipeline import Pipeline
from qloom.plugins import CORE_DISTRIBUTION, KINDS, UNKNOWN_DISTRIBUTION, get_registry
from qloom.provenance.snapshot import backend_snapshot, canonical_json, digest
from qloom.trials import Trials

__all__ = [
    "CIRCUIT_ENCODING",
    "FORMAT",
    "LIBRARIES",
    "MAX_INPUT_BYTES",
    "build_record",
    "installed_version",
]

FORMAT = "qloom-provenance/1"
"""The ``format`` field of every record this version writes and reads."""

CIRCUIT_ENCODING = "qloom-wire/1"
"""How circuits are hashed and embedded: ``qloom.circuit_data.circuit_to_data`` as
canonical JSON."""

MAX_INPUT_BYTES = 4 * 1024 * 1024
"""Largest input circuit (canonical JSON of its wire form) embedded in a record; a larger
one is recorded by digest only and ``qloom replay --input FILE`` supplies it."""

LIBRARIES = ("numpy", "networkx", "qloom-kernels", "scipy", "qiskit")
"""Libraries besides the plugins whose versions can change an output; recorded when
installed so a replay can name them when they differ."""


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or ``None`` when it is not installed."""
    try:
        return md.version(distribution)
    except md.PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def _installed_at_start() -> tuple[tuple[str, str], ...]:
    """The core's and ``LIBRARIES``' versions, read once per process (a metadata lookup
    costs about a millisecond; a replay reads them afresh with ``installed_version``)."""
    names = (CORE_DISTRIBUTION, *LIBRARIES)
    return tuple((n, v) for n in names if (v := installed_version(n)) is not None)


def _library_versions() -> dict[str, str]:
    return {n: v for n, v in _installed_at_start() if n in LIBRARIES}


def build_record(
    circuit: Circuit,
    output: Circuit,
    backend: Backend,
    pipeline: Pipeline,
    seed: int,
    *,
    padding: str | None = None,
    approximation_degree: float | None = None,
    properties: Mapping[str, Any] | None = None,
    requested: str | None = None,
    backend_options: Mapping[str, Any] | None = None,
    created: time.struct_time | None = None,
) -> dict[str, Any]:
    """The provenance record of transpiling ``circuit`` into ``output``.

    Args:
        circuit: the input, as given (before any pass).
        output: the transpiled circuit, with its layout set.
        backend: the target as it was used.
        pipeline: the pipeline that ran.
        seed: the root seed.
        padding: the user's padding override, as passed to the passes.
        approximation_degree: the user's approximation degree, as passed to the passes.
        properties: the passes' shared ``context.properties`` (which trial each ``Trials``
            entry kept is read from there).
        requested: the name the backend was asked by (``emulator:line-32``, a device
            file's path); ``None`` when a ``Backend`` object was given.
        backend_options: the options its factory was called with.
        created: when the transpilation ran (UTC); now when not given.

    Returns:
        Plain JSON data (see ``docs/provenance.md``); ``replayable`` is False, with
        ``why_not``, when the pipeline's options or the backend options are not plain data.
    """
    properties = properties or {}
    why_not: list[str] = []
    spec = _plain_or_note(pipeline.spec(), "the pipeline spec", why_not)
    options = _plain_or_note(dict(backend_options or {}), "the backend options", why_not)
    parts: dict[str, str] = {}
    provider = (requested or backend.name).partition(":")[0]
    _note_part(parts, "backends", provider)
    passes = _plain_or_note(_leaf_passes(pipeline, seed, properties, (), parts), "", [])
    snapshot = _plain_or_note(backend_snapshot(backend), "", [])
    snapshot["requested"] = requested
    snapshot["options"] = options
    snapshot["distribution"] = parts.get(f"backends:{provider}")
    record: dict[str, Any] = {
        "format": FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", created or time.gmtime()),
        "seed": int(seed),
        "pipeline": spec,
        "passes": passes,
        "options": {"padding": padding, "approximation_degree": approximation_degree},
        "distributions": _distributions(parts),
        "parts": dict(sorted(parts.items())),
        "libraries": _library_versions(),
        "python": ".".join(map(str, sys.version_info[:3])),
        "backend": snapshot,
        "input": _input(circuit),
        "output": {
            "sha256": digest(circuit_to_data(output)),
            "encoding": CIRCUIT_ENCODING,
            "num_qubits": output.num_qubits,
            "ops": len(output),
        },
        "replayable": not why_not,
    }
    if why_not:
        record["why_not"] = "; ".join(why_not)
    return record


def _input(circuit: Circuit) -> dict[str, Any]:
    data = circuit_to_data(circuit)
    text = canonical_json(data)
    out: dict[str, Any] = {
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "encoding": CIRCUIT_ENCODING,
        "name": circuit.name,
        "num_qubits": circuit.num_qubits,
        "ops": len(circuit),
    }
    if len(text) <= MAX_INPUT_BYTES:
        out["circuit"] = data
    else:
        out["circuit"] = None
        out["omitted"] = (
            f"{len(text)} bytes in wire form, over {MAX_INPUT_BYTES}: replay needs the input "
            "file (qloom replay --input FILE), checked against sha256"
        )
    return out


def _plain_or_note(value: Any, what: str, why_not: list[str]) -> Any:
    """``value`` as JSON data (tuples become lists); where it is not plain data, each
    value that is not is written as its ``repr`` text, and ``why_not`` says so."""
    try:
        return json.loads(canonical_json(value))
    except (TypeError, ValueError) as exc:
        why_not.append(f"{what} is not plain JSON data ({exc})")
    try:
        return json.loads(json.dumps(value, default=repr, allow_nan=False))
    except ValueError:  # NaN or infinity somewhere
        return repr(value)


def _leaf_passes(
    pipeline: Pipeline,
    seed: int,
    properties: Mapping[str, Any],
    within: tuple[str, ...],
    parts: dict[str, str],
) -> list[dict[str, Any]]:
    """Every leaf pass in run order with its seed, as ``Pipeline.run`` derives them."""
    if pipeline.kind == "pipelines":
        _note_part(parts, "pipelines", pipeline.name)
    out: list[dict[str, Any]] = []
    for index, step in enumerate(pipeline.passes):
        step_seed = derive_seed(seed, index, step.label)
        if isinstance(step, Trials):
            kept = properties.get(f"trials:{step.name}")
            chosen = int(kept["chosen"]) if isinstance(kept, Mapping) else 0
            trial_seed = step_seed if chosen == 0 else derive_seed(step_seed, "trial", chosen)
            path = (*within, f"{step.label} (trial {chosen} of {step.trials} kept)")
            out += _leaf_passes(step, trial_seed, properties, path, parts)
        elif isinstance(step, Pipeline):
            out += _leaf_passes(step, step_seed, properties, (*within, step.label), parts)
        else:
            _note_part(parts, step.kind, step.name)
            out.append(_leaf(step, step_seed, within, parts))
    return out


def _leaf(step: Pass, seed: int, within: tuple[str, ...], parts: dict[str, str]) -> dict[str, Any]:
    accepted = step.accepted_options() or {}
    defaults = {}
    for name, value in accepted.items():
        if name in step.options:
            continue
        try:
            canonical_json(value)
        except (TypeError, ValueError):
            continue  # a default that is not data (a sentinel): the pass knows it
        defaults[name] = value
    entry: dict[str, Any] = {
        "pass": step.label,
        "within": list(within),
        "seed": seed,
        "options": dict(step.options),
        "defaults": defaults,
        "distribution": parts.get(step.label),
    }
    return entry


def _note_part(parts: dict[str, str], kind: str, name: str) -> None:
    """Remember which distribution provides ``kind:name`` (nothing for parts the registry
    does not list: config-file pipelines, a ``Pass`` built in code)."""
    label = f"{kind}:{name}"
    if label in parts or kind not in KINDS:
        return
    registry = get_registry()
    if name in registry.names(kind):
        parts[label] = registry.info(kind, name).distribution


def _distributions(parts: Mapping[str, str]) -> dict[str, str]:
    """``{distribution: version}`` of the core and of every distribution named in ``parts``."""
    versions = {CORE_DISTRIBUTION: dict(_installed_at_start()).get(CORE_DISTRIBUTION, "?")}
    registry = get_registry()
    for label, distribution in parts.items():
        if distribution in versions or distribution in (UNKNOWN_DISTRIBUTION, "<runtime>"):
            continue
        kind, _, name = label.partition(":")
        versions[distribution] = registry.info(kind, name).version
    return dict(sorted(versions.items()))
