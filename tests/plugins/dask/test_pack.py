"""Small requests packed into one Dask task (issue 19), each keeping its own outcome.

A pack forms when requests queue in the executor: ``map``/``starmap`` queue them all at
once, and single submits queue while every worker thread is busy. The tests make packs
that way (both threads held by ``occupy``, then one released) and check, per request:
result or error, cancel, timeout, worker death, and the same bytes as unpacked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qloom import Circuit
from qloom.compiler import circuit_to_data, compile_request
from qloom.config import get_backend, pipeline_for
from qloom.errors import TaskCancelled, TaskTimeout, WorkerDied
from qloom.executor import SerialExecutor, TaskOptions
from qloom_dask import DaskExecutor
from support import require_distribution, tasks

LIMIT = 60.0
"""Seconds any one wait may take before the test fails (a killed worker's replacement
alone can take 10 s on a loaded machine)."""

DEVICE = "emulator:heavy-hex-27"


@pytest.fixture(scope="module")
def executor() -> Iterator[DaskExecutor]:
    """A LocalCluster of this module's own (2 workers and a spare): the worker kills of
    ``test_dask.py`` leave the shared one restarting workers, which would slow these."""
    with DaskExecutor(workers=2) as ex:
        yield ex


@pytest.fixture
def killable() -> Iterator[DaskExecutor]:
    """A fresh LocalCluster (2 workers and a spare) for a test that kills its workers, so
    that no other test waits for their replacements."""
    with DaskExecutor(workers=2) as ex:
        assert ex.wait_ready(LIMIT)
        yield ex


def started(path: Path) -> None:
    deadline = time.monotonic() + LIMIT
    while not path.exists():
        assert time.monotonic() < deadline, f"gave up waiting for {path.name} to start"
        time.sleep(0.01)


def occupy(ex: DaskExecutor, tmp_path: Path, name: str) -> tuple[Future[str], Path]:
    """Task ``name`` holding one worker thread until the returned release file appears."""
    mark, release = tmp_path / f"{name}-started", tmp_path / f"{name}-release"
    future = ex.submit(tasks.wait_for, str(mark), str(release), options=TaskOptions(key=name))
    started(mark)
    return future, release


def held_then_packed(local: DaskExecutor, tmp_path: Path, submit: Any) -> Any:
    """Hold both threads, call ``submit()`` (its requests queue), release one thread so the
    queue goes out as one pack, then the other (nothing may wait behind a held thread: a
    worker that dies and restarts could leave Dask nowhere else to send work). Returns
    what ``submit`` returned and ``packs_sent`` before."""
    first, release_first = occupy(local, tmp_path, "hold-a")
    second, release_second = occupy(local, tmp_path, "hold-b")
    before = local.packs_sent
    submitted = submit()
    release_first.touch()
    assert first.result(timeout=LIMIT) == "released"  # its thread took the queue as a pack
    release_second.touch()
    assert second.result(timeout=LIMIT) == "released"
    return submitted, before


def test_map_packs_small_requests_and_passes_keywords(local: DaskExecutor) -> None:
    before = local.packs_sent
    results = local.map(tasks.dask_key, range(20))
    assert [x for x, _ in results] == list(range(20))
    keys = {key for _, key in results}
    assert all(key.startswith("pack-") for key in keys)
    assert len(keys) < 20 and local.packs_sent > before
    tripled = local.map(tasks.offset_by, range(6), offset=1, scale=3)
    assert tripled == [3 * (i + 1) for i in range(6)]
    assert local.starmap(tasks.offset_by, [(1,), (2,)], offset=10) == [11, 12]


def test_each_request_of_a_pack_keeps_its_result_or_its_error(local: DaskExecutor) -> None:
    futures = local.submit_many(tasks.fail_on_multiples, [(i,) for i in range(12)], of=4)
    for i, future in enumerate(futures):
        if i % 4 == 0:
            with pytest.raises(ValueError, match=f"^{i} is a multiple of 4$"):
                future.result(timeout=LIMIT)
        else:
            assert future.result(timeout=LIMIT) == i * i


def test_cancelling_one_request_of_a_pack_stops_only_that_request(
    local: DaskExecutor, tmp_path: Path
) -> None:
    """The running request stops at its checkpoint, the queued one never starts, the rest
    finish on the same worker process (no worker is killed)."""
    never = str(tmp_path / "never")
    marks = [tmp_path / f"req-{i}" for i in range(3)]

    def submit() -> list[Any]:
        futures = [local.submit(tasks.wait_for, str(marks[0]), never)]
        futures.append(local.submit(tasks.pid_of))
        futures.append(local.submit(tasks.wait_for, str(marks[1]), never))
        futures.append(local.submit(tasks.pid_of))
        return futures

    (running, pid_a, queued, pid_b), before = held_then_packed(local, tmp_path, submit)
    started(marks[0])
    assert local.packs_sent == before + 1
    assert local.cancel(queued, "not this one")
    assert local.cancel(running, "nor this one")
    with pytest.raises(TaskCancelled, match="nor this one"):
        running.result(timeout=0)
    with pytest.raises(TaskCancelled, match="not this one"):
        queued.result(timeout=0)
    assert pid_a.result(timeout=LIMIT) == pid_b.result(timeout=LIMIT)
    assert not marks[1].exists(), "a request cancelled before it started must never start"


def test_a_timeout_stops_one_request_of_a_pack(local: DaskExecutor, tmp_path: Path) -> None:
    never = str(tmp_path / "never")

    def submit() -> list[Any]:
        slow = local.submit(
            tasks.wait_for, str(tmp_path / "slow"), never, options=TaskOptions(timeout=0.5)
        )
        return [slow, local.submit(tasks.square, 6), local.submit(tasks.square, 7)]

    (slow, six, seven), before = held_then_packed(local, tmp_path, submit)
    assert local.packs_sent == before + 1
    with pytest.raises(TaskTimeout, match=r"timed out after 0\.5 s"):
        slow.result(timeout=LIMIT)
    assert (six.result(timeout=LIMIT), seven.result(timeout=LIMIT)) == (36, 49)


def _requests() -> list[dict[str, Any]]:
    """Compile requests as the Compiler sends them: random 2q layers for a heavy-hex device."""
    rng = np.random.default_rng(19)
    spec = pipeline_for(get_backend(DEVICE), None).spec()
    requests = []
    for i in range(12):
        n = int(rng.integers(3, 7))
        circuit = Circuit(n, name=f"rand{i}")
        for _ in range(10):
            a, b = rng.choice(n, 2, replace=False)
            circuit.rx(float(rng.uniform(0, 3)), int(a)).cx(int(a), int(b))
        requests.append(
            {
                "circuit": circuit_to_data(circuit),
                "backend": DEVICE,
                "backend_options": {},
                "pipeline": spec,
                "seed": 100 + i,
                "padding": None,
            }
        )
    return requests


def _bytes(result: dict[str, Any]) -> bytes:
    return json.dumps([result["circuit"], result["layout"]], sort_keys=True).encode()


def test_same_seed_gives_the_same_bytes_packed_and_unpacked(local: DaskExecutor) -> None:
    """R10: serial, Dask one request per task, and Dask packed give identical outputs."""
    require_distribution("qloom-hw-emulator")
    requests = _requests()
    with SerialExecutor() as serial:
        reference = [_bytes(r) for r in serial.map(compile_request, requests)]
    alone = [_bytes(local.submit(compile_request, r).result(timeout=LIMIT)) for r in requests]
    before = local.packs_sent
    packed = [_bytes(r) for r in local.map(compile_request, requests)]
    assert local.packs_sent > before
    assert alone == reference
    assert packed == reference
    assert len(set(reference)) > 1  # the circuits differ: a constant output cannot pass


def test_pack_must_be_a_whole_number_of_at_least_one() -> None:
    from qloom.errors import ConfigError

    with pytest.raises(ConfigError, match="pack must be a whole number of at least 1, got 0"):
        DaskExecutor(workers=1, pack=0)


def test_each_request_of_a_pack_has_its_own_task_hooks(local: DaskExecutor) -> None:
    """The executor hooks (issue 19) see every packed request as its own task."""
    from support.task_hooks import recording

    before = local.packs_sent
    with recording() as seen:
        futures = local.submit_many(tasks.emit_stages, [(["place", "route"],)] * 6)
        assert [f.result(timeout=LIMIT) for f in futures] == [["place", "route"]] * 6
        keys = [e[1]["task"].task_id for e in seen.events if e[0] == "task_submitted"]
        assert len(keys) == 6
        seen.wait_for(lambda events: sum(e[0] == "task_finished" for e in events) == 6, LIMIT)
    assert local.packs_sent > before
    for key in keys:
        assert seen.names(key) == [
            "task_submitted",
            "task_started",
            "task_stage_changed",
            "task_stage_changed",
            "task_finished",
        ]


# -- stops and deaths last: each kills a worker of this module's cluster ---------------


def test_a_stuck_request_of_a_pack_is_killed_and_the_others_rerun(
    killable: DaskExecutor, tmp_path: Path
) -> None:
    """A request that never reaches a checkpoint: after the grace its worker is killed,
    and the pack's unfinished requests run again elsewhere, without a death counted."""
    mark = tmp_path / "stuck"

    def submit() -> list[Any]:
        stuck = killable.submit(tasks.hang, str(mark))
        return [
            stuck,
            *(
                killable.submit(tasks.square, i, options=TaskOptions(max_worker_deaths=0))
                for i in range(3)
            ),
        ]

    (stuck, *rest), _ = held_then_packed(killable, tmp_path, submit)
    started(mark)
    assert killable.cancel(stuck, "stuck")
    assert [f.result(timeout=LIMIT) for f in rest] == [0, 1, 4]


