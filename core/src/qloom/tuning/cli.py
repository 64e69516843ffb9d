"""``qloom tune``: search a pipeline for circuits on a device and save it in qloom.toml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qloom.errors import ConfigError, QloomError

__all__ = ["add_tune_command"]


def add_tune_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``qloom tune`` to the CLI's sub-commands."""
    from qloom.cli_args import add_progress_options, add_qasm_options
    from qloom.tuning.budget import BUDGET_FORMS
    from qloom.tuning.choices import MAX_BEAM_WIDTH, MAX_DEPTH, METRICS, STRATEGIES

    parser = sub.add_parser(
        "tune",
        help="search a pipeline for a family of circuits on a device, save it in qloom.toml",
        description="Search pipelines over sessions (greedy or beam), starting from a "
        "baseline (O3), score them on the training circuits, check the best on held-back "
        "circuits against the baseline, and write it as a named pipeline.",
    )
    parser.add_argument("circuits", nargs="+", type=Path, help="OpenQASM 2 files or folders")
    parser.add_argument("--on", dest="backend", required=True, help="backend: provider:device")
    parser.add_argument("--out", required=True, metavar="NAME", help="name of the pipeline")
    parser.add_argument(
        "--budget", default="60s", help=f"wall time for the search: {BUDGET_FORMS} (default 60s)"
    )
    parser.add_argument(
        "--metric",
        default="2q",
        help=f"what to minimise, summed over circuits: {', '.join(METRICS)} (default 2q)",
    )
    parser.add_argument(
        "--strategy", default="greedy", help=f"{' or '.join(STRATEGIES)} (default greedy)"
    )
    parser.add_argument(
        "--beam-width",
        type=int,
        default=3,
        metavar="K",
        help=f"pipelines the beam keeps per depth, 1 to {MAX_BEAM_WIDTH} (default 3)",
    )
    parser.add_argument(
        "--depth",
        type=int,
        default=4,
        metavar="D",
        help=f"most steps added to the baseline, 1 to {MAX_DEPTH} (default 4)",
    )
    parser.add_argument(
        "--holdout",
        type=float,
        default=0.25,
        metavar="FRACTION",
        help="fraction of the circuits held back from the search (default 0.25)",
    )
    parser.add_argument("--baseline", default="O3", help="pipeline to start from (default O3)")
    parser.add_argument("--seed", type=int, default=None, help="root seed (default: random)")
    parser.add_argument(
        "--executor", default="serial", help="serial, threads, processes or dask (default serial)"
    )
    parser.add_argument("--workers", type=int, default=None, help="workers (-1: one per CPU)")
    parser.add_argument("--address", help="Dask scheduler address (default: start one here)")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="the file to write the pipeline into (default: the config file in use, else "
        "./qloom.toml)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace a different pipeline of the same name"
    )
    parser.add_argument(
        "--all",
        dest="all_candidates",
        action="store_true",
        help="list every candidate, also those the budget left untried (one line per round)",
    )
    parser.add_argument(
        "--option",
        dest="options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="backend option (repeatable; values read as JSON, else text)",
    )
    add_qasm_options(parser)
    add_progress_options(parser)
    parser.set_defaults(func=_cmd_tune)


def _cmd_tune(args: argparse.Namespace) -> int:
    from qloom.cli_args import parse_backend_options, qasm_options
    from qloom.tuning.budget import parse_budget
    from qloom.tuning.saving import default_config_path, pipeline_in
    from qloom.tuning.tuner import tune

    budget = parse_budget(args.budget, "--budget")
    path = args.config or default_config_path()
    _refuse_installed(args.out, path)
    if pipeline_in(path, args.out) and not args.force:
        print(
            f"qloom: note: {path} already has a pipeline '{args.out}': it is replaced only if "
            "the result is the same pipeline (or with --force)",
            file=sys.stderr,
        )
    try:
        result = tune(
            args.circuits,
            on=args.backend,
            budget=budget,
            metric=args.metric,
            strategy=args.strategy,
            name=args.out,
            depth=args.depth,
            beam_width=args.beam_width,
            holdout=args.holdout,
            seed=args.seed,
            baseline=args.baseline,
            executor=args.executor,
            workers=args.workers,
            address=args.address,
            progress=args.progress,
            backend_options=parse_backend_options(args.options),
            reader=qasm_options(args),
        )
    except ConfigError as exc:
        raise QloomError(_named(str(exc))) from None
    print(result.table(full=args.all_candidates))
    print()
    if result.held_out:
        print(result.held_out_table())
        print()
    print(result.summary())
    written = result.save(path, force=args.force)
    print(
        f"wrote pipeline '{result.name}' to {written}; use it with "
        f"`qloom compile FILES --on {args.backend} --pipeline {result.name}` or "
        f"qloom.transpile(circuit, on={args.backend!r}, transpiler={result.name!r})"
    )
    return 0


def _refuse_installed(name: str, path: Path) -> None:
    """A name an installed pipeline has would shadow it for everyone using the file."""
    from qloom.plugins import get_registry

    registry = get_registry()
    registry.add_hook_pipelines()
    if name in registry.names("pipelines"):
        raise QloomError(
            f"--out {name}: an installed pipeline has that name; writing it to {path} would "
            "hide it. Pick another name"
        )
    print(f"tuning pipeline '{name}' (written to {path} at the end)", file=sys.stderr)


_OPTION_OF = {
    "unknown metric": "--metric",
    "unknown strategy": "--strategy",
    "holdout": "--holdout",
    "depth": "--depth",
    "beam_width": "--beam-width",
    "pipeline name": "--out",
}


def _named(message: str) -> str:
    """A ``tune`` argument error as the CLI option that carries it: ``--metric: ...``."""
    for start, option in _OPTION_OF.items():
        if message.startswith(start):
            return f"{option}: {message}"
    return message
