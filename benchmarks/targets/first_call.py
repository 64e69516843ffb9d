"""One first transpile in this (fresh) process, for ``bench_targets.py``'s first-call target.

Run as ``python first_call.py qloom|qiskit LEVEL TOPOLOGY.json SEED``: builds a 5-qubit QFT
in code, transpiles it for the device of TOPOLOGY.json with natives {cz, rz, sx, x} at
qloom ``O<LEVEL>`` or Qiskit ``optimization_level=LEVEL``, and prints one JSON line with
the seconds of the import and of the call (for qloom: plugin discovery, pipeline build and
run, with the passes' own share; for Qiskit: target and pass manager build and run). The
device file is read before the clock starts; only standard-library imports come before it.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Any

NATIVES = ["cz", "rz", "sx", "x"]
QUBITS = 5


def qft_steps(n: int) -> list[tuple[str, list[float], list[int]]]:
    """A textbook QFT on ``n`` qubits: (gate, params, qubits), the same for both tools."""
    steps: list[tuple[str, list[float], list[int]]] = []
    for target in range(n):
        steps.append(("h", [], [target]))
        for control in range(target + 1, n):
            steps.append(("cp", [math.pi / 2 ** (control - target)], [control, target]))
    steps += [("swap", [], [i, n - 1 - i]) for i in range(n // 2)]
    return steps


class _PassTimes:
    """qloom hook plugin adding up the passes' own wall time (the rest of the call is plugin
    discovery, pipeline build and the final checks)."""

    def __init__(self) -> None:
        from qloom import hookimpl

        self.total = 0.0

        def qloom_pass_finished(wall_time: float) -> None:
            self.total += wall_time

        self.qloom_pass_finished = hookimpl(qloom_pass_finished)


def run_qloom(level: int, topology: dict[str, Any], seed: int) -> dict[str, Any]:
    began = time.perf_counter()
    import qloom

    imported = time.perf_counter()
    from qloom.plugins import get_registry

    passes = _PassTimes()
    get_registry().hook_manager().register(passes, name="first-call-timer")
    circuit = qloom.Circuit(QUBITS)
    for name, params, qubits in qft_steps(QUBITS):
        circuit.append(name, qubits, params)
    edges = [(int(a), int(b)) for a, b in topology["edges"]]
    backend = qloom.Backend("first-call", int(topology["n"]), connectivity=edges, natives=NATIVES)
    out = qloom.transpile(circuit, backend, transpiler=f"O{level}", seed=seed)
    done = time.perf_counter()
    return {
        "import_s": imported - began,
        "call_s": done - imported,
        "passes_s": passes.total,
        "n2q": out.count_2q(),
    }


def run_qiskit(level: int, topology: dict[str, Any], seed: int) -> dict[str, Any]:
    began = time.perf_counter()
    from qiskit import QuantumCircuit, transpile

    imported = time.perf_counter()
    circuit = QuantumCircuit(QUBITS)
    for name, params, qubits in qft_steps(QUBITS):
        getattr(circuit, name)(*params, *qubits)
    coupling = [[int(a), int(b)] for a, b in topology["edges"]]
    coupling += [[b, a] for a, b in coupling]
    out = transpile(
        circuit,
        coupling_map=coupling,
        basis_gates=NATIVES,
        optimization_level=level,
        seed_transpiler=seed,
    )
    done = time.perf_counter()
    two_qubit = sum(1 for item in out.data if len(item.qubits) == 2)
    return {"import_s": imported - began, "call_s": done - imported, "n2q": two_qubit}


def main(argv: list[str]) -> int:
    tool, level, path, seed = argv[0], int(argv[1]), Path(argv[2]), int(argv[3])
    topology = json.loads(path.read_text())
    run = run_qloom if tool == "qloom" else run_qiskit
    print(json.dumps(run(level, topology, seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
