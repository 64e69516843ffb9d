"""Pipelines: order, seeds, errors, hooks, and specs as plain data."""

from __future__ import annotations

import json

import pytest

from qloom import Backend, Circuit, ConfigError, PassContext, PassError, Pipeline, hookimpl
from qloom.plugins import get_registry
from support.parts import AppendIdentity, Explode, ReverseQubits


@pytest.fixture
def registered():
    registry = get_registry()
    registry.register("placers", "reverse", ReverseQubits)
    registry.register("optimizers", "append-id", AppendIdentity)
    registry.register("routers", "explode", Explode)
    return registry


def context(seed: int = 7) -> PassContext:
    return PassContext(backend=Backend("sim"), seed=seed)


def test_passes_run_in_order(registered):
    pipeline = Pipeline([ReverseQubits(), AppendIdentity(qubit=1)], name="p")
    ctx = context()
    out = pipeline(Circuit(2).x(0), ctx)
    assert [(op.name, op.qubits) for op in out] == [("x", (1,)), ("id", (1,))]
    assert ctx.layout is not None and ctx.layout.initial == (1, 0)


def test_each_pass_gets_its_own_reproducible_seed():
    pipeline = Pipeline([AppendIdentity(), AppendIdentity()], name="p")
    first, second = context(7), context(7)
    pipeline(Circuit(1), first)
    pipeline(Circuit(1), second)
    seeds = first.properties["seeds"]
    assert seeds == second.properties["seeds"] and seeds[0] != seeds[1]
    assert first.properties["draws"] == second.properties["draws"]
    other = context(8)
    pipeline(Circuit(1), other)
    assert other.properties["seeds"] != seeds
    assert first.seed == 7  # restored after the run


def test_a_failing_pass_is_named(registered):
    pipeline = Pipeline([AppendIdentity(), Explode()], name="mine")
    with pytest.raises(PassError) as info:
        pipeline(Circuit(1), context())
    assert info.value.pass_name == "routers:explode" and info.value.pipeline == "mine"
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert "lookahead weight" in str(info.value)


def test_spec_roundtrip_through_json(registered):
    spec = {
        "name": "mine",
        "passes": ["placers:reverse", {"pass": "optimizers:append-id", "qubit": 1}],
    }
    pipeline = Pipeline.from_spec(spec)
    assert [p.label for p in pipeline.passes] == ["placers:reverse", "optimizers:append-id"]
    again = Pipeline.from_spec(json.loads(json.dumps(pipeline.spec())))
    assert again.spec() == pipeline.spec()
    assert again.spec()["passes"][1] == {
        "kind": "optimizers",
        "name": "append-id",
        "options": {"qubit": 1},
    }
    ctx1, ctx2 = context(), context()
    assert pipeline(Circuit(2), ctx1) == again(Circuit(2), ctx2)


def test_spec_accepts_singular_kinds_and_nested_pipelines(registered):
    registered.register("pipelines", "inner", lambda: Pipeline([ReverseQubits()], name="inner"))
    pipeline = Pipeline.from_spec(
        {"passes": [{"kind": "placer", "name": "reverse"}, "pipeline:inner"]}
    )
    assert pipeline.passes[1].label == "pipelines:inner"
    out = pipeline(Circuit(2).x(0), context())
    assert out == Circuit(2).x(0)  # reversed twice
    again = Pipeline.from_spec(json.loads(json.dumps(pipeline.spec())))
    assert again.spec() == pipeline.spec()
    assert again(Circuit(2).x(0), context()) == out


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"passes": "placers:reverse"}, "needs a 'passes' list"),
        ({"passes": ["reverse"]}, "should be 'kind:name'"),
        ({"passes": ["wizards:x"]}, "'wizards' is not a kind of pass"),
        ({"passes": [42]}, "expected 'kind:name' or a table"),
        ({"passes": [{"options": {}}]}, "needs 'pass"),
    ],
)
def test_bad_specs_say_what_is_wrong(registered, spec, message):
    with pytest.raises(ConfigError, match=message):
        Pipeline.from_spec(spec)


def test_pass_hooks_are_called_with_timings():
    events = []

    class Recorder:
        @hookimpl
        def qloom_pass_started(self, pass_label, stage):
            events.append(("start", pass_label, stage))

        @hookimpl
        def qloom_pass_finished(self, pass_label, wall_time, cpu_time, circuit):
            assert wall_time >= 0 and cpu_time >= 0
            events.append(("end", pass_label, len(circuit)))

    manager = get_registry().hook_manager()
    recorder = Recorder()
    manager.register(recorder)
    try:
        ctx = context()
        Pipeline([ReverseQubits(), AppendIdentity()], name="p")(Circuit(2).x(0), ctx)
    finally:
        manager.unregister(recorder)
    assert events == [
        ("start", "placers:reverse", "PLACEMENT"),
        ("end", "placers:reverse", 1),
        ("start", "optimizers:append-id", "OPTIMIZATION"),
        ("end", "optimizers:append-id", 2),
    ]
    assert [t["pass"] for t in ctx.properties["pass_times"]] == [
        "placers:reverse",
        "optimizers:append-id",
    ]
