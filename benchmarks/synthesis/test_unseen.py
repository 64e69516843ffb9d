"""The unseen circuit set (``unseen.py``): deterministic under its seed, valid u3 + cx QASM
that qloom parses, and what ``bench_synthesis.py --set unseen`` / ``--circuit-dir`` reads.

Needs qiskit (skipped without it). Run: python -m pytest benchmarks/synthesis/test_unseen.py
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("qiskit")  # the generator's library; numpy comes with it

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_synthesis
import unseen


def width(name: str) -> int:
    """The qubit count a name states (``_nWIDTH``), 0 when it states none."""
    found = re.search(r"_n(\d+)(_|$)", name)
    return int(found[1]) if found else 0


SMALL = [s for s in unseen.SPECS if width(s.name) <= 10]
"""The circuits small enough to compare unitaries before and after the decomposition."""


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    """The whole set at the default seed, written once for the module."""
    directory = tmp_path_factory.mktemp("unseen")
    return directory, unseen.write_set(directory)


def test_the_set_is_the_same_for_the_same_seed(written, tmp_path):
    directory, rows = written
    again = unseen.write_set(tmp_path)
    assert again == rows
    for row in rows:
        name = f"{row['name']}.qasm"
        assert (tmp_path / name).read_text() == (directory / name).read_text(), name
    assert (tmp_path / "manifest.csv").read_text() == (directory / "manifest.csv").read_text()


def test_another_seed_changes_the_random_circuits_only(written, tmp_path):
    directory, _ = written
    unseen.write_set(tmp_path, seed=unseen.DEFAULT_SEED + 1, globs=["u_qv_n12", "u_qft_n24"])
    assert (tmp_path / "u_qv_n12.qasm").read_text() != (directory / "u_qv_n12.qasm").read_text()
    assert (tmp_path / "u_qft_n24.qasm").read_text() == (directory / "u_qft_n24.qasm").read_text()


def test_every_circuit_is_u3_cx_qasm_that_qloom_parses_as_the_manifest_says(written):
    from qloom import qasm2

    directory, rows = written
    assert [r["name"] for r in rows] == [s.name for s in unseen.SPECS]
    with (directory / "manifest.csv").open(newline="") as handle:
        assert list(csv.DictReader(handle)) == rows
    for row in rows:
        circuit = qasm2.loads((directory / f"{row['name']}.qasm").read_text())
        assert {op.name for op in circuit} <= {"u3", "cx"}, row["name"]
        assert circuit.num_qubits == int(row["qubits"]), row["name"]
        assert circuit.count_2q() == int(row["n2q"]), row["name"]
        assert int(row["n2q"]) > 0, row["name"]


def test_names_say_the_width_and_every_circuit_fits_the_big_devices(written):
    _, rows = written
    assert len({r["name"] for r in rows}) == len(rows)
    for row in rows:
        assert not row["name"].startswith(("qft_", "qv_", "qb_")), "names of the shared set"
        assert 6 <= int(row["qubits"]) <= 100, row["name"]
        assert width(row["name"]) == int(row["qubits"]), row["name"]
    assert sum(1 for r in rows if int(r["qubits"]) <= 27) >= len(rows) // 3


@pytest.mark.parametrize("spec", SMALL, ids=lambda s: s.name)
def test_the_decomposition_keeps_the_unitary(spec):
    from qiskit.quantum_info import Operator

    built = spec.build(unseen.rng_for(unseen.DEFAULT_SEED, spec.name))
    assert Operator(unseen.decompose(built)).equiv(Operator(built))


@pytest.mark.parametrize(("n", "degree"), [(10, 4), (24, 4), (70, 4), (9, 2)])
def test_regular_graph_is_simple_and_regular(n, degree):
    edges = unseen.regular_graph(n, degree, np.random.default_rng(3))
    assert len(set(edges)) == len(edges) == n * degree // 2
    assert all(a < b for a, b in edges)
    assert Counter(q for e in edges for q in e) == dict.fromkeys(range(n), degree)


def test_regular_graph_refuses_an_impossible_degree():
    with pytest.raises(ValueError, match="3-regular graph on 9 nodes"):
        unseen.regular_graph(9, 3, np.random.default_rng(0))


def test_bench_synthesis_plans_the_generated_set():
    if not (bench_synthesis.SHARED / "topologies" / "hh27.json").is_file():
        pytest.skip("the shared devices are not here")
    args = bench_synthesis.parse_args(["--set", "unseen", "--circuits", "u_ghz_star_n*"])
    with bench_synthesis.circuit_set(args) as (directory, which):
        assert "seed 18" in which and "unseen" in which
        jobs = bench_synthesis.plan(args, directory)
        assert [(t["name"], c["name"]) for t, c, _ in jobs] == [
            (topo, name)
            for topo in bench_synthesis.TOPOLOGIES
            for name in ("u_ghz_star_n90", "u_ghz_star_n33")
        ]
        assert all(path.parent == directory and path.is_file() for _, _, path in jobs)
    assert not directory.exists(), "the generated set is removed after the run"


def test_bench_synthesis_reads_a_circuit_dir(written):
    if not (bench_synthesis.SHARED / "topologies" / "hh27.json").is_file():
        pytest.skip("the shared devices are not here")
    directory, rows = written
    args = bench_synthesis.parse_args(["--circuit-dir", str(directory), "--quick"])
    with bench_synthesis.circuit_set(args) as (found, which):
        assert found == directory and str(directory) in which
        jobs = bench_synthesis.plan(args, found)
    small = [r["name"] for r in rows if int(r["qubits"]) <= bench_synthesis.QUICK_MAX_QUBITS]
    assert small and [c["name"] for _, c, _ in jobs] == small * 2  # hh27, line32
