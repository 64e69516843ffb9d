"""Time ``synthesize_1q`` (the compiled one-qubit synthesis, crate ``qloom-euler``).

For each native set, synthesizes the same Haar-random 2x2 unitaries and prints the time per
call (best of ``--repeat`` passes over all the matrices, conversions included: the kernel is
called through ``qloom_unrollers.synthesis.synthesize_1q`` as the passes call it; CPU time
of this process, which a loaded machine disturbs less than wall time) and the gates per
call. Prints the load average, since the machine is shared.

The pure-Python synthesis the kernel replaced is gone (issue 17); its outputs live on as the
golden file ``tests/plugins/unrollers/golden/euler.json`` (checked by
``tests/plugins/unrollers/test_euler_kernel.py``), and the Python figures in
docs/performance.md were measured against it before it was removed. Its last run here (2,000
matrices, 3 passes, load 2.9): every output bit-identical for all six native sets, Python
3.0-21.9 us, kernel 0.8-2.0 us per call.

    python benchmarks/kernels/bench_euler.py
    python benchmarks/kernels/bench_euler.py --count 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from qloom_unrollers.synthesis import synthesize_1q  # noqa: E402
from support.natives import NATIVE_SETS  # noqa: E402

SETS: dict[str, frozenset[str] | None] = {
    "all (None)": None,
    **{key: NATIVE_SETS[key] for key in ("ibm-cz", "iqm", "rotations", "ions", "quantinuum")},
}


def haar(rng: np.random.Generator) -> np.ndarray:
    z = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    q, r = np.linalg.qr(z)
    d = r.diagonal()
    return q * (d / abs(d))


def best_time(matrices: list[np.ndarray], natives: frozenset[str] | None, repeat: int) -> float:
    """CPU seconds per call, best of ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for m in matrices:
            synthesize_1q(m, natives)
        best = min(best, time.process_time() - start)
    return best / len(matrices)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="matrices per native set")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best kept)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    matrices = [haar(rng) for _ in range(args.count)]
    print(f"load average before: {os.getloadavg()}")
    print(f"{'natives':<12} {'kernel us':>10} {'gates/call':>11}")
    for key, natives in SETS.items():
        kernel = best_time(matrices, natives, args.repeat)
        gates = sum(len(synthesize_1q(m, natives)) for m in matrices) / len(matrices)
        print(f"{key:<12} {kernel * 1e6:>10.2f} {gates:>11.2f}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
