"""The routing tools compared by ``bench_mapping.py``, and the worker processes that run them.

Every tool configuration ("label": ``qloom:mapping``, ``qk1``, ``qk3``, ``tk1``, ``tk2``,
``qibo``) runs in a long-lived worker process of its family, one job at a time. A job that
exceeds its timeout has its worker killed (and a fresh one started for the next job), so a
slow tool really stops. Workers return the routed output in a neutral form: the 2q gates as
pairs of *device* qubits (for qloom, each ``swap`` counted as three), the gate names, the
initial and final device qubit of each logical qubit, and optionally every operation, so the
parent computes every metric and check the same way for every tool.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import math
import multiprocessing as mp
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NATIVES = ("cz", "rz", "sx", "x")
"""Native gates the comparison tools compile to (as in ``anchors.csv``)."""

FAMILIES = ("qloom", "qiskit", "pytket", "qibo")
MODULES = {"qloom": "qloom", "qiskit": "qiskit", "pytket": "pytket", "qibo": "qibo"}
COMPARATORS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "qiskit": [("qk1", {"level": 1}), ("qk3", {"level": 3})],
    "pytket": [("tk1", {"level": 1}), ("tk2", {"level": 2})],
    "qibo": [("qibo", {})],
}

Job = dict[str, Any]
Outcome = dict[str, Any]
Op = tuple[str, Any, tuple[int, ...]]


@dataclass(frozen=True)
class Config:
    """One column of the comparison: a tool family with its options."""

    label: str
    family: str
    options: dict[str, Any] = field(default_factory=dict)


def importable(family: str) -> bool:
    """Whether the family's package is installed (found without importing it)."""
    return importlib.util.find_spec(MODULES[family]) is not None


def configs(families: list[str], pipelines: list[str]) -> list[Config]:
    """The configurations to run: one per qloom pipeline, two per Qiskit/pytket, one qibo."""
    out: list[Config] = []
    for family in families:
        if family == "qloom":
            out += [Config(f"qloom:{p}", "qloom", {"pipeline": p}) for p in pipelines]
        else:
            out += [Config(label, family, opts) for label, opts in COMPARATORS[family]]
    return out


# -- runners: executed inside a worker process ------------------------------------------------


def run_qloom(job: Job) -> Outcome:
    from qloom import Backend, qasm2
    from qloom.api import run_pipeline
    from qloom.config import get_pipeline

    circuit = qasm2.loads(job["qasm"])
    backend = Backend(f"bench:{job['topo']}", job["n"], [tuple(e) for e in job["edges"]])
    pipeline = get_pipeline(job["options"]["pipeline"])
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = run_pipeline(circuit, backend, pipeline, job["seed"])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    out = outcome.circuit
    ops = [(op.name, op.params, op.qubits) for op in out if op.name != "barrier"]
    passes: Counter[str] = Counter()
    for entry in outcome.pass_times:
        passes[entry["pass"]] += entry["wall"]
    return {
        "t": wall,
        "cpu": cpu,
        "swaps": sum(1 for op in ops if op[0] == "swap"),
        **_neutral(ops, expand_swaps=True, want_ops=job["want_ops"]),
        "initial": list(outcome.layout.initial),
        "final": list(outcome.layout.final),
        "extra": {"pass_times": {k: round(v, 4) for k, v in passes.items()}},
    }


