"""A benchmark set of circuits that are not in ``../shared``: other generators, other sizes.

Issue 18 asks that the techniques be measured on circuits nobody tuned on. This module
builds such a set deterministically from a seed: quantum volume, QFTs with and without the
final swaps, ripple-carry and QFT adders, phase estimation, IQP, hardware-efficient
ansatzes, QAOA on a random 4-regular graph, Grover, a chain of multi-controlled X gates,
star-shaped GHZ and Bernstein-Vazirani, random Clifford+T, a 2D Heisenberg Trotter step
and a hidden linear function. Families that ``qiskit.circuit.library`` or
``qiskit.synthesis`` has come from there; the others are built by hand here. Sizes (6-90
qubits) differ from the shared circuits'; 13 of the 29 fit ``hh27``, 16 ``line32``.

Every circuit is decomposed to u3 + cx by Qiskit at optimisation level 0 (as the shared
circuits are) and written as OpenQASM 2 beside a ``manifest.csv`` with the shared
manifest's columns, so ``bench_synthesis.py --set unseen`` (or ``--circuit-dir``) reads it
like the shared set. Needs qiskit (the comparison venv has it); nothing generated is
committed.

Run: python benchmarks/synthesis/unseen.py OUT_DIR [--seed 18] [--circuits 'qft*']
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from qiskit import QuantumCircuit

DEFAULT_SEED = 18
"""The seed of the set measured in docs/performance.md (issue 18)."""

MANIFEST_FIELDS = ("name", "qubits", "n2q", "ngates", "depth", "depth2q", "source")
"""The shared manifest's columns, so the mapping benchmark's loader reads both alike."""

Builder = Callable[[np.random.Generator], "QuantumCircuit"]


@dataclass(frozen=True)
class Spec:
    """One circuit of the set: its file name, how it is built, and a one-line source."""

    name: str
    build: Builder
    source: str


# -- hand-built families -------------------------------------------------------------------------


def _angles(rng: np.random.Generator, count: int) -> list[float]:
    return [float(a) for a in rng.uniform(-math.pi, math.pi, count)]


def regular_graph(n: int, degree: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """A random simple ``degree``-regular graph on ``n`` nodes (pairing model, retried until
    no loop or double edge), edges sorted."""
    if n * degree % 2 or degree >= n:
        raise ValueError(f"no simple {degree}-regular graph on {n} nodes")
    while True:
        stubs = rng.permutation(np.repeat(np.arange(n), degree))
        pairs = {tuple(sorted((int(a), int(b)))) for a, b in stubs.reshape(-1, 2)}
        if len(pairs) == n * degree // 2 and all(a != b for a, b in pairs):
            return sorted(pairs)  # type: ignore[arg-type]


def qaoa_maxcut(n: int, degree: int, layers: int) -> Builder:
    """MaxCut QAOA on a random regular graph: rzz per edge, rx mixer, random angles."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit

        edges = regular_graph(n, degree, rng)
        qc = QuantumCircuit(n)
        qc.h(range(n))
        for gamma, beta in zip(_angles(rng, layers), _angles(rng, layers), strict=True):
            for a, b in edges:
                qc.rzz(gamma, a, b)
            qc.rx(beta, range(n))
        return qc

    return build


def ghz_star(n: int) -> Builder:
    """GHZ with every CNOT from qubit 0 (commuting CNOTs that share a control)."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit

        qc = QuantumCircuit(n)
        qc.h(0)
        for target in range(1, n):
            qc.cx(0, target)
        return qc

    return build


def bv_star(n: int, density: float) -> Builder:
    """Bernstein-Vazirani with a random secret: CNOTs from the set bits to one target."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit

        secret = rng.random(n - 1) < density
        qc = QuantumCircuit(n)
        qc.x(n - 1)
        qc.h(range(n))
        for bit in np.flatnonzero(secret):
            qc.cx(int(bit), n - 1)
        qc.h(range(n - 1))
        return qc

    return build


