"""placers:sabre + routers:sabre on the 45 shared benchmark circuits, against Qiskit.

Prints, per circuit and device, the SWAPs inserted next to Qiskit's level 3 (``qk3``) and
level 1 (``qk1``) figures from ``../shared/benchmarks/anchors.csv``, the wall time, and the
geometric mean of (SWAPs + 1) (the +1 keeps zero-SWAP circuits in the mean). Every output
is checked: each two-qubit gate on a coupling. Exits cleanly when the data is absent.

    python plugins/routers/benchmarks/sabre_vs_anchors.py                 # default options
    python plugins/routers/benchmarks/sabre_vs_anchors.py --best          # the "best" setting
    python plugins/routers/benchmarks/sabre_vs_anchors.py --placer trials=8 --router trials=4
    python plugins/routers/benchmarks/sabre_vs_anchors.py --single qft_n100 --topo hh127
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks"
BEST = ("trials=64,iterations=4,budget=400000", "trials=32")


def options(text: str) -> dict[str, Any]:
    """``"a=1,b=0.5,c=None"`` as keyword arguments."""
    out: dict[str, Any] = {}
    for item in filter(None, text.split(",")):
        key, value = item.split("=")
        literals = {"None": None, "True": True, "False": False}
        out[key] = literals[value] if value in literals else json.loads(value)
    return out


def backend(topo: str) -> Any:
    import qloom

    data = json.loads((SHARED / "topologies" / f"{topo}.json").read_text())
    return qloom.Backend(topo, data["n"], [tuple(e) for e in data["edges"]])


def run(job: tuple[str, str, dict[str, Any], dict[str, Any], int]) -> tuple[str, str, int, float]:
    """Place and route one circuit; its SWAP count and wall time."""
    import qloom
    from qloom import Pipeline

    name, topo, placer, router, seed = job
    device = backend(topo)
    circuit = qloom.qasm2.load(SHARED / "circuits" / f"{name}.qasm")
    pipeline = Pipeline.from_spec(
        {
            "name": "sabre",
            "passes": [{"pass": "placers:sabre", **placer}, {"pass": "routers:sabre", **router}],
        }
    )
    start = time.perf_counter()
    out = qloom.transpile(circuit, on=device, transpiler=pipeline, seed=seed)
    elapsed = time.perf_counter() - start
    edges = {tuple(sorted(e)) for e in device.connectivity.edges}
    assert all(tuple(sorted(op.qubits)) in edges for op in out if len(op.qubits) == 2)
    return name, topo, out.count_ops().get("swap", 0), elapsed


def single(name: str, topo: str) -> None:
    """Time one count-only routing trial of ``name`` from a long-path layout."""
    import qloom
    from qloom_routers import Coupling, Heuristic, RoutingDag, route
    from qloom_routers.layouts import along_path, long_path

    circuit = qloom.qasm2.load(SHARED / "circuits" / f"{name}.qasm")
    coupling = Coupling.of(backend(topo))
    n = coupling.num_qubits
    dag = RoutingDag.from_circuit(circuit, n)
    layout = along_path(list(range(circuit.num_qubits)), long_path(coupling), n)
    layout = layout or list(range(n))
    for seed in range(5):
        start = time.perf_counter()
        result = route(dag, coupling, layout, Heuristic(), random.Random(seed), record=False)
        print(f"trial {seed}: {result.swaps} swaps in {time.perf_counter() - start:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topos", default="hh127,grid100")
    parser.add_argument("--placer", default="", help="placers:sabre options, k=v,...")
    parser.add_argument("--router", default="", help="routers:sabre options, k=v,...")
    parser.add_argument("--best", action="store_true", help=f"placer {BEST[0]}, router {BEST[1]}")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--single", help="time single routing trials of this circuit")
    parser.add_argument("--topo", default="hh127", help="device for --single")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"shared benchmark data not found at {SHARED}: nothing to do")
        return
    if args.single:
        single(args.single, args.topo)
        return
    placer, router = (
        (options(BEST[0]), options(BEST[1]))
        if args.best
        else (
            options(args.placer),
            options(args.router),
        )
    )
    anchors: dict[tuple[str, str, str], int] = {}
    with open(SHARED / "anchors.csv") as handle:
        for row in csv.DictReader(handle):
            if row["swaps"]:
                anchors[(row["circuit"], row["topo"], row["tool"])] = int(row["swaps"])
    names = sorted(p.stem for p in (SHARED / "circuits").glob("*.qasm"))
    topos = args.topos.split(",")
    jobs = [(n, t, placer, router, args.seed) for t in topos for n in names]
    jobs.sort(key=lambda j: -(SHARED / "circuits" / f"{j[0]}.qasm").stat().st_size)
    with ProcessPoolExecutor(args.jobs) as pool:
        results = {(r[0], r[1]): r for r in pool.map(run, jobs)}
    print(f"placer {placer or 'defaults'}, router {router or 'defaults'}, seed {args.seed}")
    for topo in topos:
        print(f"\n{topo:8s} {'circuit':20s} {'qloom':>7s} {'qk3':>7s} {'qk1':>7s} {'time':>7s}")
        logs = {"qloom": 0.0, "qk3": 0.0, "qk1": 0.0}
        total = 0.0
        for name in names:
            _, _, swaps, elapsed = results[(name, topo)]
            qk3, qk1 = anchors[(name, topo, "qk3")], anchors[(name, topo, "qk1")]
            total += elapsed
            for key, value in (("qloom", swaps), ("qk3", qk3), ("qk1", qk1)):
                logs[key] += math.log(value + 1)
            print(f"{'':8s} {name:20s} {swaps:7d} {qk3:7d} {qk1:7d} {elapsed:7.2f}")
        mean = {k: math.exp(v / len(names)) for k, v in logs.items()}
        print(
            f"{topo}: geomean(swaps+1) qloom {mean['qloom']:.2f}, qk3 {mean['qk3']:.2f} "
            f"(ratio {mean['qloom'] / mean['qk3']:.3f}), qk1 {mean['qk1']:.2f} "
            f"(ratio {mean['qloom'] / mean['qk1']:.3f}); total time {total:.1f} s"
        )


if __name__ == "__main__":
    sys.exit(main())
