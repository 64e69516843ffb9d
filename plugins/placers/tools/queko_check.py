"""Place every QUEKO benchmark with ``placers:subgraph`` and check it needs no SWAP.

Run from the repository root::

    /work/venv/bin/python plugins/placers/tools/queko_check.py [--data ../shared/benchmarks]

Prints, per circuit, whether every two-qubit gate of the placed circuit is on a coupled
pair, and the placement's wall time (best of ``--repeat`` runs, QASM parsing excluded).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

from qloom import Backend, PassContext, qasm2
from qloom_placers.subgraph import SubgraphPlacer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| circuit | device | qubits | 2q gates | zero-SWAP | placement time |")
    print("|---|---|---|---|---|---|")
    with open(args.data / "queko" / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        spec = json.loads((args.data / "topologies" / f"queko_{row['device']}.json").read_text())
        backend = Backend(row["device"], spec["n"], [tuple(edge) for edge in spec["edges"]])
        circuit = qasm2.load(args.data / "queko" / f"{row['name']}.qasm")
        times = []
        for _ in range(args.repeat):
            context = PassContext(backend=backend, seed=0)
            start = time.perf_counter()
            out = SubgraphPlacer()(circuit, context)
            times.append(time.perf_counter() - start)
        placed = context.placement is not None
        on_edges = all(op.qubits in backend for op in out if len(op.qubits) == 2)
        print(
            f"| {row['name']} | {row['device']} | {circuit.num_qubits} | {circuit.count_2q()} | "
            f"{'yes' if placed and on_edges else 'NO'} | {min(times) * 1e3:.1f} ms |"
        )


if __name__ == "__main__":
    main()
