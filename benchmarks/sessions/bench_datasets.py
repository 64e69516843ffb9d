"""Datasets, the circuit cache and the Gymnasium environment: what they cost and save.

1. Loading ``../shared/benchmarks`` (``circuits/`` and ``batch200/``) through a
   ``FolderDataset`` (every load parses) against a ``CachedDataset`` (second pass: hits);
   then cycling through the set with a cache of half its size (LRU's worst case).
2. ``circuit_size_bytes`` against the ``sys.getsizeof`` total of the objects each circuit
   references, over every circuit that parses.
3. The Gymnasium environment ``qloom/Compile-v0`` (needs ``qloom[gym]``): a seeded random
   agent on the ``families`` circuits of up to 10 qubits on ``emulator:heavy-hex-27``,
   resets and steps per second.

Run: python benchmarks/sessions/bench_datasets.py [--episodes 40]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from qloom import QloomError, qasm2
from qloom.datasets import (
    CachedDataset,
    FolderDataset,
    circuit_size_bytes,
    get_dataset,
    measured_size_bytes,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"


def bench_cache() -> None:
    folder = FolderDataset(SHARED, "circuits/*.qasm")
    batch = FolderDataset(SHARED, "batch200/*.qasm")
    for data in (folder, batch):
        names = data.names()
        start = time.perf_counter()
        sizes = [circuit_size_bytes(data.load(n)) for n in names]
        parse = time.perf_counter() - start
        total = sum(sizes)
        cached = CachedDataset(data, capacity_bytes=total)
        for n in names:
            cached.load(n)
        start = time.perf_counter()
        for n in names:
            cached.load(n)
        hits = time.perf_counter() - start
        half = CachedDataset(data, capacity_bytes=total // 2)
        start = time.perf_counter()
        for _ in range(2):
            for n in names:
                half.load(n)
        cycling = time.perf_counter() - start
        stats = half.cache.stats
        print(
            f"{data.pattern:18} {len(names):4} circuits, {total / 1e6:6.1f} MB estimated: "
            f"parse all {parse:6.2f} s, all hits {hits * 1e3:7.1f} ms "
            f"({parse / hits:6.0f}x); half-size cache cycling twice {cycling:6.2f} s, "
            f"{stats.hits} hits / {stats.misses} misses / {stats.evictions} evictions"
        )


def bench_estimate() -> None:
    ratios = []
    paths = sorted((SHARED / "circuits").glob("*.qasm"))
    paths += sorted((SHARED / "batch200").glob("*.qasm"))
    paths += sorted((SHARED / "qasmbench-raw").glob("*.qasm"))
    for path in paths:
        try:
            circuit = qasm2.load(path)
        except QloomError:
            continue  # a few QASMBench originals use what qloom's reader refuses
        ratios.append((circuit_size_bytes(circuit) / measured_size_bytes(circuit), path.name))
    ratios.sort()
    middle = ratios[len(ratios) // 2][0]
    print(
        f"circuit_size_bytes / sys.getsizeof total over {len(ratios)} circuits: min "
        f"{ratios[0][0]:.2f} ({ratios[0][1]}), median {middle:.2f}, max "
        f"{ratios[-1][0]:.2f} ({ratios[-1][1]})"
    )


def bench_env(episodes: int) -> None:
    try:
        import qloom.gym
    except ImportError:
        print("gymnasium is not installed (pip install 'qloom[gym]'): environment skipped")
        return
    env = qloom.gym.QloomEnv(
        get_dataset("families", sizes=[3, 4, 5, 6, 8, 10]),
        on="emulator:heavy-hex-27",
        actions=[
            "placers:sabre",
            "routers:sabre",
            "unrollers:basis",
            "optimizers:optimize",
            "pipelines:O1",
        ],
        max_steps=12,
    )
    env.action_space.seed(0)
    steps = resets = executable = 0
    reset_time = step_time = 0.0
    for episode in range(episodes):
        start = time.perf_counter()
        env.reset(seed=episode)
        reset_time += time.perf_counter() - start
        resets += 1
        done = False
        while not done:
            action = env.action_space.sample()
            start = time.perf_counter()
            _, _, terminated, truncated, info = env.step(action)
            step_time += time.perf_counter() - start
            steps += 1
            done = terminated or truncated
        executable += bool(info["executable"])
    print(
        f"gym: {episodes} episodes, {steps} steps: reset {reset_time / resets * 1e3:.1f} ms, "
        f"step {step_time / steps * 1e3:.1f} ms on average ({steps / step_time:.0f} steps/s); "
        f"{executable} episodes ended executable"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=40)
    args = parser.parse_args()
    if SHARED.is_dir():
        bench_cache()
        bench_estimate()
    else:
        print(f"shared benchmark data not found at {SHARED}: cache figures skipped")
    bench_env(args.episodes)


if __name__ == "__main__":
    main()
