"""The ``qloom`` command: ``plugins``, ``pipeline``, ``transpile``, ``run`` (``execute``),
``compile``, ``draw``, ``replay``, ``tune``, ``serve``, ``tasks``, ``files`` and plugin
commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, TextIO

from qloom import __version__
from qloom.api import ESP, execute, run_pipeline
from qloom.cli_args import (
    add_progress_options,
    add_qasm_options,
    add_target_options,
    load_circuit_file,
    parse_backend_options,
    qasm_options,
)
from qloom.config import find_config, get_backend, load_config, pipeline_for
from qloom.errors import QloomError
from qloom.hooks import hooks
from qloom.names import convention_problem
from qloom.plugins import KINDS, PluginInfo, Registry, get_registry

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qloom`` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return int(args.func(args) or 0)
    except QloomError as exc:
        print(f"qloom: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `qloom plugins | head`: the reader stopped early, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _show_warning(
    message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any
) -> None:
    """A ``FutureWarning`` (an old plugin name, ...) as one line, ``qloom: warning: ...``:
    the file and line inside qloom that raised it mean nothing to a command-line user."""
    if issubclass(category, FutureWarning):
        print(f"qloom: warning: {message}", file=sys.stderr)
    else:
        _SHOW_WARNING(message, category, *args, **kwargs)


_SHOW_WARNING = warnings.showwarning


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qloom", description="Transpile and run quantum circuits with installed plugins."
    )
    parser.add_argument("--version", action="version", version=f"qloom {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    plugins = sub.add_parser("plugins", help="list installed plugins, loaded or broken and why")
    plugins.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plugins.add_argument("--strict", action="store_true", help="exit 1 when any plugin is broken")
    plugins.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print the whole traceback of each broken plugin",
    )
    plugins.set_defaults(func=_cmd_plugins)
    from qloom.doctor import add_doctor_arguments, run_doctor

    plugin_commands = plugins.add_subparsers(title="commands", metavar="COMMAND")
    doctor = plugin_commands.add_parser(
        "doctor",
        help="diagnose every installed plugin: loads, qloom range, conformance, what to do",
    )
    add_doctor_arguments(doctor)
    doctor.set_defaults(func=run_doctor)
    new = plugin_commands.add_parser(
        "new", help="write a fresh plugin (one optimizer pass, its tests) to start from"
    )
    new.add_argument("name", help="the plugin's name, snake_case (e.g. my_opt)")
    new.add_argument(
        "--dir", type=Path, default=None, help="the folder to create (default ./qloom-NAME)"
    )
    new.set_defaults(func=_cmd_plugins_new)

    transpile = sub.add_parser("transpile", help="transpile an OpenQASM 2 file for a backend")
    _add_common(transpile)
    transpile.add_argument(
        "-o", "--output", help="write the transpiled circuit here ('-' for stdout)"
    )
    transpile.add_argument(
        "--report",
        action="store_true",
        help="also print a per-pass table: time, qubits, ops, 2q gates, depth, SWAPs",
    )
    transpile.add_argument(
        "--report-json",
        metavar="PATH",
        help="write the per-pass report as JSON here ('-' for stdout; the summary then "
        "goes to stderr)",
    )
    transpile.add_argument(
        "--full", action="store_true", help="print long layouts in full (default: 4 lines)"
    )
    add_progress_options(transpile)
    transpile.add_argument(
        "--provenance",
        metavar="PATH",
        help="write the provenance record (JSON) here, for `qloom replay PATH`",
    )
    transpile.set_defaults(func=_cmd_transpile)

    _add_pipeline_command(sub)

    run = sub.add_parser(
        "run", aliases=["execute"], help="transpile and run an OpenQASM 2 file, print counts"
    )
    _add_common(run)
    run.add_argument("--shots", type=int, default=1024, help="number of shots (default 1024)")
    run.add_argument("--json", action="store_true", help="print the counts as JSON")
    add_progress_options(run)
    run.set_defaults(func=_cmd_run)

    from qloom.compiler.cli import add_compile_command
    from qloom.drawing.cli import add_draw_command
    from qloom.provenance.cli import add_replay_command
    from qloom.remote.cli import add_files_command, add_tasks_command
    from qloom.serve_cli import add_serve_command
    from qloom.tuning.cli import add_tune_command

    add_compile_command(sub)
    add_draw_command(sub)
    add_replay_command(sub)
    add_tune_command(sub)
    add_serve_command(sub)
    add_tasks_command(sub)
    add_files_command(sub)
    hooks().add_commands(sub)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="OpenQASM 2 file")
    add_target_options(parser)
    add_qasm_options(parser)


def _cmd_plugins(args: argparse.Namespace) -> int:
    registry = get_registry()
    registry.add_hook_pipelines()
    registry.check()
    rows = []
    for kind in (*KINDS, "hooks"):
        infos = registry.infos(kind) if kind != "hooks" else registry.hook_infos()
        for info in infos:
            rows += _part_rows(registry, kind, info, getattr(args, "verbose", False))
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
        _print_plugins(rows, sys.stdout, getattr(args, "verbose", False))
    _warn_about_names(rows)
    broken_count = sum(1 for r in rows if r["status"] in ("broken", "conflict"))
    return 1 if args.strict and broken_count else 0


def _warn_about_names(rows: list[dict[str, str]]) -> None:
    """One stderr line per listed name that breaks the naming convention (``qloom.names``),
    naming who provides it: its maintainers can rename it, users can report it."""
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        key = (row["kind"], row["name"], row["distribution"])
        problem = convention_problem(row["kind"], row["name"])
        if problem is not None and key not in seen:
            seen.add(key)
            print(f"qloom: warning: {problem} (provided by {row['distribution']})", file=sys.stderr)


def _cmd_plugins_new(args: argparse.Namespace) -> int:
    from qloom.scaffold import PluginNames, new_plugin

    folder, written = new_plugin(args.name, args.dir)
    names = PluginNames.of(args.name)
    print(
        f"wrote {names.distribution} (package {names.package}, optimizers:{names.name}) "
        f"to {folder}:"
    )
    for path in written:
        print(f"  {path.as_posix()}")
    print(f"next: cd {folder} && pip install -e '.[test]' && qloom plugins && pytest -q")
    return 0


def _part_rows(
    registry: Registry, kind: str, info: PluginInfo, verbose: bool = False
) -> list[dict[str, str]]:
    """The rows of ``qloom plugins`` for one name: one per distribution providing it;
    with ``verbose``, a broken part's row has its ``traceback``."""
    conflict = registry.conflict(kind, info.name)
    chosen = registry.preferred(kind, info.name)
    rows = []
    for shown in registry.conflicts().get((kind, info.name), [info]):
        broken = registry.broken_part(kind, info.name) if shown is info else None
        status, error = ("broken", broken.reason) if broken else ("ok", "")
        if conflict is not None:
            status, error = "conflict", str(conflict)
        elif shown is not info:
            status, error = "not used", f"{chosen} is preferred for {kind}:{info.name}"
        row = {
            "kind": kind,
            "name": info.name,
            "distribution": shown.distribution,
            "version": shown.version,
            "status": status,
            "error": error,
        }
        if verbose and broken and conflict is None:
            row["traceback"] = broken.traceback
        rows.append(row)
    return rows


