"""What the provenance record costs a transpilation: time to build it and its size.

Every ``qloom.transpile`` carries a record (``qloom.provenance``): the wire form of the input
and output hashed, the input embedded up to ``MAX_INPUT_BYTES``, the backend snapshot. It is
built when first read (the transpilation only keeps copies of the two circuits), so this
times ``run_pipeline`` without reading it, then ``build_record`` alone (what the first read
adds), for circuits of growing size, and times a replay.

Run: python benchmarks/core/bench_provenance.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from qloom import Circuit, replay
from qloom.api import run_pipeline
from qloom.config import get_backend, pipeline_for
from qloom.provenance.record import build_record


def qft(n: int) -> Circuit:
    circuit = Circuit(n)
    for i in range(n):
        circuit.h(i)
        for j in range(i + 1, n):
            circuit.cp(3.141592653589793 / 2 ** (j - i), j, i)
    return circuit


def wide(num_ops: int, n: int = 100) -> Circuit:
    circuit = Circuit(n)
    for i in range(num_ops // 2):
        circuit.cx(i % n, (i + 1) % n).rz(0.1 * (i % 7), i % n)
    return circuit


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(circuit: Circuit, target: str, transpiler: str | None, repeat: int) -> tuple:
    """Transpile time, record time, record size (KB), replay time for one case."""
    backend = get_backend(target)
    pipeline = pipeline_for(backend, transpiler)

    def transpile() -> object:
        return run_pipeline(circuit, backend, pipeline, 1, requested=target)

    outcome = run_pipeline(circuit, backend, pipeline, 1, requested=target)

    def record() -> object:
        return build_record(circuit, outcome.circuit, backend, pipeline, 1, requested=target)

    size = len(json.dumps(outcome.provenance)) / 1024
    again = best(lambda: replay(outcome.provenance), 1)
    return best(transpile, repeat), best(record, repeat), size, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ghz5 = Circuit(5).h(0).cx(0, 1).cx(1, 2).cx(2, 3).cx(3, 4)
    cases = [
        ("ghz5 on hh27 (emulator)", ghz5, "emulator:heavy-hex-27", None),
        ("qft20 on hh27 (O1)", qft(20), "emulator:heavy-hex-27", "O1"),
        ("qft50 on hh127 (O1)", qft(50), "emulator:heavy-hex-127", "O1"),
        ("200k ops on numpy (identity)", wide(200_000), "numpy", None),
    ]
    heads = ("case", "transpile s", "record s", "+ read", "record KB", "replay s")
    print(f"{heads[0]:32} {heads[1]:>12} {heads[2]:>10} {heads[3]:>7} {heads[4]:>10} {heads[5]:>9}")
    for label, circuit, target, transpiler in cases:
        total, record, size, again = measure(circuit, target, transpiler, args.repeat)
        share = record / total
        print(f"{label:32} {total:12.3f} {record:10.3f} {share:7.1%} {size:10.0f} {again:9.3f}")


if __name__ == "__main__":
    main()