def run_qiskit(job: Job) -> Outcome:
    from qiskit import QuantumCircuit
    from qiskit.transpiler import CouplingMap, generate_preset_pass_manager

    circuit = QuantumCircuit.from_qasm_str(job["qasm"])
    swaps = 0
    overhead = 0.0

    def after_pass(**kwargs: Any) -> None:
        # Swaps exist only between the routing (inside SabreLayout or the routing stage)
        # and the translation to {cz, rz, sx, x}: the largest count seen is what routing
        # inserted. The time spent counting is taken out of the measured time.
        nonlocal swaps, overhead
        start = time.perf_counter()
        swaps = max(swaps, kwargs["dag"].count_ops().get("swap", 0))
        overhead += time.perf_counter() - start

    coupling = CouplingMap([tuple(e) for e in job["edges"]])
    coupling.make_symmetric()
    manager = generate_preset_pass_manager(
        optimization_level=job["options"]["level"],
        coupling_map=coupling,
        basis_gates=list(NATIVES),
        seed_transpiler=job["seed"],
    )
    wall, cpu = time.perf_counter(), time.process_time()
    out = manager.run(circuit, callback=after_pass)
    wall, cpu = time.perf_counter() - wall - overhead, time.process_time() - cpu - overhead
    ops, initial, final = qiskit_output(out, circuit.num_qubits)
    return {
        "t": wall,
        "cpu": cpu,
        "swaps": swaps,
        **_neutral(ops, expand_swaps=False, want_ops=job["want_ops"]),
        "initial": initial,
        "final": final,
    }


def qiskit_output(out: Any, n: int) -> tuple[list[Op], list[int], list[int]]:
    """A Qiskit output circuit's operations over device qubits (barriers dropped), and the
    initial and final device qubit of each of the ``n`` logical qubits."""
    index = {bit: i for i, bit in enumerate(out.qubits)}
    ops = [
        (
            ci.operation.name,
            tuple(float(p) for p in ci.operation.params),
            tuple(index[q] for q in ci.qubits),
        )
        for ci in out.data
        if ci.operation.name != "barrier"
    ]
    layout = out.layout
    initial = layout.initial_index_layout(filter_ancillas=True) if layout else list(range(n))
    final = layout.final_index_layout(filter_ancillas=True) if layout else list(range(n))
    return ops, list(initial), list(final)


def run_pytket(job: Job) -> Outcome:
    from pytket.architecture import Architecture
    from pytket.circuit import OpType
    from pytket.passes import DefaultMappingPass
    from pytket.predicates import CompilationUnit
    from pytket.qasm import circuit_from_qasm_str

    circuit = circuit_from_qasm_str(job["qasm"])
    n = circuit.n_qubits
    # "default-like" passes of a pytket backend at optimisation level 1 / 2, with
    # DefaultMappingPass (GraphPlacement + routing) on the device's Architecture
    architecture = Architecture([tuple(e) for e in job["edges"]])
    before, after = pytket_passes(job["options"]["level"])
    unit = CompilationUnit(circuit)
    mapping = DefaultMappingPass(architecture)
    wall, cpu = time.perf_counter(), time.process_time()
    for step in before:
        step.apply(unit)
    swaps0 = unit.circuit.n_gates_of_type(OpType.SWAP)
    bridges0 = unit.circuit.n_gates_of_type(OpType.BRIDGE)
    mapping.apply(unit)
    swaps = unit.circuit.n_gates_of_type(OpType.SWAP) - swaps0
    bridges = unit.circuit.n_gates_of_type(OpType.BRIDGE) - bridges0
    for step in after:
        step.apply(unit)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ops, initial, final = pytket_output(unit, n)
    return {
        "t": wall,
        "cpu": cpu,
        "swaps": swaps + bridges,
        "bridges": bridges,
        **_neutral(ops, expand_swaps=False, want_ops=job["want_ops"]),
        "initial": initial,
        "final": final,
    }


def pytket_passes(level: int) -> tuple[list[Any], list[Any]]:
    """pytket's passes before and after mapping at "default-like" level 1 or 2, ending with
    a rebase to {CZ, Rz, SX, X} and ``RemoveRedundancies``."""
    from pytket.circuit import OpType
    from pytket.passes import (
        AutoRebase,
        CliffordSimp,
        DecomposeBoxes,
        FullPeepholeOptimise,
        KAKDecomposition,
        RemoveRedundancies,
        SynthesiseTket,
    )

    before = [DecomposeBoxes(), SynthesiseTket() if level == 1 else FullPeepholeOptimise()]
    after = (
        [SynthesiseTket()]
        if level == 1
        else [KAKDecomposition(allow_swaps=False), CliffordSimp(False), SynthesiseTket()]
    )
    natives = {OpType.CZ, OpType.Rz, OpType.SX, OpType.X}
    after += [AutoRebase(natives), RemoveRedundancies()]
    return before, after


