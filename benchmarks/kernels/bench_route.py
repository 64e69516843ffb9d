"""``qloom_routers.route`` alone on hh127: the Python oracle against the kernel.

The kernel is timed twice: paying the conversion of the DAG and the coupling on every call
(the caches cleared), and count-only with both cached (how ``placers:sabre`` calls it).
Checks that the recorded results are identical. Needs ``../shared``.

    python benchmarks/kernels/bench_route.py qb_adder_n10 qaoa3reg_n100_p1 qft_n100
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT / "tests"))

from qloom import Backend, qasm2  # noqa: E402
from qloom_routers import Coupling, Heuristic, RoutingDag, engine, route  # noqa: E402
from support import sabre_oracle  # noqa: E402

SEEDS = range(4)


def main() -> int:
    if not SHARED.is_dir():
        print(f"shared benchmark data not found at {SHARED}")
        return 0
    data = json.loads((SHARED / "topologies" / "hh127.json").read_text())
    coupling = Coupling.of(Backend("hh127", data["n"], [tuple(e) for e in data["edges"]]))
    layout = list(range(coupling.num_qubits))
    for name in sys.argv[1:] or ["qb_adder_n10", "qaoa3reg_n100_p1", "qft_n100"]:
        circuit = qasm2.load(SHARED / "circuits" / f"{name}.qasm")
        dag = RoutingDag.from_circuit(circuit, coupling.num_qubits)
        start = time.perf_counter()
        py = [
            sabre_oracle.route(dag, coupling, layout, Heuristic(), random.Random(s)) for s in SEEDS
        ]
        t_py = (time.perf_counter() - start) / len(SEEDS)
        rs = []
        start = time.perf_counter()
        for s in SEEDS:
            engine._DAGS.clear()  # pay the conversions on every call
            engine._DEVICES.clear()
            rs.append(route(dag, coupling, layout, Heuristic(), random.Random(s)))
        t_rs = (time.perf_counter() - start) / len(SEEDS)
        start = time.perf_counter()
        for s in SEEDS:
            route(dag, coupling, layout, Heuristic(), random.Random(s), record=False)
        t_count = (time.perf_counter() - start) / len(SEEDS)
        print(
            f"{name:<18} 2q={dag.num_two:>6}  python {t_py * 1e3:8.1f} ms"
            f"  kernel+conversion {t_rs * 1e3:7.1f} ms ({t_py / t_rs:4.1f}x)"
            f"  cached count-only {t_count * 1e3:6.2f} ms ({t_py / t_count:4.1f}x)"
            f"  identical={py == rs}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
