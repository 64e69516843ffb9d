"""``qloom draw``: a circuit file as a text diagram, optionally transpiled first, and the
coupling map with the chosen layout as a picture."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

from qloom.errors import QloomError

__all__ = ["add_draw_command"]


def add_draw_command(subparsers: Any) -> None:
    """Add ``qloom draw FILE.qasm`` to the ``qloom`` command's subparsers."""
    from qloom.cli_args import add_progress_options, add_qasm_options, add_target_options

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
        help="refuse to draw more than N characters (default: 2,000,000; with --full 200,000,000)",
    )
    size = draw.add_mutually_exclusive_group()
    size.add_argument(
        "--max-lines",
        type=int,
        default=None,
        metavar="N",
        help="print the pages that fit in N lines, then what was left out (default 500)",
    )
    size.add_argument(
        "--full", action="store_true", help="print every page, however long the diagram"
    )
    add_target_options(draw)
    add_qasm_options(draw)
    add_progress_options(draw)
    draw.add_argument(
        "--coupling",
        type=Path,
        metavar="OUT.png",
        help="with --on a device: write its coupling map with the layout (.png, .svg, .pdf)",
    )
    draw.set_defaults(func=_cmd_draw)


def _cmd_draw(args: argparse.Namespace) -> int:
    from qloom.cli_args import load_circuit_file, qasm_options
    from qloom.drawing.text import (
        DEFAULT_MAX_CHARS,
        DEFAULT_MAX_LINES,
        FULL_MAX_CHARS,
        check_drawable,
        text_diagram,
    )

    if args.coupling is not None and not args.backend:
        raise QloomError(
            "--coupling draws the layout chosen for a device: add --on BACKEND, "
            "e.g. --on emulator:heavy-hex-27"
        )
    if args.max_lines is not None and args.max_lines < 1:
        raise QloomError(f"--max-lines must be 1 or more, got {args.max_lines}")
    max_chars = args.max_chars
    if max_chars is None:
        max_chars = FULL_MAX_CHARS if args.full else DEFAULT_MAX_CHARS
    max_lines = None if args.full else args.max_lines or DEFAULT_MAX_LINES
    circuit = load_circuit_file(args.file, **qasm_options(args))
    check_drawable(circuit, max_chars)  # before transpiling a circuit it cannot draw
    if args.backend:
        circuit = _transpiled(circuit, args)
    diagram = text_diagram(
        circuit,
        ascii=args.ascii,
        width=args.width,
        idle_wires=args.idle_wires,
        max_chars=max_chars,
        max_lines=max_lines,
    )
    how = "qloom draw --full prints it all, --width N folds wider"
    for line in diagram.lines(max_lines, how):  # page by page: memory stays one page's
        sys.stdout.write(line + "\n")
    return 0


def _transpiled(circuit: Any, args: argparse.Namespace) -> Any:
    from qloom.api import transpile
    from qloom.cli_args import parse_backend_options
    from qloom.config import get_backend, pipeline_for
    from qloom.progress import count_passes, pass_progress

    backend = get_backend(args.backend, **parse_backend_options(args.options))
    if args.coupling is not None and backend.connectivity is None:
        raise QloomError(
            f"--coupling: backend '{backend.name}' has no coupling map (every pair is "
            "coupled); pick a device backend, e.g. --on emulator:heavy-hex-27"
        )
    pipeline = pipeline_for(backend, args.pipeline)
    seed = secrets.randbits(63) if args.seed is None else args.seed  # printed, to redo it
    with pass_progress(count_passes(pipeline), show=args.progress):
        out = transpile(circuit, on=backend, transpiler=pipeline, seed=seed, padding=args.padding)
    print(f"{args.file} on {backend.name} with pipeline '{pipeline.name}' (seed {seed})")
    if args.coupling is not None:
        from qloom.drawing.coupling import draw_coupling

        draw_coupling(backend, circuit=out, path=args.coupling)
        print(f"wrote {args.coupling}")
    return out
