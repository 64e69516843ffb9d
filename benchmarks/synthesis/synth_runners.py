"""The full transpilers compared by ``bench_synthesis.py``, run inside the mapping benchmark's
worker processes (``tools.Worker(family, runners="synth_runners")``).

Each runner takes the mapping benchmark's job (QASM text, device name, size and edges, seed,
options) and returns the same neutral outcome (2q gates as pairs of device qubits, gate
counts, every operation when asked, where each logical qubit starts and ends). Unlike the
mapping runners, the time is the wall time of the **whole** transpile call of each tool
from an already parsed circuit and the device's edge list: building the tool's device
object, pass manager or pass list is inside it (as it is for a user calling ``transpile``).
Parsing the QASM is outside (parsers differ by 20x and are benchmarked on their own).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import tools
from tools import NATIVES, Job, Outcome

_PASS_TIMES: list[tuple[str, float]] = []
_TIMER_REGISTERED = False


class _PassTimer:
    """qloom hook plugin recording each pass's wall time (pass times of the last job)."""

    def __init__(self) -> None:
        from qloom import hookimpl

        # the hook implementation is made here so that importing this module needs no qloom
        def qloom_pass_finished(pass_label: str, wall_time: float) -> None:
            _PASS_TIMES.append((pass_label, wall_time))

        self.qloom_pass_finished = hookimpl(qloom_pass_finished)


def _register_timer() -> None:
    global _TIMER_REGISTERED
    if not _TIMER_REGISTERED:
        from qloom.plugins import get_registry

        get_registry().hook_manager().register(_PassTimer(), name="bench-synthesis-timer")
        _TIMER_REGISTERED = True


def run_qloom(job: Job) -> Outcome:
    """``qloom.transpile(circuit, Backend(..., natives={cz, rz, sx, x}), transpiler=NAME)``.

    An output the backend rejects (a pipeline that does not translate to the natives, such
    as ``mapping``) makes ``transpile`` raise ``BackendViolation``; the pipeline is then run
    again with the same seed without the final check, untimed, so the non-native output is
    still measured and the natives check reports it (``extra.violation`` has the message).
    """
    import qloom
    from qloom import Backend, BackendViolation, Layout, qasm2
    from qloom.config import pipeline_for
    from qloom.passes import PassContext

    _register_timer()
    circuit = qasm2.loads(job["qasm"])
    edges = [(int(a), int(b)) for a, b in job["edges"]]
    name = job["options"]["pipeline"]
    violation = ""
    _PASS_TIMES.clear()
    wall, cpu = time.perf_counter(), time.process_time()
    backend = Backend(f"bench:{job['topo']}", job["n"], connectivity=edges, natives=NATIVES)
    try:
        out = qloom.transpile(circuit, backend, transpiler=name, seed=job["seed"])
    except BackendViolation as exc:
        violation = str(exc)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    passes: dict[str, float] = {}
    for label, seconds in _PASS_TIMES:
        passes[label] = round(passes.get(label, 0.0) + seconds, 4)
    if violation:  # what run_pipeline does, without the final backend.validate
        context = PassContext(backend=backend, seed=int(job["seed"]))
        out = pipeline_for(backend, name)(circuit, context)
        out.layout = context.layout or Layout.trivial(circuit.num_qubits, out.num_qubits)
    layout = out.layout
    ops = [(op.name, tuple(op.params), tuple(op.qubits)) for op in out if op.name != "barrier"]
    extra: dict[str, Any] = {"pass_times": passes}
    if violation:
        extra["violation"] = violation
    return {
        "t": wall,
        "cpu": cpu,
        **tools._neutral(ops, expand_swaps=False, want_ops=job["want_ops"]),
        "initial": list(layout.initial),
        "final": list(layout.final),
        "extra": extra,
    }


def run_qiskit(job: Job) -> Outcome:
    """``qiskit.transpile(circuit, coupling_map=<both directions of every edge>,
    basis_gates=[cz, rz, sx, x], optimization_level=LEVEL, seed_transpiler=SEED)``."""
    from qiskit import QuantumCircuit, transpile

    circuit = QuantumCircuit.from_qasm_str(job["qasm"])
    coupling = [[a, b] for a, b in job["edges"]] + [[b, a] for a, b in job["edges"]]
    wall, cpu = time.perf_counter(), time.process_time()
    out = transpile(
        circuit,
        coupling_map=coupling,
        basis_gates=list(NATIVES),
        optimization_level=job["options"]["level"],
        seed_transpiler=job["seed"],
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ops, initial, final = tools.qiskit_output(out, circuit.num_qubits)
    return {
        "t": wall,
        "cpu": cpu,
        **tools._neutral(ops, expand_swaps=False, want_ops=job["want_ops"]),
        "initial": initial,
        "final": final,
    }


def run_pytket(job: Job) -> Outcome:
    """pytket's "default-like" level 1 / 2 passes (``tools.pytket_passes``) around
    ``DefaultMappingPass(Architecture(edges))``, ending in {CZ, Rz, SX, X}."""
    from pytket.architecture import Architecture
    from pytket.passes import DefaultMappingPass
    from pytket.predicates import CompilationUnit
    from pytket.qasm import circuit_from_qasm_str

    circuit = circuit_from_qasm_str(job["qasm"])
    n = circuit.n_qubits
    wall, cpu = time.perf_counter(), time.process_time()
    before, after = tools.pytket_passes(job["options"]["level"])
    steps = [*before, DefaultMappingPass(Architecture([tuple(e) for e in job["edges"]])), *after]
    unit = CompilationUnit(circuit)
    for step in steps:
        step.apply(unit)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ops, initial, final = tools.pytket_output(unit, n)
    return {
        "t": wall,
        "cpu": cpu,
        **tools._neutral(ops, expand_swaps=False, want_ops=job["want_ops"]),
        "initial": initial,
        "final": final,
    }


def run_qibo(job: Job) -> Outcome:
    """qibo's default transpiler: ``Passes([Preprocessing(), Sabre(seed), Unroller(natives)])``
    on the device graph, natives ``NativeGates[CZ, RZ, SX, X]`` (all four exist in qibo 0.3.6),
    logical qubit i starting on node i (qibo's default has no placer)."""
    import networkx as nx
    from qibo import Circuit
    from qibo.transpiler import NativeGates, Passes, Preprocessing, Sabre, Unroller

    circuit = Circuit.from_qasm(job["qasm"])
    start_wires = list(circuit.wire_names)
    wall, cpu = time.perf_counter(), time.process_time()
    graph = nx.Graph()
    graph.add_nodes_from(range(job["n"]))
    graph.add_edges_from(tuple(e) for e in job["edges"])
    natives = NativeGates[[g.upper() for g in NATIVES]]
    passes = Passes(
        [Preprocessing(), Sabre(seed=job["seed"]), Unroller(natives)],
        connectivity=graph,
        native_gates=natives,
    )
    out, final_layout = passes(circuit)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ops, initial, final = tools.qibo_output(out, final_layout, start_wires)
    return {
        "t": wall,
        "cpu": cpu,
        **tools._neutral(ops, expand_swaps=False, want_ops=job["want_ops"]),
        "initial": initial,
        "final": final,
    }


RUNNERS: dict[str, Callable[[Job], Outcome]] = {
    "qloom": run_qloom,
    "qiskit": run_qiskit,
    "pytket": run_pytket,
    "qibo": run_qibo,
}
