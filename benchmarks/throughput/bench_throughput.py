"""Throughput of qloom's Compiler on each executor, with Qiskit's ``transpile(list)`` beside it.

The circuits of ``../shared/benchmarks/batch200`` (200 small-to-medium circuits, 5-24 qubits)
are compiled for an emulated device with the ``hh127`` heavy-hex coupling graph and the
natives {cz, rz, sx, x}, with ``Compiler(executor, workers=N).compile(circuits)`` on each
executor (``serial``, ``processes``, ``dask`` by default), then with Qiskit's
``transpile(circuits, ...)`` at optimisation levels 1 and 3 in the same run. Per executor it
measures the start (executor and workers up and warm), the compile wall time, circuits per
second and speed-up over ``serial``, and the cost per task on its own: trivial tasks
straight on the executor, and trivial compilations (identity pipeline) through the
Compiler. Every output must be identical to the serial output (same seed), and the 2q
counts of qloom and Qiskit are compared so speed is not bought with quality.

Run: python benchmarks/throughput/bench_throughput.py [--quick] [--executors serial,processes]
     [--workers 2] [--json out.json] [--markdown out.md]
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib.util
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import report

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"
BATCH = SHARED / "batch200"
TOPOLOGY = "hh127"
NATIVES = ("cz", "rz", "sx", "x")
DEFAULT_EXECUTORS = ("serial", "processes", "dask")
KNOWN_EXECUTORS = ("serial", "threads", "processes", "dask")
DISTRIBUTIONS = {"threads": "qloom-executors", "processes": "qloom-executors", "dask": "qloom-dask"}
INSTALL = {"qloom-executors": "plugins/executors", "qloom-dask": "plugins/dask"}
QUICK_COUNT = 40
LATENCY_ROUNDS = 20
CHUNK = 10
"""Requests per task in the batching experiment (``chunk_costs``)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--executors",
        help=f"comma-separated (default {','.join(DEFAULT_EXECUTORS)}; also threads); "
        "serial always runs, as the reference",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="workers of every parallel executor (default 2)"
    )
    parser.add_argument(
        "--count",
        type=int,
        help=f"compile the first N circuits (default 200; --quick {QUICK_COUNT})",
    )
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_COUNT} circuits")
    parser.add_argument("--pipeline", help="qloom pipeline (default: the device's own, `emulator`)")
    parser.add_argument("--seed", type=int, default=11, help="root seed, qloom and Qiskit (11)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="compile the batch this many times per executor and keep the fastest (default 1)",
    )
    parser.add_argument(
        "--trivial",
        type=int,
        help="trivial tasks per overhead measurement (default: as many as circuits)",
    )
    parser.add_argument(
        "--qiskit",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time Qiskit's transpile(list) when qiskit is installed (default on)",
    )
    parser.add_argument(
        "--qiskit-levels", default="1,3", help="Qiskit optimisation levels (default 1,3)"
    )
    parser.add_argument(
        "--qiskit-processes",
        type=int,
        default=0,
        help="also run Qiskit with its process parallelism forced on, N processes (default 0: no)",
    )
    parser.add_argument(
        "--dask-address",
        help="time an existing Dask cluster (tcp://host:8786) instead of a local one",
    )
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--markdown", type=Path, help="write the report as markdown here")
    parser.add_argument(
        "--load", type=Path, help="report a previous --json file instead of running"
    )
    args = parser.parse_args(argv)
    if args.workers < 1 or args.repeat < 1:
        parser.error("--workers and --repeat must be at least 1")
    return args


# -- what to run -----------------------------------------------------------------------------


def chosen_executors(args: argparse.Namespace) -> list[str]:
    """Executors asked for that are installed, ``serial`` first; say why others are skipped."""
    asked = args.executors.split(",") if args.executors else list(DEFAULT_EXECUTORS)
    unknown = [name for name in asked if name not in KNOWN_EXECUTORS]
    if unknown:
        raise SystemExit(f"unknown executors {unknown}; known: {list(KNOWN_EXECUTORS)}")
    from qloom.plugins import get_registry

    installed = set(get_registry().names("executors"))
    ready = ["serial"]
    for name in asked:
        if name == "serial" or name in ready:
            continue
        if name in installed:
            ready.append(name)
        else:
            dist = DISTRIBUTIONS[name]
            print(f"executor '{name}' is not installed: skipped (pip install -e {INSTALL[dist]})")
    return ready


