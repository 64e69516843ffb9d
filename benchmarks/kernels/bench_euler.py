"""``synthesize_1q`` compiled (crate ``qloom-euler``) against the pure-Python synthesis it
replaced (the test oracle, ``tests/support/euler_oracle.py``).

For each native set, synthesizes the same Haar-random 2x2 unitaries with both and prints the
time per call (best of ``--repeat`` passes over all the matrices, conversions included: the
kernel is called through ``qloom_unrollers.synthesis.synthesize_1q`` as the passes call it;
CPU time of this process, which a loaded machine disturbs less than wall time),
and how many outputs have identical gate names and bit-identical angles (else the largest
angle difference). Prints the load average, since the machine is shared.

    python benchmarks/kernels/bench_euler.py
    python benchmarks/kernels/bench_euler.py --count 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from qloom_unrollers.synthesis import synthesize_1q  # noqa: E402
from support import euler_oracle  # noqa: E402
from support.natives import NATIVE_SETS  # noqa: E402

Synth = Callable[[np.ndarray, frozenset[str] | None], list[tuple[str, tuple[float, ...]]]]

SETS: dict[str, frozenset[str] | None] = {
    "all (None)": None,
    **{key: NATIVE_SETS[key] for key in ("ibm-cz", "iqm", "rotations", "ions", "quantinuum")},
}


def haar(rng: np.random.Generator) -> np.ndarray:
    z = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    q, r = np.linalg.qr(z)
    d = r.diagonal()
    return q * (d / abs(d))


def best_time(
    fn: Synth, matrices: list[np.ndarray], natives: frozenset[str] | None, repeat: int
) -> float:
    """CPU seconds per call, best of ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for m in matrices:
            fn(m, natives)
        best = min(best, time.process_time() - start)
    return best / len(matrices)


def agreement(matrices: list[np.ndarray], natives: frozenset[str] | None) -> tuple[int, int, float]:
    """(bit-identical outputs, outputs with other gate names, largest angle difference)."""
    identical = names_differ = 0
    worst = 0.0
    for m in matrices:
        got, expected = synthesize_1q(m, natives), euler_oracle.synthesize_1q(m, natives)
        if [n for n, _ in got] != [n for n, _ in expected]:
            names_differ += 1
            continue
        diffs = [
            abs(a - b)
            for (_, g), (_, e) in zip(got, expected, strict=True)
            for a, b in zip(g, e, strict=True)
        ]
        worst = max([worst, *diffs])
        identical += all(
            a.hex() == b.hex()
            for (_, g), (_, e) in zip(got, expected, strict=True)
            for a, b in zip(g, e, strict=True)
        )
    return identical, names_differ, worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="matrices per native set")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best kept)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    matrices = [haar(rng) for _ in range(args.count)]
    print(f"load average before: {os.getloadavg()}")
    print(
        f"{'natives':<12} {'python us':>10} {'kernel us':>10} {'speedup':>8} "
        f"{'bit-identical':>14} {'names differ':>13} {'max |dangle|':>13}"
    )
    for key, natives in SETS.items():
        oracle = best_time(euler_oracle.synthesize_1q, matrices, natives, args.repeat)
        kernel = best_time(synthesize_1q, matrices, natives, args.repeat)
        identical, names_differ, worst = agreement(matrices, natives)
        print(
            f"{key:<12} {oracle * 1e6:>10.2f} {kernel * 1e6:>10.2f} {oracle / kernel:>7.1f}x "
            f"{identical:>8}/{len(matrices):<5} {names_differ:>13} {worst:>13.1e}"
        )
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
