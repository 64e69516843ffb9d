"""``optimizers:optimize`` in the optimizer kernel (crate ``qloom-opt``) against the
pure-Python passes it replaced (the test oracle, ``tests/support/optimizer_oracle.py``).

For each shared circuit, runs ``O1`` without its final ``optimizers:optimize`` on a shared
device (``hh127`` by default) to get the circuit that pass receives, then runs the pass
(``resynthesize`` False as in ``O1``, True as in ``O2``/``O3``) through the kernel and
through the oracle, ``--repeat`` times each, every run with cold memos (as the first call
in a process: within one process the oracle's commutation memo would carry over). Prints
whether the outputs are identical (names, qubits, clbits, conditions and ``repr`` of the
parameters) and the best CPU time of each (this process's CPU time, which a loaded machine
disturbs less than wall time), with the load average, since the machine is shared.

    python benchmarks/kernels/bench_optimize.py qft_n100 qb_adder_n10 --repeat 3
    python benchmarks/kernels/bench_optimize.py qft_n10 --shared /work/shared/benchmarks
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

import qloom  # noqa: E402
from qloom import Backend, Circuit, PassContext, qasm2  # noqa: E402
from qloom_levels.levels import o1  # noqa: E402
from qloom_optimizers import runs  # noqa: E402
from qloom_optimizers.matrices import _identity, matrix_of  # noqa: E402
from qloom_optimizers.optimize import Optimize  # noqa: E402
from support import optimizer_oracle  # noqa: E402

NATIVES = ["cz", "rz", "sx", "x"]


def exact(circuit: Circuit) -> list[tuple[Any, ...]]:
    return [(op.name, op.qubits, repr(op.params), op.clbits, op.condition) for op in circuit]


def cold() -> None:
    """Forget every memo either side fills (gate matrices, identities, run syntheses, the
    oracle's commutation checks): each run starts as the first in a fresh process would."""
    for memo in (matrix_of, _identity, runs._fuse_memo, optimizer_oracle._commute_matrices):
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
    print(f"load average at start: {os.getloadavg()}")
    print("circuit              resyn  ops in  ops out  same  kernel s  python s  speed-up")
    for name in args.circuits:
        circuit = qasm2.loads((args.shared / "circuits" / f"{name}.qasm").read_text())
        routed = qloom.transpile(circuit, backend, transpiler=spec, seed=args.seed)
        for resynthesize in (False, True):
            context = PassContext(backend=backend, seed=args.seed)
            kernel = partial(Optimize(resynthesize=resynthesize), routed, context)
            python = partial(optimizer_oracle.optimize, routed, backend, resynthesize=resynthesize)
            t_kernel, got = best_cpu(kernel, args.repeat)
            t_python, expected = best_cpu(python, args.repeat)
            same = exact(got) == exact(expected)
            print(
                f"{name:20} {resynthesize!s:5} {len(routed):7} {len(got):8} {same!s:5}"
                f" {t_kernel:9.3f} {t_python:9.3f} {t_python / t_kernel:8.1f}x",
                flush=True,
            )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