def _print_plugins(rows: list[dict[str, str]], out: TextIO, verbose: bool = False) -> None:
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
        if record and record.get("traceback"):
            for line in record["traceback"].rstrip().splitlines():
                print(f"    | {line}", file=out)
    broken = [r for r in rows if r["status"] == "broken"]
    if broken:
        names = ", ".join(f"{r['kind']}:{r['name']} ({r['distribution']})" for r in broken)
        print(
            f"\n{len(broken)} broken: {names}. The other plugins work normally; reinstall or "
            "upgrade the broken distributions, or switch them off with QLOOM_DISABLE_PLUGINS."
            + ("" if verbose else " `qloom plugins --verbose` shows each traceback."),
            file=out,
        )


def _cmd_transpile(args: argparse.Namespace) -> int:
    from qloom import qasm2
    from qloom.drawing.wrap import DEFAULT_LIST_LINES, wrap_list
    from qloom.progress import count_passes, pass_progress
    from qloom.report import (
        PassRecorder,
        TranspileReport,
        counting_routed_swaps,
        recording,
        routed_swaps_line,
    )
    from qloom.success import SuccessEstimate

    json_to_stdout = args.report_json == "-"
    if json_to_stdout and args.output == "-":
        raise QloomError(
            "-o - and --report-json - both write to stdout; send one of them to a file"
        )
    out = sys.stderr if json_to_stdout else sys.stdout
    backend_options = parse_backend_options(args.options)
    backend = get_backend(args.backend, **backend_options)
    circuit = load_circuit_file(args.file, **qasm_options(args))
    pipeline = pipeline_for(backend, args.pipeline)
    watch: AbstractContextManager[PassRecorder | None] = (
        recording() if args.report or args.report_json else nullcontext()
    )
    shown = pass_progress(count_passes(pipeline), show=args.progress)
    with watch as recorder, counting_routed_swaps() as routed, shown:
        outcome = run_pipeline(
            circuit,
            backend,
            pipeline,
            args.seed,
            args.padding,
            requested=args.backend,
            backend_options=backend_options,
        )
    wall = sum(t["wall"] for t in outcome.pass_times)
    print(
        f"{args.file} on {backend.name} with pipeline '{pipeline.name}' (seed {outcome.seed}, "
        f"{wall:.3f} s)",
        file=out,
    )
    before, after = circuit.metrics(), outcome.circuit.metrics()
    print(f"{'':10}{'before':>10}{'after':>10}", file=out)
    for key in before:
        print(f"{key:10}{before[key]:>10}{after[key]:>10}", file=out)
    print(routed_swaps_line(routed.swaps, after["swaps"]), file=out)
    if ESP in outcome.properties:
        print(SuccessEstimate(**outcome.properties[ESP]).summary(), file=out)
    if not outcome.layout.is_trivial():
        limit = None if args.full else DEFAULT_LIST_LINES
        for label, values in (
            ("initial layout: ", outcome.layout.initial),
            ("final layout:   ", outcome.layout.final),
        ):
            lines = wrap_list(label, values, max_lines=limit, how_to_see_all="--full shows all")
            print("\n".join(lines), file=out)
    if recorder is not None:
        report = TranspileReport.from_outcome(circuit, outcome, recorder.records)
        if args.report:
            print(f"\n{report.table()}", file=out)
        if json_to_stdout:
            print(report.to_json())
        elif args.report_json:
            Path(args.report_json).write_text(report.to_json() + "\n", encoding="utf-8")
            print(f"wrote {args.report_json}", file=out)
    if args.provenance:
        Path(args.provenance).write_text(json.dumps(outcome.provenance) + "\n", encoding="utf-8")
        print(f"wrote {args.provenance}", file=out)
    if args.output == "-":
        sys.stdout.write(qasm2.dumps(outcome.circuit))
    elif args.output:
        qasm2.dump(outcome.circuit, args.output)
        print(f"wrote {args.output}", file=out)
    return 0


