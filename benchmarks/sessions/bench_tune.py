"""``qloom tune`` on the QFT family of ``../shared/benchmarks/batch200`` for hh127, against O3.

The 50 ``*_qft_*.qasm`` circuits (5 to 19 qubits) are tuned for an emulated device with the
``hh127`` heavy-hex coupling graph and natives {cz, rz, sx, x} (the device of
``benchmarks/throughput``), with a wall-time budget (60 s by default). The seed splits the
family into training and held-back circuits; the search sees only the training ones. The
tuned pipeline and ``O3`` are then run on the held-back circuits with the same seed: their
two-qubit counts per circuit and in total, and the ratio, are the figures to record
(docs/performance.md, "Issue 20: tuning"), with the machine's load.

Run: python benchmarks/sessions/bench_tune.py [--budget 60s] [--holdout 0.75] [--seed 20]
     [--strategy greedy] [--executor processes] [--workers 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "throughput"))

import bench_throughput  # noqa: E402  (the hh127 device description is written there)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--budget", default="60s")
    parser.add_argument("--holdout", type=float, default=0.75)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--strategy", default="greedy")
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--executor", default="processes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    files = sorted(bench_throughput.BATCH.glob("*_qft_*.qasm"))
    if not files:
        print(f"no QFT circuits in {bench_throughput.BATCH}: skipped")
        return 0
    import qloom

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        device = bench_throughput.write_device(Path(folder))
        on = f"emulator:{device}"
        began = time.perf_counter()
        workers = None if args.executor == "serial" else args.workers
        result = qloom.tune(
            files,
            on=on,
            budget=args.budget,
            metric="2q",
            strategy=args.strategy,
            name="tuned_qft_hh127",
            depth=args.depth,
            holdout=args.holdout,
            seed=args.seed,
            executor=args.executor,
            workers=workers,
            progress=None,
        )
        wall = time.perf_counter() - began
    load_after = os.getloadavg()
    print(result.table())
    print()
    print(result.held_out_table())
    print()
    print(result.summary())
    print(
        f"\nwall {wall:.1f}s (search {result.elapsed:.1f}s, then held-out check); load "
        f"(1-min avg) {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"{os.cpu_count()} CPUs; {args.executor} x{workers or 1}"
    )
    if args.json:
        figures = {
            "budget": result.budget,
            "search_seconds": result.elapsed,
            "wall": wall,
            "finished": result.finished,
            "seed": result.seed,
            "steps": result.best.label,
            "tried": len(result.tried),
            "training": {"tuned": result.score, "O3": result.baseline.score},
            "held_out": [h.__dict__ for h in result.held_out],
            "held_out_ratio": result.held_out_ratio,
            "load": [load_before[0], load_after[0]],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