def circuit_paths(args: argparse.Namespace) -> list[Path]:
    paths = sorted(BATCH.glob("*.qasm"))
    count = args.count or (QUICK_COUNT if args.quick else len(paths))
    return paths[:count]


def write_device(folder: Path) -> Path:
    """An emulator description of hh127 with natives {cz, rz, sx, x}, undirected."""
    topology = json.loads((SHARED / "topologies" / f"{TOPOLOGY}.json").read_text())
    path = (folder / f"{TOPOLOGY}-cz.toml").resolve()
    edges = ", ".join(f"[{int(a)}, {int(b)}]" for a, b in topology["edges"])
    path.write_text(
        f'description = "{TOPOLOGY} heavy-hex coupling (shared topologies), cz rz sx x"\n'
        f"natives = {json.dumps(list(NATIVES))}\n"
        'virtual = ["rz"]\n\n'
        "[topology]\n"
        f"qubits = {int(topology['n'])}\n"
        "directed = false\n"
        f"edges = [{edges}]\n"
    )
    return path


def tiny_circuit() -> Any:
    from qloom import Circuit

    return Circuit(2, name="tiny").h(0).cx(0, 1)


def warm_circuit() -> Any:
    from qloom import Circuit

    return Circuit(3, name="warm").h(0).cx(0, 1).cx(1, 2).cx(0, 2)


# -- qloom on one executor -------------------------------------------------------------------


@dataclass(eq=False)
class Live:
    """One executor under test: its figures and compile rounds, its Compiler while it runs."""

    name: str
    row: dict[str, Any]
    compiler: Any = None
    rounds: list[float] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    closes: list[float] = field(default_factory=list)
    best: list[dict[str, Any] | str] = field(default_factory=list)
    differ: set[str] = field(default_factory=set)


def start_executor(live: Live, args: argparse.Namespace, on: str, pipeline: str | None) -> None:
    """Start a Compiler on ``live.name`` and warm it: every worker up, its plugins imported.

    The warm-up is 2 tiny compilations per worker on the device and 2 on the trivial path
    (backend ``numpy``, pipeline ``identity``), so later figures are not first-use costs.
    """
    from qloom import Compiler

    options: dict[str, Any] = {}
    if live.name != "serial":
        options["workers"] = args.workers
    if live.name == "dask" and args.dask_address:
        options = {"address": args.dask_address}
    began = time.perf_counter()
    live.compiler = Compiler(live.name, reuse=False, progress=False, **options)
    try:
        size = live.compiler.executor.size
        live.row["workers"] = size
        live.compiler.compile([warm_circuit()] * 2 * size, on, pipeline, args.seed)
        live.compiler.compile([tiny_circuit()] * 2 * size, "numpy", "identity", args.seed)
    except BaseException:
        close_executor(live)
        raise
    live.starts.append(time.perf_counter() - began)


def measure_costs(live: Live, trivial: int, seed: int) -> None:
    """The cost of one task on this executor, apart from any real compilation."""
    row, compiler = live.row, live.compiler
    row.update(raw_task_costs(compiler.executor, trivial))
    row.update(chunk_costs(compiler.executor, trivial_requests(trivial, seed)))
    began = time.perf_counter()
    compiler.compile([tiny_circuit()] * trivial, "numpy", "identity", seed)
    row["trivial_n"] = trivial
    row["compiler_task_ms"] = (time.perf_counter() - began) / trivial * 1e3


def close_executor(live: Live) -> None:
    if live.compiler is None:
        return
    began = time.perf_counter()
    try:
        live.compiler.close()
    finally:
        live.compiler = None
    live.closes.append(time.perf_counter() - began)


def raw_task_costs(executor: Any, count: int) -> dict[str, float]:
    """Cost of a task that does nothing (``abs(-1)``), straight on the executor.

    ``raw_task_ms``: wall time of ``count`` tasks submitted at once, per task (throughput);
    ``round_trip_ms``: median of one task submitted and waited for (latency).
    """
    began = time.perf_counter()
    futures = [executor.submit(abs, -1) for _ in range(count)]
    assert all(f.result() == 1 for f in futures)
    batch = (time.perf_counter() - began) / count * 1e3
    trips = []
    for _ in range(LATENCY_ROUNDS):
        began = time.perf_counter()
        executor.submit(abs, -1).result()
        trips.append((time.perf_counter() - began) * 1e3)
    return {"raw_task_ms": batch, "round_trip_ms": statistics.median(trips)}


