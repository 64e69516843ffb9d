"""The pipeline layer is handed its parts and its named-pipeline resolver from above."""

from __future__ import annotations

from typing import Any

import pytest

from qloom import Backend, Circuit, ConfigError, PassContext, Pipeline, Trials
from qloom.hooks import Hooks, hooks, new_manager
from qloom.pipeline import PartSource, make_pass
from qloom.plugins import Registry, get_registry, use_registry
from support.parts import AppendIdentity, ReverseQubits


class Parts:
    """A ``PartSource`` that is not a registry: builds two passes, logs every request."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def build(
        self, kind: str, name: str, expected: type | None, /, *args: Any, **options: Any
    ) -> Any:
        self.asked.append((kind, name))
        made = {"placers": ReverseQubits, "optimizers": AppendIdentity}[kind](**options)
        assert expected is None or isinstance(made, expected)
        return made


def test_a_nested_pipeline_name_goes_to_the_resolver_handed_down() -> None:
    parts = Parts()
    asked: list[str] = []

    def resolver(name: str, given: PartSource) -> Pipeline:
        asked.append(name)
        assert given is parts
        return Pipeline.from_spec({"name": name, "passes": ["optimizers:append-id"]}, given)

    spec = {
        "name": "outer",
        "passes": [
            "placers:reverse",
            "pipelines:inner",
            {"name": "search", "trials": 2, "passes": ["pipelines:inner"]},
        ],
    }
    pipeline = Pipeline.from_spec(spec, parts, resolver)
    assert asked == ["inner", "inner"]
    assert parts.asked == [
        ("placers", "reverse"),
        ("optimizers", "append-id"),
        ("optimizers", "append-id"),
    ]
    assert [p.label for p in pipeline.passes] == [
        "placers:reverse",
        "pipelines:inner",
        "pipelines:search",
    ]
    assert isinstance(pipeline.passes[2], Trials) and pipeline.passes[2].trials == 2
    out = pipeline(Circuit(2).x(0), PassContext(backend=Backend("sim"), seed=3))
    assert [op.name for op in out] == ["x", "id", "id"]


def test_without_a_resolver_the_configuration_resolves_names() -> None:
    registry = get_registry()
    registry.register("optimizers", "append-id", AppendIdentity)
    registry.register("pipelines", "inner", lambda: {"passes": ["optimizers:append-id"]})
    step = make_pass("pipelines", "inner", {})
    assert isinstance(step, Pipeline) and step.name == "inner"
    assert [p.label for p in step.passes] == ["optimizers:append-id"]


def test_a_pipeline_option_is_refused_before_the_resolver_is_asked() -> None:
    def resolver(name: str, given: PartSource) -> Pipeline:
        raise AssertionError("not asked")

    with pytest.raises(ConfigError, match="inner"):
        make_pass("pipelines", "inner", {"depth": 2}, Registry(entry_points=[]), resolver)


def test_hooks_call_the_current_registrys_manager() -> None:
    manager = get_registry().hook_manager()
    assert hooks().manager is manager
    fresh = Registry(entry_points=[])
    with use_registry(fresh):
        assert hooks().manager is fresh.hook_manager()
    assert hooks().manager is manager
    bare = Hooks(new_manager())  # the specs and the core's own task-status hooks
    assert bare.manager.get_plugin("qloom:worker") is not None
    assert bare.default_pipeline(Backend("sim")) is None


def test_a_subclass_of_trials_does_not_take_over_its_inline_entries() -> None:
    class MyTrials(Trials):
        pass

    spec = {"passes": [{"name": "t", "trials": 2, "passes": ["optimizers:append-id"]}]}
    pipeline = Pipeline.from_spec(spec, Parts(), lambda name, parts: Pipeline())
    assert type(pipeline.passes[0]) is Trials
