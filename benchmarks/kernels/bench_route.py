"""``qloom_routers.route`` alone on hh127: the compiled SABRE search, three ways.

Paying the conversion of the DAG and the coupling on every call (the caches cleared),
recording with both cached (how ``routers:sabre`` calls it), and count-only with both
cached (how ``placers:sabre`` calls it). Needs ``../shared``.

The Python column of the figures in ``docs/performance.md`` was measured against the
pure-Python engine this kernel ported; that engine was removed in issue 17 (its outputs
survive as the golden files of ``tests/plugins/kernels``), so this script times the kernel
only.

    python benchmarks/kernels/bench_route.py qb_adder_n10 qaoa3reg_n100_p1 qft_n100
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from qloom import Backend, qasm2
from qloom_routers import Coupling, Heuristic, RoutingDag, engine, route

SHARED = Path(__file__).resolve().parents[3] / "shared" / "benchmarks"
SEEDS = range(4)


def per_call(work: Callable[[int], object]) -> float:
    """Mean wall time of ``work(seed)`` over ``SEEDS``, in ms (after one untimed call)."""
    work(-1)
    start = time.perf_counter()
    for s in SEEDS:
        work(s)
    return (time.perf_counter() - start) / len(SEEDS) * 1e3


def three_ways(dag: RoutingDag, coupling: Coupling, layout: list[int]) -> tuple[float, ...]:
    """ms per call: converting every time, recording cached, count-only cached."""

    def converted(s: int) -> object:
        engine._DAGS.clear()  # pay the conversions on every call
        engine._DEVICES.clear()
        return route(dag, coupling, layout, Heuristic(), random.Random(s))

    def recorded(s: int) -> object:
        return route(dag, coupling, layout, Heuristic(), random.Random(s))

    def counted(s: int) -> object:
        return route(dag, coupling, layout, Heuristic(), random.Random(s), record=False)

    return per_call(converted), per_call(recorded), per_call(counted)


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
        t_conv, t_rec, t_count = three_ways(dag, coupling, layout)
        print(
            f"{name:<18} 2q={dag.num_two:>6}  kernel+conversion {t_conv:7.2f} ms"
            f"  cached recording {t_rec:7.2f} ms  cached count-only {t_count:7.2f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
