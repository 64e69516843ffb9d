"""Read a device description (TOML or JSON) into a ``Device``, with errors that say where.

The format, which the catalog's own files use too::

    name = "my-chip"                       # optional: defaults to the file's stem
    description = "6-qubit ring"
    natives = ["rz", "sx", "x", "cz"]
    virtual = ["rz"]                       # optional: error-free software gates
    pipeline = "emulator"                  # optional: the default pipeline
    padding = "before"                     # optional

    [topology]
    kind = "ring"                          # edges, line, ring, grid, star, all-to-all,
    qubits = 6                             # heavy-hex; or give `edges = [[0, 1], ...]`
    directed = false                       # true: 2q natives only as listed (a -> b)

    [noise]                                # medians; `spread` varies them per qubit/pair
    gate_error_1q = 3e-4
    gate_error_2q = 8e-3
    readout_error = 1.5e-2
    spread = 0.3                           # optional, lognormal sigma (0: all equal)
    seed = 1                               # optional, seed of that variation

    [durations]                            # optional, nanoseconds
    gate_1q_ns = 35
    gate_2q_ns = 300
    readout_ns = 1000

    [[qubit]]                              # optional overrides, per qubit
    index = 3
    gate_error = 1e-3
    readout_error = 0.05

    [[edge]]                               # optional overrides, per coupled pair
    pair = [2, 3]
    gate_error = 0.02
    duration_ns = 450
"""

from __future__ import annotations

import difflib
import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from qloom.errors import QloomError
from qloom.gates import GATES
from qloom_hw_emulator.model import Device, Pair
from qloom_hw_emulator.topologies import BUILDERS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["DEFAULT_PIPELINE", "DeviceFileError", "load_device", "parse_device"]

DEFAULT_PIPELINE = "emulator"
"""The noise-aware pipeline this plugin registers; devices use it unless they name another."""

_TOP = {
    "name",
    "description",
    "natives",
    "virtual",
    "pipeline",
    "padding",
    "topology",
    "noise",
    "durations",
    "qubit",
    "edge",
}
_TOPOLOGY = {"kind", "qubits", "edges", "directed", "rows", "cols", "width"}
_NOISE = {"gate_error_1q", "gate_error_2q", "readout_error", "spread", "seed"}
_DURATIONS = {"gate_1q_ns", "gate_2q_ns", "readout_ns"}
_QUBIT = {"index", "gate_error", "readout_error", "gate_ns", "readout_ns"}
_EDGE = {"pair", "gate_error", "duration_ns"}
_SIZES = {"heavy-hex": ("rows", "width"), "grid": ("rows", "cols")}


class DeviceFileError(QloomError):
    """A device description is invalid: ``source`` and ``key`` say where."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source = source
        self.key = key
        self.problem = problem


def load_device(path: str | Path) -> Device:
    """Read a ``.toml`` or ``.json`` device description.

    Raises:
        DeviceFileError: the file is missing, malformed or describes an invalid device.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise DeviceFileError(source, "file", "no such device description file")
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise DeviceFileError(source, f"line {exc.lineno}, column {exc.colno}", exc.msg) from exc
    except tomllib.TOMLDecodeError as exc:
        raise DeviceFileError(source, "syntax", str(exc)) from exc
    if not isinstance(data, dict):
        raise DeviceFileError(source, "file", "expected a table of device fields")
    return parse_device(data, source, default_name=path.stem)


