"""The ``qloom`` command: ``plugins``, ``transpile``, ``run`` (``execute``), ``compile`` and
plugin commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from qloom import __version__
from qloom.api import execute, run_pipeline
from qloom.config import find_config, get_backend, load_config, pipeline_for
from qloom.errors import QloomError
from qloom.hooks import hooks
from qloom.plugins import KINDS, get_registry

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qloom`` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except QloomError as exc:
        print(f"qloom: error: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qloom", description="Transpile and run quantum circuits with installed plugins."
    )
    parser.add_argument("--version", action="version", version=f"qloom {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    plugins = sub.add_parser("plugins", help="list installed plugins, loaded or broken and why")
    plugins.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plugins.add_argument("--strict", action="store_true", help="exit 1 when any plugin is broken")
    plugins.set_defaults(func=_cmd_plugins)

    transpile = sub.add_parser("transpile", help="transpile an OpenQASM 2 file for a backend")
    _add_common(transpile)
    transpile.add_argument(
        "-o", "--output", help="write the transpiled circuit here ('-' for stdout)"
    )
    transpile.set_defaults(func=_cmd_transpile)

    run = sub.add_parser(
        "run", aliases=["execute"], help="transpile and run an OpenQASM 2 file, print counts"
    )
    _add_common(run)
    run.add_argument("--shots", type=int, default=1024, help="number of shots (default 1024)")
    run.add_argument("--json", action="store_true", help="print the counts as JSON")
    run.set_defaults(func=_cmd_run)

    from qloom.compiler.cli import add_compile_command

    add_compile_command(sub)
    hooks().add_commands(sub)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="OpenQASM 2 file")
    add_target_options(parser)


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


def _cmd_plugins(args: argparse.Namespace) -> int:
    registry = get_registry()
    registry.add_hook_pipelines()
    registry.check()
    rows = []
    for kind in (*KINDS, "hooks"):
        infos = registry.infos(kind) if kind != "hooks" else registry.hook_infos()
        for info in infos:
            broken = registry.broken_part(kind, info.name)
            rows.append(
                {
                    "kind": kind,
                    "name": info.name,
                    "distribution": info.distribution,
                    "version": info.version,
                    "status": "broken" if broken else "ok",
                    "error": broken.reason if broken else "",
                }
            )
    for name in load_config().get("pipelines", {}):
        rows.append(
            {
                "kind": "pipelines",
                "name": name,
                "distribution": str(find_config()),
                "version": "",
                "status": "ok",
                "error": "",
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        _print_plugins(rows, sys.stdout)
    broken_count = sum(1 for r in rows if r["status"] == "broken")
    return 1 if args.strict and broken_count else 0


def _print_plugins(rows: list[dict[str, str]], out: TextIO) -> None:
    header = ("KIND", "NAME", "DISTRIBUTION", "VERSION", "STATUS")
    table = [header] + [
        (r["kind"], r["name"], r["distribution"], r["version"], r["status"]) for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row, record in zip(table, [None, *rows], strict=True):
        cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip(), file=out)
        if record and record["error"]:
            print(f"    why: {record['error']}", file=out)
    broken = [r for r in rows if r["status"] == "broken"]
    if broken:
        names = ", ".join(f"{r['kind']}:{r['name']} ({r['distribution']})" for r in broken)
        print(
            f"\n{len(broken)} broken: {names}. The other plugins work normally; reinstall or "
            "upgrade the broken distributions, or switch them off with QLOOM_DISABLE_PLUGINS.",
            file=out,
        )


def _load(path: Path) -> Any:
    from qloom import qasm2

    if not path.is_file():
        raise QloomError(f"no such file: {path}")
    return qasm2.load(path)


def _cmd_transpile(args: argparse.Namespace) -> int:
    from qloom import qasm2

    backend = get_backend(args.backend, **parse_backend_options(args.options))
    circuit = _load(args.file)
    pipeline = pipeline_for(backend, args.pipeline)
    outcome = run_pipeline(circuit, backend, pipeline, args.seed, args.padding)
    wall = sum(t["wall"] for t in outcome.pass_times)
    print(
        f"{args.file} on {backend.name} with pipeline '{pipeline.name}' (seed {outcome.seed}, "
        f"{wall:.3f} s)"
    )
    before, after = circuit.metrics(), outcome.circuit.metrics()
    print(f"{'':10}{'before':>10}{'after':>10}")
    for key in before:
        print(f"{key:10}{before[key]:>10}{after[key]:>10}")
    if not outcome.layout.is_trivial():
        print(f"initial layout: {list(outcome.layout.initial)}")
        print(f"final layout:   {list(outcome.layout.final)}")
    if args.output == "-":
        sys.stdout.write(qasm2.dumps(outcome.circuit))
    elif args.output:
        qasm2.dump(outcome.circuit, args.output)
        print(f"wrote {args.output}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    backend = get_backend(args.backend, **parse_backend_options(args.options))
    circuit = _load(args.file)
    result = execute(
        circuit,
        on=backend,
        transpiler=args.pipeline,
        shots=args.shots,
        seed=args.seed,
        padding=args.padding,
    )
    counts = dict(sorted(result.counts.items(), key=lambda kv: (-kv[1], kv[0])))
    if args.json:
        print(json.dumps({"backend": result.backend, "shots": result.shots, "counts": counts}))
        return 0
    print(
        f"{args.file} on {result.backend}: {result.shots} shots "
        f"(seed {result.metadata.get('seed')}, pipeline '{result.metadata.get('pipeline')}')"
    )
    for bits, n in counts.items():
        print(f"  {bits}  {n:>8}  {n / result.shots:7.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
