"""``optimizers:optimize`` (the optimizer kernel, crate ``qloom-opt``) on the shared circuits:
its output and CPU time.

For each shared circuit, runs ``O1`` without its final ``optimizers:optimize`` on a shared
device (``hh127`` by default) to get the circuit that pass receives, then runs the pass
(``resynthesize`` False as in ``O1``, True as in ``O2``/``O3``) ``--repeat`` times, every
run with cold memos (as the first call in a process), and prints the best CPU time (this
process's CPU time, which a loaded machine disturbs less than wall time) with the load
average, since the machine is shared. ``--save`` writes each output's sha256 (names, qubits,
clbits, conditions and ``repr`` of the parameters) and time to a file; ``--compare`` reads
such a file (made before a change) and says, per row, whether the output is identical, with
both times.

The pure-Python passes the kernel replaced are gone (issue 17): their outputs live on as
golden files (tests/plugins/optimizers/golden), and the Python times in docs/performance.md
were measured by this script against that removed code.

    python benchmarks/kernels/bench_optimize.py qft_n100 qb_adder_n10 --repeat 3
    python benchmarks/kernels/bench_optimize.py qft_n10 --save /tmp/opt.json
    python benchmarks/kernels/bench_optimize.py qft_n10 --compare /tmp/opt.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import records

import qloom
from qloom import Backend, Circuit, PassContext, qasm2
from qloom_levels.levels import o1
from qloom_optimizers import runs
from qloom_optimizers.matrices import _identity, matrix_of
from qloom_optimizers.optimize import Optimize

ROOT = Path(__file__).resolve().parents[2]
NATIVES = ["cz", "rz", "sx", "x"]


def digest(circuit: Circuit) -> str:
    """sha256 of every operation's name, qubits, ``repr`` of parameters, clbits, condition."""
    text = "\n".join(
        f"{op.name} {op.qubits} {op.params!r} {op.clbits} {op.condition!r}" for op in circuit
    )
    return hashlib.sha256(text.encode()).hexdigest()


def cold() -> None:
    """Forget every memo the pass fills (gate matrices, identities, run syntheses): each run
    starts as the first in a fresh process would."""
    for memo in (matrix_of, _identity, runs._fuse_memo):
        memo.cache_clear()


def best_cpu(run: Callable[[], Circuit], repeat: int) -> tuple[float, Circuit]:
    best, out = float("inf"), None
    for _ in range(repeat):
        cold()
        start = time.process_time()
        out = run()
        best = min(best, time.process_time() - start)
    assert out is not None
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("circuits", nargs="+", help="names in the shared circuits folder")
    parser.add_argument("--topo", default="hh127", help="shared device (default hh127)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    parser.add_argument("--seed", type=int, default=11)
    records.add_options(parser)
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared" / "benchmarks",
        help="the shared benchmarks folder (default: next to the checkout)",
    )
    args = parser.parse_args()
    topo = json.loads((args.shared / "topologies" / f"{args.topo}.json").read_text())
    edges = [(int(a), int(b)) for a, b in topo["edges"]]
    backend = Backend(f"bench:{args.topo}", topo["n"], connectivity=edges, natives=NATIVES)
    spec = o1()
    spec["passes"] = spec["passes"][:-1]  # everything before optimizers:optimize
    spec["name"] = "O1-before-optimize"
    reference = {row["row"]: row for row in records.earlier(args.compare)}
    print(f"load average at start: {os.getloadavg()}")
    print("circuit              resyn  ops in  ops out  kernel s  before s  same")
    rows: list[dict[str, Any]] = []
    for name in args.circuits:
        circuit = qasm2.loads((args.shared / "circuits" / f"{name}.qasm").read_text())
        routed = qloom.transpile(circuit, backend, transpiler=spec, seed=args.seed)
        for resynthesize in (False, True):
            context = PassContext(backend=backend, seed=args.seed)
            kernel = partial(Optimize(resynthesize=resynthesize), routed, context)
            seconds, got = best_cpu(kernel, args.repeat)
            row = {
                "row": f"{name}@{args.topo}/seed{args.seed}/resyn-{resynthesize}",
                "sha256": digest(got),
                "ops": len(got),
                "cpu": round(seconds, 4),
            }
            rows.append(row)
            old = reference.get(row["row"])
            before = "" if old is None else f"{old['cpu']:9.3f}"
            same = "" if old is None else str(old["sha256"] == row["sha256"])
            print(
                f"{name:20} {resynthesize!s:5} {len(routed):7} {len(got):8}"
                f" {seconds:9.3f} {before:>9} {same}",
                flush=True,
            )
    records.save(args.save, rows)
    if reference:
        same_rows = sum(reference.get(r["row"], {}).get("sha256") == r["sha256"] for r in rows)
        print(f"identical: {same_rows} of {len(rows)}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
