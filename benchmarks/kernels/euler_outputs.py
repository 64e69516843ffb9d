"""Transpile shared circuits with the compiled one-qubit synthesis and with the Python one it
replaced (``tests/support/euler_oracle.py``), and print whether the outputs are identical.

Each engine runs ``benchmarks/synthesis/transpile_one.py`` in its own process (so no memo
carries over): the kernel as installed, the oracle by pointing every module that imported
``synthesize_1q``/``one_qubit_bases`` (translation, 2q and n-qubit synthesis, the planner,
1q fusion) at the oracle's functions first. One line per circuit and pipeline: 2q count, op
count, the two output hashes (every operation's name, parameters and qubits) and both wall
times (of the ``transpile`` call, the plugins imported beforehand in both processes). Exits
cleanly when the shared data is absent.

    python benchmarks/kernels/euler_outputs.py                      # 15 circuits, O1 and O3
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

USERS = {
    "qloom_unrollers.synthesis": ("synthesize_1q", "one_qubit_bases"),
    "qloom_unrollers.synthesis.euler": ("synthesize_1q", "one_qubit_bases"),
    "qloom_unrollers.synthesis.shannon": ("synthesize_1q",),
    "qloom_unrollers.synthesis.two_qubit": ("synthesize_1q",),
    "qloom_unrollers.translate": ("synthesize_1q",),
    "qloom_unrollers.plan": ("one_qubit_bases",),
    "qloom_optimizers.runs": ("synthesize_1q",),
}
"""Modules that hold the synthesis functions by name, and which ones."""


def load_users(oracle: bool) -> None:
    """Import every user of the synthesis (for both engines, so neither pays the imports in
    its timed call) and, for ``oracle``, point them at the Python oracle's functions."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support import euler_oracle

    for module_name, names in USERS.items():
        module = importlib.import_module(module_name)
        for name in names:
            assert hasattr(module, name), f"{module_name} no longer has {name}"
            if oracle:
                setattr(module, name, getattr(euler_oracle, name))


def child(engine: str, shared: str, argv: list[str]) -> None:
    """Run transpile_one.py's main in this process with ``engine``'s synthesis, reading the
    shared data from ``shared``."""
    load_users(oracle=engine == "oracle")
    spec = importlib.util.spec_from_file_location("transpile_one", TRANSPILE_ONE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.SHARED = Path(shared)
    sys.argv = [str(TRANSPILE_ONE), *argv]
    module.main()


def run(engine: str, pipeline: str, circuits: list[str], topo: str, shared: Path) -> dict:
    """transpile_one.py's rows by circuit name, with ``engine``'s synthesis."""
    cmd = [sys.executable, __file__, "--child", engine, str(shared), pipeline, *circuits]
    cmd += ["--topo", topo]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {row["circuit"]: row for row in rows}


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("circuits", nargs="*", default=DEFAULT)
    parser.add_argument("--pipelines", nargs="+", default=["O1", "O3"])
    parser.add_argument("--topo", default="hh127")
    parser.add_argument("--shared", type=Path, default=SHARED, help=f"default {SHARED}")
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"shared benchmark data not found at {args.shared}; nothing to compare")
        return 0
    header = f"{'circuit':<18} {'pipe':<4} {'2q':>5} {'ops':>6}  {'oracle hash':<16}"
    print(f"{header} {'kernel hash':<16} same  oracle s  kernel s", flush=True)
    different = 0
    for pipeline in args.pipelines:
        for name in args.circuits:
            oracle = run("oracle", pipeline, [name], args.topo, args.shared)[name]
            kernel = run("kernel", pipeline, [name], args.topo, args.shared)[name]
            same = oracle["hash"] == kernel["hash"]
            different += not same
            print(
                f"{name:<18} {pipeline:<4} {kernel['q2']:>5} {kernel['ops']:>6}  "
                f"{oracle['hash']:<16} {kernel['hash']:<16} {'yes' if same else 'NO ':<4} "
                f"{oracle['wall']:>8.3f} {kernel['wall']:>9.3f}",
                flush=True,
            )
    print(f"{different} output(s) differ")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
