"""Errors survive pickling whole: what workers send back is what the client raises."""

from __future__ import annotations

import pickle

import pytest

from qloom import errors

SAMPLES = [
    errors.PassError("routers:sabre", "mapping", "ZeroDivisionError: x"),
    errors.QasmError("expected ';'", "a.qasm", 3, 7, "h q[0]"),
    errors.UnknownPluginError("backends", "nump", ["numpy"], "numpy"),
    errors.BrokenPluginError("routers", "sabre", "qloom-routers", "0.1", ValueError("bad")),
    errors.IncompatiblePluginError("routers", "x", "qloom-x", "1.0", "needs qloom>=2"),
    errors.BackendViolation("emulator:x", 4, "cx", (0, 5), "not coupled", "pipeline 'O2'"),
    errors.TaskCancelled("cancelled by the user", "task-1"),
    errors.TaskTimeout(1.5, "task-2"),
    errors.WorkerDied("task-3", 4, "pid 77"),
    errors.SerializationError("task-4", "#0 (lock)", "TypeError: cannot pickle"),
    errors.RemoteError("mod.Odd", "odd"),
    errors.ExecutorConnectionError("tcp://127.0.0.1:1", 2.0, "refused"),
    errors.VersionMismatch("qloom", "0.1.0", {"tcp://w:1": "0.2.0"}),
    errors.ConfigError("bad config"),
]


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_fields_and_what_a_worker_attached(error: Exception):
    error.remote_traceback = "Traceback (most recent call last): ..."  # type: ignore[attr-defined]
    error.remote_cause = ValueError("the original")  # type: ignore[attr-defined]
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy).keys() == vars(error).keys()
    assert copy.remote_traceback == error.remote_traceback
    assert repr(copy.remote_cause) == "ValueError('the original')"


def test_an_exception_that_cannot_travel_is_replaced_by_a_remote_error():
    import threading

    class Holding(Exception):
        def __init__(self) -> None:
            super().__init__("holds a lock")
            self.lock = threading.Lock()

    kept = errors.PassError("routers:sabre", "mapping", "boom")
    assert errors.transportable(kept) is kept
    stand_in = errors.transportable(Holding())
    assert isinstance(stand_in, errors.RemoteError)
    assert stand_in.type_name.endswith("Holding") and stand_in.message == "holds a lock"
