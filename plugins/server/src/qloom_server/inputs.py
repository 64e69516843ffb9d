"""Circuits and backend names from requests, checked before anything runs.

QASM is parsed by ``qloom.qasm2`` under its ``QasmLimits`` (size, register width, expanded
gate count, include rules with no include folder): a ``qreg q[1000000000]`` is a located
400, not an exhausted server. A backend is named, never a path: the server reads no file a
request names outside the user's own folder.
"""

from __future__ import annotations

import re
from typing import Any

from qloom import qasm2
from qloom.circuit import Circuit
from qloom.errors import QloomError
from qloom.plugins import get_registry
from qloom.qasm2 import QasmLimits
from qloom_server.errors import ApiError, qloom_error_body
from qloom_server.files import Files

__all__ = ["backend_name", "check_backend_options", "read_circuit"]

_DEVICE = re.compile(r"[A-Za-z0-9_+=,-]{0,128}")  # no "." or "/": never a file


def read_circuit(
    user: str,
    files: Files,
    qasm: str | None,
    file: str | None,
    name: str | None,
    where: str,
    limits: QasmLimits | None = None,
) -> Circuit:
    """The circuit of one request entry: its QASM text, or the user's file.

    Args:
        where: how errors name the entry (``"circuits[2]"``), when it has no ``name``.

    Raises:
        ApiError: 400 with the QASM error's file, line and column; 400 when neither or
            both of ``qasm`` and ``file`` are given; 404 for a missing file.
    """
    limits = limits or QasmLimits()
    if (qasm is None) == (file is None):
        raise ApiError(400, "BadRequest", f"{where}: give exactly one of 'qasm' and 'file'")
    if file is not None:
        data = files.read(user, file, limit=limits.max_source_bytes)
        try:
            qasm = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApiError(
                400, "QasmError", f"{file}: not UTF-8 text (byte {exc.start})", filename=file
            ) from None
    assert qasm is not None
    filename = file or name or where
    try:
        circuit = qasm2.loads(qasm, filename=_display(filename), limits=limits)
    except QloomError as exc:
        error = qloom_error_body(exc)["error"]
        raise ApiError(400, error.pop("type"), error.pop("message"), **error) from None
    except RecursionError:
        raise ApiError(400, "QasmError", f"{filename}: nested too deeply") from None
    if name:
        circuit.name = name
    return circuit


def _display(name: str) -> str:
    """A name for error messages that can never be an existing file on the server (the
    parser looks includes up beside a file of that name)."""
    return f"<{name}>"


def backend_name(name: str | None) -> str | None:
    """``name`` when it is an installed backend's ``provider[:device]`` name, not a path.

    Raises:
        ApiError: 400 naming the installed backends.
    """
    if name is None:
        return None
    provider, _, device = name.partition(":")
    installed = get_registry().names("backends")
    if provider not in installed or not _DEVICE.fullmatch(device):
        raise ApiError(
            400,
            "UnknownBackend",
            f"backend {name[:100]!r} is not an installed backend name "
            f"(installed: {', '.join(sorted(installed))}); the server takes names, not paths",
        )
    return name


def check_backend_options(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` for building a backend, refusing the name of the backend argument itself.

    Raises:
        ApiError: 400 for an option named ``on``.
    """
    if "on" in options:
        raise ApiError(400, "BadOption", "'on' is not a backend option: give it as 'backend'")
    return options
