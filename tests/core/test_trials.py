"""``Trials``: a stretch of a pipeline run with several seeds, the best output kept."""

from __future__ import annotations

import json

import pytest

from qloom import Backend, Circuit, ConfigError, Pass, PassContext, Pipeline, hookimpl
from qloom.calibration import Calibration
from qloom.passes import derive_seed
from qloom.plugins import get_registry
from qloom.trials import MAX_TRIALS, Trials


class RandomCZs(Pass):
    """Appends a seed-dependent number (0-9) of ``cz`` gates and records the number."""

    kind = "optimizers"
    name = "random-czs"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        count = int(context.rng().integers(0, 10))
        context.properties.setdefault("counts", []).append(count)
        out = circuit.copy()
        for _ in range(count):
            out.cz(0, 1)
        return out


@pytest.fixture
def registered():
    registry = get_registry()
    registry.register("optimizers", "random-czs", RandomCZs)
    return registry


def context(seed: int = 7) -> PassContext:
    return PassContext(backend=Backend("sim"), seed=seed)


def counts_of_each_trial(trials: int, seed: int) -> list[int]:
    """The 2q count each trial gives when run alone, as ``Trials`` seeds it."""
    out = []
    for trial in range(trials):
        ctx = context(seed)
        ctx.seed = seed if trial == 0 else derive_seed(seed, "trial", trial)
        out.append(Pipeline([RandomCZs()], name="search")(Circuit(2), ctx).count_2q())
    return out


def test_the_output_with_fewest_two_qubit_gates_wins_ties_to_the_earlier_trial():
    for seed in range(5):
        ctx = context(seed)
        out = Trials([RandomCZs()], trials=6, name="search")(Circuit(2), ctx)
        alone = counts_of_each_trial(6, seed)
        assert out.count_2q() == min(alone)
        summary = ctx.properties["trials:search"]
        assert summary["chosen"] == alone.index(min(alone))
        assert [s[0] for s in summary["scores"]] == alone
        # only the kept trial's properties survive
        assert ctx.properties["counts"] == [min(alone)]
        assert ctx.seed == seed


def test_one_trial_is_the_plain_pipeline():
    plain = Pipeline([RandomCZs(), RandomCZs()], name="search")(Circuit(2), context(3))
    once = Trials([RandomCZs(), RandomCZs()], trials=1, name="search")(Circuit(2), context(3))
    assert once == plain


def test_the_same_seed_gives_the_same_output():
    first = Trials([RandomCZs()], trials=5)(Circuit(2), context(11))
    second = Trials([RandomCZs()], trials=5)(Circuit(2), context(11))
    assert first == second


def test_hooks_see_only_the_kept_trial_finish_and_every_trial_start():
    events = []
    started = []

    class Recorder:
        @hookimpl
        def qloom_pass_started(self, pass_label):
            started.append(pass_label)

        @hookimpl
        def qloom_pass_finished(self, pass_label, circuit, context):
            events.append((pass_label, circuit.count_2q(), context.pipeline))

    manager = get_registry().hook_manager()
    recorder = Recorder()
    manager.register(recorder)
    try:
        ctx = context(5)
        outer = Pipeline([Trials([RandomCZs()], trials=4, name="search")], name="outer")
        out = outer(Circuit(2), ctx)
    finally:
        manager.unregister(recorder)
    assert events == [("optimizers:random-czs", out.count_2q(), "search")]
    # each of the 4 trials started (progress, stop checks), then the kept one is replayed
    assert started == ["optimizers:random-czs"] * 5
    assert [t["pass"] for t in ctx.properties["pass_times"]] == ["optimizers:random-czs"]


def test_spec_roundtrip_with_trials(registered):
    spec = {
        "name": "outer",
        "passes": [{"name": "search", "trials": 3, "passes": ["optimizers:random-czs"]}],
    }
    pipeline = Pipeline.from_spec(spec)
    inner = pipeline.passes[0]
    assert isinstance(inner, Trials) and inner.trials == 3
    again = Pipeline.from_spec(json.loads(json.dumps(pipeline.spec())))
    assert again.spec() == pipeline.spec()
    assert again(Circuit(2), context()) == pipeline(Circuit(2), context())


@pytest.mark.parametrize("bad", [0, -1, MAX_TRIALS + 1, 2.5, "4", True])
def test_a_bad_trial_count_is_refused_naming_the_option(registered, bad):
    spec = {"passes": [{"name": "search", "trials": bad, "passes": ["optimizers:random-czs"]}]}
    with pytest.raises(ConfigError, match=f"trials must be an integer from 1 to {MAX_TRIALS}"):
        Pipeline.from_spec(spec)


class BadOrGoodPair(Pass):
    """By seed: one ``cz`` on the poor pair (0, 1), or three on the good pair (1, 2)."""

    kind = "optimizers"
    name = "bad-or-good"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        out = circuit.copy()
        if context.rng().integers(0, 2):
            out.cz(0, 1)
        else:
            out.cz(1, 2).cz(1, 2).cz(1, 2)
        return out


def test_on_a_calibrated_backend_the_estimated_success_decides_first():
    calibration = Calibration(edge_error={(0, 1): 0.5, (1, 2): 0.001})
    backend = Backend("dev", 3, [(0, 1), (1, 2)], natives=["cz"], calibration=calibration)
    uncalibrated = Backend("dev", 3, [(0, 1), (1, 2)], natives=["cz"])
    seeds = range(6)
    # Both kinds of trial occur among 8 for these seeds (checked through the scores).
    for seed in seeds:
        ctx = PassContext(backend=backend, seed=seed)
        out = Trials([BadOrGoodPair()], trials=8, name="s")(Circuit(3), ctx)
        scores = ctx.properties["trials:s"]["scores"]
        assert {s[1] for s in scores} == {1.0, 3.0}
        assert out.count_2q() == 3  # the good pair, though it has more 2q gates
        plain = Trials([BadOrGoodPair()], trials=8)(
            Circuit(3), PassContext(uncalibrated, seed=seed)
        )
        assert plain.count_2q() == 1