def clifford_t(n: int, gates: int, cx_share: float) -> Builder:
    """Random Clifford+T: each gate a CNOT on a random pair with probability ``cx_share``,
    else one of h, s, sdg, t, tdg on a random qubit."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit

        qc = QuantumCircuit(n)
        for _ in range(gates):
            if rng.random() < cx_share:
                a, b = rng.choice(n, size=2, replace=False)
                qc.cx(int(a), int(b))
            else:
                getattr(qc, str(rng.choice(["h", "s", "sdg", "t", "tdg"])))(int(rng.integers(n)))
        return qc

    return build


def mcx_chain(n: int, controls: int) -> Builder:
    """Multi-controlled X gates on sliding windows: qubits i..i+c-1 control i+c (no ancilla)."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit

        qc = QuantumCircuit(n)
        qc.h(range(controls))
        for first in range(n - controls):
            qc.mcx(list(range(first, first + controls)), first + controls)
        return qc

    return build


def heisenberg_grid(rows: int, cols: int, steps: int) -> Builder:
    """Trotter steps of a 2D Heisenberg model with random couplings: rxx, ryy, rzz per
    nearest-neighbour pair of a ``rows`` x ``cols`` lattice, then random z fields."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit

        n = rows * cols
        edges = [(r * cols + c, r * cols + c + 1) for r in range(rows) for c in range(cols - 1)]
        edges += [(r * cols + c, (r + 1) * cols + c) for r in range(rows - 1) for c in range(cols)]
        couplings = _angles(rng, len(edges))
        fields = _angles(rng, n)
        qc = QuantumCircuit(n)
        qc.x(range(0, n, 2))
        for _ in range(steps):
            for (a, b), j in zip(edges, couplings, strict=True):
                qc.rxx(j / 4, a, b)
                qc.ryy(j / 4, a, b)
                qc.rzz(j / 4, a, b)
            for q, h in enumerate(fields):
                qc.rz(h / 4, q)
        return qc

    return build


def phase_estimation_ising(counting: int, targets: int) -> Builder:
    """Phase estimation of a diagonal Ising propagator U = exp(-i sum(J zz + h z)): controlled
    U^(2^k) has the same gates with angles times 2^k, then an inverse QFT with swaps."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit
        from qiskit.synthesis import synth_qft_full

        zz = _angles(rng, targets - 1)
        z = _angles(rng, targets)
        qc = QuantumCircuit(counting + targets)
        first = counting
        qc.h(range(counting))
        qc.x(range(first, first + targets, 2))
        for k in range(counting):
            scale = 2**k
            for i, j in enumerate(zz):
                qc.cx(first + i, first + i + 1)
                qc.crz(scale * j, k, first + i + 1)
                qc.cx(first + i, first + i + 1)
            for i, h in enumerate(z):
                qc.crz(scale * h, k, first + i)
        qc.compose(synth_qft_full(counting, inverse=True), range(counting), inplace=True)
        return qc

    return build


# -- qiskit library families ---------------------------------------------------------------------


def _seed_of(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31))


def quantum_volume(n: int) -> Builder:
    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit.circuit.library import quantum_volume

        return quantum_volume(n, seed=_seed_of(rng))

    return build


def random_iqp(n: int) -> Builder:
    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit.circuit.library import random_iqp

        return random_iqp(n, seed=_seed_of(rng))

    return build


def qft(n: int, swaps: bool) -> Builder:
    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit.synthesis import synth_qft_full

        return synth_qft_full(n, do_swaps=swaps)

    return build


def adder(kind: str, bits: int) -> Builder:
    """One of Qiskit's adders (``c04``: CDKM ripple carry, ``v95``: VBE ripple carry,
    ``d00``: Draper QFT adder) on random inputs prepared with X gates."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit, synthesis

        add = getattr(synthesis, f"adder_{'ripple_' if kind != 'd00' else 'qft_'}{kind}")(bits)
        qc = QuantumCircuit(add.num_qubits)
        for q in np.flatnonzero(rng.random(2 * bits) < 0.5):
            qc.x(int(q) + (1 if kind == "c04" else 0))  # c04's first qubit is the carry in
        qc.compose(add, inplace=True)
        return qc

    return build


def ansatz(kind: str, n: int, entanglement: str, reps: int) -> Builder:
    """``efficient_su2`` or ``real_amplitudes`` with random parameter values."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit.circuit import library

        qc = getattr(library, kind)(n, entanglement=entanglement, reps=reps)
        return qc.assign_parameters(_angles(rng, qc.num_parameters))

    return build


