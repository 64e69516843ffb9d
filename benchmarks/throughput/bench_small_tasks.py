"""Per-request cost of small tasks on Dask, packed and unpacked, against processes (issue 19).

Each configuration gets its own executor (one alive at a time, as in ``bench_throughput``),
warmed up, then:

- ``request ms``: ``N`` trivial compile requests (a 2-qubit circuit, ``identity`` pipeline,
  ``numpy`` backend, as the Compiler sends them) submitted at once with
  ``executor.submit(compile_request, r)``; wall time / N;
- ``map ms``: the same requests through ``executor.map(compile_request, requests)``;
- ``compiler ms``: ``Compiler(executor).compile`` of N such circuits; wall time / N (what a
  user of the Compiler pays per circuit: request as data, store rows, events, decoding).

Configurations: ``processes`` (2 workers), ``dask`` with ``pack=1`` (every request its own
Dask task: the behaviour before issue 19) and ``dask`` with each ``--packs`` size. Outputs
are checked equal across configurations (same seeds, same bytes).

Run: python benchmarks/throughput/bench_small_tasks.py [--count 400] [--repeat 3]
     [--packs 5,10,20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_throughput import tiny_circuit, trivial_requests


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--count", type=int, default=400, help="requests per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the median counts")
    parser.add_argument("--workers", type=int, default=2, help="workers of each executor")
    parser.add_argument("--packs", default="5,10,20", help="dask pack sizes besides 1")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, help="write every figure here")
    return parser.parse_args(argv)


def configurations(args: argparse.Namespace) -> list[tuple[str, str, dict[str, Any]]]:
    packs = [int(p) for p in args.packs.split(",") if p]
    rows = [("processes", "processes", {"workers": args.workers})]
    rows.append(("dask pack=1 (before)", "dask", {"workers": args.workers, "pack": 1}))
    rows += [(f"dask pack={p}", "dask", {"workers": args.workers, "pack": p}) for p in packs]
    return rows


def measure(name: str, options: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The three costs per request on a fresh executor of ``name``, medians of the rounds."""
    from qloom import Compiler
    from qloom.compiler import compile_request
    from qloom.config import get_executor

    requests = trivial_requests(args.count, args.seed)
    executor = get_executor(name, **options)
    figures: dict[str, list[float]] = {"request_ms": [], "map_ms": [], "compiler_ms": []}
    outputs: list[Any] = []
    try:
        if hasattr(executor, "wait_ready"):
            executor.wait_ready(120)
        executor.map(compile_request, requests[: 4 * executor.size])  # warm every worker
        with Compiler(executor, reuse=False, progress=False) as compiler:
            compiler.compile([tiny_circuit()] * 4, "numpy", "identity", args.seed)
            for _ in range(args.repeat):
                began = time.perf_counter()
                futures = [executor.submit(compile_request, r) for r in requests]
                results = [f.result() for f in futures]
                figures["request_ms"].append((time.perf_counter() - began) / args.count * 1e3)
                began = time.perf_counter()
                mapped = executor.map(compile_request, requests)
                figures["map_ms"].append((time.perf_counter() - began) / args.count * 1e3)
                began = time.perf_counter()
                compiler.compile([tiny_circuit()] * args.count, "numpy", "identity", args.seed)
                figures["compiler_ms"].append((time.perf_counter() - began) / args.count * 1e3)
                outputs = [json.dumps(r["circuit"], sort_keys=True) for r in results + mapped]
    finally:
        executor.close()
    row: dict[str, Any] = {k: statistics.median(v) for k, v in figures.items()}
    row["rounds"] = figures
    row["packs_sent"] = getattr(executor, "packs_sent", None)
    row["outputs"] = outputs
    return row


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{args.count} trivial requests, {args.workers} workers, median of {args.repeat}; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load {load:.1f} at start"
    )
    rows: dict[str, dict[str, Any]] = {}
    for label, name, options in configurations(args):
        rows[label] = measure(name, options, args)
    reference = next(iter(rows.values()))["outputs"]
    same = {label: row.pop("outputs") == reference for label, row in rows.items()}
    print(
        "| executor | submit, per request ms | map, per request ms | Compiler, per circuit ms "
        "| same outputs |"
    )
    print("| --- | ---: | ---: | ---: | --- |")
    for label, row in rows.items():
        print(
            f"| {label} | {row['request_ms']:.2f} | {row['map_ms']:.2f} | "
            f"{row['compiler_ms']:.2f} | {'yes' if same[label] else 'NO'} |"
        )
    end_load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load {end_load:.1f} at the end")
    if args.json:
        args.json.write_text(json.dumps({"load": [load, end_load], "rows": rows}, indent=2))
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
