"""``qloom draw``: a circuit file as a text diagram, optionally transpiled first, and the
coupling map with the chosen layout as a picture."""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path
from typing import Any

from qloom.errors import QloomError

__all__ = ["add_draw_command"]


def add_draw_command(subparsers: Any) -> None:
    """Add ``qloom draw FILE.qasm`` to the ``qloom`` command's subparsers."""
    from qloom.cli_args import add_qasm_options, add_target_options

    draw = subparsers.add_parser(
        "draw",
        help="draw an OpenQASM 2 file as a text diagram (transpiled with --on)",
        description=(
            "Draw a circuit as a text diagram. With --on, transpile it first and draw the "
            "result with its layout; --coupling also writes the device's coupling map with "
            "that layout as a picture (needs matplotlib: pip install 'qloom[draw]')."
        ),
    )
    draw.add_argument("file", type=Path, help="OpenQASM 2 file")
    draw.add_argument("--ascii", action="store_true", help="only ASCII characters")
    draw.add_argument(
        "--width",
        type=int,
        default=None,
        metavar="N",
        help="fold at N characters (default: the terminal's width; 0: never fold)",
    )
    draw.add_argument(
        "--idle-wires", action="store_true", help="also draw qubits and registers nothing uses"
    )
    draw.add_argument(
        "--max-chars",
        type=int,
        default=None,
        metavar="N",
        help="refuse a diagram larger than N characters (default: 2,000,000)",
    )
    add_target_options(draw)
    add_qasm_options(draw)
    draw.add_argument(
        "--coupling",
        type=Path,
        metavar="OUT.png",
        help="with --on a device: write its coupling map with the layout (.png, .svg, .pdf)",
    )
    draw.set_defaults(func=_cmd_draw)


def _cmd_draw(args: argparse.Namespace) -> int:
    from qloom.cli_args import load_circuit_file, qasm_options
    from qloom.drawing.text import DEFAULT_MAX_CHARS, check_drawable, draw_text

    if args.coupling is not None and not args.backend:
        raise QloomError(
            "--coupling draws the layout chosen for a device: add --on BACKEND, "
            "e.g. --on emulator:heavy-hex-27"
        )
    max_chars = DEFAULT_MAX_CHARS if args.max_chars is None else args.max_chars
    circuit = load_circuit_file(args.file, **qasm_options(args))
    check_drawable(circuit, max_chars)  # before transpiling a circuit it cannot draw
    if args.backend:
        circuit = _transpiled(circuit, args)
    text = draw_text(
        circuit,
        ascii=args.ascii,
        width=args.width,
        idle_wires=args.idle_wires,
        max_chars=max_chars,
    )
    print(text)
    return 0


def _transpiled(circuit: Any, args: argparse.Namespace) -> Any:
    from qloom.api import transpile
    from qloom.cli_args import parse_backend_options
    from qloom.config import get_backend, pipeline_for

    backend = get_backend(args.backend, **parse_backend_options(args.options))
    if args.coupling is not None and backend.connectivity is None:
        raise QloomError(
            f"--coupling: backend '{backend.name}' has no coupling map (every pair is "
            "coupled); pick a device backend, e.g. --on emulator:heavy-hex-27"
        )
    pipeline = pipeline_for(backend, args.pipeline)
    seed = secrets.randbits(63) if args.seed is None else args.seed  # printed, to redo it
    out = transpile(circuit, on=backend, transpiler=pipeline, seed=seed, padding=args.padding)
    print(f"{args.file} on {backend.name} with pipeline '{pipeline.name}' (seed {seed})")
    if args.coupling is not None:
        from qloom.drawing.coupling import draw_coupling

        draw_coupling(backend, circuit=out, path=args.coupling)
        print(f"wrote {args.coupling}")
    return out
