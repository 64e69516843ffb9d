"""``placers:sabre`` on the shared circuits: the layout each placement gives and its time.

Places every circuit of ``../shared/benchmarks/circuits`` (or those named) on shared devices
with the given seeds and prints one JSON line per placement: circuit, device, seed, the
layout, the winning routing's swaps and seed, and the wall time. ``--save`` writes them to a
file; ``--compare`` reads such a file (made before a change) and reports, per placement,
whether the layout and routing are identical, with both times. The Python loop the kernel
replaced is gone (issue 17); its outputs live on as golden files (tests/plugins/placers/golden).
Exits cleanly when the shared data is absent.

    python benchmarks/kernels/bench_place.py --save /tmp/place.json [--shared DIR]
    python benchmarks/kernels/bench_place.py --compare /tmp/place.json
    python benchmarks/kernels/bench_place.py qft_n29 --topo hh127 --seed 11
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import records

from qloom import Backend, Circuit, PassContext, qasm2
from qloom.pipeline import make_pass

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "benchmarks"


def device(shared: Path, name: str) -> Backend:
    """A shared device by file stem (``hh127``)."""
    spec = json.loads((shared / "topologies" / f"{name}.json").read_text())
    return Backend(name, spec["n"], [tuple(edge) for edge in spec["edges"]])


def place(circuit: Circuit, circuit_name: str, backend: Backend, seed: int) -> dict[str, Any]:
    """One placement's record: layout, winning routing and wall time of ``placers:sabre``."""
    placer = make_pass("placers", "sabre", {})
    context = PassContext(backend=backend, seed=seed)
    start = time.perf_counter()
    layout = placer.place(circuit, context)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    chosen = context.properties.get("placers:sabre", {})
    return {
        "circuit": circuit_name,
        "device": backend.name,
        "seed": seed,
        "layout": None if layout is None else list(layout),
        "swaps": chosen.get("swaps"),
        "routing_seed": chosen.get("routing_seed"),
        "time": round(elapsed, 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("circuits", nargs="*", help="circuit stems (default: all)")
    parser.add_argument("--topo", nargs="+", default=["hh127", "grid100"])
    parser.add_argument("--seed", type=int, nargs="+", default=[11, 3])
    records.add_options(parser)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared benchmark data")
    args = parser.parse_args()
    shared = args.shared
    if not shared.is_dir():
        print(f"shared benchmark data not found at {shared}")
        return 0
    names = args.circuits or sorted(p.stem for p in (shared / "circuits").glob("*.qasm"))
    circuits = {name: qasm2.load(shared / "circuits" / f"{name}.qasm") for name in names}
    reference = {(r["circuit"], r["device"], r["seed"]): r for r in records.earlier(args.compare)}
    rows, same, before, after = [], 0, 0.0, 0.0
    for topo in args.topo:
        backend = device(shared, topo)
        for seed in args.seed:
            for name in names:
                if circuits[name].num_qubits > (backend.num_qubits or 0):
                    continue
                rec = place(circuits[name], name, backend, seed)
                rows.append(rec)
                old = reference.get((name, topo, seed))
                if old is None:
                    print(json.dumps(rec), flush=True)
                    continue
                keys = ("layout", "swaps", "routing_seed")
                identical = all(old[k] == rec[k] for k in keys)
                same += identical
                before += old["time"]
                after += rec["time"]
                print(
                    f"{name:<24} {topo:<8} {seed:>3} {old['time']:>9.3f} {rec['time']:>9.3f}"
                    f" {old['time'] / max(rec['time'], 1e-9):>7.1f}x  identical={identical}",
                    flush=True,
                )
    records.save(args.save, rows)
    if reference:
        print(f"identical: {same} of {len(rows)}; {before:.2f} s before, {after:.2f} s now")
    return 0


if __name__ == "__main__":
    sys.exit(main())
