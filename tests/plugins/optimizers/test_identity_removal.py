"""``optimizers:remove_identities`` and ``approximation_degree``: gates equal to the identity
go (exactly at double precision by default, within a stated fidelity when asked), and what
went is reported."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

import qloom
from qloom import Backend, Circuit, ConfigError, Layout, PassContext, Pipeline
from qloom.api import run_pipeline
from qloom.config import get_pipeline
from qloom.report import transpile_with_report
from qloom.testing import check_pass, circuits
from qloom.testing.dense import apply_operations, embed, split_final_measurements
from qloom_optimizers.identity_equivalence import (
    EXACT_CUTOFF,
    cutoff,
    gate_distance,
    gate_infidelity,
)
from qloom_optimizers.optimize import Optimize
from qloom_optimizers.removal import RemoveIdentities
from support import require_distribution
from support.natives import NATIVE_SETS
from support.tolerances import IDENTITY_REMOVAL_ATOL
from support.topologies import directed, grid, heavy_hex, line

SLOW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NATIVES = NATIVE_SETS["ibm-cz"]
TINY = (1e-12, 3e-10, 2e-9)
"""Angles whose gates equal the identity at double precision (infidelity below epsilon)."""
SMALL = (1e-6, 1e-4, 0.01, 0.05, 0.2)
"""Angles whose gates do not, but are within an approximation degree of 0.999 or 0.99."""
EXACT_ATOL = IDENTITY_REMOVAL_ATOL


def devices() -> list[Backend]:
    """Line, grid, heavy-hex and directed heavy-hex devices with the IBM cz natives."""
    return [
        Backend("line5", 5, line(5), NATIVES),
        Backend("grid2x3", 6, grid(2, 3), NATIVES),
        Backend("heavyhex12", 12, heavy_hex(1, 1), NATIVES),
        Backend("directed-hh12", 12, directed(heavy_hex(1, 1), seed=3), NATIVES),
    ]


def only(entry: object) -> dict[str, object]:
    return {"name": "under-test", "passes": [entry]}


@st.composite
def with_near_identities(draw, angles=TINY + SMALL, max_qubits=4):
    """A random circuit with gates close to the identity put in at random places."""
    base = draw(circuits(max_qubits=max_qubits, max_ops=12, min_qubits=2))
    n = base.num_qubits
    ops = [(op.name, op.qubits, op.params) for op in base]
    for _ in range(draw(st.integers(1, 6))):
        a = draw(st.sampled_from(angles)) * draw(st.sampled_from((1, -1)))
        q = draw(st.permutations(range(n)))[:2]
        gate = draw(st.sampled_from(("rz", "p", "rx", "u", "cp", "rzz", "crx", "unitary", "id")))
        if gate in ("rz", "p", "rx"):
            new = (gate, (q[0],), (a,))
        elif gate == "u":
            new = ("u", (q[0],), (a, a / 2, -a / 2))
        elif gate == "id":
            new = ("id", (q[0],), ())
        elif gate == "unitary":
            rng = np.random.default_rng(draw(st.integers(0, 1000)))
            h = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
            h = (h + h.conj().T) / np.linalg.norm(h + h.conj().T, 2)
            m = np.exp(0.7j) * expm(1j * a * h)
            new = ("unitary", tuple(q), None, m)
        else:
            new = (gate, tuple(q), (a,))
        ops.insert(draw(st.integers(0, len(ops))), new)
    circuit = Circuit(n)
    for name, qubits, params, *matrix in ops:
        if matrix:
            circuit.unitary(matrix[0], qubits)
        else:
            circuit.append(name, qubits, params)
    return circuit


# --- the default: exact at double precision -------------------------------------------------


@SLOW
@given(circuit=with_near_identities())
def test_the_pass_alone_removes_exactly_the_identities_at_double_precision(circuit):
    check_pass(
        only("optimizers:remove_identities"), [Backend("sim")], [circuit], seed=1, atol=EXACT_ATOL
    )
    context = PassContext(backend=Backend("sim"))
    out = RemoveIdentities(cancel=False)(circuit, context)
    assert all(gate_infidelity(op.name, op.params, len(op.qubits)) > EXACT_CUTOFF for op in out)
    went = len(circuit) - len(out)
    assert context.properties.get("removed_identities", {"gates": 0})["gates"] == went


@pytest.mark.parametrize("level", ["O1", "O2"])
@SLOW
@given(circuit=with_near_identities())
def test_levels_with_the_pass_stay_equivalent_on_every_topology(level, circuit):
    require_distribution("qloom-levels")
    check_pass(level, devices(), [circuit], seed=2, atol=EXACT_ATOL)


def test_the_default_removes_cp_of_pi_over_2_to_the_30_but_not_2_to_the_20():
    circuit = Circuit(2).cp(math.pi / 2**30, 0, 1).cp(math.pi / 2**20, 0, 1)
    context = PassContext(backend=Backend("sim"))
    out = RemoveIdentities()(circuit, context)
    assert [(op.name, op.params) for op in out] == [("cp", (math.pi / 2**20,))]
    tally = context.properties["removed_identities"]
    assert tally["gates"] == 1
    assert tally["infidelity"] == pytest.approx(0.6 * math.sin(math.pi / 2**31) ** 2)


def test_cp_infidelity_and_distance_follow_their_closed_forms():
    for theta in (1e-12, 2.9e-9, 1e-4, 0.3, 2.0):
        infidelity = gate_infidelity("cp", (theta,), 2)
        assert infidelity == pytest.approx(0.6 * math.sin(theta / 2) ** 2, rel=1e-9)
        assert gate_distance("cp", (theta,), 2) == pytest.approx(2 * math.sin(theta / 4), 1e-9)
        if theta >= 1e-4:  # where the textbook formula has not lost its digits yet
            trace = abs(3 + np.exp(1j * theta)) / 4
            assert infidelity == pytest.approx(1 - (4 * trace**2 + 1) / 5, rel=1e-6)


def test_measurements_resets_directives_and_conditioned_gates_stay():
    circuit = Circuit(3, 3)
    circuit.append("id", (0,))
    circuit.append("rz", (1,), (0.0,), condition=("c", 1))
    circuit.barrier(0, 1, 2)
    circuit.reset(2)
    circuit.unitary(np.exp(0.3j) * np.eye(8), (0, 1, 2))
    circuit.measure(0, 0)
    out = RemoveIdentities()(circuit, PassContext(backend=Backend("sim")))
    assert [op.name for op in out] == ["rz", "barrier", "reset", "measure"]
    assert out[0].condition == ("c", 1)
    assert PassContext(backend=Backend("sim")).properties == {}


def test_the_optimizer_loop_uses_the_same_threshold():
    backend = Backend("line2", 2, line(2), NATIVES)
    routed = Circuit(2).cz(0, 1).rx(2e-9, 0).cz(0, 1)
    context = PassContext(backend=backend)
    out = Optimize()(routed, context)
    assert len(out) == 0  # rx(2e-9) is the identity at double precision, then cz cz cancel
    assert context.properties["removed_identities"]["gates"] == 1
    kept = Optimize()(Circuit(2).cz(0, 1).rx(1e-6, 0).cz(0, 1), PassContext(backend=backend))
    assert kept.count_2q() == 2


def test_levels_remove_identities_before_placement_and_o0_does_not():
    require_distribution("qloom-levels")

    def labels(pipeline: Pipeline) -> list[str]:
        """Every pass label in run order, nested pipelines (O3's search) walked into."""
        out: list[str] = []
        for step in pipeline.passes:
            out.append(step.label)
            if isinstance(step, Pipeline):
                out += labels(step)
        return out

    for level in ("O1", "O2", "O3"):
        nested = [p.label for p in get_pipeline(level).passes[1].passes]
        assert nested == ["unrollers:decompose", "optimizers:remove_identities"]
        order = labels(get_pipeline(level))
        assert order.index("optimizers:remove_identities") < order.index("placers:subgraph")
    assert "optimizers:remove_identities" not in str(get_pipeline("O0").spec())


def test_a_circuit_without_identities_transpiles_as_without_the_pass():
    """The pass sits inside the levels so that the passes after it keep their seeds."""
    require_distribution("qloom-levels")
    spec = get_pipeline("O2").spec()
    flat: list[object] = []
    for entry in spec["passes"]:
        inner = entry.get("passes", [entry])
        flat += [e for e in inner if e["name"] != "remove_identities"]
    without = dict(spec, passes=flat)
    rng = np.random.default_rng(4)
    circuit = Circuit(6)
    for _ in range(40):
        a, b = (int(q) for q in rng.choice(6, 2, replace=False))
        circuit.cx(a, b).rz(float(rng.uniform(0.1, 3)), b)
    backend = Backend("grid2x3", 6, grid(2, 3), NATIVES)
    for seed in range(3):
        a = qloom.transpile(circuit, on=backend, transpiler="O2", seed=seed)
        b = qloom.transpile(circuit, on=backend, transpiler=without, seed=seed)
        assert a == b and a.layout == b.layout


# --- approximation_degree --------------------------------------------------------------------


def test_cutoff_of_a_degree():
    assert cutoff(None) == cutoff(1.0) == EXACT_CUTOFF
    assert cutoff(0.99) == pytest.approx(0.01)


BAD_DEGREES = [0, 0.0, -0.5, 1.5, math.nan, math.inf, "0.9", True]


@pytest.mark.parametrize("bad", BAD_DEGREES)
def test_a_bad_approximation_degree_is_refused_naming_the_option_and_range(bad):
    circuit = Circuit(1).rz(0.1, 0)
    with pytest.raises(ConfigError, match=r"approximation_degree must be a float in \(0, 1\]"):
        qloom.transpile(circuit, on=Backend("sim"), approximation_degree=bad)


@pytest.mark.parametrize("bad", BAD_DEGREES)
def test_execute_refuses_a_bad_approximation_degree_too(bad):
    require_distribution("qloom-sim-numpy")  # a backend that executes
    circuit = Circuit(1).rz(0.1, 0)
    with pytest.raises(ConfigError, match=r"approximation_degree must be a float in \(0, 1\]"):
        qloom.execute(circuit, on="numpy", shots=8, seed=1, approximation_degree=bad)
    with pytest.raises(ConfigError, match="approximation_degree"):
        RemoveIdentities(approximation_degree=bad)
    with pytest.raises(ConfigError, match="approximation_degree"):
        Optimize(approximation_degree=bad)


def test_execute_carries_the_degree_to_the_passes():
    require_distribution("qloom-sim-numpy")
    circuit = Circuit(1).rx(0.06, 0)  # |1> with probability 9e-4: gone at degree 0.999
    pipeline = {"name": "t", "passes": ["optimizers:remove_identities"]}
    exact = qloom.execute(circuit, on="numpy", transpiler=pipeline, shots=20000, seed=1)
    loose = qloom.execute(
        circuit, on="numpy", transpiler=pipeline, shots=20000, seed=1, approximation_degree=0.999
    )
    assert loose.counts == {"0": 20000} and exact.counts.get("1", 0) > 0


def test_the_pass_option_wins_over_the_transpilation_degree():
    circuit = Circuit(1).rz(0.01, 0)
    loose = {"name": "t", "passes": ["optimizers:remove_identities"]}
    exact = {
        "name": "t",
        "passes": [{"pass": "optimizers:remove_identities", "approximation_degree": 1.0}],
    }
    sim = Backend("sim")
    assert len(qloom.transpile(circuit, on=sim, transpiler=loose, approximation_degree=0.999)) == 0
    assert len(qloom.transpile(circuit, on=sim, transpiler=exact, approximation_degree=0.999)) == 1
    assert len(qloom.transpile(circuit, on=sim, transpiler=loose)) == 1


def fidelities(original: Circuit, out: Circuit) -> tuple[float, float]:
    """Process fidelity of ``out`` (under its layout, ancillas in |0>) to ``original``, and
    the smallest fidelity over the logical basis states (up to one global phase)."""
    layout = out.layout
    logical, _ = split_final_measurements(original)
    physical, _ = split_final_measurements(out)
    active = sorted(
        {q for op in physical for q in op.qubits} | set(layout.initial) | set(layout.final)
    )
    compact = {p: i for i, p in enumerate(active)}
    ops = [op._replace(qubits=tuple(compact[q] for q in op.qubits)) for op in physical]
    n, width = original.num_qubits, len(active)
    inputs = np.eye(1 << n, dtype=complex)
    expected = embed(
        apply_operations(inputs, logical, n), [compact[p] for p in layout.final], width
    )
    actual = apply_operations(
        embed(inputs, [compact[p] for p in layout.initial], width), ops, width
    )
    overlap = np.vdot(expected, actual)
    process = abs(overlap / (1 << n)) ** 2
    phase = overlap / abs(overlap)
    states = np.abs(np.einsum("ij,ij->j", expected.conj(), actual * np.conj(phase))) ** 2
    return process, float(states.min())


@pytest.mark.parametrize("degree", [0.999, 0.99])
@pytest.mark.parametrize("level", ["O1", "O2", "O3"])
@SLOW
@given(circuit=with_near_identities(angles=SMALL))
def test_approximate_removal_keeps_the_fidelity_the_report_states(degree, level, circuit):
    require_distribution("qloom-levels")
    for backend in devices():
        outcome = run_pipeline(circuit, backend, get_pipeline(level), 3, None, degree)
        tally = outcome.properties.get("removed_identities")
        bound = tally["infidelity_bound"] if tally else 0.0
        process, worst_state = fidelities(circuit, outcome.circuit)
        assert process >= 1 - bound - 1e-9, (backend.name, tally)
        assert worst_state >= 1 - bound - 1e-9, (backend.name, tally)


@pytest.mark.parametrize("degree", [0.999, 0.99])
@SLOW
@given(circuit=with_near_identities(angles=SMALL))
def test_check_pass_with_a_degree_within_the_reported_distance(degree, circuit):
    entry = {"pass": "optimizers:remove_identities", "approximation_degree": degree}
    context = PassContext(backend=Backend("sim"))
    out = RemoveIdentities(approximation_degree=degree)(circuit, context)
    tally = context.properties.get("removed_identities", {"distance": 0.0, "gates": 0})
    # every gate within 1 - degree went, and no other
    limit = cutoff(degree)
    assert all(gate_infidelity(op.name, op.params, len(op.qubits)) > limit for op in out)
    # amplitudes move by at most the distance (twice, for the phase assert_equivalent picks)
    check_pass(only(entry), [Backend("sim")], [circuit], seed=1, atol=2 * tally["distance"] + 1e-9)


def test_a_block_equal_to_the_identity_within_the_degree_goes_whole():
    backend = Backend("line2", 2, line(2), NATIVES)
    # rzz(1.0) then rzz(-0.99) written the other way round: no gate is near the identity,
    # their product rzz(0.01) is (average infidelity 4/5 sin(0.005)**2)
    circuit = Circuit(2).cx(0, 1).rz(1.0, 1).cx(0, 1).cx(1, 0).rz(-0.99, 0).cx(1, 0)
    exact = Optimize(resynthesize=True)(circuit, PassContext(backend=backend))
    assert exact.count_2q() == 2
    context = PassContext(backend=backend, approximation_degree=0.999)
    out = Optimize(resynthesize=True)(circuit, context)
    assert len(out) == 0
    tally = context.properties["removed_identities"]
    assert tally["gates"] == 1
    assert tally["infidelity"] == pytest.approx(0.8 * math.sin(0.005) ** 2)
    out.layout = Layout.trivial(2, 2)
    process, worst_state = fidelities(circuit, out)
    assert min(process, worst_state) >= 1 - tally["infidelity_bound"]


def test_the_report_states_what_went():
    require_distribution("qloom-levels")
    circuit = Circuit(3).h(0).cp(math.pi / 2**30, 0, 1).cp(0.5, 1, 2).rz(0.02, 2)
    backend = Backend("line3", 3, line(3), NATIVES)
    _, exact = transpile_with_report(circuit, on=backend, transpiler="O2", seed=1)
    assert exact.removed_identities["gates"] == 1
    assert 0 < exact.removed_identities["infidelity"] <= EXACT_CUTOFF
    assert "gates equal to the identity removed: 1" in exact.table()
    _, loose = transpile_with_report(
        circuit, on=backend, transpiler="O2", seed=1, approximation_degree=0.999
    )
    assert loose.removed_identities["gates"] == 2
    assert loose.removed_identities["infidelity"] == pytest.approx(
        0.6 * math.sin(math.pi / 2**31) ** 2 + 2 / 3 * math.sin(0.01) ** 2
    )
    data = loose.to_dict()
    assert data["removed_identities"] == loose.removed_identities
    assert type(loose).from_json(loose.to_json()) == loose