def _add_pipeline_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pipeline = sub.add_parser("pipeline", help="list pipelines, or show one pass by pass")
    actions = pipeline.add_subparsers(title="actions", metavar="ACTION")
    listing = actions.add_parser(
        "list", help="every named pipeline, who provides it and what it is for"
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=_cmd_pipeline_list)
    show = actions.add_parser(
        "show", help="a pipeline's passes: stage, options and the distribution providing each"
    )
    show.add_argument("name", nargs="?", help="pipeline name (optional with --on)")
    show.add_argument(
        "--on", dest="backend", help="show this backend's default pipeline (provider:device)"
    )
    show.add_argument(
        "--option",
        dest="options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="backend option for --on (repeatable; values read as JSON, else text)",
    )
    show.add_argument("--json", action="store_true", help="print JSON instead of a tree")
    show.add_argument(
        "--defaults",
        action="store_true",
        help="under each pass, every option it accepts with its default",
    )
    show.set_defaults(func=_cmd_pipeline_show)
    pipeline.set_defaults(func=lambda args: _usage(pipeline))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _cmd_pipeline_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from qloom.pipeline_view import list_pipelines

    entries = list_pipelines()
    if args.json:
        print(json.dumps([asdict(e) for e in entries], indent=2))
        return 0
    header = ("NAME", "PROVIDER", "PASSES", "DESCRIPTION")
    table = [header] + [
        (
            e.name,
            e.provider,
            "" if e.passes is None else str(e.passes),
            e.description if e.status == "ok" else f"({e.status}) {e.description}".rstrip(),
        )
        for e in entries
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row, entry in zip(table, [None, *entries], strict=True):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if entry is not None and entry.error:
            print(f"    why: {entry.error}")
    return 0


def _cmd_pipeline_show(args: argparse.Namespace) -> int:
    from qloom.pipeline_view import INVALID, describe_default, describe_pipeline

    if args.name is None and args.backend is None:
        raise QloomError(
            "name a pipeline (qloom pipeline show O3) or a backend whose default to show "
            "(qloom pipeline show --on emulator:line-32); `qloom pipeline list` lists them"
        )
    if args.name is None:
        view = describe_default(get_backend(args.backend, **parse_backend_options(args.options)))
    else:
        view = describe_pipeline(args.name)
    # A bad option is the pipeline's own mistake: it cannot run, so the command fails. A
    # missing or broken part is the installation's, reported in its row (`qloom plugins`).
    invalid = [row.label for row in view.rows if row.status == INVALID]
    if args.json:
        print(view.to_json())
        return 1 if invalid else 0
    print(view.table(defaults=args.defaults))
    if invalid:
        print(
            f"pipeline '{view.name}' cannot run: invalid options in {', '.join(invalid)}",
            file=sys.stderr,
        )
        return 1
    if args.name is not None and args.backend is not None:
        backend = get_backend(args.backend, **parse_backend_options(args.options))
        default = pipeline_for(backend).name
        if default == view.name:
            print(f"\n'{view.name}' is the default pipeline of {backend.name}")
        else:
            print(f"\n'{view.name}' is not the default pipeline of {backend.name} ('{default}' is)")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from qloom.progress import count_passes, pass_progress

    backend = get_backend(args.backend, **parse_backend_options(args.options))
    circuit = load_circuit_file(args.file, **qasm_options(args))
    pipeline = pipeline_for(backend, args.pipeline)
    with pass_progress(count_passes(pipeline), show=args.progress):
        result = execute(
            circuit,
            on=backend,
            transpiler=pipeline,
            shots=args.shots,
            seed=args.seed,
            padding=args.padding,
        )
    counts = dict(sorted(result.counts.items(), key=lambda kv: (-kv[1], kv[0])))
    if args.json:
        data = {
            "backend": result.backend,
            "pipeline": result.metadata.get("pipeline"),
            "seed": result.metadata.get("seed"),
            "shots": result.shots,
            "counts": counts,
            "provenance": result.provenance,
        }
        print(json.dumps(data))
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
