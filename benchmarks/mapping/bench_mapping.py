"""Route the shared benchmark circuits with qloom, Qiskit, pytket and qibo, in one run.

Every circuit of ``../shared/benchmarks/circuits`` goes onto each device of
``../shared/benchmarks/topologies`` (heavy-hex 127 and 27, 10x10 grid, 32-qubit line) with
each qloom pipeline and each comparison tool that is installed, one job at a time, each in a
worker process with a timeout that really stops it. Every output is checked (every 2q gate
on a device edge, native gates, and equivalence for small circuits), then SWAPs, 2q count,
2q depth and time are tabulated per circuit, as geometric means per device, and as
qloom/other ratios. QUEKO circuits (known optimum: 0 SWAPs) run on their own devices.

Run: python benchmarks/mapping/bench_mapping.py [--quick] [--tools qloom,qiskit]
     [--topologies hh27] [--circuits 'qft*'] [--json out.json] [--markdown out.md]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import fnmatch
import json
import os
import platform
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import report
import tools
from checks import check_coupling, check_equivalence, check_natives, depth_2q

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"
TOPOLOGIES = ("hh127", "grid100", "hh27", "line32")
PIPELINES = ("mapping", "mapping_best")
QUICK_CIRCUITS = ("qft_n10", "qb_adder_n10", "qv_n8", "random_n8_d20", "qaoa3reg_n16_p2")
QUICK_TOPOLOGIES = ("hh27", "grid100")
QUICK_QUEKO = ("16QBT_10CYC_TFL_0", "20QBT_100CYC_QSE_0")

DESCRIPTIONS = {
    "qk1": "Qiskit `generate_preset_pass_manager(optimization_level=1, basis_gates=[cz, rz, "
    "sx, x], seed_transpiler=SEED)`, SWAPs counted in the circuit right after routing",
    "qk3": "the same at `optimization_level=3`",
    "tk1": "pytket DecomposeBoxes, SynthesiseTket, DefaultMappingPass(Architecture), "
    "SynthesiseTket, AutoRebase{CZ, Rz, SX, X}, RemoveRedundancies; SWAPs = SWAP + BRIDGE "
    "gates added by DefaultMappingPass",
    "tk2": "the same with FullPeepholeOptimise before mapping and KAKDecomposition, "
    "CliffordSimp, SynthesiseTket after",
    "qibo": "qibo `Passes([Preprocessing(), Sabre(seed=SEED), Unroller({CZ, RZ, SX, X})])` "
    "(its default transpiler: logical i starts on node i), SWAPs = `Sabre.added_swaps`",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topologies", help=f"comma-separated (default {','.join(TOPOLOGIES)})")
    parser.add_argument("--circuits", help="comma-separated globs on circuit names")
    parser.add_argument(
        "--tools",
        help="comma-separated families (qloom, qiskit, pytket, qibo) or labels (qk3, tk2, ...); "
        "default: every family that is installed",
    )
    parser.add_argument(
        "--pipeline", action="append", help=f"qloom pipeline, repeatable (default {PIPELINES})"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per job")
    parser.add_argument(
        "--queko",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also QUEKO circuits on their own devices (default on)",
    )
    add_run_options(parser)
    return parser.parse_args(argv)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options every comparison benchmark shares: seed, checks, subset, outputs."""
    add_check_options(parser)
    parser.add_argument("--quick", action="store_true", help="a small subset, for a smoke run")
    parser.add_argument("--json", type=Path, help="write every result row here")
    parser.add_argument("--markdown", type=Path, help="write the report as markdown here")
    parser.add_argument("--load", type=Path, help="report the rows of a previous --json file")
    parser.add_argument(
        "--per-circuit",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="print the per-circuit tables (default on)",
    )


# -- what to run ---------------------------------------------------------------------------------