def parse_device(data: Mapping[str, Any], source: str, default_name: str = "device") -> Device:
    """Validate a description already parsed into plain data (see the module docstring)."""
    read = _Reader(source)
    read.known(data, _TOP, "")
    name = read.text(data, "name", default_name)
    natives = read.gates(data, "natives", required=True)
    virtual = read.gates(data, "virtual", required=False)
    if not virtual <= natives:
        read.fail("virtual", f"{sorted(virtual - natives)} are not among the natives")
    num_qubits, edges, directed = _topology(read, data)
    noise = read.table(data, "noise")
    read.known(noise, _NOISE, "noise")
    durations = read.table(data, "durations")
    read.known(durations, _DURATIONS, "durations")

    rng = np.random.default_rng(read.integer(noise, "seed", "noise.", 0))
    spread = read.number(noise, "spread", "noise.", 0.0, upper=5.0)
    qubits = range(num_qubits)

    def varied(key: str, keys: list[Any]) -> dict[Any, float]:
        median = read.number(noise, key, "noise.", 0.0, upper=1.0)
        factors = np.exp(spread * rng.standard_normal(len(keys)))
        return {k: float(min(0.5, median * f)) for k, f in zip(keys, factors, strict=True)}

    gate_error = varied("gate_error_1q", list(qubits))
    readout_error = varied("readout_error", list(qubits))
    edge_error = varied("gate_error_2q", list(edges))
    gate_ns = dict.fromkeys(qubits, read.number(durations, "gate_1q_ns", "durations.", 0.0))
    readout_ns = dict.fromkeys(qubits, read.number(durations, "readout_ns", "durations.", 0.0))
    edge_ns = dict.fromkeys(edges, read.number(durations, "gate_2q_ns", "durations.", 0.0))

    for i, entry in enumerate(read.entries(data, "qubit")):
        key = f"qubit[{i}]"
        read.known(entry, _QUBIT, key)
        q = read.integer(entry, "index", f"{key}.", None)
        if not 0 <= q < num_qubits:
            read.fail(f"{key}.index", f"qubit {q} does not exist (the device has {num_qubits})")
        for table, field in ((gate_error, "gate_error"), (readout_error, "readout_error")):
            if field in entry:
                table[q] = read.number(entry, field, f"{key}.", 0.0, upper=1.0)
        for table, field in ((gate_ns, "gate_ns"), (readout_ns, "readout_ns")):
            if field in entry:
                table[q] = read.number(entry, field, f"{key}.", 0.0)
    coupled = set(edges)
    for i, entry in enumerate(read.entries(data, "edge")):
        key = f"edge[{i}]"
        read.known(entry, _EDGE, key)
        pair = read.pair(entry.get("pair"), f"{key}.pair", num_qubits)
        if pair not in coupled:
            pair = (pair[1], pair[0])
            if directed or pair not in coupled:
                read.fail(f"{key}.pair", f"{list(pair)} is not a coupled pair of the topology")
        if "gate_error" in entry:
            edge_error[pair] = read.number(entry, "gate_error", f"{key}.", 0.0, upper=1.0)
        if "duration_ns" in entry:
            edge_ns[pair] = read.number(entry, "duration_ns", f"{key}.", 0.0)

    return Device(
        name=name,
        description=read.text(data, "description", f"{num_qubits}-qubit device"),
        num_qubits=num_qubits,
        edges=tuple(edges),
        directed=directed,
        natives=frozenset(natives),
        virtual=frozenset(virtual),
        pipeline=read.text(data, "pipeline", DEFAULT_PIPELINE),
        padding=read.text(data, "padding", "") or None,
        gate_error=gate_error,
        readout_error=readout_error,
        edge_error=edge_error,
        gate_ns=gate_ns,
        readout_ns=readout_ns,
        edge_ns=edge_ns,
        source=source,
    )


def _topology(read: _Reader, data: Mapping[str, Any]) -> tuple[int, list[Pair], bool]:
    table = read.table(data, "topology", required=True)
    read.known(table, _TOPOLOGY, "topology")
    kind = read.text(table, "kind", "edges" if "edges" in table else "", "topology.")
    directed = read.flag(table, "directed", "topology.")
    if kind == "edges":
        raw_edges = table.get("edges")
        if not isinstance(raw_edges, list) or not raw_edges:
            read.fail("topology.edges", "expected a non-empty list of [a, b] pairs")
        width = 1 + max(
            (q for e in raw_edges if isinstance(e, list) for q in e if isinstance(q, int)),
            default=0,
        )
        num_qubits = read.integer(table, "qubits", "topology.", width)
        edges = [read.pair(e, f"topology.edges[{i}]", num_qubits) for i, e in enumerate(raw_edges)]
    elif kind in BUILDERS:
        sizes = _SIZES.get(kind)
        if sizes is None:
            num_qubits = read.integer(table, "qubits", "topology.", None)
            edges = BUILDERS[kind](num_qubits)
        else:
            dims = [read.integer(table, s, "topology.", None) for s in sizes]
            edges = BUILDERS[kind](*dims)
            built = 1 + max(q for e in edges for q in e)
            num_qubits = read.integer(table, "qubits", "topology.", built)
            if num_qubits != built:
                read.fail("topology.qubits", f"{num_qubits}, but a {kind} of {dims} has {built}")
    else:
        read.fail("topology.kind", _unknown(kind, ["edges", *BUILDERS]))
    if num_qubits < 1:
        read.fail("topology.qubits", f"a device needs at least one qubit, got {num_qubits}")
    seen: set[Pair] = set()
    for i, (a, b) in enumerate(edges):
        if (a, b) in seen or (not directed and (b, a) in seen):
            read.fail(f"topology.edges[{i}]", f"the pair {[a, b]} is listed twice")
        seen.add((a, b))
    return num_qubits, edges, directed


