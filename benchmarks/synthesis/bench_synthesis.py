"""Full transpile to {cz, rz, sx, x} with qloom, Qiskit, pytket and qibo, in one run (issue 5).

Every circuit of ``../shared/benchmarks/circuits`` is transpiled for each device of
``../shared/benchmarks/topologies`` (heavy-hex 127 and 27, 10x10 grid, 32-qubit line) with
native gates {cz, rz, sx, x}: padding, placement, routing, translation and optimisation,
by each qloom pipeline (``qloom.transpile``) and by each comparison tool that is installed,
one job at a time, each in a worker process with a timeout that really stops it (the
mapping benchmark's workers, tool families and checks). Every output is checked (natives,
every 2q gate on a device edge, equivalence for small circuits); 2q count, 2q depth,
operation count and time are tabulated per circuit, per device and over the whole suite,
as geometric means and as ratios to Qiskit level 3.

Run: python benchmarks/synthesis/bench_synthesis.py [--quick] [--tools qloom,qiskit]
     [--pipelines O1,O3] [--topologies hh27] [--circuits 'qft*'] [--json out.json]
     [--markdown out.md]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

# the mapping benchmark's modules (loading, workers, checks, tables) are reused from there
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mapping"))

import bench_mapping as mapping
import synth_report as report
import tools
from checks import check_coupling, check_equivalence, check_natives, depth_2q

SHARED = mapping.SHARED
TOPOLOGIES = mapping.TOPOLOGIES
PIPELINES = ("O1", "O3")
QUICK_CIRCUITS = ("qft_n10", "qb_adder_n10", "qv_n8", "random_n8_d20", "qaoa3reg_n16_p2")
QUICK_TOPOLOGIES = ("hh27", "line32")
RUNNERS = "synth_runners"
"""Module with the full-transpile runners, imported by each worker process."""

DESCRIPTIONS = {
    "qk1": "Qiskit `transpile(circuit, coupling_map=<both directions of each edge>, "
    "basis_gates=[cz, rz, sx, x], optimization_level=1, seed_transpiler=SEED)`",
    "qk3": "the same with `optimization_level=3`",
    "tk1": "pytket on a `CompilationUnit`: DecomposeBoxes, SynthesiseTket, "
    "DefaultMappingPass(Architecture(edges)), SynthesiseTket, AutoRebase{CZ, Rz, SX, X}, "
    "RemoveRedundancies (a pytket backend's default compilation at level 1)",
    "tk2": "the same with FullPeepholeOptimise before mapping and KAKDecomposition, "
    "CliffordSimp, SynthesiseTket after (level 2)",
    "qibo": "qibo `Passes([Preprocessing(), Sabre(seed=SEED), Unroller(NativeGates[CZ, RZ, "
    "SX, X])])`, qibo's default transpiler (no placer: logical i starts on node i; no "
    "optimisation pass); qibo 0.3.6 has all four natives, so its target is the same",
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
        "--pipelines",
        help=f"comma-separated qloom pipelines, lightest first (default {','.join(PIPELINES)})",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per job")
    mapping.add_run_options(parser)
    return parser.parse_args(argv)


# -- what to run ---------------------------------------------------------------------------------


def plan(args: argparse.Namespace) -> list[tuple[dict[str, Any], dict[str, str], Path]]:
    """(topology, circuit manifest row, qasm path) in run order: device by device."""
    globs = args.circuits.split(",") if args.circuits else None
    names = args.topologies.split(",") if args.topologies else None
    if names is None:
        names = list(QUICK_TOPOLOGIES if args.quick else TOPOLOGIES)
    known = sorted(p.stem for p in (SHARED / "topologies").glob("*.json"))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown topologies {unknown}; known: {known}")
    rows = mapping.read_manifest(SHARED / "circuits" / "manifest.csv")
    if args.quick and globs is None:
        rows = [c for c in rows if c["name"] in QUICK_CIRCUITS]
    rows = [c for c in rows if mapping.selected(c["name"], globs)]
    jobs = []
    for name in names:
        topo = mapping.read_topology(name)
        jobs += [(topo, c, SHARED / "circuits" / f"{c['name']}.qasm") for c in rows]
    return jobs


def choose_configs(args: argparse.Namespace) -> list[tools.Config]:
    """The mapping benchmark's choice, with this benchmark's ``--pipelines``."""
    wanted = args.pipelines.split(",") if args.pipelines else list(PIPELINES)
    return mapping.choose_configs(args, wanted)


def describe(config: tools.Config, seed: int) -> str:
    if config.family == "qloom":
        from qloom.config import get_pipeline

        pipeline = get_pipeline(config.options["pipeline"])
        steps = " -> ".join(p.label for p in pipeline.passes) or "no passes"
        return (
            f"`qloom.transpile(circuit, Backend(name, n, connectivity=edges, natives={{cz, rz, "
            f"sx, x}}), transpiler='{pipeline.name}', seed={seed})` ({steps})"
        )
    return DESCRIPTIONS[config.label].replace("SEED", str(seed))


def input_2q(qasm: str) -> int:
    """The input's 2q count once every gate on 3+ qubits is unrolled to 1q + 2q gates (the
    shared circuits are u3 + cx already; others go through qloom's ``unrollers:decompose``)."""
    import qloom
    from qloom import qasm2
    from qloom.gates import DIRECTIVES

    circuit = qasm2.loads(qasm)
    if any(len(op.qubits) > 2 and op.name not in DIRECTIVES for op in circuit):
        # decompose acts on a device with couplings: every pair coupled, every gate native
        n = circuit.num_qubits
        pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
        target = qloom.Backend("input", n, connectivity=pairs)
        spec = {"name": "unroll-input", "passes": ["unrollers:decompose"]}
        circuit = qloom.transpile(circuit, target, transpiler=spec, seed=0)
    return circuit.count_2q()


