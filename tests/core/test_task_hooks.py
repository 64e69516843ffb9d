"""The executor hooks on the serial executor and the Compiler: the order plugins see, a
vet hook refusing by size, the Compiler following its tasks as a hook plugin, and a
third-party plugin found through the ``qloom`` entry-point group."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from qloom import Compiler, hookimpl
from qloom.errors import TaskRefused
from qloom.executor import Executor, SerialExecutor, TaskOptions, call_as_task
from qloom.plugins import get_registry
from support import require_distribution, tasks
from support.circuits import ones
from support.parts import BasisStateBackend, ReverseQubits
from support.task_hooks import RefuseOver, recording, registered

ROUTE = {"name": "route", "passes": ["placers:reverse"]}


@pytest.fixture(autouse=True)
def parts() -> None:
    registry = get_registry()
    registry.register("backends", "basis", BasisStateBackend)
    registry.register("placers", "reverse", ReverseQubits)


def test_serial_task_submitted_started_stages_finished():
    with recording() as seen:
        future = SerialExecutor().submit(
            tasks.emit_stages,
            ["place", "route"],
            options=TaskOptions(key="t-stages", labels={"num_qubits": 3}),
        )
    assert future.result() == ["place", "route"]
    assert seen.names("t-stages") == [
        "task_submitted",
        "task_started",
        "task_stage_changed",
        "task_stage_changed",
        "task_finished",
    ]
    events = seen.of("t-stages")
    info = events[0][1]["task"]
    assert (info.executor, info.function) == ("serial", "support.tasks.emit_stages")
    assert info.labels == {"num_qubits": 3}
    assert events[1][1]["attempt"] == 1 and events[1][1]["worker_id"] == "MainThread"
    assert [e[1]["stage"] for e in events[2:4]] == ["place", "route"]
    assert events[4][1]["wall_time"] >= 0.0


def test_serial_failed_and_retried_then_finished(tmp_path: Path):
    with recording() as seen:
        failing = SerialExecutor().submit(tasks.fail, "no", options=TaskOptions(key="t-fail"))
        flaky = SerialExecutor().submit(
            tasks.fail_until,
            str(tmp_path / "calls"),
            1,
            options=TaskOptions(key="t-flaky", retries=1),
        )
    assert isinstance(failing.exception(), ValueError) and flaky.result() == 1
    assert seen.names("t-fail") == ["task_submitted", "task_started", "task_failed"]
    assert isinstance(seen.of("t-fail")[-1][1]["error"], ValueError)
    assert seen.names("t-flaky") == [
        "task_submitted",
        "task_started",
        "task_retried",
        "task_started",
        "task_finished",
    ]
    retried = seen.of("t-flaky")[2][1]
    assert retried["attempt"] == 2 and retried["reason"] == "ValueError: failure 1 of 1"
    assert [e[1]["attempt"] for e in seen.of("t-flaky") if e[0] == "task_started"] == [1, 2]


def test_a_vet_hook_refuses_at_submit_and_the_task_never_runs(tmp_path: Path):
    marker = tmp_path / "ran"
    policy = RefuseOver(4)
    with registered(policy), recording() as seen:
        with pytest.raises(TaskRefused, match="5 qubits is over this site's limit of 4"):
            SerialExecutor().submit(
                tasks.touch,
                str(marker),
                options=TaskOptions(key="t-big", labels={"num_qubits": 5}),
            )
        small = SerialExecutor().submit(
            tasks.touch, str(tmp_path / "small"), options=TaskOptions(labels={"num_qubits": 4})
        )
    assert not marker.exists() and seen.of("t-big") == []
    assert small.result() and [t.labels["num_qubits"] for t in policy.asked] == [5, 4]


def test_an_observer_that_raises_is_logged_and_the_task_goes_on(caplog):
    class Broken:
        @hookimpl
        def qloom_task_started(self, task_id: str) -> None:
            raise RuntimeError("observer bug")

    with registered(Broken()), caplog.at_level(logging.ERROR, "qloom.task_events"):
        assert SerialExecutor().submit(tasks.square, 4).result() == 16
    assert "observer bug" in caplog.text


def test_the_compiler_labels_its_tasks_and_a_vet_hook_refuses_by_size():
    with registered(RefuseOver(3)), recording() as seen, Compiler() as compiler:
        ok = compiler.submit(ones(3), on="basis:5", transpiler=ROUTE, seed=1)
        with pytest.raises(TaskRefused, match="4 qubits is over") as refused:
            compiler.submit(ones(4), on="basis:5", transpiler=ROUTE, seed=1)
        assert compiler.status(ok) == "DONE"
        record = compiler.info(str(refused.value.task_id))
        assert record.status == "FAILED" and "TaskRefused" in (record.detail or "")
    submitted = [e[1]["task"] for e in seen.events if e[0] == "task_submitted"]
    assert [t.task_id for t in submitted] == [ok.id]
    assert dict(submitted[0].labels) == {
        "num_qubits": 3,
        "num_ops": len(ones(3)),
        "pipeline": "route",
        "backend": "basis:5",
        "batch": None,
    }
    assert str(refused.value.task_id) not in [t for e in seen.events for t in e[1].values()]


def test_a_refused_circuit_of_a_batch_fails_alone():
    with registered(RefuseOver(3)), Compiler() as compiler:
        outcomes = compiler.compile(
            [ones(2), ones(4), ones(3)], on="basis:5", transpiler=ROUTE, seed=1, errors="return"
        )
    assert isinstance(outcomes[1], TaskRefused)
    assert outcomes[1].reason == "4 qubits is over this site's limit of 3"
    assert [type(o).__name__ for o in outcomes] == ["CompileResult", "TaskRefused", "CompileResult"]


def test_the_compiler_follows_its_tasks_as_a_hook_plugin():
    manager = get_registry().hook_manager()
    with recording() as seen:
        compiler = Compiler()
        follower = compiler._follower
        assert manager.is_registered(follower)
        task = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=1)
        compiler.close()
    assert not manager.is_registered(follower)
    assert seen.names(task.id) == [
        "task_submitted",
        "task_started",
        "task_stage_changed",
        "task_finished",
    ]


def test_a_plugin_installed_through_the_entry_point_group_observes_tasks():
    require_distribution("qloom-fixture-good")
    from qloom_fixture_good import hooks as fixture_hooks

    fixture_hooks.TASKS.clear()
    SerialExecutor().submit(tasks.square, 3, options=TaskOptions(key="t-third-party")).result()
    assert [e for e in fixture_hooks.TASKS if e[1] == "t-third-party"] == [
        ("submitted", "t-third-party"),
        ("started", "t-third-party"),
        ("finished", "t-third-party"),
    ]


class Legacy(Executor):
    """An executor written for qloom 0.1: it runs tasks through ``call_as_task`` and calls
    no task hook, so its events reach only ``qloom.worker.dispatch``."""

    def __init__(self, workers: int | None = None) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="legacy")

    @property
    def size(self) -> int:
        return 1

    def submit(
        self, fn: Callable[..., Any], /, *args: Any, options: TaskOptions | None = None, **kw: Any
    ) -> Future[Any]:
        opts = (options or TaskOptions()).with_key()
        return self._pool.submit(call_as_task, opts.key or "", opts.timeout, fn, args, kw)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)


def test_the_compiler_still_follows_an_executor_that_calls_no_hook():
    seen: list[tuple[str, str]] = []

    class Statuses:
        @hookimpl
        def qloom_task_status_changed(self, task_id: str, status: str) -> None:
            seen.append((task_id, status))

    get_registry().register("executors", "legacy", Legacy)
    with registered(Statuses()), Compiler("legacy") as compiler:
        task = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=1)
        compiler.result(task)
    assert [s for t, s in seen if t == task.id] == [
        "QUEUED",
        "INITIALIZING",
        "RUNNING: PLACEMENT",
        "DONE",
    ]
