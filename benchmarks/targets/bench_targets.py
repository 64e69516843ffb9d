"""Issue 17's targets, qloom and Qiskit measured side by side in one run, as one report.

Five targets (see ``README.md``), each read off a run of an existing benchmark:

- ``suite``: the synthesis benchmark (``../synthesis/bench_synthesis.py``) on the 45 shared
  circuits x hh127, grid100, hh27, line32 with qloom ``O1``/``O3`` and Qiskit level 1/3:
  total and geometric-mean time per job, ``O3`` against level 3 and ``O1`` against level 1,
  2q counts, every output checked; with ``--baseline`` an earlier ``--json`` of that
  benchmark, qloom's 2q counts against it (no job worse);
- ``qft``: ``qft_n100`` on hh127, ``O3`` against Qiskit level 3 (<= 1.5x), and the
  ``mapping`` pipeline alone as the mapping benchmark runs it (< 1 s);
- ``throughput``: ``../throughput/bench_throughput.py`` with the serial Compiler only, against
  Qiskit level 1's ``transpile(list)`` (circuits/s, >=);
- ``first``: the first transpile of a 5-qubit QFT for hh127 in fresh processes
  (``first_call.py``), qloom ``O1``/``O3`` against Qiskit level 1/3, median of ``--runs``,
  with and without the import (<= 2x).

Run: python benchmarks/targets/bench_targets.py [--quick] [--parts suite,qft,throughput,first]
     [--baseline syn_base.json] [--json out.json] [--markdown out.md]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

# the synthesis and mapping benchmarks' modules are reused from their folders
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mapping"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "synthesis"))

import bench_mapping as mapping
import bench_synthesis as synthesis
import synth_report
import tools
import verdicts
from verdicts import Target

HERE = Path(__file__).resolve().parent
BENCHMARKS = HERE.parent
SHARED = synthesis.SHARED
THROUGHPUT = BENCHMARKS / "throughput" / "bench_throughput.py"
FIRST_CALL = HERE / "first_call.py"
PARTS = ("suite", "qft", "throughput", "first")
QFT = "qft_n100"
QFT_DEVICE = "hh127"
PAIRS = (("qloom:O1", "qk1"), ("qloom:O3", "qk3"))
"""Each qloom level and the Qiskit level it is held against."""
FIRST_LEVELS = (1, 3)
QUICK_RUNS = 3
TRIVIAL_TASKS = 20
"""Trivial tasks of the throughput benchmark's per-task cost figures (not a target here)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated (default {','.join(PARTS)})"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: the synthesis benchmark's 5 quick circuits on hh27 and line32, 40 "
        f"throughput circuits, {QUICK_RUNS} fresh processes per first-call configuration",
    )
    parser.add_argument("--topologies", help="suite devices, comma-separated (default: all 4)")
    parser.add_argument("--circuits", help="suite circuits, comma-separated globs")
    mapping.add_check_options(parser)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per suite job")
    parser.add_argument(
        "--baseline", type=Path, help="an earlier bench_synthesis.py --json: 2q counts to keep"
    )
    parser.add_argument("--runs", type=int, help="fresh processes per first-call configuration")
    parser.add_argument(
        "--throughput-pipeline", help="qloom pipeline of the throughput part (default: device's)"
    )
    parser.add_argument(
        "--per-circuit", action="store_true", help="also the suite's per-circuit tables"
    )
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--markdown", type=Path, help="write the report here too")
    parser.add_argument("--load", type=Path, help="report an earlier --json instead of running")
    args = parser.parse_args(argv)
    args.parts = [p for p in args.parts.split(",") if p]
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown parts {unknown}; known: {list(PARTS)}")
    if args.runs is None:
        args.runs = QUICK_RUNS if args.quick else 5
    return args


# -- the parts -----------------------------------------------------------------------------------


