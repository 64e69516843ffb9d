"""OpenQASM 2 import and export.

``loads``/``load`` read a program into a ``Circuit``: ``qelib1.inc`` is built in (its gates
are qloom's library gates), user ``gate`` definitions are inlined into library gates, and
every error is a ``QasmError`` giving file, line, column, what was expected and what was
found. ``dumps``/``dump`` write a circuit back so that ``loads(dumps(c)) == c``.

The reader treats its input as untrusted: includes are read only from allowed folders
(``includes``) and every input has a bound (``QasmLimits``) past which it raises a located
``QasmLimitError``.

Modules: ``lexer`` (tokens and error locations), ``expr`` (parameter expressions),
``limits`` (bounds), ``includes`` (where includes come from), ``program`` (registers, gate
definitions, operations), ``parser`` (statements) and ``exporter`` (``dumps``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from qloom.circuit import Circuit
from qloom.errors import QasmError
from qloom.qasm2.exporter import dumps
from qloom.qasm2.includes import IncludeRules, read_limited
from qloom.qasm2.lexer import Source
from qloom.qasm2.limits import QasmLimitError, QasmLimits
from qloom.qasm2.parser import parse_source
from qloom.qasm2.program import Program

__all__ = ["QasmLimitError", "QasmLimits", "dump", "dumps", "load", "loads"]

IncludePath = Iterable[str | os.PathLike[str]]


def loads(
    text: str,
    *,
    filename: str = "<string>",
    include_path: IncludePath = (),
    allow_outside: bool = False,
    limits: QasmLimits | None = None,
) -> Circuit:
    """Parse an OpenQASM 2 program.

    Args:
        text: the program.
        filename: the name used in error messages. When it names an existing file, files
            the program includes (other than the built-in ``qelib1.inc``) are looked up in
            its folder and may be read from anywhere under it.
        include_path: more folders to look includes up in and read them from.
        allow_outside: also read absolute include names and files outside those folders
            (off by default: a program must not read ``/etc/passwd`` for its author).
        limits: bounds on the program's size (default ``QasmLimits()``).

    Returns:
        The circuit, with the program's register names.

    Raises:
        QasmError: the program is not valid OpenQASM 2 (or uses a gate qloom lacks), or
            includes a file it may not read.
        QasmLimitError: the program exceeds one of ``limits``.
    """
    limits = QasmLimits() if limits is None else limits
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_source_bytes:
        raise _too_large(filename, size, limits)
    program = _program(filename, include_path, allow_outside, limits)
    program.source_bytes = size
    parse_source(program, Source(text, filename))
    return program.build()


def load(
    path: str | os.PathLike[str],
    *,
    include_path: IncludePath = (),
    allow_outside: bool = False,
    limits: QasmLimits | None = None,
) -> Circuit:
    """Parse the OpenQASM 2 file at ``path`` (UTF-8; error messages name it as given).

    ``include_path``, ``allow_outside`` and ``limits`` are as for ``loads``; the file's
    own folder is where its includes are looked up first.

    Raises:
        OSError: the file cannot be read.
        QasmError: the file is not UTF-8 text or not valid OpenQASM 2.
        QasmLimitError: the file exceeds one of ``limits`` (its size is checked before
            it is read in full).
    """
    limits = QasmLimits() if limits is None else limits
    filename = os.fspath(path)
    data, size = read_limited(filename, limits.max_source_bytes)
    if size > limits.max_source_bytes:
        raise _too_large(filename, size, limits)
    text = _decode(data, filename)
    del data  # the text is parsed alone: a large file is not held twice
    program = _program(filename, include_path, allow_outside, limits)
    program.source_bytes = size
    parse_source(program, Source(text, filename))
    return program.build()


def dump(circuit: Circuit, path: str | os.PathLike[str]) -> None:
    """Write ``dumps(circuit)`` to the file at ``path``.

    Raises:
        CircuitError: the circuit cannot be expressed in OpenQASM 2 (see ``dumps``).
        OSError: the file cannot be written.
    """
    text = dumps(circuit)
    with open(os.fspath(path), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _program(
    filename: str, include_path: IncludePath, allow_outside: bool, limits: QasmLimits
) -> Program:
    main = filename if os.path.isfile(filename) else None
    rules = IncludeRules(main, include_path, allow_outside)
    program = Program(limits, rules, os.path.basename(filename))
    if main is not None:
        program.include_chain[0] = (os.path.realpath(main), os.path.basename(filename))
    return program


def _too_large(filename: str, size: int, limits: QasmLimits) -> QasmLimitError:
    what = f"the source is {size} bytes"
    return Source("", filename).limit_error(what, 0, "max_source_bytes", limits.max_source_bytes)


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise QasmError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})", filename, line, column
        ) from None