def trivial_requests(count: int, seed: int) -> list[dict[str, Any]]:
    """Compile requests, as the Compiler sends them, for tiny circuits on the trivial path."""
    from qloom.compiler import circuit_to_data
    from qloom.config import get_backend, pipeline_for

    spec = pipeline_for(get_backend("numpy"), "identity").spec()
    data = circuit_to_data(tiny_circuit())
    return [
        {
            "circuit": data,
            "backend": "numpy",
            "backend_options": {},
            "pipeline": spec,
            "seed": seed + i,
            "padding": None,
        }
        for i in range(count)
    ]


def compile_chunk(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Several compile requests in one executor task (what batching in core would do)."""
    from qloom.compiler import compile_request

    return [compile_request(r) for r in requests]


def chunk_costs(executor: Any, requests: list[dict[str, Any]]) -> dict[str, float]:
    """Trivial compile requests straight on the executor, one per task and CHUNK per task.

    The difference is what the executor costs per task, and what sending small circuits in
    batches would save; the Compiler's own bookkeeping is left out of both.
    """
    from qloom.compiler import compile_request

    began = time.perf_counter()
    futures = [executor.submit(compile_request, r) for r in requests]
    for future in futures:
        future.result()
    single = (time.perf_counter() - began) / len(requests) * 1e3
    chunks = [requests[i : i + CHUNK] for i in range(0, len(requests), CHUNK)]
    began = time.perf_counter()
    futures = [executor.submit(compile_chunk, chunk) for chunk in chunks]
    for future in futures:
        future.result()
    chunked = (time.perf_counter() - began) / len(requests) * 1e3
    return {"request_ms": single, "chunked_request_ms": chunked, "chunk": CHUNK}


def slim(outcome: Any) -> dict[str, Any] | str:
    """What the report needs of one outcome: its worker times, or its error as text."""
    if isinstance(outcome, BaseException):
        return f"{type(outcome).__name__}: {outcome}"
    meta = outcome.metadata
    return {"wall": meta["wall_time"], "cpu": meta["cpu_time"], "worker": meta["worker"]}


def summarise(live: Live, names: list[str]) -> dict[str, Any]:
    """Throughput, busy time and identity with serial of the fastest round of ``live``."""
    row = live.row
    outcomes = live.best
    done = [o for o in outcomes if isinstance(o, dict)]
    count = len(outcomes)
    row["failed"] = {names[i]: o for i, o in enumerate(outcomes) if isinstance(o, str)}
    row["circuits"] = count
    row["start_runs_s"] = live.starts
    row["start_s"] = min(live.starts)
    row["close_s"] = min(live.closes)
    row["compile_runs_s"] = live.rounds
    row["compile_s"] = min(live.rounds)
    row["circuits_per_s"] = count / row["compile_s"]
    busy: dict[str, float] = defaultdict(float)
    for outcome in done:
        busy[outcome["worker"]] += outcome["wall"]
    cpu = sum(o["cpu"] for o in done)
    total_busy = sum(busy.values())
    row["cpu_share"] = cpu / max(total_busy, 1e-9)
    row["task_wall_s"] = [o["wall"] if isinstance(o, dict) else None for o in outcomes]
    row["busy_s"] = dict(busy)
    capacity = row["compile_s"] * row["workers"]
    row["busy_fraction"] = total_busy / capacity
    row["unaccounted_ms"] = (capacity - total_busy) / count * 1e3
    row["end_to_end_s"] = row["start_s"] + row["compile_s"] + row["close_s"]
    if live.name == "serial":
        row["identical"] = "reference"
    else:
        differ = sorted(live.differ)
        row["identical"] = "yes" if not differ else f"NO: {len(differ)} differ"
        row["differ"] = differ
    return row


def check_output(data: dict[str, Any], edges: set[frozenset[int]]) -> str:
    """``ok``, or what is wrong: a gate outside the natives, a 2q gate off the coupling."""
    for entry in data["ops"]:
        gate, qubits = entry[0], entry[1]
        if gate in ("barrier", "measure"):
            continue
        if gate not in NATIVES:
            return f"FAIL natives ({gate})"
        if len(qubits) == 2 and frozenset(qubits) not in edges:
            return f"FAIL coupling ({gate} on {qubits})"
        if len(qubits) > 2:
            return f"FAIL wide gate ({gate} on {qubits})"
    return "ok"


def count_2q(data: dict[str, Any]) -> int:
    return sum(1 for entry in data["ops"] if len(entry[1]) == 2 and entry[0] != "barrier")


# -- Qiskit ----------------------------------------------------------------------------------


def run_qiskit(
    paths: list[Path],
    edges: list[list[int]],
    levels: list[int],
    seed: int,
    processes: int,
    edge_set: set[frozenset[int]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One ``transpile(circuits, ...)`` call per level (warmed up on a tiny circuit first)."""
    import qiskit
    from qiskit import QuantumCircuit, transpile
    from qiskit.transpiler import CouplingMap
    from qiskit.utils import default_num_processes, should_run_in_parallel

    circuits = [QuantumCircuit.from_qasm_file(str(p)) for p in paths]
    coupling = CouplingMap([tuple(e) for e in edges])
    coupling.make_symmetric()
    warm = QuantumCircuit(3)
    warm.h(0)
    warm.cx(0, 1)
    warm.cx(1, 2)
    info = {
        "version": qiskit.__version__,
        "parallel_by_default": bool(should_run_in_parallel()),
        "default_num_processes": default_num_processes(),
    }
    runs = [(level, 0) for level in levels]
    if processes > 1:
        runs += [(level, processes) for level in levels]
    rows = []
    for level, procs in runs:
        options = dict(
            coupling_map=coupling,
            basis_gates=list(NATIVES),
            optimization_level=level,
            seed_transpiler=seed,
        )
        transpile(warm, **options)
        label = f"qk{level}" + (f" ({procs} processes)" if procs else "")
        print(f"  {label}: transpile({len(circuits)} circuits)")
        if procs:
            with should_run_in_parallel.override(True):
                began = time.perf_counter()
                outputs = transpile(circuits, num_processes=procs, **options)
                wall = time.perf_counter() - began
        else:
            began = time.perf_counter()
            outputs = transpile(circuits, **options)
            wall = time.perf_counter() - began
        n2q, checks = [], []
        for out in outputs:
            index = {bit: i for i, bit in enumerate(out.qubits)}
            ops = [
                [ci.operation.name, [index[q] for q in ci.qubits]]
                for ci in out.data
                if ci.operation.name != "barrier"
            ]
            n2q.append(sum(1 for _, qubits in ops if len(qubits) == 2))
            checks.append(check_output({"ops": ops}, edge_set))
        rows.append(
            {
                "tool": label,
                "level": level,
                "processes": procs or 1,
                "compile_s": wall,
                "circuits": len(circuits),
                "circuits_per_s": len(circuits) / wall,
                "n2q": n2q,
                "checks": checks,
            }
        )
    return rows, info


# -- the run ---------------------------------------------------------------------------------


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    import qloom
    from qloom import qasm2
    from qloom.compiler import circuit_to_data
    from qloom.compiler.work import plugin_versions
    from qloom.config import get_backend

    executors = chosen_executors(args)
    paths = circuit_paths(args)
    names = [p.stem for p in paths]
    circuits = [qasm2.load(p) for p in paths]
    topology = json.loads((SHARED / "topologies" / f"{TOPOLOGY}.json").read_text())
    edge_set = {frozenset(map(int, e)) for e in topology["edges"]}
    trivial = args.trivial or len(circuits)
    with tempfile.TemporaryDirectory(prefix="qloom-throughput-") as folder:
        device = write_device(Path(folder))
        on = f"emulator:{device}"
        backend = get_backend(on)
        pipeline = args.pipeline or backend.default_pipeline
        versions = plugin_versions()
        meta: dict[str, Any] = {
            "command": " ".join(
                ["python", *(sys.argv if sys.argv[0] else ["bench_throughput.py"])]
            ),
            "date": datetime.date.today().isoformat(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
            "qloom": qloom.__version__,
            "versions": versions,
            "device": f"{TOPOLOGY} ({backend.num_qubits} qubits, "
            f"{len(edge_set)} undirected pairs), natives "
            f"{sorted(backend.natives or [])}",
            "pipeline": pipeline,
            "seed": args.seed,
            "workers": args.workers,
            "circuits": len(circuits),
            "trivial_tasks": trivial,
            "repeat": args.repeat,
            "load_before": os.getloadavg()[0],
        }
        print(
            f"{len(circuits)} circuits of {BATCH.name} on {meta['device']}; qloom pipeline "
            f"'{pipeline}', seed {args.seed}; executors {', '.join(executors)}"
        )
        states = {name: Live(name, {"executor": name}) for name in executors}
        errors: dict[str, str] = {}
        reference: list[Any] | None = None
        # One executor alive at a time (a LocalCluster's scheduler shares this process and
        # would slow the serial run); with --repeat, rounds take the executors in turn.
        for round_ in range(args.repeat):
            for name in executors:
                if name in errors:
                    continue
                item = states[name]
                try:
                    start_executor(item, args, on, args.pipeline)
                    if round_ == 0:
                        measure_costs(item, trivial, args.seed)
                    # garbage of earlier rounds must not slow this one: collect it, and
                    # keep what is still alive out of the collector's way during the round
                    gc.collect()
                    gc.freeze()
                    try:
                        began = time.perf_counter()
                        outcomes = item.compiler.compile(
                            circuits, on, args.pipeline, args.seed, errors="return"
                        )
                        seconds = time.perf_counter() - began
                    finally:
                        gc.unfreeze()
                except Exception as exc:  # one executor's failure is reported, others run
                    print(f"  {name}: FAILED: {type(exc).__name__}: {exc}")
                    errors[name] = f"{type(exc).__name__}: {exc}"
                    if name == "serial":  # the reference: nothing compares without it
                        raise
                    continue
                finally:
                    close_executor(item)
                outputs = [
                    None if isinstance(o, BaseException) else circuit_to_data(o.circuit)
                    for o in outcomes
                ]
                if reference is None:
                    reference = outputs
                    item.row["checks"] = [
                        "failed" if d is None else check_output(d, edge_set) for d in outputs
                    ]
                    item.row["n2q"] = [None if d is None else count_2q(d) for d in outputs]
                item.differ.update(
                    names[i]
                    for i, (a, b) in enumerate(zip(outputs, reference, strict=True))
                    if a != b
                )
                item.rounds.append(seconds)
                item.row.setdefault("round_load", []).append(os.getloadavg()[0])
                if seconds == min(item.rounds):
                    item.best = [slim(o) for o in outcomes]
                del outcomes, outputs
                print(
                    f"  {name}: round {round_ + 1}/{args.repeat}: started in "
                    f"{item.starts[-1]:.2f} s, compiled in {seconds:.2f} s "
                    f"({len(circuits) / seconds:.2f} circuits/s), closed in "
                    f"{item.closes[-1]:.2f} s; load {os.getloadavg()[0]:.1f}; outputs "
                    f"differing from serial: {len(item.differ)}"
                )
        rows: dict[str, dict[str, Any]] = {
            name: {"executor": name, "error": errors[name]}
            if name in errors
            else summarise(states[name], names)
            for name in executors
        }
        rows_list = [rows[name] for name in executors]
    qiskit_rows: list[dict[str, Any]] = []
    if args.qiskit and importlib.util.find_spec("qiskit") is not None:
        levels = [int(v) for v in args.qiskit_levels.split(",") if v]
        qiskit_rows, meta["qiskit"] = run_qiskit(
            paths, topology["edges"], levels, args.seed, args.qiskit_processes, edge_set
        )
    elif args.qiskit:
        print("qiskit not installed: Qiskit columns skipped (use a venv with qiskit)")
    base = rows_list[0]
    for row in rows_list:
        if "compile_s" in row:
            row["speedup"] = base["compile_s"] / row["compile_s"]
            row["end_to_end_speedup"] = base["end_to_end_s"] / row["end_to_end_s"]
    meta["circuit_names"] = names
    meta["input_n2q"] = [c.count_2q() for c in circuits]
    meta["input_qubits"] = [c.num_qubits for c in circuits]
    return {"meta": meta, "executors": rows_list, "qiskit": qiskit_rows}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.load:
        data = json.loads(args.load.read_text())
    else:
        if not BATCH.is_dir():
            print(f"shared benchmark data not found at {BATCH}: nothing to compile")
            return 0
        began = time.perf_counter()
        data = run_all(args)
        data["meta"]["elapsed_s"] = round(time.perf_counter() - began, 1)
        if args.json:
            args.json.write_text(json.dumps(data, indent=1) + "\n")
            print(f"figures written to {args.json}")
    print()
    print(report.text(data))
    if args.markdown:
        args.markdown.write_text(report.markdown(data))
        print(f"markdown written to {args.markdown}")
    return 1 if report.problems(data) else 0


if __name__ == "__main__":
    raise SystemExit(main())
