"""Routing real benchmark circuits on IBM's 127-qubit heavy hex (needs ../shared)."""

from __future__ import annotations

import json

import pytest

from qloom import Backend, qasm2, transpile
from support import require_distribution

from .conftest import pipeline

CIRCUITS = ["qft_n10", "qb_adder_n28", "qaoa3reg_n100_p1", "qb_qugan_n71"]


@pytest.fixture
def hh127(shared_benchmarks) -> Backend:
    data = json.loads((shared_benchmarks / "topologies" / "hh127.json").read_text())
    return Backend("hh127", data["n"], [tuple(e) for e in data["edges"]])


@pytest.mark.parametrize("name", CIRCUITS)
def test_benchmark_circuits_land_on_couplings(name, shared_benchmarks, hh127):
    require_distribution("qloom-placers")
    circuit = qasm2.load(shared_benchmarks / "circuits" / f"{name}.qasm")
    spec = pipeline({"pass": "placers:sabre", "trials": 2}, {"pass": "routers:sabre", "trials": 2})
    out = transpile(circuit, on=hh127, transpiler=spec, seed=11)
    edges = {tuple(sorted(e)) for e in hh127.connectivity.edges}
    two_qubit = [op for op in out if len(op.qubits) == 2]
    assert all(tuple(sorted(op.qubits)) in edges for op in two_qubit)
    swaps = out.count_ops().get("swap", 0)
    assert len(two_qubit) == circuit.count_2q() + swaps
    assert out.count_ops().get("u3", 0) == circuit.count_ops().get("u3", 0)
