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

from qloom.errors import ConfigError
from qloom.gates import GATES
from qloom_hw_emulator.limits import MAX_NESTING, DeviceLimits, nesting_depth
from qloom_hw_emulator.model import Device, Pair
from qloom_hw_emulator.topologies import BUILDERS, couplers_of, qubits_of

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
_SEED_LIMIT = 1 << 63
_SHOWN = 60  # characters of a value quoted in a message


class DeviceFileError(ConfigError):
    """A device description is invalid: ``source`` and ``key`` say where.

    The user's error (a ``ConfigError``), never a sign that the emulator plugin is broken.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source = source
        self.key = key
        self.problem = problem


def load_device(path: str | Path, limits: DeviceLimits | None = None) -> Device:
    """Read a ``.toml`` or ``.json`` device description.

    The file's size and bracket nesting are checked before it is parsed, and every size
    before anything is built (``limits``, default ``DeviceLimits()``).

    Raises:
        DeviceFileError: the file is missing, too large, malformed or describes an invalid
            device; the message names the file and the key.
    """
    limits = limits or DeviceLimits()
    path = Path(path)
    source = str(path)
    text = _read_text(path, source, limits)
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise DeviceFileError(
            source,
            "file",
            f"brackets nest more than {MAX_NESTING} deep (a device description needs 4)",
        )
    is_json = path.suffix.lower() == ".json"
    try:
        data = json.loads(text) if is_json else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise DeviceFileError(source, f"line {exc.lineno}, column {exc.colno}", exc.msg) from exc
    except tomllib.TOMLDecodeError as exc:
        raise DeviceFileError(source, "syntax", str(exc)) from exc
    except (ValueError, RecursionError) as exc:  # e.g. an integer of 5000 digits
        kind = "JSON" if is_json else "TOML"
        raise DeviceFileError(source, "file", f"not valid {kind}: {exc}") from exc
    if not isinstance(data, dict):
        raise DeviceFileError(source, "file", "expected a table of device fields")
    return parse_device(data, source, default_name=path.stem, limits=limits)


def _read_text(path: Path, source: str, limits: DeviceLimits) -> str:
    """The file's text, refusing a missing, special, oversized or non-UTF-8 file."""
    if not path.is_file():
        raise DeviceFileError(source, "file", "no such device description file")
    try:
        with path.open("rb") as file:
            raw = file.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise DeviceFileError(source, "file", f"cannot be read: {exc.strerror}") from exc
    if len(raw) > limits.max_file_bytes:
        raise DeviceFileError(
            source, "file", limits.exceeded("max_file_bytes", "the file has more bytes")
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeviceFileError(
            source, "file", f"not UTF-8 text (byte {exc.start} cannot be decoded)"
        ) from exc


def parse_device(
    data: Mapping[str, Any],
    source: str,
    default_name: str = "device",
    limits: DeviceLimits | None = None,
) -> Device:
    """Validate a description already parsed into plain data (see the module docstring).

    Raises:
        DeviceFileError: a field is missing, of the wrong type, out of range or over
            ``limits`` (default ``DeviceLimits()``); the message names ``source`` and the key.
    """
    read = _Reader(source, limits or DeviceLimits())
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

    rng = np.random.default_rng(read.integer(noise, "seed", "noise.", 0, 0, _SEED_LIMIT - 1))
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
            read.fail(
                f"{key}.index",
                f"qubit {q} does not exist (the device has {num_qubits}: 0..{num_qubits - 1})",
            )
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
    """Qubits, pairs and direction; every size is checked against the limits first."""
    table = read.table(data, "topology", required=True)
    read.known(table, _TOPOLOGY, "topology")
    kind = read.text(table, "kind", "edges" if "edges" in table else "", "topology.")
    directed = read.flag(table, "directed", "topology.")
    if kind == "edges":
        num_qubits, edges = _listed_edges(read, table)
    elif kind in BUILDERS:
        sizes = _SIZES.get(kind, ("qubits",))
        dims = [read.size(table, s, "topology.") for s in sizes]
        _check_shape(read, kind, dims)
        built = qubits_of(kind, *dims)
        if built > read.limits.max_qubits:
            read.fail(
                f"topology.{sizes[0]}",
                read.limits.exceeded("max_qubits", f"a {kind} of {dims} has {built} qubits"),
            )
        couplers = couplers_of(kind, *dims)
        if couplers > read.limits.max_couplers:
            read.fail(
                f"topology.{sizes[0]}",
                read.limits.exceeded(
                    "max_couplers", f"a {kind} of {dims} has {couplers} couplers"
                ),
            )
        num_qubits = read.integer(table, "qubits", "topology.", built)
        if num_qubits != built:
            read.fail("topology.qubits", f"{num_qubits}, but a {kind} of {dims} has {built}")
        edges = BUILDERS[kind](*dims)
    else:
        read.fail("topology.kind", _unknown(kind, ["edges", *BUILDERS]))
    seen: set[Pair] = set()
    for i, (a, b) in enumerate(edges):
        if (a, b) in seen or (not directed and (b, a) in seen):
            read.fail(f"topology.edges[{i}]", f"the pair {[a, b]} is listed twice")
        seen.add((a, b))
    return num_qubits, edges, directed


def _listed_edges(read: _Reader, table: Mapping[str, Any]) -> tuple[int, list[Pair]]:
    """``edges = [[a, b], ...]``, with ``qubits`` or one past the highest qubit named."""
    raw_edges = table.get("edges")
    if not isinstance(raw_edges, list) or not raw_edges:
        read.fail("topology.edges", "expected a non-empty list of [a, b] pairs")
    if len(raw_edges) > read.limits.max_couplers:
        read.fail(
            "topology.edges",
            read.limits.exceeded("max_couplers", f"{len(raw_edges)} pairs are listed"),
        )
    given = "qubits" in table
    width = read.size(table, "qubits", "topology.") if given else None
    edges = [read.pair(e, f"topology.edges[{i}]", width) for i, e in enumerate(raw_edges)]
    return width or 1 + max(q for e in edges for q in e), edges


def _check_shape(read: _Reader, kind: str, dims: list[int]) -> None:
    """Shapes the builders cannot draw: an even heavy-hex, a width not 3 mod 4."""
    if kind != "heavy-hex":
        return
    rows, width = dims
    if rows % 2 == 0:
        read.fail("topology.rows", f"a heavy-hex lattice has an odd number of rows, got {rows}")
    if width < 3 or width % 4 != 3:
        read.fail(
            "topology.width",
            f"a heavy-hex row is 3 more than a multiple of 4 qubits wide "
            f"(3, 7, 11, 15, ...), got {width}",
        )


class _Reader:
    """Typed field access that raises ``DeviceFileError`` naming the source and key."""

    def __init__(self, source: str, limits: DeviceLimits) -> None:
        self.source = source
        self.limits = limits

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

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        prefix: str,
        default: int | None,
        lower: int | None = None,
        upper: int | None = None,
    ) -> int:
        value = data.get(key, default)
        if value is None:
            self.fail(prefix + key, "missing")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(prefix + key, f"expected an integer, got {_shown(value)}")
        if (lower is not None and value < lower) or (upper is not None and value > upper):
            self.fail(prefix + key, f"{_shown(value)} is not in [{lower}, {upper}]")
        return int(value)

    def size(self, data: Mapping[str, Any], key: str, prefix: str) -> int:
        """A count of qubits, rows or columns: at least 1, at most ``max_qubits``."""
        value = self.integer(data, key, prefix, None)
        if value < 1:
            self.fail(prefix + key, f"must be at least 1, got {value}")
        if value > self.limits.max_qubits:
            self.fail(prefix + key, self.limits.exceeded("max_qubits", f"{value} qubits"))
        return value

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
        if not math.isfinite(value) or not (0.0 <= value <= upper):
            bound = f"[0, {upper:g}]" if upper < math.inf else "0 or more"
            self.fail(prefix + key, f"{value!r} is not in {bound}")
        return float(value)

    def pair(self, value: Any, key: str, num_qubits: int | None) -> Pair:
        """``[a, b]`` of distinct qubits below ``num_qubits`` (``None``: below the limit)."""
        ok = isinstance(value, list) and len(value) == 2
        if not ok or not all(isinstance(q, int) and not isinstance(q, bool) for q in value):
            self.fail(key, f"expected a pair of qubits [a, b], got {_shown(value)}")
        a, b = value
        for j, q in enumerate((a, b)):
            if num_qubits is not None and not 0 <= q < num_qubits:
                self.fail(f"{key}[{j}]", f"qubit {q} out of range 0..{num_qubits - 1}")
            if not 0 <= q < self.limits.max_qubits:
                self.fail(
                    f"{key}[{j}]",
                    self.limits.exceeded("max_qubits", f"qubit {q} needs {q + 1} qubits")
                    if q >= 0
                    else f"qubit {q} is negative",
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
                self.fail(f"{key}[{i}]", _unknown(_clipped(str(name)), sorted(GATES), "gate"))
            elif not gate.is_unitary or gate.num_qubits not in (1, 2):
                self.fail(f"{key}[{i}]", f"'{name}' is not a one- or two-qubit gate")
            names.add(name)
        return names


def _unknown(name: str, known: list[str], what: str = "kind") -> str:
    name = _clipped(name)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown {what} '{name}'{hint} (known: {', '.join(known)})"


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str) and len(value) > _SHOWN:
        return f"a string of {len(value)} characters"
    if isinstance(value, (list, dict)) and len(value) > _SHOWN:
        return f"a {type(value).__name__} of {len(value)} items"
    return f"{_clipped(repr(value))} ({type(value).__name__})"


def _clipped(text: str) -> str:
    """``text`` cut to a length fit for a message."""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
