"""Estimated success probability on emulated calibrated devices: qloom against Qiskit (issue 18).

Every circuit of ``../shared/benchmarks/circuits`` that fits is transpiled for each emulated
device (``emulator:<device>``: its natives, coupling with directions, calibration) by a
qloom pipeline (default ``O3``) and by Qiskit (default level 3) given the ``Target`` the
Qiskit bridge builds from the same device (``qloom_qiskit.target.backend_target``: same
pairs, natives and error rates), seed 11, one job at a time in the mapping benchmark's
worker processes (timeouts that really stop a job). Every output is checked: the device
accepts it (natives, pairs and their direction: ``Backend.validate``) and, for circuits of
at most ``--check-max`` qubits, it is equivalent to the input up to its layout. Each output's
ESP is ``qloom.success.estimated_success`` (product of the calibrated fidelities of its
gates; ``rz`` is virtual, so free).

Printed per device: the geometric mean over the circuits both tools compiled of the ESP
ratio (qloom / Qiskit: above 1 is better) and of the 2q count ratio (below 1 is better), and
the circuits with the lowest ESP ratio.

Run: python benchmarks/synthesis/bench_noise.py [--devices heavy-hex-27] [--circuits 'qft*']
     [--pipeline O3] [--level 3] [--json out.json] [--load out.json]
"""

from __future__ import annotations

import argparse
import datetime
import math
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mapping"))

import bench_mapping as mapping
import tools
from checks import check_equivalence
from report import geomean, table

SHARED = mapping.SHARED
DEVICES = ("heavy-hex-127", "grid-100", "heavy-hex-27", "line-32")
"""The emulated devices with the shapes of the synthesis benchmark's four topologies."""

RUNNERS = "noise_runners"
Row = dict[str, Any]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--devices", default=",".join(DEVICES), help="comma-separated emulator devices"
    )
    parser.add_argument("--circuits", help="comma-separated globs on circuit names")
    parser.add_argument("--pipeline", default="O3", help="qloom pipeline (default O3)")
    parser.add_argument("--level", type=int, default=3, help="Qiskit optimization level")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per job")
    parser.add_argument("--worst", type=int, default=5, help="worst circuits shown per device")
    mapping.add_check_options(parser)
    parser.add_argument("--json", type=Path, help="write every result row here")
    parser.add_argument("--load", type=Path, help="report the rows of a previous --json file")
    return parser.parse_args(argv)


def device_size(device: str) -> int:
    import qloom

    size = qloom.get_backend(f"emulator:{device}").num_qubits
    assert size is not None  # emulated devices have a fixed size
    return int(size)


def run_job(worker: tools.Worker, job: dict[str, Any], timeout: float, qubits: int) -> Row:
    """One transpilation, its checks, as a row."""
    out = worker.run(job, timeout)
    row: Row = {"device": job["device"], "tool": job["label"], "status": out["status"]}
    if out["status"] != "ok":
        return {**row, "message": out.get("message", "")}
    row.update(
        n2q=len(out["pairs"]),
        esp=out["esp"],
        log_esp=out["log_esp"],
        t=round(out["t"], 4),
        valid=out["valid"],
    )
    if job["want_ops"]:
        width = device_size(job["device"])
        row["equiv"] = check_equivalence(
            job["qasm"], out["ops"], width, out["initial"], out["final"]
        )
    else:
        row["equiv"] = "not run"
    failed = [k for k in ("valid", "equiv") if row[k].startswith("FAIL")]
    row["check"] = "FAIL " + ",".join(failed) if failed else "ok"
    return row


def run_all(args: argparse.Namespace) -> tuple[list[Row], dict[str, Any]]:
    globs = args.circuits.split(",") if args.circuits else None
    manifest = mapping.read_manifest(SHARED / "circuits" / "manifest.csv")
    circuits = [c for c in manifest if mapping.selected(c["name"], globs)]
    configs = [
        tools.Config(f"qloom:{args.pipeline}", "qloom", {"pipeline": args.pipeline}),
        tools.Config(f"qk{args.level}", "qiskit", {"level": args.level}),
    ]
    workers = {c.family: tools.Worker(c.family, runners=RUNNERS) for c in configs}
    rows: list[Row] = []
    try:
        for device in args.devices.split(","):
            size = device_size(device)
            for circuit in circuits:
                qubits = int(circuit["qubits"])
                if qubits > size:
                    continue
                qasm = (SHARED / "circuits" / f"{circuit['name']}.qasm").read_text()
                for config in configs:
                    job = {
                        "label": config.label,
                        "options": config.options,
                        "qasm": qasm,
                        "device": device,
                        "seed": args.seed,
                        "want_ops": qubits <= args.check_max,
                    }
                    row = run_job(workers[config.family], job, args.timeout, qubits)
                    row.update(circuit=circuit["name"], qubits=qubits)
                    rows.append(row)
                    print(progress(row), flush=True)
    except KeyboardInterrupt:
        print(f"\ninterrupted: reporting the {len(rows)} rows done")
    finally:
        for worker in workers.values():
            worker.close()
    meta = {
        "date": datetime.date.today().isoformat(),
        "seed": args.seed,
        "tools": [c.label for c in configs],
        "versions": [mapping.versions_of(workers, f) for f in workers],
    }
    return rows, meta