class _Reader:
    """Typed field access that raises ``DeviceFileError`` naming the source and key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> Any:
        raise DeviceFileError(self.source, key, problem)

    def known(self, table: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                prefix = f"{where}." if where else ""
                self.fail(f"{prefix}{key}", _unknown(key, sorted(allowed), "field"))

    def table(self, data: Mapping[str, Any], key: str, required: bool = False) -> dict[str, Any]:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(key, f"expected a table, got {_shown(value)}")
        return dict(value)

    def entries(self, data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, f"expected a list of tables ([[{key}]]), got {_shown(value)}")
        return value

    def text(self, data: Mapping[str, Any], key: str, default: str, prefix: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            self.fail(prefix + key, f"expected a string, got {_shown(value)}")
        return value

    def flag(self, data: Mapping[str, Any], key: str, prefix: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.fail(prefix + key, f"expected true or false, got {_shown(value)}")
        return value

    def integer(self, data: Mapping[str, Any], key: str, prefix: str, default: int | None) -> int:
        value = data.get(key, default)
        if value is None:
            self.fail(prefix + key, "missing")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(prefix + key, f"expected an integer, got {_shown(value)}")
        return int(value)

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        prefix: str,
        default: float,
        upper: float = math.inf,
    ) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(prefix + key, f"expected a number, got {_shown(value)}")
        if not (0.0 <= value <= upper):
            bound = f"[0, {upper:g}]" if upper < math.inf else "0 or more"
            self.fail(prefix + key, f"{value!r} is not in {bound}")
        return float(value)

    def pair(self, value: Any, key: str, num_qubits: int) -> Pair:
        ok = isinstance(value, list) and len(value) == 2
        if not ok or not all(isinstance(q, int) and not isinstance(q, bool) for q in value):
            self.fail(key, f"expected a pair of qubits [a, b], got {_shown(value)}")
        a, b = value
        for q in (a, b):
            if not 0 <= q < num_qubits:
                self.fail(
                    key,
                    f"{[a, b]} names qubit {q}, but the device has {num_qubits} "
                    f"qubits (0..{num_qubits - 1})",
                )
        if a == b:
            self.fail(key, f"{[a, b]} couples a qubit with itself")
        return (a, b)

    def gates(self, data: Mapping[str, Any], key: str, required: bool) -> set[str]:
        value = data.get(key, [] if not required else None)
        if not isinstance(value, list) or (required and not value):
            self.fail(key, f"expected a list of gate names, got {_shown(value)}")
        names: set[str] = set()
        for i, name in enumerate(value):
            gate = GATES.get(name) if isinstance(name, str) else None
            if gate is None:
                self.fail(f"{key}[{i}]", _unknown(str(name), sorted(GATES), "gate"))
            elif not gate.is_unitary or gate.num_qubits not in (1, 2):
                self.fail(f"{key}[{i}]", f"'{name}' is not a one- or two-qubit gate")
            names.add(name)
        return names


def _unknown(name: str, known: list[str], what: str = "kind") -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown {what} '{name}'{hint} (known: {', '.join(known)})"


def _shown(value: Any) -> str:
    return "nothing" if value is None else f"{value!r} ({type(value).__name__})"
