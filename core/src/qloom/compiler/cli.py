"""``qloom compile``: transpile many OpenQASM 2 files on an executor, write them to a folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qloom.compiler.compiler import Compiler, CompileResult
from qloom.errors import QasmError, QloomError

if TYPE_CHECKING:
    from qloom.remote.client import RemoteCompiler

__all__ = ["add_compile_command"]


def add_compile_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``qloom compile`` to the CLI's sub-commands."""
    from qloom.cli_args import add_progress_options, add_qasm_options, add_target_options
    from qloom.remote.cli import add_server_options

    parser = sub.add_parser(
        "compile",
        help="transpile many OpenQASM 2 files in parallel and write them to a folder",
    )
    parser.add_argument("inputs", nargs="+", type=Path, help="OpenQASM 2 files or folders")
    add_target_options(parser)
    add_qasm_options(parser)
    parser.add_argument(
        "--executor", default="serial", help="serial, threads, processes or dask (default serial)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="number of workers (-1: one per CPU)"
    )
    parser.add_argument("--address", help="Dask scheduler address (default: start one here)")
    parser.add_argument("--timeout", type=float, default=None, help="per-circuit timeout, s")
    parser.add_argument("--store", help="SQLite file keeping tasks and results")
    parser.add_argument("--out", type=Path, help="folder for the transpiled files and report")
    add_server_options(parser, from_environment=False)
    add_progress_options(parser, no_progress=True)
    parser.set_defaults(func=_cmd_compile)


def _cmd_compile(args: argparse.Namespace) -> int:
    from qloom import qasm2
    from qloom.cli_args import parse_backend_options, qasm_options

    reader = qasm_options(args)
    files = _qasm_files(args.inputs)
    circuits, names, rows = [], [], []
    for path in files:
        try:
            circuit = qasm2.load(path, **reader)
            circuit.name = circuit.name or path.stem
            circuits.append(circuit)
            names.append(path)
        except QasmError as exc:  # a bad file is reported; the others still compile
            rows.append({"file": str(path), "status": "FAILED", "error": str(exc)})
    with _compiler(args) as compiler:
        outcomes = compiler.compile(
            circuits,
            args.backend,
            args.pipeline,
            args.seed,
            errors="return",
            padding=args.padding,
            backend_options=parse_backend_options(args.options),
        )
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for path, outcome in zip(names, outcomes, strict=True):
        rows.append(_row(path, outcome, args.out))
    rows.sort(key=lambda r: r["file"])
    _print_rows(rows)
    if args.out:
        (args.out / "report.json").write_text(json.dumps(rows, indent=2) + "\n")
        print(
            f"wrote {sum(r['status'] == 'DONE' for r in rows)} circuits and report.json to "
            f"{args.out}"
        )
    return 1 if any(r["status"] != "DONE" for r in rows) else 0


def _compiler(args: argparse.Namespace) -> Compiler | RemoteCompiler:
    """A local Compiler, or the server's with ``--server`` (which then runs the tasks:
    the local executor options do not apply)."""
    if args.server is None:
        return Compiler(
            args.executor,
            address=args.address,
            workers=args.workers,
            store=args.store,
            timeout=args.timeout,
            progress=args.progress,
        )
    from qloom.remote.cli import remote

    local = [
        f"--{name}"
        for name, default in (("executor", "serial"), ("workers", None), ("address", None),
                              ("store", None))
        if getattr(args, name) != default
    ]  # fmt: skip
    if local:
        raise QloomError(
            f"{', '.join(local)} choose a local executor; with --server the server runs the "
            "tasks on its own"
        )
    return remote(args, timeout=args.timeout, progress=args.progress)


def _qasm_files(inputs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            files.extend(sorted(item.rglob("*.qasm")))
        elif item.is_file():
            files.append(item)
        else:
            raise QloomError(f"no such file or folder: {item}")
    if not files:
        raise QloomError(f"no .qasm files in {', '.join(map(str, inputs))}")
    return files


def _row(path: Path, outcome: CompileResult | BaseException, out: Path | None) -> dict[str, Any]:
    from qloom import qasm2

    if isinstance(outcome, BaseException):
        return {
            "file": str(path),
            "status": "FAILED",
            "error": f"{type(outcome).__name__}: {outcome}",
        }
    meta = outcome.metadata
    row = {
        "file": str(path),
        "status": "DONE",
        "task": outcome.task_id,
        "seed": meta["seed"],
        "before": meta["metrics_in"],
        "after": meta["metrics_out"],
        "swaps_routed": meta.get("swaps_routed"),  # None in results stored before it existed
        "wall_time": meta["wall_time"],
        "initial_layout": list(outcome.layout.initial),
        "final_layout": list(outcome.layout.final),
        "provenance": outcome.provenance,  # `qloom replay report.json` reruns every row
    }
    if out is not None:
        target = out / f"{path.stem}.qasm"
        qasm2.dump(outcome.circuit, target)
        row["output"] = str(target)
    return row


def _print_rows(rows: list[dict[str, Any]]) -> None:
    width = max(len(Path(r["file"]).name) for r in rows)
    print(f"{'FILE':{width}}  STATUS  {'2Q IN':>6} {'2Q OUT':>6} {'SWAPS':>5} {'TIME':>8}")
    for r in rows:
        name = Path(r["file"]).name
        if r["status"] != "DONE":
            print(f"{name:{width}}  {r['status']:6}  {r['error'].splitlines()[0]}")
            continue
        routed = "?" if r["swaps_routed"] is None else r["swaps_routed"]
        print(
            f"{name:{width}}  DONE    {r['before']['n2q']:>6} {r['after']['n2q']:>6} "
            f"{routed:>5} {r['wall_time']:>7.3f}s"
        )
    failed = sum(r["status"] != "DONE" for r in rows)
    summary = f"{len(rows) - failed} compiled, {failed} failed"
    print(summary, file=sys.stderr if failed else sys.stdout)
