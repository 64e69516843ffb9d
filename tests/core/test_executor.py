"""The serial executor: the reference every other executor is compared with."""

from __future__ import annotations

import pytest

import qloom
from qloom import SerialExecutor


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


def test_found_by_name():
    assert isinstance(qloom.get_executor("serial"), SerialExecutor)
    with pytest.raises(qloom.UnknownPluginError, match="pip install qloom-dask"):
        qloom.get_executor("dask")
