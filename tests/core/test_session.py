"""``qloom.Session``: step, observe, reward, undo, fork, parameters, to_pipeline.

These tests use small real passes registered in memory, so they run with the core alone;
``tests/plugins/levels/test_session_levels.py`` steps the installed passes and levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from qloom import (
    Backend,
    Circuit,
    ConfigError,
    Layout,
    OptionError,
    Pass,
    PassContext,
    PassError,
    Pipeline,
    Session,
    UnknownPluginError,
    hookimpl,
    transpile,
)
from qloom.calibration import Calibration
from qloom.passes import derive_seed
from qloom.plugins import get_registry
from qloom.qasm2 import dumps
from qloom.session import NUMERIC, OBSERVATIONS, REWARDS, SessionError
from qloom.testing import assert_backend_accepts, assert_equivalent
from support.parts import AppendIdentity, Explode, ReverseQubits


class CancelPairs(Pass):
    """Drop adjacent identical self-inverse gates (h h, cx cx): a real optimizer."""

    kind = "optimizers"
    name = "cancel-pairs"
    option_defaults: ClassVar[Mapping[str, Any]] = {"names": ("h", "cx", "x")}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        out: list[Any] = []
        for op in circuit:
            if out and op == out[-1] and op.name in self.option("names"):
                out.pop()
            else:
                out.append(op)
        return circuit.copy_with(out)


class SwapToLine(Pass):
    """Route on a line by swapping the control next to the target: a real router."""

    kind = "routers"
    name = "line"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        n = circuit.num_qubits
        where = list(range(n))  # where[logical wire] = physical
        out = circuit.copy_empty()
        for op in circuit:
            qubits = [where[q] for q in op.qubits]
            if len(qubits) == 2 and abs(qubits[0] - qubits[1]) > 1:
                a, b = qubits
                step = 1 if b > a else -1
                while abs(a - b) > 1:
                    nxt = a + step
                    out.append("swap", [a, nxt])
                    i, j = where.index(a), where.index(nxt)
                    where[i], where[j] = nxt, a
                    a = nxt
                qubits = [a, b]
            out.append(op.name, qubits, op.params, op.clbits)
        routing = [0] * n
        for logical, physical in enumerate(where):
            routing[logical] = physical
        context.compose(Layout(tuple(range(n)), tuple(routing)))
        return out


class SeededPair(Pass):
    """Append rz(t) rz(-t) on qubit 0, t drawn from the pass's seed: seed-dependent output,
    same unitary."""

    kind = "optimizers"
    name = "seeded-pair"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        angle = float(context.rng().uniform(0, 1))
        return circuit.copy().rz(angle, 0).rz(-angle, 0)


class WidenAtEnd(Pass):
    """Add ``extra`` idle qubits once the pipeline is done (as ``padding:after`` does)."""

    kind = "padding"
    name = "widen"
    option_defaults: ClassVar[Mapping[str, Any]] = {"extra": 1}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        extra = self.option("extra")

        def widen(done: Circuit, ctx: PassContext) -> Circuit:
            n = done.num_qubits
            ctx.compose(Layout(tuple(range(n)), tuple(range(n + extra))))
            return done.remap(list(range(n)), n + extra)

        context.at_end(widen)
        return circuit


class Degree(Pass):
    """Record the approximation degree the context gave it (as an ``id`` per tenth)."""

    kind = "optimizers"
    name = "degree"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        out = circuit.copy()
        for _ in range(round(10 * (context.approximation_degree or 1.0))):
            out.append("id", [0])
        return out


LINE = Backend("line4", 4, [(0, 1), (1, 2), (2, 3)], ["h", "cx", "swap", "x", "id", "rz"])


@pytest.fixture(autouse=True)
def parts():
    registry = get_registry()
    parts = (
        ReverseQubits,
        AppendIdentity,
        Explode,
        CancelPairs,
        SwapToLine,
        WidenAtEnd,
        SeededPair,
        Degree,
    )
    for part in parts:
        registry.register(part.kind, part.name, part)
    return registry


def bell_chain() -> Circuit:
    return Circuit(4).h(0).h(0).h(0).cx(0, 3).cx(0, 3).cx(0, 3).x(2).x(2).cx(1, 2)


def same(a: Circuit, b: Circuit) -> bool:
    return dumps(a) == dumps(b) and a.layout == b.layout


def at_once(session: Session, passes: list[Pass]) -> Circuit:
    """What running ``passes`` as one pipeline gives, without the backend check."""
    context = PassContext(backend=session.backend, seed=session.seed)
    out = Pipeline(passes, name="at-once")(session.input, context)
    out = out.copy()
    out.layout = context.layout or Layout.trivial(session.input.num_qubits, out.num_qubits)
    return out


def test_a_step_runs_one_pass_and_says_what_it_did():
    session = Session(bell_chain(), on=LINE, seed=5)
    assert session.observation["n2q"] == 4 and not session.executable
    result = session.step("optimizers:cancel-pairs")
    assert result.reward == 2.0  # n2q: 4 -> 2
    assert result.observation["n2q"] == 2 and result.observation["ops"] == 3
    assert not result.executable  # cx(0, 3) is not on an edge
    assert result.step.label == "optimizers:cancel-pairs"
    assert result.step.seed == derive_seed(5, 0, "optimizers:cancel-pairs")
    assert session.history == (result.step,)
    result = session.step("routers:line")
    assert result.executable and result.observation["on_edges"]
    assert result.reward == -2.0  # two swaps added
    assert_backend_accepts(session.circuit, LINE)
    assert_equivalent(bell_chain(), session.circuit, session.layout)


def test_steps_equal_the_same_pipeline_run_at_once_seeds_included():
    session = Session(bell_chain(), on=LINE, seed=11)
    labels = ["placers:reverse", "optimizers:seeded-pair", "optimizers:cancel-pairs"]
    labels += ["routers:line", "optimizers:seeded-pair", "optimizers:seeded-pair"]
    for label in labels:
        session.step(label)
    built = [get_registry().build(*label.split(":"), Pass) for label in labels]
    assert same(session.circuit, at_once(session, built))
    assert_equivalent(bell_chain(), session.circuit, session.layout)


def test_to_pipeline_rebuilds_the_circuit_through_transpile():
    session = Session(bell_chain(), on=LINE, seed=3)
    session.step("placers:reverse")
    session.step("optimizers:cancel-pairs", names=["cx"])
    session.step("routers:line")
    pipeline = session.to_pipeline("mine")
    assert [p.label for p in pipeline.passes] == [s.label for s in session.history]
    assert pipeline.passes[1].options == {"names": ["cx"]}
    out = transpile(session.input, on=LINE, transpiler=pipeline, **session.transpile_options())
    assert same(out, session.circuit)
    assert session.to_spec("mine")["passes"][1]["options"] == {"names": ["cx"]}


def test_pending_finishers_show_in_the_circuit_as_the_pipeline_would_return_it():
    session = Session(Circuit(2).h(0).cx(0, 1), on=Backend("sim"), seed=1)
    session.step("padding:widen", extra=2)
    assert session.circuit.num_qubits == 4  # the finisher ran on the view
    session.step("optimizers:append-id")
    assert session.circuit.num_qubits == 4
    assert session.layout.num_physical == 4
    built = [WidenAtEnd(extra=2), AppendIdentity()]
    built[0].name, built[1].name = "widen", "append-id"
    assert same(session.circuit, at_once(session, built))


def test_a_failing_pass_leaves_the_session_as_it_was():
    session = Session(bell_chain(), on=LINE, seed=2)
    session.step("optimizers:cancel-pairs")
    before = session.circuit
    with pytest.raises(PassError, match="lookahead weight") as caught:
        session.step("routers:explode")
    assert caught.value.pass_name == "routers:explode"
    assert same(session.circuit, before)
    assert len(session.history) == 1
    with pytest.raises(OptionError, match="names"):
        session.step("optimizers:cancel-pairs", nmaes=["h"])
    with pytest.raises(UnknownPluginError, match="cancel-pairs"):
        session.step("optimizers:cancel-pair")
    with pytest.raises(ConfigError, match="kind:name"):
        session.step("cancel-pairs")
    assert len(session.history) == 1 and same(session.circuit, before)


def test_undo_restores_the_state_before_the_step():
    session = Session(bell_chain(), on=LINE, seed=4)
    with pytest.raises(SessionError, match="nothing to undo"):
        session.undo()
    session.step("placers:reverse")
    before, observed = session.circuit, dict(session.observation.items())
    step = session.step("routers:line").step
    assert session.undo() == step
    assert same(session.circuit, before)
    assert dict(session.observation.items()) == observed
    again = session.step("routers:line").step
    assert again.seed == step.seed  # the same position: the same seed


def test_forks_are_independent_and_share_earlier_states():
    session = Session(bell_chain(), on=LINE, seed=6)
    session.step("optimizers:cancel-pairs")
    fork = session.fork()
    assert fork.history == session.history
    assert fork._states[-1] is session._states[-1]  # shared, not copied
    fork.step("routers:line")
    session.step("placers:reverse")
    session.step("routers:line")
    assert [s.label for s in fork.history] == ["optimizers:cancel-pairs", "routers:line"]
    assert len(session.history) == 3
    for branch, labels in (
        (fork, ["optimizers:cancel-pairs", "routers:line"]),
        (session, ["optimizers:cancel-pairs", "placers:reverse", "routers:line"]),
    ):
        fresh = Session(bell_chain(), on=LINE, seed=6)
        for label in labels:
            fresh.step(label)
        assert same(branch.circuit, fresh.circuit)
    fork.undo()
    fork.undo()
    assert len(session.history) == 3  # undoing the fork leaves the parent alone
    fork.set_parameter("optimizers:append-id", qubit=2)
    assert "optimizers:append-id" not in session.parameters


def test_reset_goes_back_to_the_input():
    session = Session(bell_chain(), on=LINE, seed=6)
    session.step("optimizers:cancel-pairs")
    session.reset()
    assert session.history == ()
    assert dumps(session.circuit) == dumps(bell_chain()) and session.layout.is_trivial


def test_same_seed_same_steps_same_circuit_and_seeds_differ_by_step():
    runs = []
    for _ in range(2):
        session = Session(bell_chain(), on=LINE, seed=9)
        session.step("optimizers:seeded-pair")
        session.step("optimizers:seeded-pair")
        runs.append(session)
    assert same(runs[0].circuit, runs[1].circuit)
    other = Session(bell_chain(), on=LINE, seed=10)
    other.step("optimizers:seeded-pair")
    other.step("optimizers:seeded-pair")
    assert dumps(other.circuit) != dumps(runs[0].circuit)
    seeds = [s.seed for s in runs[0].history]
    assert seeds[0] != seeds[1]
    assert Session(bell_chain(), on=LINE).seed != Session(bell_chain(), on=LINE).seed


def test_parameters_change_later_steps_only():
    session = Session(
        Circuit(1), on=Backend("sim"), seed=1, parameters={"approximation_degree": 0.5}
    )
    session.step("optimizers:degree")
    assert session.observation["ops"] == 5
    session.set_parameter("approximation_degree", 0.8)
    session.step("optimizers:degree")
    assert session.observation["ops"] == 13
    assert session.transpile_options() == {"seed": 1, "approximation_degree": 0.8}
    session.set_parameter("optimizers:append-id", qubit=0)
    assert session.step("optimizers:append-id").step.options == {"qubit": 0}
    assert session.step("optimizers:append-id", qubit=0).step.options == {"qubit": 0}
    assert session.parameters["optimizers:append-id"] == {"qubit": 0}
    session.set_parameter("optimizers:append-id")
    assert "optimizers:append-id" not in session.parameters
    with pytest.raises(OptionError, match="qubit"):
        session.set_parameter("optimizers:append-id", qbit=1)
    with pytest.raises(ConfigError, match="approximation_degree"):
        session.set_parameter("approximation_degre", 0.5)
    with pytest.raises(ConfigError):
        session.set_parameter("approximation_degree", 1.5)


def test_observations_are_named_lazy_and_match_the_circuit():
    session = Session(bell_chain(), on=LINE, seed=1)
    assert repr(session.observation).endswith("(none computed yet)>")
    session.step("optimizers:cancel-pairs")
    obs = session.observation
    assert repr(obs) == "<Observations n2q=2, executable=False>"  # what the step needed
    circuit = session.circuit
    metrics = circuit.metrics()
    for name, key in (("qubits", "qubits"), ("ops", "ops"), ("n2q", "n2q"), ("depth", "depth")):
        assert obs[name] == metrics[key]
    assert obs["depth2q"] == metrics["depth2q"] and obs["swaps"] == 0
    assert obs["op_counts"] == circuit.count_ops()
    assert obs["native"] and not obs["on_edges"] and not obs["executable"]
    assert obs["interaction_graph"] == [(0, 3, 1), (1, 2, 1)]
    assert obs["esp"] is None and obs["layout"] == [0, 1, 2, 3]
    assert set(obs) == set(OBSERVATIONS)
    assert list(obs.vector(["n2q", "executable", "esp"])) == [2.0, 0.0, 0.0]
    assert len(obs.vector()) == len(NUMERIC)
    with pytest.raises(KeyError, match="valid: qubits"):
        obs["twoq"]
    with pytest.raises(ConfigError, match="numeric"):
        obs.vector(["op_counts"])


def test_reward_spaces():
    assert set(REWARDS) == {"n2q", "depth", "depth2q", "ops", "error"}
    session = Session(bell_chain(), on=LINE, seed=1, reward="depth")
    depth = session.observation["depth"]
    result = session.step("optimizers:cancel-pairs")
    assert result.reward == depth - result.observation["depth"]
    assert Session(bell_chain(), on=LINE, reward="2q").reward_space == "n2q"
    with pytest.raises(ConfigError, match="valid: n2q"):
        Session(bell_chain(), on=LINE, reward="fidelity")


def test_error_reward_reads_the_calibration():
    calibration = Calibration(
        qubit_error={q: 0.001 for q in range(4)},
        edge_error={(0, 1): 0.01, (1, 2): 0.02, (2, 3): 0.01},
    )
    device = Backend("cal", 4, [(0, 1), (1, 2), (2, 3)], None, calibration=calibration)
    session = Session(bell_chain(), on=device, seed=1, reward="error")
    start = session.observation["esp"]
    result = session.step("optimizers:cancel-pairs")
    assert 0 < start < result.observation["esp"] <= 1
    assert result.reward == pytest.approx(result.observation["esp"] - start)


def test_actions_list_every_installed_pass_with_its_options():
    session = Session(bell_chain(), on=LINE)
    labels = [a.label for a in session.actions]
    assert labels == sorted(labels)
    for label in (
        "placers:reverse",
        "routers:line",
        "optimizers:cancel-pairs",
        "pipelines:identity",
    ):
        assert label in labels
    action = session.action("optimizers:cancel-pairs")
    assert action.options == {"names": ("h", "cx", "x")}
    assert action.stage == "OPTIMIZATION" and action.description.startswith("Drop adjacent")
    assert session.action("router:line").label == "routers:line"
    with pytest.raises(ConfigError, match="did you mean 'routers:line'"):
        session.action("routers:lin")


def test_a_pass_registered_later_is_an_action_of_a_new_session():
    class Nothing(Pass):
        """Change nothing."""

        kind = "optimizers"

        def run(self, circuit: Circuit, context: PassContext) -> Circuit:
            return circuit

    get_registry().register("optimizers", "third-party", Nothing)
    session = Session(bell_chain(), on=LINE)
    assert "optimizers:third-party" in [a.label for a in session.actions]
    assert session.step("optimizers:third-party").reward == 0.0


def test_steps_call_the_pass_hooks():
    seen = []

    class Recorder:
        @hookimpl
        def qloom_pass_started(self, pass_label, stage, circuit, context):
            seen.append(("started", pass_label, context.pipeline))

        @hookimpl
        def qloom_pass_finished(self, pass_label, stage, circuit, context, wall_time, cpu_time):
            seen.append(("finished", pass_label, context.pipeline))

    get_registry().hook_manager().register(Recorder())
    session = Session(bell_chain(), on=LINE, name="explore")
    session.step("optimizers:cancel-pairs")
    assert seen == [
        ("started", "optimizers:cancel-pairs", "explore"),
        ("finished", "optimizers:cancel-pairs", "explore"),
    ]


def test_a_pass_object_or_an_inline_entry_is_a_step_too():
    session = Session(bell_chain(), on=LINE, seed=8)
    placer = ReverseQubits()
    session.step(placer)
    session.step({"trials": 2, "passes": ["optimizers:append-id", "optimizers:cancel-pairs"]})
    spec = session.to_spec("mine")
    assert spec["passes"][1]["trials"] == 2
    out = transpile(session.input, on=Backend("sim"), transpiler=session.to_pipeline("m"), seed=8)
    assert dumps(out) == dumps(session.circuit)
    with pytest.raises(ConfigError, match="options go"):
        session.step(placer, extra=1)


def test_a_session_needs_a_circuit():
    with pytest.raises(ConfigError, match="needs a Circuit"):
        Session("OPENQASM 2.0;", on=LINE)  # type: ignore[arg-type]


def test_a_session_is_a_context_manager_whether_isolated_or_not():
    with Session(bell_chain(), on=LINE, seed=1) as session:
        session.step("optimizers:cancel-pairs")
    session.close()  # closing again is harmless
    assert session.observation["n2q"] == 2
