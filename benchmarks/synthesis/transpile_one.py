"""Transpile shared circuits once each on a shared device and print what came out, as JSON.

One line per circuit: 2q count, operation count, a hash of every operation (name,
parameters, qubits) to compare outputs across versions, and the wall and CPU time of the
``qloom.transpile`` call (it includes loading the pipeline's plugins). Used for the
before/after figures of issue 17 item 4 in docs/performance.md: run it in turns from two
checkouts (``PYTHONPATH`` pointing at the other tree's ``src`` folders).

    python benchmarks/synthesis/transpile_one.py O3 qb_adder_n10 qv_n20 --topo hh127
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import qloom
from qloom import Backend, qasm2

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"
NATIVES = frozenset({"cz", "rz", "sx", "x"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipeline", help="pipeline name, e.g. O1 or O3")
    parser.add_argument("circuits", nargs="+", help="names in the shared circuits folder")
    parser.add_argument("--topo", default="hh127", help="shared device (default hh127)")
    parser.add_argument("--seed", type=int, default=11, help="root seed (default 11)")
    args = parser.parse_args()
    topo = json.loads((SHARED / "topologies" / f"{args.topo}.json").read_text())
    edges = [(int(a), int(b)) for a, b in topo["edges"]]
    backend = Backend(f"bench:{args.topo}", topo["n"], connectivity=edges, natives=NATIVES)
    for name in args.circuits:
        circuit = qasm2.loads((SHARED / "circuits" / f"{name}.qasm").read_text())
        wall, cpu = time.perf_counter(), time.process_time()
        out = qloom.transpile(circuit, backend, transpiler=args.pipeline, seed=args.seed)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        ops = repr([(op.name, tuple(op.params), tuple(op.qubits)) for op in out])
        row = {
            "circuit": name,
            "pipeline": args.pipeline,
            "q2": out.count_2q(),
            "ops": len(out),
            "hash": hashlib.sha256(ops.encode()).hexdigest()[:16],
            "wall": round(wall, 3),
            "cpu": round(cpu, 3),
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