def grover(n: int, iterations: int) -> Builder:
    """Grover search for one random marked bit string: ``grover_operator`` of a phase
    oracle (X gates around a multi-controlled Z) after a layer of H."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit import QuantumCircuit
        from qiskit.circuit.library import grover_operator

        zeros = [int(q) for q in np.flatnonzero(rng.random(n) < 0.5)]
        oracle = QuantumCircuit(n)
        if zeros:
            oracle.x(zeros)
        oracle.h(n - 1)
        oracle.mcx(list(range(n - 1)), n - 1)
        oracle.h(n - 1)
        if zeros:
            oracle.x(zeros)
        step = grover_operator(oracle)
        qc = QuantumCircuit(n)
        qc.h(range(n))
        for _ in range(iterations):
            qc.compose(step, inplace=True)
        return qc

    return build


def hidden_linear(n: int, density: float) -> Builder:
    """``hidden_linear_function`` of a random symmetric 0/1 matrix (CZ per edge, S per
    diagonal one)."""

    def build(rng: np.random.Generator) -> QuantumCircuit:
        from qiskit.circuit.library import hidden_linear_function

        upper = np.triu(rng.random((n, n)) < density, 1)
        matrix = (upper | upper.T).astype(int)
        np.fill_diagonal(matrix, rng.random(n) < 0.5)
        return hidden_linear_function(matrix.tolist())

    return build


SPECS: tuple[Spec, ...] = (
    Spec("u_qv_n12", quantum_volume(12), "qiskit quantum_volume(12)"),
    Spec("u_qv_n27", quantum_volume(27), "qiskit quantum_volume(27)"),
    Spec("u_qft_n24", qft(24, True), "qiskit synth_qft_full(24), final swaps"),
    Spec("u_qft_n48_noswap", qft(48, False), "qiskit synth_qft_full(48, do_swaps=False)"),
    Spec("u_qft_n72", qft(72, True), "qiskit synth_qft_full(72), final swaps"),
    Spec("u_adder_c04_n26", adder("c04", 12), "qiskit adder_ripple_c04(12) (CDKM), random inputs"),
    Spec("u_adder_c04_n82", adder("c04", 40), "qiskit adder_ripple_c04(40) (CDKM), random inputs"),
    Spec("u_adder_v95_n30", adder("v95", 10), "qiskit adder_ripple_v95(10) (VBE), random inputs"),
    Spec("u_adder_d00_n33", adder("d00", 16), "qiskit adder_qft_d00(16) (Draper), random inputs"),
    Spec("u_qpe_n20", phase_estimation_ising(16, 4), "own: phase estimation, 16 + 4 qubits"),
    Spec("u_qpe_n45", phase_estimation_ising(40, 5), "own: phase estimation, 40 + 5 qubits"),
    Spec("u_iqp_n18", random_iqp(18), "qiskit random_iqp(18)"),
    Spec("u_iqp_n36", random_iqp(36), "qiskit random_iqp(36)"),
    Spec("u_hea_su2_n40", ansatz("efficient_su2", 40, "circular", 3), "qiskit efficient_su2"),
    Spec("u_hea_ra_n20_full", ansatz("real_amplitudes", 20, "full", 2), "qiskit real_amplitudes"),
    Spec("u_hea_ra_n9_full", ansatz("real_amplitudes", 9, "full", 3), "qiskit real_amplitudes"),
    Spec("u_hea_su2_n64_pair", ansatz("efficient_su2", 64, "pairwise", 4), "qiskit efficient_su2"),
    Spec("u_qaoa4reg_n10_p3", qaoa_maxcut(10, 4, 3), "own: MaxCut QAOA, random 4-regular, p=3"),
    Spec("u_qaoa4reg_n24_p2", qaoa_maxcut(24, 4, 2), "own: MaxCut QAOA, random 4-regular, p=2"),
    Spec("u_qaoa4reg_n70_p1", qaoa_maxcut(70, 4, 1), "own: MaxCut QAOA, random 4-regular, p=1"),
    Spec("u_grover_n6", grover(6, 6), "qiskit grover_operator, 6 qubits, 6 iterations"),
    Spec("u_mcx_chain_n30", mcx_chain(30, 4), "own: MCX with 4 controls on sliding windows"),
    Spec("u_ghz_star_n90", ghz_star(90), "own: GHZ, every CNOT from qubit 0"),
    Spec("u_ghz_star_n33", ghz_star(33), "own: GHZ, every CNOT from qubit 0"),
    Spec("u_bv_star_n57", bv_star(57, 0.6), "own: Bernstein-Vazirani, random secret"),
    Spec("u_clifford_t_n16", clifford_t(16, 600, 0.35), "own: random Clifford+T, 600 gates"),
    Spec("u_clifford_t_n50", clifford_t(50, 1500, 0.3), "own: random Clifford+T, 1500 gates"),
    Spec("u_heisenberg_n25", heisenberg_grid(5, 5, 3), "own: 2D Heisenberg, 3 Trotter steps"),
    Spec("u_hlf_n30", hidden_linear(30, 0.15), "qiskit hidden_linear_function, random graph"),
)
"""The set, in run order. Names start with ``u_`` so they never collide with shared ones."""


# -- building and writing ------------------------------------------------------------------------


def rng_for(seed: int, name: str) -> np.random.Generator:
    """Each circuit's own generator: the set's seed and a stable hash of the name, so adding
    or dropping a circuit leaves the others unchanged."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def decompose(circuit: QuantumCircuit) -> QuantumCircuit:
    """u3 + cx, unrouted, as the shared circuits are (Qiskit at optimisation level 0)."""
    from qiskit import QuantumCircuit, QuantumRegister, transpile

    flat = transpile(circuit, basis_gates=["u3", "cx"], optimization_level=0, seed_transpiler=0)
    out = QuantumCircuit(QuantumRegister(flat.num_qubits, "q"))  # one register named q
    return out.compose(flat)