def pytket_output(unit: Any, n: int) -> tuple[list[Op], list[int], list[int]]:
    """A mapped pytket ``CompilationUnit``'s operations over device nodes, and the initial
    and final device node of each logical qubit ``q[0..n-1]``."""
    from pytket.circuit import Qubit

    out = unit.circuit
    logical = [Qubit("q", i) for i in range(n)]
    # FullPeepholeOptimise may leave an implicit wire permutation (a relabelling, no gates)
    # that final_map does not include: logical q ends on moved[final_map[q]], with moved
    # the inverse of implicit_qubit_permutation (the equivalence checks confirm it)
    moved = {end: start for start, end in out.implicit_qubit_permutation().items()}
    ops = []
    for command in out.get_commands():
        name = command.op.type.name.lower()
        params = tuple(float(p) * math.pi for p in command.op.params)  # half-turns
        ops.append((name, params, tuple(_node_index(q) for q in command.qubits)))
    initial = [_node_index(unit.initial_map[q]) for q in logical]
    final = [_node_index(moved[unit.final_map[q]]) for q in logical]
    return ops, initial, final


def _node_index(unit: Any) -> int:
    if unit.reg_name != "node" or len(unit.index) != 1:
        raise ValueError(f"pytket left qubit {unit} unplaced (not a device node)")
    return int(unit.index[0])


def run_qibo(job: Job) -> Outcome:
    import networkx as nx
    from qibo import Circuit
    from qibo.transpiler import NativeGates, Passes, Preprocessing, Sabre, Unroller

    circuit = Circuit.from_qasm(job["qasm"])
    start_wires = list(circuit.wire_names)
    graph = nx.Graph()
    graph.add_nodes_from(range(job["n"]))
    graph.add_edges_from(tuple(e) for e in job["edges"])
    natives = NativeGates[[g.upper() for g in NATIVES]]
    router = Sabre(seed=job["seed"])
    # qibo's default transpiler: pad to the device, Sabre routing (placement as given:
    # logical i on device node i), then unroll to the native gates
    passes = Passes(
        [Preprocessing(), router, Unroller(natives)], connectivity=graph, native_gates=natives
    )
    wall, cpu = time.perf_counter(), time.process_time()
    out, final_layout = passes(circuit)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ops, initial, final = qibo_output(out, final_layout, start_wires)
    return {
        "t": wall,
        "cpu": cpu,
        "swaps": int(router.added_swaps),
        **_neutral(ops, expand_swaps=False, want_ops=job["want_ops"]),
        "initial": initial,
        "final": final,
    }


def qibo_output(
    out: Any, final_layout: Any, start_wires: list[Any]
) -> tuple[list[Op], list[int], list[int]]:
    """A qibo output circuit's gates over device nodes (its wire names), and the initial and
    final node of each logical qubit (``start_wires``: the input's wire names)."""
    wires = [int(w) for w in out.wire_names]
    ops = [
        (gate.name, tuple(float(p) for p in gate.parameters), tuple(wires[q] for q in gate.qubits))
        for gate in out.queue
    ]
    n = len(start_wires)
    initial = [int(start_wires[q]) for q in range(n)]
    final = [wires[int(final_layout[start_wires[q]])] for q in range(n)]
    return ops, initial, final


RUNNERS: dict[str, Callable[[Job], Outcome]] = {
    "qloom": run_qloom,
    "qiskit": run_qiskit,
    "pytket": run_pytket,
    "qibo": run_qibo,
}


