"""Time one statevector of QFT, GHZ and random circuits: qloom-sim-numpy vs qiskit-aer vs qibo.

Every framework loads the same OpenQASM 2 text (qloom through ``qloom.qasm2`` when it is
available, else from the same operation list), and each timing covers building the final
statevector from |0...0>. Best of ``--repeat`` runs; a run over ``--max-seconds`` is not
repeated. qiskit-aer uses ``AerSimulator(method="statevector")`` with 2 threads and
``save_statevector`` (no ``qiskit.transpile``); qibo uses its numpy backend. Frameworks that
are not importable are skipped.

Usage::

    python benchmarks/sim/bench_sim.py --sizes 16,20,22,24 --circuits qft,ghz,random
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

Op = tuple[str, tuple[float, ...], tuple[int, ...]]


# -- circuits, as plain operation lists -------------------------------------------------------


def qft(n: int) -> list[Op]:
    """Textbook QFT: h and controlled phases (``cu1``), then the reversing swaps."""
    ops: list[Op] = []
    for j in range(n):
        ops.append(("h", (), (j,)))
        for k in range(j + 1, n):
            ops.append(("cu1", (math.pi / 2 ** (k - j),), (k, j)))
    ops += [("swap", (), (j, n - 1 - j)) for j in range(n // 2)]
    return ops


def ghz(n: int) -> list[Op]:
    """h on qubit 0, then a chain of cx."""
    return [("h", (), (0,))] + [("cx", (), (q, q + 1)) for q in range(n - 1)]


def random_circuit(n: int, depth: int = 10, seed: int = 1) -> list[Op]:
    """``depth`` layers of random u3 on every qubit and cx on random disjoint pairs."""
    rng = np.random.default_rng(seed)
    ops: list[Op] = []
    for _ in range(depth):
        for q in range(n):
            ops.append(("u3", tuple(float(a) for a in rng.uniform(0, 2 * math.pi, 3)), (q,)))
        perm = [int(q) for q in rng.permutation(n)]
        ops += [("cx", (), (perm[i], perm[i + 1])) for i in range(0, n - 1, 2)]
    return ops


CIRCUITS: dict[str, Callable[[int], list[Op]]] = {
    "qft": qft,
    "ghz": ghz,
    "random": random_circuit,
}


def to_qasm(n: int, ops: list[Op]) -> str:
    """OpenQASM 2 text using only qelib1.inc gates every framework reads."""
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{n}];"]
    for name, params, qubits in ops:
        args = f"({','.join(repr(p) for p in params)})" if params else ""
        lines.append(f"{name}{args} {','.join(f'q[{q}]' for q in qubits)};")
    return "\n".join(lines) + "\n"


# -- runners: each returns a function computing the statevector --------------------------------


def qloom_runner(n: int, ops: list[Op], text: str) -> Callable[[], np.ndarray]:
    from qloom import Circuit
    from qloom_sim_numpy import statevector

    try:
        from qloom import qasm2

        circuit = qasm2.loads(text)
    except Exception:  # the QASM reader is optional here: build from the same op list
        circuit = Circuit(n)
        for name, params, qubits in ops:
            circuit.append("cp" if name == "cu1" else name, qubits, params)
    return lambda: statevector(circuit)


def aer_runner(n: int, ops: list[Op], text: str) -> Callable[[], np.ndarray]:
    from qiskit import QuantumCircuit
    from qiskit_aer import AerSimulator

    circuit = QuantumCircuit.from_qasm_str(text)
    circuit.save_statevector()
    sim = AerSimulator(method="statevector", max_parallel_threads=2, precision="double")

    def run() -> np.ndarray:
        state = sim.run(circuit, shots=1).result().get_statevector()
        return np.asarray(state)

    return run


def qibo_runner(n: int, ops: list[Op], text: str) -> Callable[[], np.ndarray]:
    import qibo

    qibo.set_backend("numpy")
    circuit = qibo.Circuit.from_qasm(text)
    return lambda: np.asarray(circuit().state())


RUNNERS: dict[str, Callable[[int, list[Op], str], Callable[[], np.ndarray]]] = {
    "qloom": qloom_runner,
    "aer": aer_runner,
    "qibo": qibo_runner,
}


def best_time(run: Callable[[], np.ndarray], repeat: int, max_seconds: float) -> tuple[float, Any]:
    """Best wall time of up to ``repeat`` runs, and the last state."""
    best = math.inf
    state = None
    for _ in range(repeat):
        state = None
        gc.collect()
        start = time.perf_counter()
        state = run()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        if elapsed > max_seconds:
            break
    return best, state


def fidelity_with_qloom(qloom_state: np.ndarray, other: np.ndarray, n: int) -> float:
    """|<a|b>|^2 after reading ``other`` with qubit 0 least significant (qiskit, qibo differ)."""
    a = qloom_state.reshape(-1)
    b = other.reshape(-1)
    direct = abs(np.vdot(a, b)) ** 2
    flipped = other.reshape((2,) * n).transpose(list(reversed(range(n)))).reshape(-1)
    return float(max(direct, abs(np.vdot(a, flipped)) ** 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="16,20,22,24,26", help="qubit counts")
    parser.add_argument("--circuits", default="qft,ghz,random", help="of: qft, ghz, random")
    parser.add_argument("--frameworks", default="qloom,aer,qibo", help="of: qloom, aer, qibo")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (best kept)")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="do not repeat slower")
    parser.add_argument("--random-max", type=int, default=24, help="largest random circuit")
    parser.add_argument("--qibo-max", type=int, default=22, help="largest size run on qibo")
    parser.add_argument("--check-max", type=int, default=22, help="compare states up to n")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    os.environ.setdefault("QIBO_LOG_LEVEL", "3")  # quiet the backend banner

    sizes = [int(s) for s in args.sizes.split(",")]
    frameworks = [f for f in args.frameworks.split(",") if f]
    rows: list[dict[str, Any]] = []
    for kind in args.circuits.split(","):
        for n in sizes:
            if kind == "random" and n > args.random_max:
                continue
            ops = CIRCUITS[kind](n)
            text = to_qasm(n, ops)
            row: dict[str, Any] = {"circuit": kind, "n": n, "gates": len(ops)}
            reference = None
            for name in frameworks:
                if name == "qibo" and n > args.qibo_max:
                    continue
                try:
                    run = RUNNERS[name](n, ops, text)
                except ImportError as exc:
                    row[name] = f"n/a ({exc.name})"
                    continue
                seconds, state = best_time(run, args.repeat, args.max_seconds)
                row[name] = seconds
                if name == "qloom":
                    reference = state
                elif reference is not None and n <= args.check_max:
                    row[f"{name}_fidelity"] = fidelity_with_qloom(reference, state, n)
                del state
                gc.collect()
            print(_format_row(row), flush=True)
            rows.append(row)
    print()
    print(_table(rows))


def _seconds(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value or "-")


def _ratio(a: Any, b: Any) -> str:
    return f"{a / b:.2f}" if isinstance(a, float) and isinstance(b, float) else "-"


def _format_row(row: dict[str, Any]) -> str:
    parts = [f"{row['circuit']:>6} n={row['n']:<2} gates={row['gates']:<5}"]
    for name in RUNNERS:
        if name in row:
            parts.append(f"{name}={_seconds(row[name])}s")
    checks = [f"{k}={v:.12f}" for k, v in row.items() if k.endswith("_fidelity")]
    return "  ".join(parts + checks)


def _table(rows: list[dict[str, Any]]) -> str:
    head = "| circuit | qubits | gates | qloom s | aer s | qibo s | qloom/aer | qloom/qibo |"
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        q, a, b = r.get("qloom"), r.get("aer"), r.get("qibo")
        lines.append(
            f"| {r['circuit']} | {r['n']} | {r['gates']} | {_seconds(q)} | {_seconds(a)} | "
            f"{_seconds(b)} | {_ratio(q, a)} | {_ratio(q, b)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