def run_suite(args: argparse.Namespace) -> dict[str, Any]:
    """The synthesis benchmark's run, qloom O1/O3 and Qiskit level 1/3, rows as it writes."""
    argv = ["--tools", "qloom,qiskit", "--pipelines", "O1,O3", "--seed", str(args.seed)]
    argv += ["--timeout", str(args.timeout), "--check-max", str(args.check_max)]
    argv += ["--quick"] if args.quick else []
    argv += ["--topologies", args.topologies] if args.topologies else []
    argv += ["--circuits", args.circuits] if args.circuits else []
    rows, meta = synthesis.run_all(synthesis.parse_args(argv))
    return {"rows": rows, "meta": meta}


def _qft_job(topo: dict[str, Any]) -> tuple[dict[str, str], str]:
    rows = mapping.read_manifest(SHARED / "circuits" / "manifest.csv")
    circuit = next(c for c in rows if c["name"] == QFT)
    return circuit, (SHARED / "circuits" / f"{QFT}.qasm").read_text()


def run_qft(args: argparse.Namespace, suite_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """qft_n100 on hh127: O3 and Qiskit level 3 (the suite's rows when it ran them), and
    the ``mapping`` pipeline as the mapping benchmark times it (``run_pipeline`` alone)."""
    topo = mapping.read_topology(QFT_DEVICE)
    circuit, qasm = _qft_job(topo)
    rows = []
    configs = [
        tools.Config("qloom:O3", "qloom", {"pipeline": "O3"}),
        tools.Config("qk3", "qiskit", {"level": 3}),
    ]
    in_2q: int | None = None
    for config in configs:
        row = verdicts.find_row(suite_rows, QFT_DEVICE, QFT, config.label)
        if row is None:
            if in_2q is None:
                in_2q = synthesis.input_2q(qasm)
            worker = tools.Worker(config.family, runners=synthesis.RUNNERS)
            try:
                row = synthesis.run_job(worker, config, topo, circuit, qasm, in_2q, args)
            finally:
                worker.close()
            print(synthesis.progress(row), flush=True)
        rows.append(row)
    config = tools.Config("qloom:mapping", "qloom", {"pipeline": "mapping"})
    worker = tools.Worker("qloom")
    edges = {frozenset(e) for e in topo["edges"]}
    try:
        row = mapping.run_job(worker, config, "main", topo, circuit, qasm, args, edges)
    finally:
        worker.close()
    print(mapping.progress(row), flush=True)
    return {"rows": rows, "mapping": row}


def run_throughput(args: argparse.Namespace) -> dict[str, Any]:
    """``bench_throughput.py`` with the serial executor and Qiskit level 1, in a subprocess
    (its module names clash with the mapping benchmark's); its JSON and markdown back."""
    with tempfile.TemporaryDirectory(prefix="qloom-targets-") as folder:
        out, md = Path(folder) / "throughput.json", Path(folder) / "throughput.md"
        command = [sys.executable, str(THROUGHPUT), "--executors", "serial"]
        command += ["--qiskit-levels", "1", "--seed", str(args.seed)]
        command += ["--trivial", str(TRIVIAL_TASKS), "--json", str(out), "--markdown", str(md)]
        command += ["--quick"] if args.quick else []
        if args.throughput_pipeline:
            command += ["--pipeline", args.throughput_pipeline]
        print("  " + " ".join(command[1:]), flush=True)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if not out.is_file():
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            return {"error": f"exit status {done.returncode}: " + " / ".join(tail)}
        data = json.loads(out.read_text())
        data["markdown"] = md.read_text() if md.is_file() else ""
        data["returncode"] = done.returncode
    serial = data["executors"][0]
    print(
        f"  serial: {serial.get('circuits_per_s', 0):.2f} circuits/s; "
        + "; ".join(f"{q['tool']}: {q['circuits_per_s']:.2f} circuits/s" for q in data["qiskit"]),
        flush=True,
    )
    return data


def run_first(args: argparse.Namespace) -> dict[str, Any]:
    """``first_call.py`` in ``--runs`` fresh processes per tool and level, interleaved so
    that a change in the machine's load hits every configuration alike."""
    topology = SHARED / "topologies" / f"{QFT_DEVICE}.json"
    configs = [(tool, level) for level in FIRST_LEVELS for tool in ("qloom", "qiskit")]
    runs: dict[str, list[dict[str, float]]] = {f"{t}:{lv}": [] for t, lv in configs}
    for _ in range(args.runs):
        for tool, level in configs:
            command = [sys.executable, str(FIRST_CALL), tool, str(level), str(topology)]
            began = time.perf_counter()
            done = subprocess.run(
                [*command, str(args.seed)], capture_output=True, text=True, check=False
            )
            process_s = time.perf_counter() - began
            if done.returncode != 0:
                tail = done.stderr.strip().splitlines()[-1:] or [""]
                return {"error": f"{tool} level {level}: exit {done.returncode}: {tail[0]}"}
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            figures["process_s"] = process_s
            runs[f"{tool}:{level}"].append(figures)
    for key, items in runs.items():
        med = verdicts.median([r["import_s"] + r["call_s"] for r in items])
        print(f"  {key}: median with import {med:.3f} s over {len(items)} processes")
    return {"runs": runs, "device": QFT_DEVICE, "circuit": "qft 5 qubits (built in code)"}


# -- targets -------------------------------------------------------------------------------------


def _first_median(data: dict[str, Any], key: str, with_import: bool) -> float | None:
    items = data.get("runs", {}).get(key, [])
    return verdicts.median([r["call_s"] + (r["import_s"] if with_import else 0.0) for r in items])


def targets(data: dict[str, Any]) -> list[Target]:
    """Every target that the run measured (or says why not)."""
    out: list[Target] = []
    suite = data.get("suite")
    if suite is not None:
        for mine, theirs in reversed(PAIRS):
            out += verdicts.suite_targets(suite["rows"], mine, theirs)
    qft = data.get("qft")
    if qft is not None:
        o3 = verdicts.job_time(verdicts.find_row(qft["rows"], QFT_DEVICE, QFT, "qloom:O3"))
        qk3 = verdicts.job_time(verdicts.find_row(qft["rows"], QFT_DEVICE, QFT, "qk3"))
        out.append(Target(f"{QFT} on {QFT_DEVICE}, O3 vs qk3 wall time", o3, qk3, 1.5))
        mapped = verdicts.job_time(qft["mapping"])
        out.append(Target(f"{QFT} on {QFT_DEVICE}, `mapping` pipeline", mapped, None, 1.0))
    through = data.get("throughput")
    if through is not None:
        name = "batch200 serial Compiler vs qk1 transpile(list)"
        if "error" in through:
            out.append(Target(name, None, None, 1.0, False, "circuits/s", through["error"]))
        else:
            serial = through["executors"][0]
            qk1 = next((q for q in through["qiskit"] if q["tool"] == "qk1"), None)
            out.append(
                Target(
                    name,
                    serial.get("circuits_per_s"),
                    qk1["circuits_per_s"] if qk1 else None,
                    1.0,
                    at_most=False,
                    unit="circuits/s",
                    note=f"{through['meta']['circuits']} circuits, pipeline "
                    f"'{through['meta']['pipeline']}'",
                )
            )
    first = data.get("first")
    if first is not None:
        for level in FIRST_LEVELS:
            for with_import in (True, False):
                which = "with import" if with_import else "without import"
                name = f"first call, 5-qubit QFT on {QFT_DEVICE}, O{level} vs qk{level}, {which}"
                if "error" in first:
                    out.append(Target(name, None, None, 2.0, note=first["error"]))
                    continue
                mine = _first_median(first, f"qloom:{level}", with_import)
                theirs = _first_median(first, f"qiskit:{level}", with_import)
                runs = len(first["runs"][f"qloom:{level}"])
                out.append(Target(name, mine, theirs, 2.0, note=f"median of {runs} processes"))
    baseline = data.get("baseline")
    if suite is not None and baseline is not None:
        for mine, _ in PAIRS:
            change = verdicts.count_changes(suite["rows"], baseline["rows"], mine)
            out.append(verdicts.count_target(change))
    return out


# -- the report ----------------------------------------------------------------------------------


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "jobs worse":
        return f"{value:g}"
    return f"{value:.2f} {unit}"


def target_table(found: list[Target]) -> str:
    body = []
    for t in found:
        limit = ("<= " if t.at_most else ">= ") + f"{t.limit:g}"
        limit += "x" if t.reference is not None or t.unit == "circuits/s" else f" {t.unit}"
        ratio = "-" if t.ratio is None else f"{t.ratio:.2f}x"
        body.append(
            [
                t.name,
                _num(t.measured, t.unit),
                _num(t.reference, t.unit),
                ratio,
                limit,
                f"**{t.verdict}**",
                t.note,
            ]
        )
    headers = ["target", "qloom", "Qiskit", "qloom / Qiskit", "limit", "verdict", "note"]
    return synth_report.table(headers, body, True)


def suite_section(suite: dict[str, Any], per_circuit: bool) -> list[str]:
    rows = suite["rows"]
    parts = ["## Whole suite (synthesis benchmark)", "", synth_report.NOTE, ""]
    parts += [synth_report.checks_line(rows) + ".", ""]
    for mine, theirs in PAIRS:
        f = verdicts.suite_times(rows, mine, theirs)
        if f["jobs"]:
            parts.append(
                f"- {mine} vs {theirs} over {int(f['jobs'])} jobs: total {f['total_mine']:.1f} s"
                f" vs {f['total_theirs']:.1f} s, gm {f['gm_mine']:.3f} s vs "
                f"{f['gm_theirs']:.3f} s, gm 2q {f['gm2q_mine']:.1f} vs {f['gm2q_theirs']:.1f} "
                f"({f['gm2q_mine'] / f['gm2q_theirs']:.3f}x)"
            )
    parts += ["", "Slowest jobs (the totals rest on them):", ""]
    for mine, theirs in PAIRS:
        for a, b in ((mine, theirs), (theirs, mine)):
            total = verdicts.suite_times(rows, a, b)["total_mine"]
            slow = verdicts.heaviest(rows, a, b)
            if slow and total > 0:
                share = sum(r["t"] for r in slow) / total
                parts.append(
                    f"- {a}: "
                    + ", ".join(f"{r['circuit']} on {r['topo']} {r['t']:.1f} s" for r in slow)
                    + f" ({share:.0%} of its {total:.1f} s)"
                )
    parts += ["", "### All devices", "", synth_report.summary(rows, None, True), ""]
    parts += [synth_report.ratios(rows, None, True)]
    for topo in synth_report.topologies(rows):
        parts += ["", f"### {topo}", "", synth_report.summary(rows, topo, True), ""]
        parts += [synth_report.ratios(rows, topo, True)]
        if per_circuit:
            parts += ["", synth_report.per_circuit(rows, topo, True)]
    trouble = synth_report.problems(rows)
    if trouble:
        parts += ["", "### Problems", "", *(f"- {line}" for line in trouble)]
    return parts


def counts_section(data: dict[str, Any]) -> list[str]:
    baseline = data["baseline"]
    parts = [f"## 2q counts against `{baseline['path']}`", ""]
    for mine, _ in PAIRS:
        change = verdicts.count_changes(data["suite"]["rows"], baseline["rows"], mine)
        parts.append(
            f"- {mine}: {change.jobs} jobs in both runs, {len(change.worse)} worse, "
            f"{change.better} better, gm now/before {change.gm_ratio:.3f}"
        )
        parts += [f"  - worse: {c} on {t}: {before} -> {now}" for t, c, before, now in change.worse]
        parts += [f"  - not finished now: {c} on {t}" for t, c in change.lost]
    return parts


def qft_section(qft: dict[str, Any]) -> list[str]:
    parts = [f"## {QFT} on {QFT_DEVICE}", ""]
    for row in [*qft["rows"], qft["mapping"]]:
        if row["status"] == "ok":
            parts.append(
                f"- {row['tool']}: {row['t']:.3f} s, 2q {row['n2q']}, 2q depth "
                f"{row['depth2q']}, check {row['check']}"
            )
            passes = row.get("pass_times")
            if passes:
                slow = sorted(passes.items(), key=lambda kv: -kv[1])[:6]
                parts.append("  - slowest passes: " + ", ".join(f"{k} {v:.2f} s" for k, v in slow))
        else:
            parts.append(f"- {row['tool']}: {row['status']} {row.get('message', '')}")
    parts += [
        "",
        "(`qloom:mapping`: the mapping benchmark's time of `run_pipeline` alone; "
        "its 2q count counts each `swap` as 3.)",
    ]
    return parts


def _median_of(items: list[dict[str, float]], key: str) -> str:
    value = verdicts.median([r[key] for r in items if key in r])
    return "-" if value is None else f"{value:.3f}"


def first_section(first: dict[str, Any]) -> list[str]:
    parts = [f"## First call in a fresh process ({first.get('circuit', '')}, {QFT_DEVICE})", ""]
    if "error" in first:
        return [*parts, f"error: {first['error']}"]
    body = []
    for key, items in first["runs"].items():
        tool, level = key.split(":")
        label = f"qloom O{level}" if tool == "qloom" else f"Qiskit level {level}"
        body.append(
            [
                label,
                len(items),
                f"{verdicts.median([r['import_s'] for r in items]):.3f}",
                f"{verdicts.median([r['call_s'] for r in items]):.3f}",
                _median_of(items, "passes_s"),
                f"{verdicts.median([r['import_s'] + r['call_s'] for r in items]):.3f}",
                f"{verdicts.median([r['process_s'] for r in items]):.3f}",
                items[0]["n2q"],
            ]
        )
    headers = ["tool", "processes", "import s", "call s", "of which passes s"]
    headers += ["import + call s", "process s", "2q"]
    parts.append(synth_report.table(headers, body, True))
    parts += [
        "",
        "Medians. call = for qloom plugin discovery, pipeline build and run (passes: the "
        "passes' own wall time, from the `qloom_pass_finished` hook; the rest of the call is "
        "discovery, pipeline build and the final checks); for Qiskit target, pass manager "
        "build and run. process = the whole subprocess, interpreter start and exit included.",
    ]
    return parts


def report(data: dict[str, Any], per_circuit: bool) -> str:
    meta = data["meta"]
    found = targets(data)
    parts = [
        "# Issue 17 targets: qloom and Qiskit side by side",
        "",
        f"`{meta['command']}` on {meta['date']} ({meta['machine']}), qloom at "
        f"{meta['commit']}, {meta['versions']}; seed {meta['seed']}. Load average (1 min) "
        f"{meta['load_start']:.2f} at the start, {meta.get('load_end', float('nan')):.2f} at "
        f"the end; {meta.get('elapsed_s', 0):g} s in all."
        + (
            f" **The code changed during the run**: {meta['commit_end']} at the end."
            if meta.get("commit_end", meta["commit"]) != meta["commit"]
            else ""
        ),
        "",
        target_table(found),
        "",
        f"{sum(t.verdict == 'met' for t in found)} met, "
        f"{sum(t.verdict == 'not met' for t in found)} not met, "
        f"{sum(t.verdict == 'not measured' for t in found)} not measured.",
    ]
    if data.get("suite") is not None:
        parts += ["", *suite_section(data["suite"], per_circuit)]
    if data.get("suite") is not None and data.get("baseline") is not None:
        parts += ["", *counts_section(data)]
    if data.get("qft") is not None:
        parts += ["", *qft_section(data["qft"])]
    if data.get("throughput") is not None:
        through = data["throughput"]
        parts += ["", "## Throughput (throughput benchmark, serial executor)", ""]
        parts.append(through.get("markdown") or through.get("error", ""))
    if data.get("first") is not None:
        parts += ["", *first_section(data["first"])]
    return "\n".join(parts).rstrip() + "\n"


def failures(data: dict[str, Any]) -> list[str]:
    """Failed output checks and parts that could not run (not targets missed)."""
    out = []
    if data.get("suite") is not None:
        out += [p for p in synth_report.problems(data["suite"]["rows"]) if "FAILED" in p]
    if data.get("qft") is not None:
        rows = [*data["qft"]["rows"], data["qft"]["mapping"]]
        out += [f"{r['tool']}: check {r['check']}" for r in rows if r.get("check", "ok") != "ok"]
    through = data.get("throughput")
    if through is not None and (through.get("error") or through.get("returncode")):
        out.append(f"throughput: {through.get('error') or 'a check failed'}")
    if data.get("first") is not None and "error" in data["first"]:
        out.append(f"first call: {data['first']['error']}")
    return out


# -- the run -------------------------------------------------------------------------------------


def _commit() -> str:
    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=HERE, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "core", "plugins")
    return head + (" (with uncommitted changes in core/plugins)" if dirty else "")


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    names = ["qloom", "qloom-kernels", "qiskit"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def _read_baseline(path: Path) -> dict[str, Any]:
    rows = json.loads(path.read_text())["rows"]
    keep = ("topo", "circuit", "tool", "status", "n2q")
    return {"path": str(path), "rows": [{k: r.get(k) for k in keep} for r in rows]}


def run(args: argparse.Namespace) -> dict[str, Any]:
    began = time.perf_counter()
    meta = {
        "command": " ".join(["python", *(sys.argv if sys.argv[0] else ["bench_targets.py"])]),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "commit": _commit(),
        "versions": _versions(),
        "seed": args.seed,
        "parts": args.parts,
        "quick": args.quick,
        "load_start": os.getloadavg()[0],
    }
    print(f"load average {meta['load_start']:.2f} at the start; parts {', '.join(args.parts)}")
    data: dict[str, Any] = {"meta": meta}
    if args.baseline:
        data["baseline"] = _read_baseline(args.baseline)
    try:
        if "suite" in args.parts:
            print("\n== suite: qloom O1/O3, Qiskit level 1/3", flush=True)
            data["suite"] = run_suite(args)
        if "qft" in args.parts:
            print(f"\n== {QFT} on {QFT_DEVICE}", flush=True)
            suite_rows = data["suite"]["rows"] if "suite" in data else []
            data["qft"] = run_qft(args, suite_rows)
        if "throughput" in args.parts:
            print("\n== throughput: serial Compiler and Qiskit level 1", flush=True)
            data["throughput"] = run_throughput(args)
        if "first" in args.parts:
            print("\n== first call in fresh processes", flush=True)
            data["first"] = run_first(args)
    except KeyboardInterrupt:
        print("\ninterrupted: reporting the parts done")
    meta["load_end"] = os.getloadavg()[0]
    meta["commit_end"] = _commit()
    meta["elapsed_s"] = round(time.perf_counter() - began, 1)
    return data


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mapping.stop_on_signals()
    if args.load:
        data = json.loads(args.load.read_text())
        if args.baseline:  # an earlier run's counts against another baseline
            data["baseline"] = _read_baseline(args.baseline)
    else:
        if not SHARED.is_dir():
            print(f"shared benchmark data not found at {SHARED}: nothing to measure")
            return 0
        if importlib.util.find_spec("qiskit") is None:
            print("qiskit not installed: the targets are against Qiskit, nothing to measure")
            return 0
        data = run(args)
        data["targets"] = [{**asdict(t), "verdict": t.verdict} for t in targets(data)]
        if args.json:
            args.json.write_text(json.dumps(data, indent=1) + "\n")
            print(f"figures written to {args.json}")
    text = report(data, args.per_circuit)
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text)
        print(f"markdown written to {args.markdown}")
    trouble = failures(data)
    for line in trouble:
        print(f"FAILED: {line}")
    return 1 if trouble else 0


if __name__ == "__main__":
    raise SystemExit(main())
