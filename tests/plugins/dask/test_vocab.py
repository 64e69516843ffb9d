"""The executor vocabulary on Dask (issue 19): ``workers=-1``, ``persist``, ``map`` keywords."""

from __future__ import annotations

import os

import pytest

import qloom
from qloom import pools
from qloom.errors import ConfigError
from qloom_dask import DaskExecutor
from support import tasks

LIMIT = 60.0


@pytest.mark.parametrize("bad", [0, -2])
def test_zero_or_below_minus_one_workers_is_refused_before_a_cluster_starts(bad: int) -> None:
    with pytest.raises(ConfigError, match=rf"workers={bad}: the dask executor needs at least 1"):
        DaskExecutor(workers=bad)


def test_minus_one_workers_starts_one_per_cpu() -> None:
    with DaskExecutor(workers=-1, processes=False, spare_workers=0) as ex:
        assert ex.size == (os.cpu_count() or 1)
        assert ex.wait_ready(LIMIT)
        assert len(ex.client.scheduler_info()["workers"]) == (os.cpu_count() or 1)
        assert ex.map(tasks.offset_by, range(4), offset=1) == [1, 2, 3, 4]


def test_a_persisted_local_cluster_keeps_its_workers_until_close() -> None:
    """The same worker process after ``shutdown``; a lease of ``get_executor`` reuses it."""
    try:
        first = qloom.get_executor("dask", workers=1, spare_workers=0, persist=True)
        with first:
            assert first.wait_ready(LIMIT)
            pid = first.submit(tasks.pid_of).result(timeout=LIMIT)
        second = qloom.get_executor("dask", workers=1, spare_workers=0, persist=True)
        assert isinstance(second, pools.Lease) and second.pool is first.pool
        with second:
            assert second.submit(tasks.pid_of).result(timeout=LIMIT) == pid
        address = second.address
        second.close()
        assert first.pool.client.status == "closed"
        fresh = qloom.get_executor("dask", workers=1, spare_workers=0, persist=True)
        with fresh:
            assert fresh.address != address
            assert fresh.submit(tasks.pid_of).result(timeout=LIMIT) != pid
    finally:
        pools.close_persistent()


def test_a_dask_executor_built_to_persist_outlives_its_with_block() -> None:
    with DaskExecutor(workers=1, spare_workers=0, persist=True) as kept:
        pid = kept.submit(tasks.pid_of).result(timeout=LIMIT)
    try:
        assert kept.submit(tasks.pid_of).result(timeout=LIMIT) == pid  # still up
    finally:
        kept.close()
    with pytest.raises(RuntimeError, match="shut down"):
        kept.submit(tasks.pid_of)
