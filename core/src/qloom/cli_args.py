"""Command-line options and readers shared by ``qloom``'s sub-commands (``transpile``,
``run``, ``draw``, ``compile``), in a module of their own so that the sub-command modules
and ``qloom.cli`` import them from below instead of from each other."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qloom.errors import QloomError

__all__ = [
    "add_progress_options",
    "add_qasm_options",
    "add_target_options",
    "load_circuit_file",
    "parse_backend_options",
    "qasm_options",
]


def add_qasm_options(parser: argparse.ArgumentParser) -> None:
    """``--include-path``, ``--allow-outside-includes`` and ``--qasm-limit``: how the
    OpenQASM reader may read includes and how much it accepts (see ``qasm_options``)."""
    parser.add_argument(
        "--include-path",
        dest="include_path",
        action="append",
        default=[],
        metavar="DIR",
        help="also read OpenQASM includes from DIR (repeatable; by default only from the "
        "file's own folder)",
    )
    parser.add_argument(
        "--allow-outside-includes",
        action="store_true",
        help="let includes name absolute paths and files outside those folders",
    )
    parser.add_argument(
        "--qasm-limit",
        dest="qasm_limits",
        action="append",
        default=[],
        metavar="NAME=N",
        help="raise a reader limit, e.g. max_qubits=1000000 (repeatable; see docs/qasm2.md)",
    )


def qasm_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of ``qasm2.load`` that ``add_qasm_options`` parsed."""
    from qloom.qasm2 import QasmLimits

    try:
        limits = QasmLimits.from_pairs(getattr(args, "qasm_limits", []))
    except ValueError as exc:
        raise QloomError(f"--qasm-limit: {exc}") from None
    return {
        "include_path": getattr(args, "include_path", []),
        "allow_outside": getattr(args, "allow_outside_includes", False),
        "limits": limits,
    }


def add_progress_options(parser: argparse.ArgumentParser, *, no_progress: bool = False) -> None:
    """``--progress`` and ``-q``/``--quiet`` (and ``--no-progress`` if asked): whether a
    command shows its progress on stderr; ``args.progress`` is True, False or None (only on a
    terminal). See ``qloom.progress``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--progress",
        dest="progress",
        action="store_const",
        const=True,
        default=None,
        help="show progress on stderr even when it is not a terminal (default: on a "
        "terminal, once the command has run for a second)",
    )
    group.add_argument(
        "-q", "--quiet", dest="progress", action="store_const", const=False, help="no progress"
    )
    if no_progress:
        group.add_argument(
            "--no-progress",
            dest="progress",
            action="store_const",
            const=False,
            help="no progress (same as --quiet)",
        )


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """``--on``, ``--pipeline``, ``--seed``, ``--padding`` and ``--option``: what to
    transpile for and how, shared by the commands that transpile."""
    parser.add_argument("--on", dest="backend", help="backend: provider or provider:device")
    parser.add_argument("--pipeline", help="pipeline name (default: the backend's)")
    parser.add_argument("--seed", type=int, default=None, help="root seed, for reproducible output")
    parser.add_argument(
        "--padding",
        help="none, before or after: overrides the backend's default padding",
    )
    parser.add_argument(
        "--option",
        dest="options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="backend option, e.g. noise=false (repeatable; values read as JSON, else text)",
    )


def parse_backend_options(pairs: Sequence[str]) -> dict[str, Any]:
    """``["noise=false", "max_qubits=20"]`` -> ``{"noise": False, "max_qubits": 20}``."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QloomError(f"--option expects KEY=VALUE, got '{pair}'")
        try:
            options[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            options[key.strip()] = value
    return options


def load_circuit_file(path: Path, **reader: Any) -> Any:
    """The circuit in an OpenQASM 2 file; a missing file is a ``QloomError`` naming it.

    ``reader`` holds ``qasm2.load``'s keyword arguments (``qasm_options(args)``).
    """
    from qloom import qasm2

    if not path.is_file():
        raise QloomError(f"no such file: {path}")
    return qasm2.load(path, **reader)
