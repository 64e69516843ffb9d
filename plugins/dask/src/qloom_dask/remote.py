"""What runs inside a Dask worker: the task wrapper and the helpers the client calls there.

Status events leave the worker through Dask's structured event log: the wrapper makes
``qloom.worker``'s sink send ``(key, status, detail)`` to the executor's topic with
``Worker.log_event``; the executor subscribed to that topic hands them to ``dispatch``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import psutil
from distributed import get_worker
from distributed.protocol import pickle as dask_pickle

from qloom import worker
from qloom.errors import SerializationError, TaskCancelled
from qloom.executor import call_as_task
from qloom_dask.failures import TaskFailure

__all__ = [
    "Route",
    "hold_worker",
    "kill_worker_process",
    "request_stop",
    "run_pack",
    "run_task",
    "stop_early",
]

T = TypeVar("T")

Route = tuple[str, int]
"""Where a task's events go: ``(topic, attempt)``."""

_routes: dict[str, Route] = {}
_lock = threading.Lock()


def run_task(
    route: Route,
    key: str,
    timeout: float | None,
    fn: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
) -> T:
    """Run ``fn`` as task ``key`` in this worker, its events going to ``route``.

    Raises:
        TaskFailure: carrying what ``fn`` raised (the client unpacks it).
    """
    with _lock:
        _routes[key] = route
    worker.set_sink(_send)
    try:
        result = call_as_task(key, timeout, fn, args, kwargs)
        _check_serialisable(key, result)
        return result
    except Exception as exc:
        failure, trace = TaskFailure.of(exc), exc.__traceback__
    finally:
        with _lock:
            _routes.pop(key, None)
    raise failure.with_traceback(trace)  # outside ``except``: no context to pickle


Request = tuple[str, int, "float | None", Callable[..., Any], tuple[Any, ...], Mapping[str, Any]]
"""One request of a pack: ``(key, attempt, timeout, fn, args, kwargs)``."""

Outcome = tuple[bool, Any]
"""``(True, result)`` or ``(False, TaskFailure)``: how one request of a pack ended."""

_EARLY_STOPS = 10_000
"""How many stops of requests not yet started a worker remembers (oldest forgotten)."""

_early: OrderedDict[str, str] = OrderedDict()


def run_pack(topic: str, requests: list[Request]) -> list[Outcome]:
    """Run several small requests in this one Dask task, one after another.

    Each runs as its own task (``run_task``'s wrapper: own key, own timeout, own status
    events on its own route); one request's exception is its outcome and never stops the
    others; a request stopped before it began (``stop_early``) is skipped.

    Returns:
        One outcome per request, in order.
    """
    outcomes: list[Outcome] = []
    for key, attempt, timeout, fn, args, kwargs in requests:
        with _lock:
            reason = _early.pop(key, None)
        if reason is not None:
            outcomes.append((False, TaskFailure.of(TaskCancelled(reason, key))))
            continue
        try:
            outcomes.append((True, run_task((topic, attempt), key, timeout, fn, args, kwargs)))
        except TaskFailure as failure:
            outcomes.append((False, failure))
    return outcomes


def stop_early(key: str, reason: str) -> None:
    """Skip request ``key`` of a pack if this worker has not started it yet, or ask it to
    stop at its next checkpoint if it runs here now."""
    with _lock:
        if key in _routes:  # running here now
            worker.request_stop(key, reason)
            return
        _early[key] = reason
        while len(_early) > _EARLY_STOPS:
            _early.popitem(last=False)


def _check_serialisable(key: str, result: object) -> None:
    """Fail here, naming the task, if Dask could not send ``result`` back to the client
    (Dask would report it later as a lost future, naming neither task nor cause).

    Raises:
        SerializationError: the result cannot be pickled, even by cloudpickle.
    """
    try:
        dask_pickle.dumps(result)
    except Exception as exc:
        raise SerializationError.of_result(key, result, exc) from exc


def _send(key: str, status: str, detail: str | None) -> None:
    """The worker's sink: an event of a routed task goes to its executor's topic."""
    owner = worker.current_task() or key
    with _lock:
        route = _routes.get(owner)
    if route is None:  # not a task of ours (an in-process worker shares the client's sink)
        worker.dispatch(key, status, detail)
        return
    topic, attempt = route
    here = get_worker()
    message = {
        "task": owner,
        "attempt": attempt,
        "key": key,
        "status": status,
        "detail": detail,
        "worker": here.address,
        "nanny": here.nanny,
        "pid": os.getpid(),
        "threads": here.state.nthreads,
    }
    here.log_event(topic, message)


def request_stop(key: str, reason: str) -> None:
    """Ask task ``key`` to stop at its next checkpoint (workers without a nanny)."""
    worker.request_stop(key, reason)


def hold_worker(address: str, hold: bool = True, dask_scheduler: Any = None) -> None:
    """On the scheduler: give the worker at ``address`` no new task (it is about to be
    replaced), or, with ``hold=False``, new tasks again."""
    status = "closing_gracefully" if hold else "running"
    dask_scheduler.handle_worker_status_change(status, address, stimulus_id=f"qloom-{status}")


def kill_worker_process(pid: int) -> bool:
    """On a nanny: kill its worker process ``pid`` (and that process's children).

    The nanny sees its worker die and starts a fresh one. Killing is what stops a task
    stuck in a thread; asking the worker to close would wait for that thread first.
    """
    try:
        process = psutil.Process(pid)
        if process.ppid() != os.getpid():  # only ever our own worker
            return False
        victims = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return False
    for victim in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            victim.kill()
    return True