# -- running -------------------------------------------------------------------------------------


def run_job(
    worker: tools.Worker,
    config: tools.Config,
    topo: dict[str, Any],
    circuit: dict[str, str],
    qasm: str,
    in_2q: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    qubits = int(circuit["qubits"])
    row: dict[str, Any] = {
        "set": "main",
        "topo": topo["name"],
        "circuit": circuit["name"],
        "qubits": qubits,
        "in_n2q": in_2q,
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
        n2q=len(pairs),
        depth2q=depth_2q(pairs),
        nops=sum(out["gates"].values()),
        swaps_left=out["gates"].get("swap", 0),
        t=round(out["t"], 4),
        cpu=round(out["cpu"], 4),
        gates=out["gates"],
    )
    edges = {frozenset(e) for e in topo["edges"]}
    row["coupling"] = check_coupling(pairs, edges, out["wide"])
    row["natives"] = check_natives({g: n for g, n in out["gates"].items() if g != "measure"})
    if want_ops:
        start = time.perf_counter()
        row["equiv"] = check_equivalence(qasm, out["ops"], topo["n"], out["initial"], out["final"])
        row["check_s"] = round(time.perf_counter() - start, 3)
    else:
        row["equiv"] = "not run"
    failed = [k for k in ("natives", "coupling", "equiv") if row[k].startswith("FAIL")]
    row["check"] = "FAIL " + ",".join(failed) if failed else "ok"
    row.update(out.get("extra", {}))
    return row


def progress(row: dict[str, Any]) -> str:
    head = f"{row['topo']:>8} {row['circuit']:<22} {row['tool']:<12}"
    if row["status"] != "ok":
        return f"{head} {row['status']:<8} {row.get('message', '')}"
    details = [
        f"{k} {row[k]}" for k in ("natives", "equiv") if str(row[k]).startswith(("FAIL", "skip"))
    ]
    return (
        f"{head} ok  2q {row['n2q']:>6} (in {row['in_n2q']:>5})  2q-depth {row['depth2q']:>5}"
        f"  ops {row['nops']:>6}  {row['t']:>8.3f} s  check {row['check']}"
        + (f" ({'; '.join(details)})" if details else "")
    )


def run_all(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    configs = choose_configs(args)
    if not configs:
        print("no tool to run: install qloom-levels or a comparison tool")
        return [], {}
    jobs = plan(args)
    workers = {c.family: tools.Worker(c.family, runners=RUNNERS) for c in configs}
    meta: dict[str, Any] = {
        "command": " ".join(["python", *(sys.argv if sys.argv[0] else ["bench_synthesis.py"])]),
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "seed": args.seed,
        "timeout": args.timeout,
        "natives": list(tools.NATIVES),
        "tools": {c.label: describe(c, args.seed) for c in configs},
    }
    fits = sum(1 for topo, circuit, _ in jobs if int(circuit["qubits"]) <= topo["n"])
    print(
        f"{fits} circuit/device pairs x {len(configs)} tools: "
        f"{', '.join(c.label for c in configs)}; timeout {args.timeout:g} s per job"
    )
    rows: list[dict[str, Any]] = []
    inputs: dict[str, int] = {}
    try:
        for topo, circuit, path in jobs:
            qasm = path.read_text()
            if circuit["name"] not in inputs:
                inputs[circuit["name"]] = input_2q(qasm)
            for config in configs:
                row = run_job(
                    workers[config.family],
                    config,
                    topo,
                    circuit,
                    qasm,
                    inputs[circuit["name"]],
                    args,
                )
                rows.append(row)
                if row["status"] != "too-wide":
                    print(progress(row), flush=True)
    except KeyboardInterrupt:
        print(f"\ninterrupted: reporting the {len(rows)} rows done")
    finally:
        for worker in workers.values():
            worker.close()
    meta["versions"] = [mapping.versions_of(workers, f) for f in workers]
    return rows, meta


# -- reporting -----------------------------------------------------------------------------------


def print_report(rows: list[dict[str, Any]], meta: dict[str, Any], per_circuit: bool) -> None:
    print(f"\n{', '.join(meta.get('versions', []))}; seed {meta.get('seed')}")
    for label, text in meta.get("tools", {}).items():
        print(f"  {label}: {text}")
    print(report.NOTE)
    for topo in report.topologies(rows):
        wide = {r["circuit"] for r in rows if r["topo"] == topo and r["status"] == "too-wide"}
        print(
            f"\n=== {topo}"
            + (f" ({len(wide)} circuits wider than the device skipped)" if wide else "")
        )
        if per_circuit:
            print("cells: 2q gates/2q depth ('!' = a check failed), then seconds")
            print(report.per_circuit(rows, topo, False))
            print()
        print(report.summary(rows, topo, False))
        print()
        print(report.ratios(rows, topo, False))
    print("\n=== whole suite")
    print(report.summary(rows, None, False))
    print()
    print(report.ratios(rows, None, False))
    print("\neach tool's own total (timeouts counted at the timeout):")
    print(report.totals(rows, float(meta.get("timeout", 0)), False))
    print()
    anchor_rows = mapping.read_anchors()
    if anchor_rows:
        print("\n=== this run against ../shared/benchmarks/anchors.csv (same configuration?)")
        print(report.anchors(rows, anchor_rows, False))
        print()
    for line in report.goals(rows):
        print(line)
    print(report.checks_line(rows))
    for line in report.problems(rows):
        print(line)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mapping.stop_on_signals()
    if args.load:
        data = json.loads(args.load.read_text())
        rows, meta = data["rows"], data["meta"]
    else:
        if not SHARED.is_dir():
            print(f"shared benchmark data not found at {SHARED}: nothing to transpile")
            return 0
        start = time.perf_counter()
        rows, meta = run_all(args)
        if not rows:
            return 0
        meta["elapsed_s"] = round(time.perf_counter() - start, 1)
        if args.json:
            args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
            print(f"rows written to {args.json}")
    print_report(rows, meta, args.per_circuit)
    if not args.load:
        print(f"run time {meta['elapsed_s']:g} s")
    if args.markdown:
        args.markdown.write_text(report.markdown(rows, meta, mapping.read_anchors()))
        print(f"markdown written to {args.markdown}")
    return 1 if any(line.startswith("check FAILED") for line in report.problems(rows)) else 0


if __name__ == "__main__":
    raise SystemExit(main())
