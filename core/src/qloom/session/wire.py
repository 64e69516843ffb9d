"""What an isolated session and its worker process say to each other: bounded JSON messages.

Nothing crosses the pipe as a live object and nothing received is unpickled: each message is
one JSON object sent with ``Connection.send_bytes`` and read with ``recv_bytes(limit)``.
Circuits travel as OpenQASM 2 text with the layout beside it (read back by the bounded
parser; on a routed 100-qubit QFT, 166k operations, writing and reading it takes 0.3 s
against 1.4 s for the Compiler's ``qloom.circuit_data`` form), and as circuit data when
OpenQASM 2 cannot carry them (a ``unitary`` operation, a register name it forbids). The
backend travels as its name and options (the worker builds it from its own installed
plugins), errors as ``qloom.failures`` data, steps and observations as plain values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import Any

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.circuit_data import circuit_from_data, circuit_to_data
from qloom.config import get_backend
from qloom.errors import CircuitError, QloomError, RemoteError
from qloom.failures import error_from_data
from qloom.layout import Layout
from qloom.qasm2 import QasmLimits, dumps, loads
from qloom.session.core import SessionError, Step

__all__ = [
    "MAX_MESSAGE_BYTES",
    "WireError",
    "backend_reference",
    "circuit_from_wire",
    "circuit_to_wire",
    "observation_from_data",
    "receive",
    "remote_error",
    "send",
    "step_from_data",
    "step_to_data",
]

MAX_MESSAGE_BYTES = 64 << 20
"""Default bound on one message either way (64 MiB: a routed 100-qubit QFT is ~1 MiB)."""


class WireError(SessionError):
    """A message could not be sent or read: too large, or not the JSON object expected."""


def send(conn: Connection, message: Mapping[str, Any], limit: int) -> None:
    """Send ``message`` as one JSON object.

    Raises:
        WireError: it is not JSON data, or longer than ``limit`` bytes (nothing is sent).
    """
    try:
        data = json.dumps(message, separators=(",", ":"), default=_scalar).encode()
    except (TypeError, ValueError) as exc:
        raise WireError(
            f"cannot send to the session worker: {exc} (only JSON data travels)"
        ) from exc
    if len(data) > limit:
        raise WireError(
            f"a message of {len(data)} bytes is over the session's max_message_bytes ({limit})"
        )
    conn.send_bytes(data)


def _scalar(value: Any) -> Any:
    """A NumPy scalar as the Python number it holds (observations may be NumPy values)."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        return item()
    raise TypeError(f"{type(value).__name__} is not JSON data")


def receive(conn: Connection, limit: int) -> dict[str, Any]:
    """Read one message (a JSON object of at most ``limit`` bytes).

    Raises:
        EOFError: the other end is closed.
        OSError: the message is longer than ``limit`` (the pipe is then unusable).
        WireError: it is not a JSON object.
    """
    data = conn.recv_bytes(limit)
    try:
        message = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"the session worker sent a message that is not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise WireError(f"the session worker sent {type(message).__name__}, not a JSON object")
    return message


def circuit_to_wire(circuit: Circuit) -> dict[str, Any]:
    """``circuit`` (with its name and layout) as JSON data: OpenQASM 2 text when it can
    carry the circuit exactly, else ``qloom.circuit_data`` data."""
    try:
        text = dumps(circuit)
    except CircuitError:  # a unitary operation, or register names OpenQASM 2 forbids
        return {"data": circuit_to_data(circuit)}
    wire: dict[str, Any] = {"qasm": text, "name": circuit.name}
    if circuit.layout is not None:
        wire["layout"] = circuit.layout.to_dict()
    return wire


