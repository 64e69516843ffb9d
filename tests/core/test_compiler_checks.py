"""The Compiler checks what it is given at submit (issue 16, point 6).

A bad argument is refused before anything is queued, with a qloom error naming the task
(its circuit's name, or the batch), the argument and the value given.
"""

from __future__ import annotations

import math
import time
from typing import Any, ClassVar

import numpy as np
import pytest

from qloom import ArgumentError, Circuit, Compiler, Pass, PassContext, SerializationError
from qloom.plugins import get_registry
from support.circuits import ones
from support.parts import BasisStateBackend, ReverseQubits

ROUTE = {"name": "route", "passes": ["placers:reverse"]}


class Sleepy(Pass):
    """Sleep ``seconds``: a pass with an option to fill with odd values."""

    kind = "optimizers"
    name = "sleepy"
    option_defaults: ClassVar[dict[str, float]] = {"seconds": 0.0}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        time.sleep(float(self.options.get("seconds", 0.0)))
        return circuit


class OptionedBackend(BasisStateBackend):
    """The basis backend with a ``noise`` option (ignored)."""

    def __init__(self, device: str | None = None, noise: Any = 0.0) -> None:
        super().__init__(device)
        self.noise = noise


@pytest.fixture(autouse=True)
def parts() -> None:
    registry = get_registry()
    registry.register("backends", "basis", OptionedBackend)
    registry.register("placers", "reverse", ReverseQubits)
    registry.register("optimizers", "sleepy", Sleepy)


def refused(compiler: Compiler, error: type[Exception], **kwargs: Any) -> str:
    """Submit ghz3 with ``kwargs``; the refusal's message (nothing may have been queued)."""
    arguments = {"on": "basis:3", "transpiler": ROUTE, "seed": 1, **kwargs}
    with pytest.raises(error) as caught:
        compiler.submit(ones(3), **arguments)
    assert compiler.tasks() == [], "a refused submit queued a task"
    return str(caught.value)


NOT_JSON = {
    "numpy float32": ({"noise": np.float32(0.5)}, "float32"),
    "a set": ({"noise": {1, 2}}, "set"),
    "NaN": ({"noise": math.nan}, "nan"),
    "an int key": ({"noise": {1: 2}}, "key"),
    "an object": ({"noise": object()}, "object"),
}


@pytest.mark.parametrize("case", sorted(NOT_JSON))
def test_backend_options_that_are_not_plain_data(case: str):
    options, what = NOT_JSON[case]
    with Compiler() as compiler:
        message = refused(compiler, SerializationError, backend_options=options)
    assert "ghz3" in message and "backend_options['noise']" in message, message
    assert what in message.lower(), message


def test_a_pipeline_spec_with_a_numpy_option():
    spec = {"name": "p", "passes": [{"pass": "optimizers:sleepy", "seconds": np.float32(0.01)}]}
    with Compiler() as compiler:
        message = refused(compiler, SerializationError, transpiler=spec)
    assert "ghz3" in message and "transpiler" in message and "seconds" in message, message
    assert "float32" in message, message


def test_a_batch_names_the_batch_and_a_bad_circuit_its_index():
    with Compiler() as compiler:
        with pytest.raises(SerializationError, match=r"batch of 2 circuits.*backend_options"):
            compiler.submit([ones(3), ones(2)], on="basis:3", backend_options={"noise": np.int8(1)})
        with pytest.raises(ArgumentError, match=r"circuit 1 of the batch.*not a Circuit"):
            compiler.submit([ones(3), "ghz2"], on="basis:3")  # type: ignore[list-item]
        assert compiler.tasks() == []


@pytest.mark.parametrize("seed", [-1, 1.5, "3", True, 2**64, math.nan])
def test_bad_seed(seed: Any):
    with Compiler() as compiler:
        message = refused(compiler, ArgumentError, seed=seed)
    assert "ghz3" in message and f"seed={seed!r}" in message, message


def test_numpy_and_large_seeds_are_plain_ints():
    with Compiler() as compiler:
        for seed in (np.int64(7), 0, 2**64 - 1):
            task = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=seed)
            assert compiler.result(task).metadata["seed"] == int(seed)


@pytest.mark.parametrize("timeout", [math.nan, math.inf, 0, -1.0, "5", True])
def test_bad_timeout_at_submit_and_on_the_compiler(timeout: Any):
    with Compiler() as compiler:
        message = refused(compiler, ArgumentError, timeout=timeout)
    assert "ghz3" in message and f"timeout={timeout!r}" in message, message
    with pytest.raises(ArgumentError, match=r"timeout=") as caught:
        Compiler(timeout=timeout)
    assert repr(timeout) in str(caught.value)


@pytest.mark.parametrize("value", [0, -2.0, math.nan, "10"])
def test_bad_connect_timeout_is_refused_before_any_executor_starts(value: Any):
    with pytest.raises(ArgumentError, match=rf"connect_timeout={value!r}"):
        Compiler("serial", connect_timeout=value)


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("retries", -1),
        ("retries", 1.5),
        ("max_worker_deaths", -1),
        ("max_worker_deaths", "3"),
        ("resources", {"cpu": -1}),
        ("resources", {"cpu": math.nan}),
        ("resources", {"mem": "1GB"}),
        ("padding", 3),
    ],
)
def test_other_bad_arguments(argument: str, value: Any):
    with Compiler() as compiler:
        message = refused(compiler, ArgumentError, **{argument: value})
    assert "ghz3" in message and argument in message and repr(value) in message, message


def test_good_arguments_still_pass():
    with Compiler(timeout=30) as compiler:
        task = compiler.submit(
            ones(3),
            on="basis:3",
            transpiler={"name": "p", "passes": [{"pass": "optimizers:sleepy", "seconds": 0.0}]},
            seed=3,
            timeout=np.float64(20.0),
            retries=1,
            max_worker_deaths=0,
            resources={"cpu": 1, "mem": 2.5e8},
            backend_options={"noise": [0.1, {"a": None}]},
        )
        assert compiler.status(task) == "DONE"
