"""Time noisy emulation on catalog devices: transpile with the device's default pipeline,
then run noiselessly and with the device's noise.

For each QASMBench circuit and device it prints the transpiled 2q-gate count, the qubits the
circuit touches, the transpile time, the noiseless and noisy run times, the trajectories the
noisy run simulated, and the total variation distance between noisy and noiseless counts.

Usage::

    python benchmarks/emulator/bench_emulator.py --devices heavy-hex-127,heavy-hex-27 \\
        --circuits adder_n10,hhl_n7,qaoa_n6,sat_n11 --shots 2000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import qloom
from qloom import qasm2
from qloom.api import run_pipeline
from qloom.config import pipeline_for

RAW = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "qasmbench-raw"


def tvd(a: dict[str, int], b: dict[str, int]) -> float:
    na, nb = sum(a.values()), sum(b.values())
    return 0.5 * sum(abs(a.get(k, 0) / na - b.get(k, 0) / nb) for k in set(a) | set(b))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", default="heavy-hex-127,heavy-hex-27")
    parser.add_argument("--circuits", default="qaoa_n6,hhl_n7,adder_n10,sat_n11")
    parser.add_argument("--shots", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not RAW.is_dir():
        print(f"skipped: the shared QASMBench circuits are not at {RAW}")
        return 0
    print("device,circuit,n2q,qubits,transpile_s,ideal_s,noisy_s,trajectories,tvd")
    for device in args.devices.split(","):
        backend = qloom.get_backend(f"emulator:{device}")
        ideal = qloom.get_backend(f"emulator:{device}", noise=False)
        for name in args.circuits.split(","):
            circuit = qasm2.load(RAW / f"{name}.qasm")
            start = time.perf_counter()
            out = run_pipeline(circuit, backend, pipeline_for(backend, None), args.seed).circuit
            transpiled = time.perf_counter() - start
            start = time.perf_counter()
            exact = ideal.run(out, args.shots, args.seed)
            ideal_s = time.perf_counter() - start
            start = time.perf_counter()
            noisy = backend.run(out, args.shots, args.seed)
            noisy_s = time.perf_counter() - start
            print(
                f"{device},{name},{out.count_2q()},{len(noisy.metadata['qubits'])},"
                f"{transpiled:.2f},{ideal_s:.2f},{noisy_s:.2f},"
                f"{noisy.metadata['trajectories']},{tvd(noisy.counts, exact.counts):.3f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
