"""Pipelines: order, seeds, errors, hooks, and specs as plain data."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from qloom import (
    Backend,
    Circuit,
    ConfigError,
    Layout,
    Pass,
    PassContext,
    PassError,
    Pipeline,
    hookimpl,
)
from qloom.options import REQUIRED
from qloom.plugins import get_registry
from qloom.testing import assert_equivalent
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


class Widen(Pass):
    """Put the circuit on the last qubits of a wider register (a real layout step)."""

    kind = "padding"
    option_defaults: ClassVar[Mapping[str, Any]] = {"extra": REQUIRED}
    name = "widen"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        extra = self.option("extra")
        mapping = [q + extra for q in range(circuit.num_qubits)]
        width = circuit.num_qubits + extra
        context.compose(Layout(tuple(mapping), tuple(range(width))))
        return circuit.remap(mapping, width)


class SwapFirstTwo(Pass):
    """Append a swap of qubits 0 and 1 and record it as routing."""

    kind = "routers"
    name = "swap01"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        out = circuit.copy().swap(0, 1)
        routing = list(range(out.num_qubits))
        routing[0], routing[1] = 1, 0
        context.compose(Layout(tuple(range(out.num_qubits)), tuple(routing)))
        return out


def test_layouts_of_successive_passes_compose():
    circuit = Circuit(2).h(0).cx(0, 1)
    context = PassContext(backend=Backend("sim"))
    out = Pipeline([Widen(extra=1), ReverseQubits(), SwapFirstTwo()])(circuit, context)
    assert context.layout is not None
    assert context.layout.initial == (1, 0)
    assert context.layout.final == (0, 1)
    assert_equivalent(circuit, out, context.layout)


def test_finishers_run_once_at_the_end_of_the_outermost_pipeline_latest_first():
    seen: list[str] = []

    class Register(Pass):
        kind = "padding"
        option_defaults: ClassVar[Mapping[str, Any]] = {"tag": REQUIRED}

        def run(self, circuit: Circuit, context: PassContext) -> Circuit:
            tag = self.options["tag"]

            def finish(out: Circuit, ctx: PassContext) -> Circuit:
                seen.append(f"{tag}:{len(out)}")
                return out.copy().x(0)

            context.at_end(finish)
            return circuit

    inner = Pipeline([Register(tag="inner"), AppendIdentity()], name="inner")
    outer = Pipeline([Register(tag="outer"), inner, AppendIdentity()], name="outer")
    context = PassContext(backend=Backend("sim"))
    out = outer(Circuit(1), context)
    assert seen == ["inner:2", "outer:3"]
    assert [op.name for op in out] == ["id", "id", "x", "x"]
    assert context.finishers == []


def test_a_failing_finisher_is_reported_as_a_pass_error():
    class Broken(Pass):
        kind = "padding"

        def run(self, circuit: Circuit, context: PassContext) -> Circuit:
            context.at_end(lambda out, ctx: 1 / 0)
            return circuit

    with pytest.raises(PassError, match="ZeroDivisionError") as info:
        Pipeline([Broken()], name="p")(Circuit(1), PassContext(backend=Backend("sim")))
    assert info.value.pipeline == "p"