def manifest_row(name: str, circuit: QuantumCircuit, source: str) -> dict[str, str]:
    """The shared manifest's columns for one decomposed circuit."""
    ops = circuit.count_ops()
    values = {
        "name": name,
        "qubits": circuit.num_qubits,
        "n2q": ops.get("cx", 0),
        "ngates": sum(n for g, n in ops.items() if g not in ("barrier", "measure")),
        "depth": circuit.depth(),
        "depth2q": circuit.depth(lambda instruction: instruction.operation.num_qubits == 2),
        "source": source,
    }
    return {k: str(v) for k, v in values.items()}


def write_set(
    directory: Path, seed: int = DEFAULT_SEED, globs: list[str] | None = None
) -> list[dict[str, str]]:
    """Build the set (or the circuits whose names match ``globs``) into ``directory``:
    ``<name>.qasm`` files and ``manifest.csv``. Returns the manifest rows.

    Raises:
        ImportError: qiskit is not installed.
    """
    from qiskit import qasm2

    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    for spec in SPECS:
        if globs is not None and not any(fnmatch.fnmatch(spec.name, g) for g in globs):
            continue
        circuit = decompose(spec.build(rng_for(seed, spec.name)))
        (directory / f"{spec.name}.qasm").write_text(qasm2.dumps(circuit) + "\n")
        rows.append(manifest_row(spec.name, circuit, f"{spec.source}; seed {seed}"))
    with (directory / "manifest.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the QASM files into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the set's seed")
    parser.add_argument("--circuits", help="comma-separated globs on circuit names")
    args = parser.parse_args(argv)
    globs = args.circuits.split(",") if args.circuits else None
    rows = write_set(args.out, args.seed, globs)
    for row in rows:
        print(f"{row['name']:<22} {row['qubits']:>3} qubits {row['n2q']:>6} cx  {row['source']}")
    print(f"{len(rows)} circuits and manifest.csv written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
