"""The mapping pipelines end to end: padding, placement and routing together."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Backend, Circuit, PassContext, Pipeline, qasm2, transpile
from qloom.config import get_pipeline
from qloom.testing import assert_backend_accepts, assert_equivalent, check_pass, circuits
from support import require_distribution
from support.circuits import ghz
from support.topologies import device, devices, grid, line

# Gates a router can turn around on a directed pair; others wait for an unroller.
ORIENTABLE = ["h", "x", "rz", "sx", "u3", "cx", "cz", "swap", "rzz", "cp"]


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")


@pytest.mark.parametrize("name", ["mapping", "mapping_best"])
def test_pipelines_are_installed_as_specs(name):
    pipeline = get_pipeline(name)
    assert [p.label for p in pipeline.passes] == [
        "padding:auto",
        "placers:subgraph",
        "placers:sabre",
        "routers:sabre",
    ]
    assert Pipeline.from_spec(json.loads(json.dumps(pipeline.spec()))).spec() == pipeline.spec()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(circuit=circuits(max_qubits=5, max_ops=25, gates=ORIENTABLE))
def test_mapping_is_correct_on_every_kind_of_device(circuit):
    check_pass("mapping", devices(), [circuit], seed=3)


@pytest.mark.parametrize("padding", ["none", "before", "after"])
def test_every_padding_with_placement_and_routing(padding):
    backend = device("grid4x4", grid(4, 4))
    circuit = qasm2.loads(
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[6];'
        "h q[0]; cx q[0],q[3]; cx q[1],q[4]; cx q[2],q[5]; cx q[0],q[5]; rz(0.3) q[5];"
        "cx q[3],q[1]; cx q[4],q[2]; cx q[5],q[0]; cx q[2],q[0];"
    )
    out = transpile(circuit, on=backend, transpiler="mapping", seed=5, padding=padding)
    assert out.num_qubits == (6 if padding == "none" else 16)
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out, out.layout)
    if padding == "after":
        assert len(out.active_qubits()) <= 6


def test_padding_none_reports_when_the_first_qubits_are_not_connected():
    backend = Backend("split", 4, [(0, 2), (1, 3), (2, 3)])
    with pytest.raises(Exception, match=r"connect|reach|component"):
        transpile(Circuit(2).cx(0, 1), on=backend, transpiler="mapping", padding="none", seed=1)


def test_a_zero_swap_layout_is_found_when_one_exists():
    backend = device("grid5x5", grid(5, 5))
    out = transpile(ghz(25), on=backend, transpiler="mapping", seed=1)
    assert out.count_ops().get("swap", 0) == 0
    assert_backend_accepts(out, backend)


def test_same_seed_same_output_in_threads_and_in_another_process():
    backend = device("grid4x4", grid(4, 4))
    circuit = qasm2.loads(
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[10];'
        + "".join(f"cx q[{a}],q[{(a * 7 + 3) % 10}];" for a in range(10) if a != 1)
        + "".join(f"cx q[{a}],q[{(a + 5) % 10}];" for a in range(10))
    )
    here = transpile(circuit, on=backend, transpiler="mapping", seed=42)

    def again(_: int) -> Circuit:
        return transpile(circuit, on=backend, transpiler="mapping", seed=42)

    with ThreadPoolExecutor(2) as pool:
        threaded = list(pool.map(again, [0, 1]))
    assert all(t == here and t.layout == here.layout for t in threaded)
    script = f"""
import sys
sys.path.insert(0, {os.path.join(os.path.dirname(__file__), "..", "..")!r})
from qloom import qasm2, transpile
from support.topologies import device, grid
out = transpile(qasm2.loads({qasm2.dumps(circuit)!r}), on=device("grid4x4", grid(4, 4)),
                transpiler="mapping", seed=42)
print(qasm2.dumps(out)); print(list(out.layout.initial), list(out.layout.routing))
"""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert other == (
        qasm2.dumps(here) + "\n" + f"{list(here.layout.initial)} {list(here.layout.routing)}\n"
    )


def test_a_line_device_gets_a_chain_without_swaps():
    out = transpile(ghz(8), on=device("line8", line(8)), transpiler="mapping", seed=2)
    assert out.count_ops().get("swap", 0) == 0


def _first_qubits_connected(backend: Backend, n: int) -> bool:
    graph = backend.restrict(range(min(n, backend.num_qubits))).connectivity
    return nx.is_connected(nx.Graph(graph))


@pytest.mark.parametrize("padding", ["none", "before", "after"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(circuit=circuits(max_qubits=5, max_ops=20, gates=ORIENTABLE))
def test_every_padding_is_correct_on_every_kind_of_device(padding, circuit):
    pipeline = {
        "name": f"pad-{padding}",
        "passes": [f"padding:{padding}", "placers:sabre", "routers:sabre"],
    }
    usable = [
        b for b in devices() if padding != "none" or _first_qubits_connected(b, circuit.num_qubits)
    ]
    check_pass(pipeline, usable, [circuit], seed=9)


def test_idle_qubits_added_by_padding_do_not_change_sabre_placement():
    backend = device("grid4x4", grid(4, 4))
    circuit = Circuit(9)
    for a in range(9):
        for b in range(a + 1, 9, 2):
            circuit.cx(a, b)
    layouts = []
    for version in (circuit, circuit.remap(range(9), 16)):
        context = PassContext(backend=backend, seed=4)
        Pipeline.from_spec({"passes": ["placers:sabre"]})(version, context)
        layouts.append(context.layout.initial[:9])
    assert layouts[0] == layouts[1]


def test_padding_before_does_not_cost_sabre_swaps_on_a_large_device(shared_benchmarks):
    # Before the fix, the 64 idle qubits of the padded circuit made the search miss the
    # path layouts: 2,434 SWAPs instead of 1,932 here.
    topology = json.loads((shared_benchmarks / "topologies" / "hh127.json").read_text())
    backend = Backend("hh127", topology["n"], topology["edges"])
    circuit = qasm2.load(shared_benchmarks / "circuits" / "qb_qft_n63.qasm")
    found = []
    for version in (circuit, circuit.remap(range(circuit.num_qubits), 127)):
        context = PassContext(backend=backend, seed=11)
        Pipeline.from_spec({"passes": ["placers:sabre"]})(version, context)
        found.append((context.layout.initial[:63], context.properties["placers:sabre"]["swaps"]))
    assert found[0] == found[1]
