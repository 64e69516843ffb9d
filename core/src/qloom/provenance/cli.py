"""``qloom replay``: rerun the transpilations a result file records; exit 0 when every output
is byte-identical, 1 when one differs, 2 when one cannot be replayed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qloom.config import get_executor
from qloom.errors import QloomError
from qloom.executor import Executor

__all__ = ["add_replay_command"]


def add_replay_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``qloom replay`` to the CLI's sub-commands."""
    from qloom.provenance.load import MAX_RECORD_BYTES

    parser = sub.add_parser(
        "replay",
        help="rerun a recorded transpilation and say whether the output is byte-identical",
        description=(
            "Rerun the transpilation(s) recorded in RESULT.json (a provenance record, the "
            "output of `qloom run --json` or `qloom transpile --report-json`, or `qloom "
            "compile`'s report.json) with the installed plugins. Exit code: 0 identical, "
            "1 different, 2 cannot replay."
        ),
    )
    parser.add_argument("result", type=Path, help="JSON file holding provenance records")
    parser.add_argument(
        "--backend",
        choices=("auto", "name", "snapshot"),
        default="auto",
        help="rebuild the backend by name, from the recorded snapshot, or by name when it "
        "matches the snapshot (auto, the default)",
    )
    parser.add_argument(
        "--input",
        type=Path,
        metavar="QASM",
        help="the input circuit, for a record too large to hold it (checked by sha256)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="write the replayed circuit (OpenQASM 2) here"
    )
    parser.add_argument(
        "--executor",
        help="transpile through a Compiler on this executor (serial, threads, processes, "
        "dask) instead of in this process; its workers rebuild backend and pipeline",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="workers of --executor (-1: one per CPU)"
    )
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=MAX_RECORD_BYTES,
        help=f"refuse result files larger than this (default {MAX_RECORD_BYTES})",
    )
    parser.set_defaults(func=_cmd_replay)


def _cmd_replay(args: argparse.Namespace) -> int:
    from qloom import qasm2
    from qloom.provenance.load import ProvenanceError
    from qloom.provenance.rerun import ReplayReport, replay, replay_all

    executor: Executor | None = None
    try:
        if args.executor is not None:
            options = {} if args.workers is None else {"workers": args.workers}
            executor = get_executor(args.executor, **options)
        common: dict[str, Any] = {
            "backend": args.backend,
            "executor": executor,
            "max_bytes": args.max_bytes,
        }
        reports: list[ReplayReport]
        if args.input is not None:
            from qloom.cli_args import load_circuit_file

            given = load_circuit_file(args.input)
            reports = [replay(args.result, circuit=given, **common)]
        else:
            reports = replay_all(args.result, **common)
    except (ProvenanceError, QloomError) as exc:
        print(f"qloom: error: cannot replay: {exc}", file=sys.stderr)
        return 2
    finally:
        if executor is not None:
            executor.shutdown()
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2))
    else:
        for report in reports:
            print(report.text())
    if args.output is not None:
        if len(reports) != 1 or reports[0].circuit is None:
            print("qloom: error: --output needs one record that replayed", file=sys.stderr)
            return 2
        qasm2.dump(reports[0].circuit, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    return max(r.exit_code for r in reports)
