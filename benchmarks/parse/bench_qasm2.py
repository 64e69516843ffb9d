"""Time OpenQASM 2 loading: qloom against Qiskit and pytket, when they are installed.

Every tool reads the same files in the same run (best of ``--repeat`` runs each), so the
ratios are comparable even on a noisy machine. Files: ``qft_n100`` first, then every
``../shared/benchmarks/circuits/*.qasm`` (add ``--raw`` for the QASMBench originals).

Run: python benchmarks/parse/bench_qasm2.py [--repeat 3] [--raw]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qloom import qasm2

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"
Loader = Callable[[str], Any]


def loaders() -> dict[str, Loader]:
    """qloom's ``load`` plus each other tool that imports; say which are missing."""
    found: dict[str, Loader] = {"qloom": qasm2.load}
    try:
        import qiskit.qasm2

        found["qiskit"] = lambda path: qiskit.qasm2.load(
            path, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS
        )
    except ImportError:
        print("qiskit not installed: skipped (pip install qiskit)")
    try:
        from pytket.qasm import circuit_from_qasm

        found["pytket"] = circuit_from_qasm
    except ImportError:
        print("pytket not installed: skipped (pip install pytket)")
    return found


def best_time(load: Loader, path: Path, repeat: int) -> float | None:
    """Best wall time of ``repeat`` loads, or None when the tool rejects the file."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            load(str(path))
        except Exception as exc:  # another tool's failure is reported, not fatal
            print(f"  {path.name}: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}")
            return None
        best = min(best, time.perf_counter() - start)
    return best


def files(raw: bool) -> list[Path]:
    circuits = sorted((SHARED / "circuits").glob("*.qasm"))
    first = [p for p in circuits if p.name == "qft_n100.qasm"]
    rest = [p for p in circuits if p.name != "qft_n100.qasm"]
    if raw:
        rest += sorted((SHARED / "qasmbench-raw").glob("*.qasm"))
    return first + rest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per file (best is kept)")
    parser.add_argument("--raw", action="store_true", help="also the QASMBench originals")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"shared benchmark data not found at {SHARED}: nothing to time")
        return 0
    tools = loaders()
    paths = files(args.raw)
    names = list(tools)
    print(f"\n{'file':28}{'ops':>8}" + "".join(f"{n + ' s':>11}" for n in names), end="")
    print("".join(f"{n + '/qloom':>14}" for n in names[1:]))
    times: dict[str, list[float | None]] = {n: [] for n in names}
    for path in paths:
        ops = len(qasm2.load(path))
        row = {n: best_time(tools[n], path, args.repeat) for n in names}
        for n in names:
            times[n].append(row[n])
        print(f"{path.stem[:27]:28}{ops:>8}" + "".join(_cell(row[n], 11) for n in names), end="")
        print("".join(_ratio(row[n], row["qloom"], 14) for n in names[1:]))
    _summary(times, names)
    _dump_time(paths[0], args.repeat)
    return 0


def _summary(times: dict[str, list[float | None]], names: list[str]) -> None:
    print(f"\n{'total':36}" + "".join(_cell(_total(times[n]), 11) for n in names))
    for name in names[1:]:
        pairs = [(t, q) for t, q in zip(times[name], times["qloom"], strict=True) if t and q]
        if pairs:
            mean = math.exp(sum(math.log(t / q) for t, q in pairs) / len(pairs))
            print(f"{name}/qloom geometric mean over {len(pairs)} files: {mean:.2f}x")


def _dump_time(path: Path, repeat: int) -> None:
    circuit = qasm2.load(path)
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        qasm2.dumps(circuit)
        best = min(best, time.perf_counter() - start)
    print(f"qloom dumps {path.stem} ({len(circuit)} ops): {best:.3f} s")


def _total(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _cell(value: float | None, width: int) -> str:
    return f"{'error':>{width}}" if value is None else f"{value:>{width}.4f}"


def _ratio(value: float | None, base: float | None, width: int) -> str:
    return f"{'-':>{width}}" if not value or not base else f"{value / base:>{width - 1}.2f}x"


if __name__ == "__main__":
    raise SystemExit(main())
