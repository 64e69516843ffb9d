"""Routed SWAPs of qloom's levels on every QUEKO circuit on its own device (optimum: 0).

    python benchmarks/synthesis/queko_levels.py [O1,O2,O3]

Each circuit of ``../shared/benchmarks/queko`` is transpiled to {cz, rz, sx, x} with each
level (seed 11) inside ``qloom.report.counting_routed_swaps()``, which counts the SWAPs
the routing passes inserted (in ``O3``, those of the trial it kept). Exit status 1 when
any level inserted one. Without ``../shared`` it says so and exits 0.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import qloom
from qloom import Backend, qasm2
from qloom.report import counting_routed_swaps

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"
NATIVES = {"cz", "rz", "sx", "x"}


def main(argv: list[str]) -> int:
    levels = argv[0].split(",") if argv else ["O1", "O2", "O3"]
    if not (SHARED / "queko").is_dir():
        print(f"QUEKO circuits not found at {SHARED / 'queko'}: nothing to check")
        return 0
    with_swaps = 0
    with (SHARED / "queko" / "manifest.csv").open() as manifest:
        for row in csv.DictReader(manifest):
            device = json.loads((SHARED / "topologies" / f"queko_{row['device']}.json").read_text())
            backend = Backend(row["device"], device["n"], device["edges"], NATIVES)
            circuit = qasm2.load(SHARED / "queko" / f"{row['name']}.qasm")
            swaps = {}
            for level in levels:
                with counting_routed_swaps() as counter:
                    qloom.transpile(circuit, backend, transpiler=level, seed=11)
                swaps[level] = counter.swaps
                with_swaps += counter.swaps != 0
            print(f"{row['name']:<22} {row['device']:<10} routed swaps {swaps}", flush=True)
    print(f"circuit x level pairs with swaps: {with_swaps}")
    return 1 if with_swaps else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
