"""Transpile shared circuits with the compiled one-qubit synthesis and print, or check, what
comes out.

Each circuit and pipeline runs ``benchmarks/synthesis/transpile_one.py`` in its own process
(so no memo carries over; the synthesis's users are imported before the timed call). One
line per circuit and pipeline: 2q count, op count, the output hash (every operation's name,
parameters and qubits) and the wall time of the ``transpile`` call. ``--save`` writes the
rows to a file; ``--compare`` reads such a file (made before a change) and reports, per row,
whether the output is identical, with both times. Exits cleanly when the shared data is
absent.

The pure-Python synthesis the ``qloom-euler`` kernel replaced is gone (issue 17); its
outputs live on as the golden file ``tests/plugins/unrollers/golden/euler.json``. This
script used to run it side by side with the kernel; its last run (the 15 default circuits at
O1 and O3 on hh127) gave 30 of 30 outputs identical.

    python benchmarks/kernels/euler_outputs.py --save /tmp/euler.json    # 15 circuits, O1+O3
    python benchmarks/kernels/euler_outputs.py --compare /tmp/euler.json
    python benchmarks/kernels/euler_outputs.py qft_n10 qv_n20 --pipelines O3 --topo hh27
    python benchmarks/kernels/euler_outputs.py --shared /work/shared/benchmarks  # a worktree
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import records

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "benchmarks"
TRANSPILE_ONE = ROOT / "benchmarks" / "synthesis" / "transpile_one.py"

DEFAULT = [
    "qft_n10",
    "qb_adder_n10",
    "qv_n8",
    "qv_n20",
    "random_n8_d20",
    "random_n10_d40",
    "qaoa3reg_n10_p2",
    "qb_dnn_n8",
    "qb_hhl_n7",
    "qb_qpe_n9",
    "qb_ising_n10",
    "qb_sat_n7",
    "qb_multiplier_n15",
    "qb_bigadder_n18",
    "qb_qft_n29",
]

USERS = (
    "qloom_unrollers.synthesis",
    "qloom_unrollers.synthesis.shannon",
    "qloom_unrollers.synthesis.two_qubit",
    "qloom_unrollers.translate",
    "qloom_unrollers.plan",
    "qloom_optimizers.runs",
)
"""Modules that call the synthesis, imported before the timed call."""


def child(shared: str, argv: list[str]) -> None:
    """Run transpile_one.py's main in this process, reading the shared data from ``shared``."""
    for module_name in USERS:
        importlib.import_module(module_name)
    spec = importlib.util.spec_from_file_location("transpile_one", TRANSPILE_ONE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.SHARED = Path(shared)
    sys.argv = [str(TRANSPILE_ONE), *argv]
    module.main()


def run(pipeline: str, name: str, topo: str, shared: Path) -> dict[str, Any]:
    """transpile_one.py's row for one circuit and pipeline, in a fresh process."""
    cmd = [sys.executable, __file__, "--child", str(shared), pipeline, name, "--topo", topo]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    row: dict[str, Any] = next(json.loads(line) for line in out.splitlines() if line[:1] == "{")
    row["topo"] = topo
    return row


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("circuits", nargs="*", default=DEFAULT)
    parser.add_argument("--pipelines", nargs="+", default=["O1", "O3"])
    parser.add_argument("--topo", default="hh127")
    parser.add_argument("--shared", type=Path, default=SHARED, help=f"default {SHARED}")
    records.add_options(parser)
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"shared benchmark data not found at {args.shared}; nothing to run")
        return 0
    saved = records.earlier(args.compare)
    if saved:
        jobs = [(r["pipeline"], r["circuit"], r["topo"]) for r in saved]
    else:
        jobs = [(p, name, args.topo) for p in args.pipelines for name in args.circuits]
    header = f"{'circuit':<18} {'pipe':<4} {'topo':<7} {'2q':>5} {'ops':>6}  {'hash':<16}"
    print(header + ("  same  before s  after s" if saved else "  wall s"), flush=True)
    rows, different = [], 0
    for index, (pipeline, name, topo) in enumerate(jobs):
        row = run(pipeline, name, topo, args.shared)
        rows.append(row)
        line = (
            f"{name:<18} {pipeline:<4} {topo:<7} {row['q2']:>5} {row['ops']:>6}  {row['hash']:<16}"
        )
        if saved:
            before = saved[index]
            same = before["hash"] == row["hash"]
            different += not same
            line += f"  {'yes' if same else 'NO ':<4} {before['wall']:>8.3f} {row['wall']:>8.3f}"
        else:
            line += f"  {row['wall']:>6.3f}"
        print(line, flush=True)
    records.save(args.save, rows)
    if args.save:
        print(f"saved {len(rows)} rows to {args.save}")
    if saved:
        print(f"{different} output(s) differ")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
