"""Start-up: ``qloom plugins`` and a first ``qloom.transpile`` in a fresh process, each run
as a whole process, two installs side by side (issue 19: plugin discovery no slower).

Run: python benchmarks/core/bench_startup.py --python .venv/bin/python \\
         [--python ../base/.venv/bin/python] [--runs 7] [--warmup 1]

Each ``--python`` is the interpreter of a venv with qloom and its plugins installed (for a
before/after comparison, one venv per checkout). The commands run in turn, A B A B ..., so
a drift of the shared machine's speed falls on both; the table gives each one's wall and CPU
seconds (min / median / max) and, with two interpreters, the median of the per-pair ratio
of wall times (first over second). Nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

FIRST_TRANSPILE = (
    "import qloom\n"
    "c = qloom.Circuit(5).h(0)\n"
    "for q in range(4):\n"
    "    c.cx(q, q + 1)\n"
    "qloom.transpile(c, on='emulator:heavy-hex-27', seed=1)\n"
)

COMMANDS: dict[str, list[str]] = {
    "qloom plugins": ["-m", "qloom", "plugins"],
    "first transpile": ["-c", FIRST_TRANSPILE],
}


def run_once(python: str, args: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [python, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{python} {' '.join(args)} failed:\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def spread(values: list[float]) -> str:
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", required=True, help="venv interpreter")
    parser.add_argument("--runs", type=int, default=7, help="counted runs of each command")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted runs first")
    parser.add_argument("--cwd", type=Path, help="folder to run in (default: an empty one)")
    args = parser.parse_args()
    pythons = [os.path.abspath(p) for p in args.python]  # not resolved: a venv's link
    shown = {p: os.path.relpath(p) for p in pythons}  # as given from here, in the table
    if len(pythons) > 2:
        parser.error("one or two --python")

    with tempfile.TemporaryDirectory() as tmp:  # no qloom.toml of the checkout is read
        cwd = args.cwd or Path(tmp)
        print("| command | python | wall s (min / median / max) | CPU s (min / median / max) |")
        print("| --- | --- | --- | --- |")
        ratios: dict[str, list[float]] = {}
        for label, command in COMMANDS.items():
            walls: dict[str, list[float]] = {p: [] for p in pythons}
            cpus: dict[str, list[float]] = {p: [] for p in pythons}
            for index in range(args.warmup + args.runs):
                for python in pythons:
                    wall, cpu = run_once(python, command, cwd)
                    if index >= args.warmup:
                        walls[python].append(wall)
                        cpus[python].append(cpu)
            for python in pythons:
                figures = f"{spread(walls[python])} | {spread(cpus[python])}"
                print(f"| {label} | `{shown[python]}` | {figures} |")
            if len(pythons) == 2:
                first, second = walls[pythons[0]], walls[pythons[1]]
                ratios[label] = [a / b for a, b in zip(first, second, strict=True)]
        for label, values in ratios.items():
            print(
                f"\n{label}: wall {shown[pythons[0]]} / {shown[pythons[1]]}, per pair: "
                f"median {statistics.median(values):.3f} (min {min(values):.3f}, "
                f"max {max(values):.3f}, {len(values)} pairs)"
            )


if __name__ == "__main__":
    main()