def read_manifest(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def read_topology(name: str) -> dict[str, Any]:
    data = json.loads((SHARED / "topologies" / f"{name}.json").read_text())
    return {"name": name, "n": int(data["n"]), "edges": [list(map(int, e)) for e in data["edges"]]}


def selected(name: str, globs: list[str] | None) -> bool:
    return globs is None or any(fnmatch.fnmatch(name, g) for g in globs)


def plan(args: argparse.Namespace) -> list[tuple[str, dict[str, Any], dict[str, str], Path]]:
    """(set, topology, circuit manifest row, qasm path) in run order: device by device."""
    globs = args.circuits.split(",") if args.circuits else None
    names = args.topologies.split(",") if args.topologies else None
    if names is None:
        names = list(QUICK_TOPOLOGIES if args.quick else TOPOLOGIES)
    known = sorted(p.stem for p in (SHARED / "topologies").glob("*.json"))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown topologies {unknown}; known: {known}")
    main = read_manifest(SHARED / "circuits" / "manifest.csv")
    if args.quick and globs is None:
        main = [c for c in main if c["name"] in QUICK_CIRCUITS]
    main = [c for c in main if selected(c["name"], globs)]
    jobs = []
    for name in names:
        topo = read_topology(name)
        jobs += [("main", topo, c, SHARED / "circuits" / f"{c['name']}.qasm") for c in main]
    if args.queko:
        queko = read_manifest(SHARED / "queko" / "manifest.csv")
        if args.quick and globs is None:
            queko = [c for c in queko if c["name"] in QUICK_QUEKO]
        for c in queko:
            if selected(c["name"], globs):
                topo = read_topology(f"queko_{c['device']}")
                topo["name"] = c["device"]
                jobs.append(("queko", topo, c, SHARED / "queko" / f"{c['name']}.qasm"))
    return jobs


def choose_configs(args: argparse.Namespace, wanted: list[str] | None = None) -> list[tools.Config]:
    """The configurations asked for that can run; say why the others are skipped.

    ``wanted``: the qloom pipelines (default ``--pipeline``, else ``PIPELINES``)."""
    asked = args.tools.split(",") if args.tools else list(tools.FAMILIES)
    labels = {label: fam for fam, items in tools.COMPARATORS.items() for label, _ in items}
    unknown = [a for a in asked if a not in tools.FAMILIES and a not in labels]
    if unknown:
        raise SystemExit(f"unknown tools {unknown}: use {tools.FAMILIES} or {sorted(labels)}")
    families = [f for f in tools.FAMILIES if f in asked or any(labels.get(a) == f for a in asked)]
    ready = []
    for family in families:
        if tools.importable(family):
            ready.append(family)
        else:
            print(f"{family} not installed: skipped (pip install {family})")
    pipelines = []
    if "qloom" in ready:
        names = wanted or args.pipeline or list(PIPELINES)
        pipelines = [p for p in names if pipeline_available(p)]
    return [
        c
        for c in tools.configs(ready, pipelines)
        if c.family == "qloom" or c.family in asked or c.label in asked
    ]


def pipeline_available(name: str) -> bool:
    from qloom.config import get_pipeline

    try:
        get_pipeline(name)
    except Exception as exc:  # unknown or broken plugin: say so and go on
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(
            f"qloom pipeline '{name}' is not available ({first[:120]}): skipped "
            "(pip install -e plugins/padding -e plugins/routers -e plugins/placers; "
            "O0..O3: -e plugins/unrollers -e plugins/optimizers -e plugins/levels)"
        )
        return False
    return True


def describe(config: tools.Config, seed: int) -> str:
    if config.family == "qloom":
        from qloom.config import get_pipeline

        pipeline = get_pipeline(config.options["pipeline"])
        steps = " -> ".join(p.label for p in pipeline.passes) or "no passes"
        return f"qloom pipeline `{pipeline.name}` ({steps}), seed {seed}, SWAPs = `swap` gates"
    return DESCRIPTIONS[config.label].replace("SEED", str(seed))


# -- running -------------------------------------------------------------------------------------


def run_job(
    worker: tools.Worker,
    config: tools.Config,
    which: str,
    topo: dict[str, Any],
    circuit: dict[str, str],
    qasm: str,
    args: argparse.Namespace,
    edges: set[frozenset[int]],
) -> dict[str, Any]:
    qubits = int(circuit["qubits"])
    row: dict[str, Any] = {
        "set": which,
        "topo": topo["name"],
        "circuit": circuit["name"],
        "qubits": qubits,
        "in_n2q": int(circuit["n2q"]),
        "tool": config.label,
    }
    if qubits > topo["n"]:
        return {**row, "status": "too-wide", "message": f"device has {topo['n']} qubits"}
    want_ops = qubits <= args.check_max
    job = {
        "label": config.label,
        "options": config.options,
        "qasm": qasm,
        "topo": topo["name"],
        "n": topo["n"],
        "edges": topo["edges"],
        "seed": args.seed,
        "want_ops": want_ops,
    }
    out = worker.run(job, args.timeout)
    row["status"] = out["status"]
    if out["status"] != "ok":
        return {**row, "message": out.get("message", "")}
    pairs = [tuple(p) for p in out["pairs"]]
    row.update(
        swaps=out["swaps"],
        n2q=len(pairs),
        depth2q=depth_2q(pairs),
        t=round(out["t"], 4),
        cpu=round(out["cpu"], 4),
    )
    if "bridges" in out:
        row["bridges"] = out["bridges"]
    row["coupling"] = check_coupling(pairs, edges, out["wide"])
    row["natives"] = "any" if config.family == "qloom" else check_natives(out["gates"])
    if want_ops:
        start = time.perf_counter()
        row["equiv"] = check_equivalence(qasm, out["ops"], topo["n"], out["initial"], out["final"])
        row["check_s"] = round(time.perf_counter() - start, 3)
    else:
        row["equiv"] = "not run"
    failed = [k for k in ("coupling", "natives", "equiv") if row[k].startswith("FAIL")]
    row["check"] = "FAIL " + ",".join(failed) if failed else "ok"
    row.update(out.get("extra", {}))
    return row


def progress(row: dict[str, Any]) -> str:
    head = f"{row['topo']:>9} {row['circuit']:<22} {row['tool']:<19}"
    if row["status"] != "ok":
        return f"{head} {row['status']:<8} {row.get('message', '')}"
    return (
        f"{head} ok  swaps {row['swaps']:>5}  2q {row['n2q']:>6}  2q-depth {row['depth2q']:>5}"
        f"  {row['t']:>8.3f} s  check {row['check']}"
        + (f" (equiv {row['equiv']})" if row["equiv"] not in ("ok", "not run") else "")
    )


def run_all(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    configs = choose_configs(args)
    if not configs:
        print("no tool to run: install qloom's mapping plugins or a comparison tool")
        return [], {}
    jobs = plan(args)
    workers = {c.family: tools.Worker(c.family) for c in configs}
    meta: dict[str, Any] = {
        "command": " ".join(["python", *(sys.argv if sys.argv[0] else ["bench_mapping.py"])]),
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "seed": args.seed,
        "timeout": args.timeout,
        "tools": {c.label: describe(c, args.seed) for c in configs},
    }
    fits = sum(1 for _, topo, circuit, _ in jobs if int(circuit["qubits"]) <= topo["n"])
    print(
        f"{fits} circuit/device pairs x {len(configs)} tools: "
        f"{', '.join(c.label for c in configs)}; timeout {args.timeout:g} s per job"
    )
    print(report.NOTE_2Q)
    rows: list[dict[str, Any]] = []
    try:
        for which, topo, circuit, path in jobs:
            qasm = path.read_text()
            edges = {frozenset(e) for e in topo["edges"]}
            for config in configs:
                row = run_job(
                    workers[config.family], config, which, topo, circuit, qasm, args, edges
                )
                rows.append(row)
                if row["status"] != "too-wide":
                    print(progress(row), flush=True)
    except KeyboardInterrupt:
        print(f"\ninterrupted: reporting the {len(rows)} rows done")
    finally:
        for worker in workers.values():
            worker.close()
    meta["versions"] = [versions_of(workers, f) for f in workers]
    return rows, meta


def versions_of(workers: dict[str, tools.Worker], family: str) -> str:
    return workers[family].version or tools.versions(family)


# -- reporting -----------------------------------------------------------------------------------


def print_report(rows: list[dict[str, Any]], meta: dict[str, Any], per_circuit: bool) -> None:
    print(f"\n{', '.join(meta.get('versions', []))}; seed {meta.get('seed')}")
    for label, text in meta.get("tools", {}).items():
        print(f"  {label}: {text}")
    for topo in report.topologies(rows):
        wide = {r["circuit"] for r in rows if r["topo"] == topo and r["status"] == "too-wide"}
        print(
            f"\n=== {topo}"
            + (f" ({len(wide)} circuits wider than the device skipped)" if wide else "")
        )
        if per_circuit:
            print("cells: SWAPs/2q gates/2q depth ('!' = a check failed), then seconds")
            print(report.per_circuit(rows, topo, False))
            print()
        print(report.summary(rows, topo, False))
        print()
        print(report.ratios(rows, topo, False))
    if any(r["set"] == "queko" for r in rows):
        print("\n=== QUEKO on their own devices: SWAPs (known optimum 0)")
        print(report.queko(rows, False))
    anchor_rows = read_anchors()
    if anchor_rows:
        print("\n=== this run against ../shared/benchmarks/anchors.csv (same configuration?)")
        print(report.anchors(rows, anchor_rows, False))
    print()
    print(report.checks_line(rows))
    for line in report.problems(rows):
        print(line)


def read_anchors() -> list[dict[str, str]]:
    path = SHARED / "anchors.csv"
    return read_manifest(path) if path.is_file() else []


def add_check_options(parser: argparse.ArgumentParser) -> None:
    """``--seed`` of every tool and ``--check-max``, the widest circuit whose outputs are
    checked for equivalence (also the targets benchmark's, which has its own others)."""
    parser.add_argument("--seed", type=int, default=11, help="seed of every tool (default 11)")
    parser.add_argument(
        "--check-max",
        type=int,
        default=10,
        help="check equivalence of outputs of circuits up to this many qubits (0: never)",
    )


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """SIGINT (also when started in the background) and SIGTERM stop the run: they raise
    ``KeyboardInterrupt``, after which the rows done so far are reported and written."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def load_or_run(
    args: argparse.Namespace,
    run_all: Callable[[argparse.Namespace], tuple[list[dict[str, Any]], dict[str, Any]]],
    missing: str,
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The rows and meta of ``--load``, or of a timed run (written to ``--json``), for every
    comparison benchmark; ``None`` when ``../shared`` is absent (saying so: ``missing`` is
    what could not be done) or the run gave no rows."""
    if args.load:
        data = json.loads(args.load.read_text())
        return data["rows"], data["meta"]
    if not SHARED.is_dir():
        print(f"shared benchmark data not found at {SHARED}: {missing}")
        return None
    start = time.perf_counter()
    rows, meta = run_all(args)
    if not rows:
        return None
    meta["elapsed_s"] = round(time.perf_counter() - start, 1)
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
        print(f"rows written to {args.json}")
    return rows, meta


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_signals()
    done = load_or_run(args, run_all, "nothing to route")
    if done is None:
        return 0
    rows, meta = done
    print_report(rows, meta, args.per_circuit)
    if args.markdown:
        args.markdown.write_text(report.markdown(rows, meta, read_anchors()))
        print(f"markdown written to {args.markdown}")
    return 1 if any(line.startswith("check FAILED") for line in report.problems(rows)) else 0


if __name__ == "__main__":
    raise SystemExit(main())
