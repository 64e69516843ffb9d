"""Save whole transpilations of shared circuits, or compare them with a saved run: for
checking that a change which may move floating-point bits keeps the outputs.

``--save FILE`` writes a row per circuit (``records``) with every output operation (name,
qubits, parameters); ``--compare FILE`` transpiles again and says per circuit whether the
gate names and qubits are identical and the parameters within ``--atol`` (default 1e-9),
and otherwise both 2q counts (a resynthesis decision may flip at a tolerance boundary).
Run the two from two checkouts (the saved file is plain JSON). Prints one JSON line per
circuit with the CPU time of the ``transpile`` call.

    python benchmarks/kernels/transpile_outputs.py O3 qft_n10 qv_n20 --save before.json
    python benchmarks/kernels/transpile_outputs.py O3 qft_n10 qv_n20 --compare before.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import records

import qloom
from qloom import Backend, Circuit, qasm2

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"
NATIVES = frozenset({"cz", "rz", "sx", "x"})


def summary(circuit: Circuit) -> list[list[Any]]:
    """Every operation as ``[name, qubits, params]`` (parameters as floats)."""
    return [[op.name, list(op.qubits), [float(p) for p in op.params]] for op in circuit]


def compare(before: list[list[Any]], after: list[list[Any]], atol: float) -> str | None:
    """``None`` when names and qubits match and parameters are within ``atol``; else why."""
    if len(before) != len(after):
        return f"{len(before)} ops before, {len(after)} after"
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        if b[0] != a[0] or b[1] != a[1] or len(b[2]) != len(a[2]):
            return f"op {i}: {b[:2]} before, {a[:2]} after"
        if any(abs(x - y) > atol for x, y in zip(b[2], a[2], strict=True)):
            return f"op {i} {b[0]}: parameters {b[2]} before, {a[2]} after"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipeline", help="pipeline name, e.g. O3")
    parser.add_argument("circuits", nargs="+", help="names in the shared circuits folder")
    parser.add_argument("--topo", default="hh127", help="shared device (default hh127)")
    parser.add_argument("--seed", type=int, default=11, help="root seed (default 11)")
    parser.add_argument("--shared", type=Path, default=SHARED, help="shared benchmarks folder")
    parser.add_argument("--atol", type=float, default=1e-9, help="parameter tolerance")
    records.add_options(parser)
    args = parser.parse_args()
    topo = json.loads((args.shared / "topologies" / f"{args.topo}.json").read_text())
    edges = [(int(a), int(b)) for a, b in topo["edges"]]
    backend = Backend(f"bench:{args.topo}", topo["n"], connectivity=edges, natives=NATIVES)
    saved = {row["circuit"]: row["operations"] for row in records.earlier(args.compare)}
    rows: list[dict[str, Any]] = []
    for name in args.circuits:
        circuit = qasm2.loads((args.shared / "circuits" / f"{name}.qasm").read_text())
        cpu = time.process_time()
        out = qloom.transpile(circuit, backend, transpiler=args.pipeline, seed=args.seed)
        cpu = time.process_time() - cpu
        ops = summary(out)
        row: dict[str, Any] = {"circuit": name, "q2": out.count_2q(), "ops": len(ops)}
        if args.compare:
            before = saved[name]
            why = compare(before, ops, args.atol)
            row["same"] = why is None
            if why is not None:
                row["why"] = why
                row["q2_before"] = sum(1 for op in before if len(op[1]) == 2)
        row["cpu"] = round(cpu, 3)
        print(json.dumps(row), flush=True)
        rows.append({**row, "operations": ops})
    records.save(args.save, rows)


if __name__ == "__main__":
    main()
