"""OpenQASM 2 import and export.

``loads``/``load`` read a program into a ``Circuit``: ``qelib1.inc`` is built in (its gates
are qloom's library gates), user ``gate`` definitions are inlined into library gates, and
every error is a ``QasmError`` giving file, line, column, what was expected and what was
found. ``dumps``/``dump`` write a circuit back so that ``loads(dumps(c)) == c``.

Modules: ``lexer`` (tokens and error locations), ``expr`` (parameter expressions),
``program`` (registers, gate definitions, operations), ``parser`` (statements) and
``exporter`` (``dumps``).
"""

from __future__ import annotations

import os

from qloom.circuit import Circuit
from qloom.errors import QasmError
from qloom.qasm2.exporter import dumps
from qloom.qasm2.lexer import Source
from qloom.qasm2.parser import parse_source
from qloom.qasm2.program import Program

__all__ = ["dump", "dumps", "load", "loads"]


def loads(text: str, *, filename: str = "<string>") -> Circuit:
    """Parse an OpenQASM 2 program.

    Args:
        text: the program.
        filename: the name used in error messages; files it includes (other than
            ``qelib1.inc``) are looked up relative to its directory.

    Returns:
        The circuit, with the program's register names.

    Raises:
        QasmError: the program is not valid OpenQASM 2 (or uses a gate qloom lacks).
    """
    program = Program()
    if os.path.isfile(filename):
        program.including.append(os.path.realpath(filename))
    parse_source(program, Source(text, filename))
    return program.build()


def load(path: str | os.PathLike[str]) -> Circuit:
    """Parse the OpenQASM 2 file at ``path`` (UTF-8; error messages name it as given).

    Raises:
        OSError: the file cannot be read.
        QasmError: the file is not UTF-8 text or not valid OpenQASM 2.
    """
    filename = os.fspath(path)
    with open(filename, "rb") as handle:
        data = handle.read()
    return loads(_decode(data, filename), filename=filename)


def dump(circuit: Circuit, path: str | os.PathLike[str]) -> None:
    """Write ``dumps(circuit)`` to the file at ``path``.

    Raises:
        CircuitError: the circuit cannot be expressed in OpenQASM 2 (see ``dumps``).
        OSError: the file cannot be written.
    """
    text = dumps(circuit)
    with open(os.fspath(path), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise QasmError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})", filename, line, column
        ) from None