def test_a_worker_death_mid_pack_reruns_its_unfinished_requests(
    killable: DaskExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "died"

    def submit() -> list[Any]:
        futures = [killable.submit(tasks.square, 2)]
        futures.append(killable.submit(tasks.die_once, str(marker), 5))
        futures += [killable.submit(tasks.square, i) for i in (3, 4)]
        return futures

    futures, before = held_then_packed(killable, tmp_path, submit)
    assert [f.result(timeout=LIMIT) for f in futures] == [4, 5, 9, 16]
    assert marker.exists() and killable.packs_sent == before + 1


def test_a_request_killing_its_workers_fails_alone_and_its_pack_neighbours_finish(
    killable: DaskExecutor, tmp_path: Path
) -> None:
    """R1 and R3 in a pack: 4 attempts for the poison, then ``WorkerDied``; every other
    request of its pack finishes."""
    attempts = tmp_path / "attempts"

    def submit() -> list[Any]:
        futures = [killable.submit(tasks.square, 1)]
        futures.append(killable.submit(tasks.count_attempts, str(attempts)))
        futures += [killable.submit(tasks.square, i) for i in (2, 3)]
        return futures

    (one, poison, two, three), before = held_then_packed(killable, tmp_path, submit)
    with pytest.raises(WorkerDied) as died:
        poison.result(timeout=LIMIT)
    assert died.value.attempts == 4 == len(list(attempts.iterdir()))
    assert [f.result(timeout=LIMIT) for f in (one, two, three)] == [1, 4, 9]
    assert killable.packs_sent == before + 1
