"""Build and read a circuit of 10**6 operations: time and memory per operation.

Run: python benchmarks/core/bench_circuit.py [--ops 1000000]
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

from qloom import Circuit


def build(num_ops: int, num_qubits: int = 100) -> Circuit:
    circuit = Circuit(num_qubits)
    for i in range(num_ops // 2):
        circuit.cx(i % num_qubits, (i + 1) % num_qubits).u3(0.1, 0.2, 0.3, i % num_qubits)
    return circuit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=1_000_000)
    args = parser.parse_args()

    start = time.perf_counter()
    circuit = build(args.ops)
    built = time.perf_counter() - start
    start = time.perf_counter()
    depth, n2q = circuit.depth(), circuit.count_2q()
    read = time.perf_counter() - start
    del circuit
    gc.collect()

    sample = min(args.ops, 200_000)
    tracemalloc.start()
    kept = build(sample)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(
        f"{args.ops} ops: built in {built:.2f} s ({built / args.ops * 1e6:.2f} us/op), "
        f"depth+count_2q in {read:.2f} s (depth {depth}, 2q {n2q})"
    )
    print(f"memory: {size / len(kept):.0f} bytes/op (measured on {len(kept)} ops)")


if __name__ == "__main__":
    main()