def circuit_from_wire(wire: Mapping[str, Any], limit: int) -> Circuit:
    """The circuit ``circuit_to_wire`` wrote; the text is read with the parser's bounds
    (its source bound raised to ``limit``, the message bound).

    Raises:
        QasmError, CircuitError: the data is not a valid circuit.
    """
    if "data" in wire:
        return circuit_from_data(wire["data"])
    limits = QasmLimits(max_source_bytes=max(QasmLimits.max_source_bytes, limit))
    circuit = loads(str(wire["qasm"]), filename="<session message>", limits=limits)
    name = wire.get("name")
    circuit.name = None if name is None else str(name)
    if "layout" in wire:
        circuit.layout = Layout.from_dict(wire["layout"])
    return circuit


def remote_error(data: Any) -> BaseException:
    """The exception the worker described (``qloom.failures`` data); a session's own errors
    come back as ``SessionError``, unknown types as ``RemoteError``."""
    try:
        error = error_from_data(data)
    except ValueError as exc:
        return WireError(f"the session worker sent an error that cannot be read: {exc}")
    if isinstance(error, RemoteError) and error.type_name.startswith("qloom.session."):
        rebuilt = SessionError(error.message)
        rebuilt.__cause__ = error.__cause__
        return rebuilt
    return error


def backend_reference(on: str | Backend | None, options: Mapping[str, Any]) -> dict[str, Any]:
    """How the worker builds the session's backend: its name and options.

    A ``Backend`` object is sent by its name when the installed plugin builds that same
    target from it (every named device does); a hand-made one cannot be rebuilt exactly
    (its coupling graph's order steers the passes) and is refused.

    Raises:
        SessionError: options that are not JSON data, or a backend not buildable by name.
    """
    if isinstance(on, str):
        try:
            json.dumps(dict(options))
        except (TypeError, ValueError) as exc:
            raise SessionError(
                f"an isolated session sends the backend options to its worker as JSON: {exc}"
            ) from exc
        return {"name": on, "options": dict(options)}
    backend = get_backend(on, **options)
    try:
        rebuilt = get_backend(backend.name)
    except QloomError:
        rebuilt = None
    if rebuilt is None or not _same_target(rebuilt, backend):
        raise SessionError(
            f"an isolated session rebuilds its backend in the worker by name, and "
            f"'{backend.name}' does not name an installed backend that builds this one; pass "
            "on='<name>' of an installed backend (a device description file works too: "
            "on='emulator:path/to/device.toml')"
        )
    return {"name": backend.name, "options": {}}


def _same_target(a: Backend, b: Backend) -> bool:
    """Whether two backends constrain and steer passes alike (type, qubits, graph in
    order, natives, calibration, defaults, properties)."""
    if a is b:
        return True
    graphs = [
        None if g is None else (type(g), list(g.nodes), list(g.edges))
        for g in (a.connectivity, b.connectivity)
    ]
    try:
        return bool(
            type(a) is type(b)
            and a.num_qubits == b.num_qubits
            and graphs[0] == graphs[1]
            and a.natives == b.natives
            and a.calibration == b.calibration
            and a.default_pipeline == b.default_pipeline
            and a.default_padding == b.default_padding
            and a.properties == b.properties
        )
    except (TypeError, ValueError):  # properties holding arrays that do not compare
        return False


def step_to_data(step: Step) -> dict[str, Any]:
    """A ``Step`` as JSON data."""
    return {
        "label": step.label,
        "spec": step.spec,
        "seed": step.seed,
        "reward": step.reward,
        "wall": step.wall,
        "cpu": step.cpu,
    }


def step_from_data(data: Mapping[str, Any]) -> Step:
    """The ``Step`` ``step_to_data`` wrote."""
    return Step(
        str(data["label"]),
        dict(data["spec"]),
        int(data["seed"]),
        float(data["reward"]),
        float(data["wall"]),
        float(data["cpu"]),
    )


def observation_from_data(name: str, value: Any) -> Any:
    """An observation value as the in-process session gives it (JSON has no tuples)."""
    if name == "interaction_graph":
        return [(int(a), int(b), int(n)) for a, b, n in value]
    return value
