"""``routers:sabre`` and ``placers:sabre`` with the compiled SABRE search against the
pure-Python engine it replaced (the test oracle, ``tests/support/sabre_oracle.py``).

Each circuit is read from ``../shared/benchmarks/circuits`` and placed + routed on a shared
device twice with the same seed: once as installed (the kernel, conversions included) and
once with the oracles swapped in for the kernels in both passes (the placer's whole layout
search, ``support.sabre_place_oracle`` on the Python engine, and the router's
``route_best``, its trials run one after another as before). Prints the wall time
of each pass and whether the outputs (circuit, layouts) are identical. Exits cleanly when the
shared data is absent.

    python benchmarks/kernels/bench_sabre.py                       # a few circuits on hh127
    python benchmarks/kernels/bench_sabre.py qft_n100 qb_adder_n10 --topo hh127
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT / "tests"))

import qloom_placers.sabre as placer_module  # noqa: E402
import qloom_routers.passes as router_module  # noqa: E402
from qloom import Backend, Pipeline, qasm2, transpile  # noqa: E402
from support import sabre_oracle, sabre_place_oracle  # noqa: E402

DEFAULT = ["qft_n10", "qb_adder_n10", "qaoa3reg_n100_p1", "qb_qugan_n71", "qft_n100"]


def oracle_place(self, circuit, context):
    """The placer's layout search as it was: the Python loop on the Python engine."""
    return sabre_place_oracle.place(circuit, context, **self.options)


def oracle_best(dag, coupling, layout, heuristic, seeds, record=True):
    """The router's trial loop as it was, on the Python engine."""
    best = None
    for index, seed in enumerate(seeds):
        r = sabre_oracle.route(dag, coupling, layout, heuristic, random.Random(seed), record)
        if best is None or (r.swaps, r.depth) < (best[1].swaps, best[1].depth):
            best = (index, r)
    return best


PASSES = {"router": ["routers:sabre"], "mapping": ["placers:sabre", "routers:sabre"]}


def timed(circuit, backend, seed):
    """The outputs and wall times of ``routers:sabre`` alone and of placement + routing."""
    outs, times = {}, {}
    for key, passes in PASSES.items():
        pipe = Pipeline.from_spec({"name": key, "passes": [{"pass": p} for p in passes]})
        start = time.perf_counter()
        outs[key] = transpile(circuit, on=backend, transpiler=pipe, seed=seed)
        times[key] = time.perf_counter() - start
    return outs, times


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
    kernel_place, kernel_best = placer_module.SabrePlacer.place, router_module.route_best
    sabre_place_oracle.route = sabre_oracle.route
    print(
        f"{'circuit':<20} {'router py':>10} {'router rs':>10} {'x':>6}"
        f" {'mapping py':>11} {'mapping rs':>11} {'x':>6}  identical"
    )
    for name in args.circuits:
        circuit = qasm2.load(SHARED / "circuits" / f"{name}.qasm")
        if circuit.num_qubits > backend.num_qubits:
            continue
        rs, rs_t = timed(circuit, backend, args.seed)
        placer_module.SabrePlacer.place, router_module.route_best = oracle_place, oracle_best
        try:
            py, py_t = timed(circuit, backend, args.seed)
        finally:
            placer_module.SabrePlacer.place, router_module.route_best = kernel_place, kernel_best
        same = all((list(rs[k]), rs[k].layout) == (list(py[k]), py[k].layout) for k in PASSES)
        print(
            f"{name:<20} {py_t['router']:>10.3f} {rs_t['router']:>10.3f}"
            f" {py_t['router'] / rs_t['router']:>5.1f}x"
            f" {py_t['mapping']:>11.3f} {rs_t['mapping']:>11.3f}"
            f" {py_t['mapping'] / rs_t['mapping']:>5.1f}x  {same}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
