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
