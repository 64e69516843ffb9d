"""Draw growing prefixes of a 100-qubit QFT as text: time per character drawn stays flat.

``qloom draw`` on qft_n100 printed 614,554 lines (71 MB); this measures ``draw_text`` on the
first 1/8, 1/4, 1/2 and all of its operations, so a cost that grows faster than the output
(quadratic) shows as a rising "us/char" column. It also times the default bounded drawing
(``max_lines=DEFAULT_MAX_LINES``), which ``qloom draw`` prints without ``--full``.

Run from the repository's root:
    python benchmarks/drawing/bench_draw.py [--qasm ../shared/benchmarks/circuits/qft_n100.qasm]
Without --qasm it builds the same QFT (u3 and cx, 100 qubits, 25,000 operations).
"""

from __future__ import annotations

import argparse
import math
import time

from qloom import Circuit, qasm2
from qloom.drawing.text import DEFAULT_MAX_LINES, draw_text


def qft(num_qubits: int = 100) -> Circuit:
    """The textbook QFT with each controlled phase as u3/cx, as in qft_n100.qasm."""
    circuit = Circuit(num_qubits)
    for j in reversed(range(num_qubits)):
        circuit.u3(math.pi / 2, 0, math.pi, j)
        for k in reversed(range(j)):
            angle = math.pi / 2 ** (j - k)
            circuit.u3(0, 0, angle / 2, j).cx(j, k).u3(0, 0, -angle / 2, k)
            circuit.cx(j, k).u3(0, 0, angle / 2, k)
    return circuit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--qasm", help="an OpenQASM 2 file to draw instead of the built QFT")
    parser.add_argument("--width", type=int, default=80)
    args = parser.parse_args()
    circuit = qasm2.load(args.qasm) if args.qasm else qft()
    print(f"{len(circuit)} operations on {circuit.num_qubits} qubits, width {args.width}")
    print(f"{'ops':>7} {'lines':>8} {'chars':>11} {'seconds':>8} {'us/char':>8}")
    for share in (8, 4, 2, 1):
        part = circuit[: len(circuit) // share]
        start = time.perf_counter()
        text = draw_text(part, width=args.width, max_chars=10**9)
        took = time.perf_counter() - start
        lines = text.count("\n") + 1
        print(
            f"{len(part):>7} {lines:>8} {len(text):>11,} {took:>8.2f} "
            f"{took / len(text) * 1e6:>8.3f}"
        )
    start = time.perf_counter()
    text = draw_text(circuit, width=args.width, max_lines=DEFAULT_MAX_LINES)
    took = time.perf_counter() - start
    lines = text.count("\n") + 1
    print(f"bounded (max_lines={DEFAULT_MAX_LINES}): {lines} lines in {took:.2f} s")


if __name__ == "__main__":
    main()
