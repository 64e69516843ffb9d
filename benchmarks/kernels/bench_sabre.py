"""``routers:sabre`` alone and ``placers:sabre`` + ``routers:sabre`` on the compiled SABRE search.

Each circuit is read from ``../shared/benchmarks/circuits`` and routed, then placed and
routed, on a shared device with one seed; prints the wall time of each pipeline and the
swaps the router inserted. Exits cleanly when the shared data is absent.

The Python columns of the figures in ``docs/performance.md`` were measured against the
pure-Python engine the kernel ported; that engine was removed in issue 17 (its outputs
survive as the golden files of ``tests/plugins/kernels``), so this script times the kernel
only.

    python benchmarks/kernels/bench_sabre.py                       # a few circuits on hh127
    python benchmarks/kernels/bench_sabre.py qft_n100 qb_adder_n10 --topo hh127
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from qloom import Backend, Circuit, Pipeline, qasm2, transpile

SHARED = Path(__file__).resolve().parents[3] / "shared" / "benchmarks"
DEFAULT = ["qft_n10", "qb_adder_n10", "qaoa3reg_n100_p1", "qb_qugan_n71", "qft_n100"]
PASSES = {"router": ["routers:sabre"], "mapping": ["placers:sabre", "routers:sabre"]}


def timed(circuit: Circuit, backend: Backend, seed: int) -> tuple[dict[str, int], dict[str, float]]:
    """The swaps and wall times of ``routers:sabre`` alone and of placement + routing."""
    swaps, times = {}, {}
    for key, passes in PASSES.items():
        pipe = Pipeline.from_spec({"name": key, "passes": [{"pass": p} for p in passes]})
        start = time.perf_counter()
        out = transpile(circuit, on=backend, transpiler=pipe, seed=seed)
        times[key] = time.perf_counter() - start
        swaps[key] = out.count_ops().get("swap", 0)
    return swaps, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("circuits", nargs="*", default=DEFAULT)
    parser.add_argument("--topo", default="hh127")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"shared benchmark data not found at {SHARED}")
        return 0
    data = json.loads((SHARED / "topologies" / f"{args.topo}.json").read_text())
    backend = Backend(args.topo, data["n"], [tuple(e) for e in data["edges"]])
    print(f"{'circuit':<20} {'router s':>9} {'swaps':>6} {'mapping s':>10} {'swaps':>6}")
    for name in args.circuits:
        circuit = qasm2.load(SHARED / "circuits" / f"{name}.qasm")
        if circuit.num_qubits > backend.num_qubits:
            continue
        swaps, times = timed(circuit, backend, args.seed)
        print(
            f"{name:<20} {times['router']:>9.3f} {swaps['router']:>6}"
            f" {times['mapping']:>10.3f} {swaps['mapping']:>6}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