def _neutral(ops: list[Op], expand_swaps: bool, want_ops: bool) -> Outcome:
    """Pairs of device qubits of the 2q gates in order, gate counts, wide-gate count."""
    pairs: list[tuple[int, int]] = []
    wide = 0
    for name, _, qubits in ops:
        if len(qubits) == 2:
            pairs.extend([(qubits[0], qubits[1])] * (3 if expand_swaps and name == "swap" else 1))
        elif len(qubits) > 2:
            wide += 1
    out: Outcome = {
        "pairs": pairs,
        "gates": dict(Counter(name for name, _, _ in ops)),
        "wide": wide,
    }
    if want_ops:
        out["ops"] = [(name, tuple(params), tuple(qubits)) for name, params, qubits in ops]
    return out


def versions(family: str) -> str:
    """``name version`` of a family's package."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{family} {version(family)}"
    except PackageNotFoundError:
        return f"{family} (version unknown)"


WARMUP = (
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\n'
    "u3(0.1,0.2,0.3) q[0];\ncx q[0],q[2];\ncx q[1],q[2];\ncx q[0],q[1];\n"
)


def _serve(conn: Any, family: str, runners: str | None = None) -> None:
    """Worker main loop: answer jobs until told to stop (``None``) or the pipe closes.

    ``runners`` names a module whose ``RUNNERS`` table replaces this module's (another
    benchmark's runners, same job and outcome format).
    """
    os.environ.setdefault("QIBO_LOG_LEVEL", "3")
    if family == "qibo":
        import qibo

        qibo.set_backend("numpy")
    table = RUNNERS if runners is None else importlib.import_module(runners).RUNNERS
    runner = table[family]
    conn.send({"hello": versions(family)})
    warmed: set[str] = set()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        if job["label"] not in warmed:  # first use of a configuration: imports, caches
            warmed.add(job["label"])
            warm = {**job, "qasm": WARMUP, "n": 3, "edges": [[0, 1], [1, 2]], "want_ops": False}
            with contextlib.suppress(Exception):  # a real failure shows on the real job
                runner(warm)
        gc.collect()
        try:
            result = {"status": "ok", **runner(job)}
        except Exception as exc:  # another tool's failure is reported, never fatal
            text = (str(exc).strip().splitlines() or [""])[0]
            result = {"status": "error", "message": f"{type(exc).__name__}: {text}"}
        conn.send(result)


class Worker:
    """A process running one tool family's jobs; killed and replaced when a job times out.

    ``runners``: module (importable in the worker) whose ``RUNNERS`` table to use instead of
    this module's.
    """

    def __init__(self, family: str, runners: str | None = None) -> None:
        self.family = family
        self.runners = runners
        self.version = ""
        self._process: Any = None
        self._conn: Any = None

    def _start(self) -> None:
        context = mp.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self.family, self.runners), daemon=True
        )
        self._process.start()
        child.close()
        if not self._conn.poll(300):
            self.close()
            raise RuntimeError(f"{self.family} worker did not start within 300 s")
        self.version = self._conn.recv()["hello"]

    def run(self, job: Job, timeout: float) -> Outcome:
        """The job's outcome; status ``timeout`` (worker killed) or ``error`` on failure."""
        if self._process is None or not self._process.is_alive():
            try:
                self._start()
            except (RuntimeError, EOFError, OSError) as exc:
                return {"status": "error", "message": f"worker failed to start: {exc}"}
        self._conn.send(job)
        if not self._conn.poll(timeout):
            self.close(kill=True)
            return {"status": "timeout", "message": f"stopped after {timeout:g} s"}
        try:
            return self._conn.recv()
        except EOFError:
            code = self._process.exitcode
            self.close(kill=True)
            return {"status": "error", "message": f"worker died (exit code {code})"}

    def close(self, kill: bool = False) -> None:
        """Stop the worker: ask it to exit, kill it if it does not (or at once if ``kill``)."""
        process, self._process = self._process, None
        if process is None:
            return
        if not kill:
            try:
                self._conn.send(None)
                process.join(5)
            except (OSError, BrokenPipeError):
                pass
        if process.is_alive():
            process.kill()
            process.join(5)
        self._conn.close()
