"""The serial executor: the reference every other executor is compared with."""

from __future__ import annotations

import pytest

import qloom
from qloom import SerialExecutor, plugins


def test_submit_map_starmap_in_order():
    with SerialExecutor() as ex:
        assert ex.size == 1 and not ex.persist
        assert ex.submit(pow, 2, 5).result() == 32
        assert ex.map(pow, [2, 3], [2, 2]) == [4, 9]
        assert ex.starmap(divmod, [(7, 2), (9, 4)]) == [(3, 1), (2, 1)]


def test_errors_travel_through_the_future():
    future = SerialExecutor().submit(int, "x")
    with pytest.raises(ValueError, match="invalid literal"):
        future.result()


def test_shutdown_refuses_new_work():
    ex = SerialExecutor()
    ex.shutdown()
    with pytest.raises(RuntimeError, match="shut down"):
        ex.submit(print)


def test_found_by_name(monkeypatch: pytest.MonkeyPatch):
    assert isinstance(qloom.get_executor("serial"), SerialExecutor)
    monkeypatch.setitem(plugins.KNOWN_PACKAGES, ("executors", "ray"), "qloom-ray")
    with pytest.raises(qloom.UnknownPluginError, match="pip install qloom-ray"):
        qloom.get_executor("ray")


def test_retries_are_opt_in_and_a_stop_is_never_retried(tmp_path):
    from qloom import TaskOptions, TaskTimeout
    from support import tasks

    ex = SerialExecutor()
    once = ex.submit(tasks.fail_until, str(tmp_path / "a"), 1)
    with pytest.raises(ValueError, match="failure 1 of 1"):
        once.result()
    retried = ex.submit(tasks.fail_until, str(tmp_path / "b"), 2, options=TaskOptions(retries=2))
    assert retried.result() == 2

    def too_slow() -> None:
        raise TaskTimeout(0.1, "t")

    calls = []
    ex.submit(lambda: calls.append(1) or too_slow(), options=TaskOptions(retries=3))
    assert calls == [1]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 0}, "timeout must be positive"),
        ({"retries": -1}, "must not be negative"),
        ({"resources": {"gpu": 1}}, "unknown resource"),
        ({"resources": {"cpu": 0}}, "must be positive"),
    ],
)
def test_task_options_are_checked(options, message):
    from qloom import TaskOptions

    with pytest.raises(qloom.ConfigError, match=message):
        TaskOptions(**options)


def test_unpicklable_arguments_are_named():
    import threading

    from qloom.executor import check_picklable

    with pytest.raises(qloom.SerializationError, match=r"task t1: argument 'lock' \(lock\)"):
        check_picklable("t1", (1,), {"lock": threading.Lock()})


def _scaled(x: int, y: int = 0, *, offset: int = 0, scale: int = 1) -> int:
    return (x + y + offset) * scale


def test_map_and_starmap_pass_keyword_arguments_to_every_call():
    """Issue 19: PennyLane's ``RemoteExec.map(fn, *iterables, **kwargs)``."""
    from qloom import TaskOptions

    with SerialExecutor() as ex:
        assert ex.map(_scaled, [1, 2], offset=10, scale=2) == [22, 24]
        assert ex.map(_scaled, [1, 2], [5, 6], scale=3) == [18, 24]
        assert ex.starmap(_scaled, [(1, 1), (2, 2)], offset=1) == [3, 5]
        # ``options`` is reserved: it is every task's TaskOptions, never fn's keyword
        assert ex.map(_scaled, [1], options=TaskOptions(timeout=5.0), offset=1) == [2]
        with pytest.raises(qloom.ConfigError, match=r"options\.key='k' would be shared"):
            ex.map(_scaled, [1, 2], options=TaskOptions(key="k"))
        with pytest.raises(ValueError):  # zipped strictly, as before
            ex.map(_scaled, [1, 2], [3])


def test_minus_one_workers_means_one_per_cpu_and_zero_is_refused(monkeypatch):
    from qloom.executor import cpu_workers

    monkeypatch.setattr("os.cpu_count", lambda: 7)
    assert cpu_workers(-1, "threads") == 7
    assert cpu_workers(None, "threads") == 7
    assert cpu_workers(None, "dask", default=2) == 2
    assert cpu_workers(3, "threads") == 3
    for bad in (0, -2, 1.5, True):
        with pytest.raises(qloom.ConfigError, match=rf"workers={bad!r}: the threads executor"):
            cpu_workers(bad, "threads")


def test_get_executor_with_persist_leases_one_kept_executor(monkeypatch):
    """Each ``get_executor(name, persist=True, ...)`` is a new lease on the same executor;
    a lease's shutdown keeps it; ``close`` ends it and the next call builds a new one."""
    from qloom import pools
    from qloom.executor import Executor

    built: list[Executor] = []

    class Kept(SerialExecutor):
        def __init__(self, persist: bool = False) -> None:
            super().__init__()
            self.persist = persist
            self.closed = False
            built.append(self)

        def close(self) -> None:
            self.closed = True

    registry = plugins.get_registry()
    registry.register("executors", "kept", Kept)
    try:
        first = qloom.get_executor("kept", persist=True)
        with first:
            assert first.submit(pow, 2, 3).result() == 8
        with pytest.raises(RuntimeError, match="lease that was shut down"):
            first.submit(pow, 2, 3)
        second = qloom.get_executor("kept", persist=True)
        assert second is not first and second.pool is first.pool is built[0]
        assert second.persist and built[0].persist and not built[0].closed
        assert second.map(pow, [2], [4]) == [16]
        second.close()
        assert built[0].closed
        third = qloom.get_executor("kept", persist=True)
        assert third.pool is built[1]
        pools.close_persistent()
        assert built[1].closed and len(built) == 2
        assert not isinstance(qloom.get_executor("serial"), pools.Lease)
    finally:
        pools.close_persistent()
        registry.unregister("executors", "kept")
