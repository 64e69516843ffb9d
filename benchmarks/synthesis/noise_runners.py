"""The transpilers compared by ``bench_noise.py`` on emulated calibrated devices, run inside
the mapping benchmark's worker processes (``tools.Worker(family, runners="noise_runners")``).

A job names an emulated device (``emulator:<device>``, with its calibration). qloom
transpiles for that backend; Qiskit for the ``Target`` the Qiskit bridge builds from it
(``qloom_qiskit.target.backend_target``: same qubits, directed pairs, natives and error
rates). Both outputs are read back as qloom circuits over the device's qubits and judged
the same way, in the worker: ``backend.validate`` (natives, pairs and their direction) and
``qloom.success.estimated_success`` (the ESP). The outcome is the synthesis benchmark's,
plus ``esp`` and ``valid``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from typing import Any

import tools
from tools import Job, Outcome


@cache
def _backend(device: str) -> Any:
    import qloom

    return qloom.get_backend(f"emulator:{device}")


def _judge(circuit: Any, backend: Any) -> dict[str, Any]:
    """The ESP of an output over the device's qubits, and whether the device accepts it."""
    from qloom import BackendViolation
    from qloom.success import estimated_success

    virtual = backend.properties.get("virtual_gates", ())
    estimate = estimated_success(circuit, backend.calibration, virtual)
    try:
        backend.validate(circuit, stage="benchmark")
        valid = "ok"
    except BackendViolation as exc:
        valid = "FAIL: " + str(exc).splitlines()[0][:120]
    return {"esp": estimate.probability, "log_esp": estimate.log_probability, "valid": valid}


def _ops(circuit: Any) -> list[tuple[str, tuple[float, ...], tuple[int, ...]]]:
    return [
        (op.name, tuple(float(p) for p in op.params), tuple(op.qubits))
        for op in circuit
        if op.name != "barrier"
    ]


def run_qloom(job: Job) -> Outcome:
    """``qloom.transpile(circuit, on="emulator:<device>", transpiler=PIPELINE, seed=SEED)``."""
    import qloom
    from qloom import qasm2

    circuit = qasm2.loads(job["qasm"])
    backend = _backend(job["device"])
    wall, cpu = time.perf_counter(), time.process_time()
    out = qloom.transpile(circuit, backend, transpiler=job["options"]["pipeline"], seed=job["seed"])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    layout = out.layout
    assert layout is not None  # transpile always sets it
    return {
        "t": wall,
        "cpu": cpu,
        **tools._neutral(_ops(out), expand_swaps=False, want_ops=job["want_ops"]),
        "initial": list(layout.initial),
        "final": list(layout.final),
        **_judge(out, backend),
    }


@cache
def _target(device: str) -> Any:
    from qloom_qiskit.target import backend_target

    return backend_target(_backend(device))


def run_qiskit(job: Job) -> Outcome:
    """``qiskit.transpile(circuit, target=<the bridge's Target of the device>,
    optimization_level=LEVEL, seed_transpiler=SEED)``."""
    from qiskit import QuantumCircuit, transpile

    from qloom_qiskit import from_qiskit

    circuit = QuantumCircuit.from_qasm_str(job["qasm"])
    target = _target(job["device"])
    wall, cpu = time.perf_counter(), time.process_time()
    out = transpile(
        circuit,
        target=target,
        optimization_level=job["options"]["level"],
        seed_transpiler=job["seed"],
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ops, initial, final = tools.qiskit_output(out, circuit.num_qubits)
    physical = from_qiskit(out)  # over the device's qubits
    return {
        "t": wall,
        "cpu": cpu,
        **tools._neutral(ops, expand_swaps=False, want_ops=job["want_ops"]),
        "initial": initial,
        "final": final,
        **_judge(physical, _backend(job["device"])),
    }


RUNNERS: dict[str, Callable[[Job], Outcome]] = {"qloom": run_qloom, "qiskit": run_qiskit}
