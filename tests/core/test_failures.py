"""Errors as JSON data and back (``qloom.failures``): what the task store keeps of a failure."""

from __future__ import annotations

import json

import pytest

from qloom import errors
from qloom.errors import (
    BackendViolation,
    PassError,
    QasmError,
    QloomError,
    RemoteError,
    StoreError,
    TaskTimeout,
    UnknownPluginError,
    VersionMismatch,
    WorkerDied,
)
from qloom.failures import MAX_CAUSES, error_from_data, error_to_data


def round_trip(exc: BaseException) -> BaseException:
    return error_from_data(json.loads(json.dumps(error_to_data(exc))))


@pytest.mark.parametrize(
    ("error", "fields"),
    [
        (TaskTimeout(2.5, "task-1"), {"seconds": 2.5, "task_id": "task-1"}),
        (WorkerDied("task-2", 4, "pid 77"), {"attempts": 4, "last_worker": "pid 77"}),
        (QasmError("expected ';'", "a.qasm", 3, 7, "h q[0]"), {"line": 3, "column": 7}),
        (PassError("routers:sabre", "O2", "boom"), {"pass_name": "routers:sabre"}),
        (BackendViolation("emu", 3, "cz", (0, 5), "no pair"), {"gate": "cz", "index": 3}),
        (UnknownPluginError("routers", "sabr", ["sabre"], "sabre"), {"suggestion": "sabre"}),
        (VersionMismatch("qloom", "1.0", {"w1": "0.9"}), {"remote": {"w1": "0.9"}}),
        (StoreError("/x.sqlite", "damaged", "task-3"), {"path": "/x.sqlite"}),
        (RemoteError("pkg.Custom", "odd"), {"type_name": "pkg.Custom"}),
        (errors.MappingError("too wide"), None),
    ],
)
def test_qloom_errors_come_back_with_type_message_and_fields(error: QloomError, fields):
    data = error_to_data(error)
    if fields is not None:
        assert fields.items() <= data["fields"].items()
    back = round_trip(error)
    assert type(back) is type(error)
    assert str(back) == str(error)
    for name in fields or {}:
        assert getattr(back, name) == getattr(error, name), name


def test_cause_chain_traceback_and_foreign_types():
    class Custom(Exception):
        pass

    inner = Custom("from a plugin")
    middle = KeyError("layout")
    middle.__cause__ = inner
    top = PassError("routers:x", None, "failed")
    top.__cause__ = middle
    top.remote_traceback = "Traceback (most recent call last):\n  ...\n"  # type: ignore[attr-defined]
    back = round_trip(top)
    assert isinstance(back, PassError) and back.remote_traceback == top.remote_traceback
    assert type(back.__cause__) is KeyError and str(back.__cause__) == "'layout'"
    foreign = back.__cause__.__cause__
    assert isinstance(foreign, RemoteError)
    assert foreign.type_name.endswith("Custom") and foreign.message == "from a plugin"


def test_cycles_and_long_chains_are_cut():
    first, second = ValueError("a"), ValueError("b")
    first.__cause__, second.__cause__ = second, first
    back = round_trip(first)
    assert str(back.__cause__) == "b" and back.__cause__.__cause__ is None
    chain: BaseException = ValueError("0")
    for i in range(1, 40):
        outer = ValueError(str(i))
        outer.__cause__ = chain
        chain = outer
    depth, node = 0, round_trip(chain)
    while node.__cause__ is not None:
        depth, node = depth + 1, node.__cause__
    assert depth == MAX_CAUSES


def test_only_qloom_and_builtin_types_are_built_from_data():
    """A type name in the data never imports or calls anything else."""
    for name in ("os.system", "subprocess.Popen", "builtins.eval", "builtins.SystemExit",
                 "qloom.errors.transportable", "qloom.compiler.compiler.BatchError"):
        data = {"format": 1, "type": name, "message": "m", "args": ["echo hi"]}
        back = error_from_data(data)
        assert isinstance(back, RemoteError) and back.type_name == name


def test_arguments_that_do_not_fit_the_type_give_a_remote_error():
    data = {"format": 1, "type": "qloom.errors.TaskTimeout", "message": "x", "fields": {"a": 1}}
    assert isinstance(error_from_data(data), RemoteError)
    lying = error_to_data(TaskTimeout(3.0))
    lying["message"] = "something else"
    assert isinstance(error_from_data(lying), RemoteError)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"type": "builtins.ValueError", "message": "m"},
        {"format": 2, "type": "builtins.ValueError", "message": "m"},
        {"format": 1, "type": 3, "message": "m"},
        {"format": 1, "type": "builtins.ValueError", "message": "m", "args": "x"},
        {"format": 1, "type": "builtins.ValueError", "message": "m", "cause": 4},
        {"format": 1, "type": "builtins.ValueError", "message": "m", "traceback": 4},
    ],
)
def test_malformed_data_is_a_value_error(data):
    with pytest.raises(ValueError):
        error_from_data(data)


def test_every_qloom_error_with_its_own_constructor_can_be_rebuilt_from_fields():
    """A new error type with its own ``__init__`` must say its ``_init_args`` (and name them
    as its parameters), or the store could only give it back as a ``RemoteError``."""
    import inspect

    for name in errors.__all__:
        kind = getattr(errors, name)
        if not (isinstance(kind, type) and issubclass(kind, QloomError)):
            continue
        if not any("__init__" in vars(c) for c in kind.__mro__ if issubclass(c, QloomError)):
            continue  # Exception's constructor: rebuilt from its args
        assert kind._init_args is not QloomError._init_args, f"{name} lacks _init_args"
        params = list(inspect.signature(kind.__init__).parameters)[1:]
        assert params, f"{name}.__init__ takes no named parameters"