def progress(row: Row) -> str:
    head = f"{row['device']:>14} {row['circuit']:<22} {row['tool']:<10}"
    if row["status"] != "ok":
        return f"{head} {row['status']} {row.get('message', '')}"
    return (
        f"{head} 2q {row['n2q']:>6}  ESP {row['esp']:.3e}  {row['t']:>7.2f} s  "
        f"check {row['check']}"
        + ("" if row["check"] == "ok" else f" ({row['valid']}; {row['equiv']})")
    )


def pairs(rows: list[Row], device: str, ours: str, theirs: str) -> list[tuple[str, Row, Row]]:
    """(circuit, our row, their row) of the circuits both compiled with checks passing."""
    index = {(r["circuit"], r["tool"]): r for r in rows if r["device"] == device}
    out = []
    for (circuit, tool), row in index.items():
        other = index.get((circuit, theirs))
        if (
            tool == ours
            and other
            and all(r["status"] == "ok" and r["check"] == "ok" for r in (row, other))
        ):
            out.append((circuit, row, other))
    return out


def esp_ratio(ours: Row, theirs: Row) -> float:
    """ESP ours / theirs, from the logs (exact where the ESPs underflow)."""
    return math.exp(ours["log_esp"] - theirs["log_esp"])


def print_report(rows: list[Row], meta: dict[str, Any], worst: int) -> None:
    ours, theirs = meta["tools"]
    print(f"\n{', '.join(meta['versions'])}; seed {meta['seed']}; {ours} against {theirs}")
    summary = []
    for device in dict.fromkeys(r["device"] for r in rows):
        both = pairs(rows, device, ours, theirs)
        ratios = [esp_ratio(a, b) for _, a, b in both]
        counts = [max(a["n2q"], 1) / max(b["n2q"], 1) for _, a, b in both]
        missing = len({r["circuit"] for r in rows if r["device"] == device}) - len(both)
        summary.append(
            [
                device,
                len(both),
                missing,
                f"{geomean(ratios):.3f}",
                f"{geomean(counts):.3f}",
                sum(1 for r in ratios if r < 1.0),
            ]
        )
        ranked = sorted(zip(ratios, both, strict=True), key=lambda x: x[0])[:worst]
        if not ranked:
            print(f"\n=== {device}: no circuit both {ours} and {theirs} finished and passed")
            continue
        print(f"\n=== {device}: lowest ESP ratios ({ours} / {theirs})")
        print(
            table(
                ["circuit", "ESP ratio", "ESP ours", "ESP theirs", "2q ours", "2q theirs"],
                [
                    [c, f"{r:.3f}", f"{a['esp']:.3e}", f"{b['esp']:.3e}", a["n2q"], b["n2q"]]
                    for r, (c, a, b) in ranked
                ],
                False,
            )
        )
    print(f"\n=== per device (geometric means; ESP ratio above 1: {ours} better)")
    headers = ["device", "circuits", "not compared", "ESP ratio", "2q ratio", "ESP worse"]
    print(table(headers, summary, False))
    bad = [r for r in rows if r["status"] != "ok" or r["check"] != "ok"]
    print(f"\nchecks: {len(rows) - len(bad)} of {len(rows)} outputs ok")
    for row in bad:
        print(f"  check FAILED {progress(row)}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mapping.stop_on_signals()
    done = mapping.load_or_run(args, run_all, "nothing to transpile")
    if done is None:
        return 0
    rows, meta = done
    print_report(rows, meta, args.worst)
    if not args.load:
        print(f"run time {meta['elapsed_s']:g} s")
    return 1 if any(r["status"] != "ok" or r["check"] != "ok" for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
