"""``placers:post``: a routed circuit moved onto the qubits where its estimated success
probability is highest."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Backend, Calibration, Circuit, PassContext
from qloom.api import ESP, run_pipeline
from qloom.config import pipeline_for
from qloom.pipeline import make_pass
from qloom.success import estimated_success
from qloom.testing import check_pass, circuits
from support import require_distribution
from support.topologies import device, directed, grid, heavy_hex, line

ROUTABLE = ["h", "x", "rz", "sx", "u3", "cx", "cz", "swap", "rzz", "cp"]
"""Gates a router alone can turn around on a directed pair (symmetric ones, and cx)."""
ROUTED = ["placers:subgraph", "placers:sabre", "routers:sabre"]
SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-placers")
    require_distribution("qloom-routers")


@pytest.fixture
def targets(calibrated) -> list[Backend]:
    """Calibrated small devices, undirected and directed."""
    return [
        calibrated(device("line6", line(6)), seed=3),
        calibrated(device("grid3x3", grid(3, 3)), seed=1),
        calibrated(device("heavyhex21", heavy_hex(1, 2)), seed=2),
        calibrated(device("directed-line5", directed(line(5), seed=1)), seed=4),
        calibrated(device("directed-grid2x3", directed(grid(2, 3), seed=2)), seed=5),
    ]


def post(circuit: Circuit, backend: Backend, **options: object) -> tuple[Circuit, PassContext]:
    context = PassContext(backend=backend, seed=0)
    return make_pass("placers", "post", dict(options))(circuit, context), context


def esp(circuit: Circuit, backend: Backend) -> float:
    """The estimated success probability, each ``swap`` as the three gates it becomes."""
    assert backend.calibration is not None
    expanded = circuit.copy_empty()
    for op in circuit:
        if op.name == "swap":
            a, b = op.qubits
            expanded.cx(a, b).cx(b, a).cx(a, b)
        else:
            expanded.append(op.name, op.qubits, op.params)
    return estimated_success(expanded, backend.calibration).probability


@SETTINGS
@given(circuit=circuits(max_qubits=5, max_ops=25, gates=ROUTABLE))
def test_routed_then_moved_is_equivalent_accepted_and_deterministic(circuit, targets):
    spec = {"name": "route-post", "passes": [*ROUTED, "placers:post"]}
    check_pass(spec, targets, [circuit], seed=7)


@SETTINGS
@given(circuit=circuits(max_qubits=5, max_ops=25, gates=ROUTABLE))
def test_the_estimate_never_drops_and_the_gates_stay(circuit, targets):
    for backend in targets:
        pipeline = pipeline_for(backend, {"name": "route", "passes": ROUTED})
        routed = run_pipeline(circuit, backend, pipeline, seed=7).circuit
        moved, _ = post(routed, backend)
        assert esp(moved, backend) >= esp(routed, backend) * (1 - 1e-12)
        assert sorted(op.name for op in moved) == sorted(op.name for op in routed)


@SETTINGS
@given(circuit=circuits(max_qubits=5, max_ops=25, gates=ROUTABLE))
def test_without_strict_directions_before_translation_the_output_is_accepted(circuit, calibrated):
    require_distribution("qloom-unrollers")
    natives = ["cx", "rz", "sx", "x"]
    targets = [
        Backend(b.name, b.num_qubits, b.connectivity, natives, calibration=b.calibration)
        for b in (
            calibrated(device("directed-line5", directed(line(5), seed=1)), seed=4),
            calibrated(device("directed-grid2x3", directed(grid(2, 3), seed=2)), seed=5),
        )
    ]
    loose = {"pass": "placers:post", "strict_direction": False}
    spec = {"name": "route-post-translate", "passes": [*ROUTED, loose, "unrollers:basis"]}
    check_pass(spec, targets, [circuit], seed=7)


def test_without_strict_directions_a_gate_may_land_reversed():
    # 0 -> 1 -> 2 <- 3: the only directed two-step path is 0 -> 1 -> 2
    rates = {(0, 1): 0.2, (1, 2): 0.01, (3, 2): 0.001}
    backend = Backend("arrows", 4, nx.DiGraph(list(rates)), calibration=Calibration({}, {}, rates))
    circuit = Circuit(4).cx(0, 1).cx(1, 2)
    strict, _ = post(circuit, backend)
    loose, _ = post(circuit, backend, strict_direction=False)
    assert strict is circuit
    assert esp(loose, backend) == pytest.approx(0.99 * 0.999)
    assert {*loose[0].qubits, *loose[1].qubits} == {1, 2, 3}


def test_a_swap_counts_as_three_gates():
    rates = {(0, 1): 0.05, (1, 2): 0.5, (2, 3): 0.1}
    backend = Backend("line4", 4, line(4), calibration=Calibration({}, {}, rates))
    # three gates of the swap outweigh the two cx: the swap takes the better pair
    moved, _ = post(Circuit(4).swap(2, 3).cx(0, 1).cx(0, 1), backend)
    assert moved[0].name == "swap" and {*moved[0].qubits} == {0, 1}


def test_a_gate_on_a_bad_pair_moves_to_the_best_pair():
    rates = {(0, 1): 0.3, (1, 2): 0.05, (2, 3): 0.01}
    backend = Backend("line4", 4, line(4), calibration=Calibration({}, {}, rates))
    moved, context = post(Circuit(4).cx(0, 1).cx(1, 0), backend)
    assert moved == Circuit(4).cx(2, 3).cx(3, 2) or moved == Circuit(4).cx(3, 2).cx(2, 3)
    assert set(context.layout.initial[:2]) == {2, 3}
    assert esp(moved, backend) == pytest.approx(0.99**2)


def test_single_qubit_work_and_readout_go_to_the_best_free_qubits():
    calibration = Calibration({0: 0.1, 1: 0.1, 2: 0.2, 3: 0.001}, {0: 0.3, 3: 0.01}, {})
    backend = Backend("line4", 4, line(4), calibration=calibration)
    circuit = Circuit(4, 1).sx(0).sx(0).measure(0, 0)
    moved, context = post(circuit, backend)
    assert context.layout.initial[0] == 3 and moved == Circuit(4, 1).sx(3).sx(3).measure(3, 0)


def test_directions_are_kept_on_a_directed_device():
    graph = directed(line(4), seed=1)
    rates = {edge: 0.2 for edge in graph.edges}
    a, b = sorted(graph.edges)[-1]
    rates[a, b] = 0.001
    backend = Backend("directed-line4", 4, graph, calibration=Calibration({}, {}, rates))
    start = sorted(graph.edges)[0]
    moved, _ = post(Circuit(4).cx(*start).cx(*start), backend)
    assert moved == Circuit(4).cx(a, b).cx(a, b)
    backend.validate(moved)


def test_a_circuit_with_a_gate_on_three_qubits_stays_where_it_is():
    rates = {(0, 1): 0.3, (1, 2): 0.3, (2, 3): 0.01, (3, 4): 0.01}
    backend = Backend("line5", 5, line(5), calibration=Calibration({}, {}, rates))
    circuit = Circuit(5).cx(0, 1).ccx(0, 1, 2)
    assert post(circuit, backend)[0] is circuit
    assert post(Circuit(5).cx(0, 1), backend)[0] != Circuit(5).cx(0, 1)


def test_padding_after_moves_the_circuit_within_its_region():
    require_distribution("qloom-hw-emulator")
    require_distribution("qloom-levels")
    from qloom.config import get_backend
    from qloom.testing import assert_equivalent

    backend = get_backend("emulator:heavy-hex-27")
    circuit = Circuit(5).h(0).cx(0, 1).cx(1, 2).cx(2, 3).cx(3, 4).cx(4, 0).rz(0.3, 2)
    outcome = run_pipeline(circuit, backend, pipeline_for(backend, "O3"), 11, "after")
    assert outcome.pass_times[-1]["pass"] == "placers:post"
    assert outcome.circuit.num_qubits == 27
    assert_equivalent(circuit, outcome.circuit, outcome.layout)


def test_nothing_changes_when_nothing_is_better_or_without_a_calibration():
    flat = Calibration({}, {}, {(0, 1): 0.01, (1, 2): 0.01})
    circuit = Circuit(3).h(0).cx(0, 1).cx(1, 2)
    for calibration in (flat, None):
        backend = Backend("line3", 3, line(3), calibration=calibration)
        moved, context = post(circuit, backend)
        assert moved is circuit and context.layout is None


@pytest.mark.parametrize("device_name", ["heavy-hex-27", "line-32", "heavy-hex-127"])
def test_levels_on_emulated_devices_pass_the_conformance_checks(device_name):
    require_distribution("qloom-hw-emulator")
    require_distribution("qloom-levels")
    ghz = Circuit(5).h(0).cx(0, 1).cx(0, 2).cx(0, 3).cx(3, 4).cx(4, 0)
    mixed = Circuit(4).u3(0.1, 0.2, 0.3, 0).cx(0, 1).cz(1, 2).cx(2, 3).cx(3, 0).rzz(0.4, 1, 3)
    check_pass("O3", [f"emulator:{device_name}"], [ghz, mixed], seed=11)
    check_pass("O2", [f"emulator:{device_name}"], [ghz, mixed], seed=11)


def test_o3_relabels_onto_better_qubits_than_without_the_passes():
    require_distribution("qloom-hw-emulator")
    require_distribution("qloom-levels")
    from qloom.config import get_backend, get_pipeline

    backend = get_backend("emulator:heavy-hex-27")
    circuit = Circuit(6).h(0)
    for q in range(5):
        circuit.cx(q, q + 1).rz(0.1 * q, q + 1).cx(q, q + 1)
    def strip(spec: dict) -> tuple[dict, int]:
        """``spec`` without its ``placers:post`` passes (O3's are in its search), and how
        many went."""
        kept, gone = [], 0
        for entry in spec["passes"]:
            if "passes" in entry:
                entry, inner = strip(entry)
                gone += inner
            elif entry["name"] == "post":
                gone += 1
                continue
            kept.append(entry)
        return {**spec, "passes": kept}, gone

    without, gone = strip(get_pipeline("O3").spec())
    assert gone == 2
    ours = run_pipeline(circuit, backend, pipeline_for(backend, "O3"), seed=11)
    theirs = run_pipeline(circuit, backend, pipeline_for(backend, without), seed=11)
    assert ours.circuit.count_2q() == theirs.circuit.count_2q()
    assert ours.properties[ESP]["probability"] > theirs.properties[ESP]["probability"]
