"""Getting a Dask client: on a LocalCluster qloom starts, or on an existing scheduler."""

from __future__ import annotations

import asyncio
import difflib
import inspect
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import dask
from distributed import Client, LocalCluster, Nanny, Worker, system
from distributed.comm.core import connect
from distributed.deploy.cluster import Cluster
from distributed.worker_memory import parse_memory_limit

from qloom.errors import ConfigError, ExecutorConnectionError, OptionError

__all__ = ["CLUSTER_CONFIG", "check_cluster_options", "connect_client", "start_cluster"]

_log = logging.getLogger("qloom.dask")

CLUSTER_CONFIG: Mapping[str, Any] = {
    # A worker death fails the task at once (KilledWorker); the executor re-runs it and
    # counts deaths per task, so each task's ``max_worker_deaths`` is honoured.
    "distributed.scheduler.allowed-failures": 0,
}
"""Dask settings of the LocalCluster qloom starts (read when its scheduler starts)."""


_CLUSTER_KEYWORDS = "any keyword of distributed.LocalCluster, Nanny or Worker"


def check_cluster_options(executor: Callable[..., Any], options: Mapping[str, Any]) -> None:
    """Refuse an option that neither ``executor``'s own parameters nor Dask's LocalCluster,
    Nanny or Worker take, naming it, the valid ones and the closest match, before a cluster
    starts: a LocalCluster passes unknown keywords to its workers, which then fail to start
    ("Nanny failed to start"), and the caller's typo would read as a broken plugin.

    Raises:
        OptionError: the first unknown option.
    """
    own = _keywords(executor)
    dask_names = set().union(*(_keywords(cls) for cls in (LocalCluster, Nanny, Worker)))
    for option in options:
        if option not in dask_names:
            close = difflib.get_close_matches(option, [*own, *dask_names], n=1, cutoff=0.6)
            valid: dict[str, str | None] = {k: repr(v) for k, v in own.items()}
            valid[_CLUSTER_KEYWORDS] = None
            raise OptionError("executor 'dask'", option, valid, close[0] if close else None)


def _keywords(factory: Callable[..., Any]) -> dict[str, Any]:
    """The named keyword parameters of ``factory`` (a class: its ``__init__``) -> default."""
    params = inspect.signature(factory).parameters.values()
    keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {p.name: p.default for p in params if p.kind in keyword and p.name != "self"}


class _NanniesStay(LocalCluster):
    """A LocalCluster that never closes a nanny because its worker went missing.

    A SpecCluster closes the nanny of a worker still missing ``lost-worker-timeout`` after
    a worker of that name left. The executor kills workers on purpose and their nannies
    start new ones; one killed again at that moment would take its nanny with it, and the
    cluster would shrink for good.
    """

    def _update_worker_status(self, op: str, msg: Any) -> None:
        if op == "remove":
            Cluster._update_worker_status(self, op, msg)  # the bookkeeping, not the closing
        else:
            super()._update_worker_status(op, msg)


def start_cluster(
    workers: int,
    threads_per_worker: int,
    processes: bool,
    options: Mapping[str, Any],
    heartbeat_timeout: float,
) -> tuple[LocalCluster, dict[str, float]]:
    """Start a LocalCluster whose workers declare ``CPU`` and ``MEM`` resources, and whose
    scheduler restarts a worker silent for ``heartbeat_timeout`` seconds.

    Returns:
        The cluster and the resources each of its workers declares.
    """
    options = dict(options)
    for name in ("n_workers", "threads_per_worker", "resources"):
        if name in options:
            raise ConfigError(f"'{name}' is set by the dask executor; do not pass it")
    memory = parse_memory_limit(
        options.pop("memory_limit", "auto"),
        threads_per_worker,
        total_cores=workers * threads_per_worker,
        logger=_log,
    )
    resources = {
        "CPU": float(threads_per_worker),
        "MEM": float(memory if memory is not None else system.MEMORY_LIMIT),
    }
    if "dashboard_address" not in options:  # no dashboard; health/metrics on a free port
        options["dashboard_address"] = None
        options["scheduler_kwargs"] = {
            "dashboard_address": ":0",
            **options.get("scheduler_kwargs", {}),
        }
    options.setdefault("silence_logs", logging.CRITICAL)
    ttl = {"distributed.scheduler.worker-ttl": f"{heartbeat_timeout}s"}
    with dask.config.set({**CLUSTER_CONFIG, **ttl}):
        cluster = _NanniesStay(
            n_workers=workers,
            threads_per_worker=threads_per_worker,
            processes=processes,
            memory_limit=memory or 0,
            resources=resources,
            **options,
        )
    return cluster, resources


def connect_client(address: str, timeout: float) -> Client:
    """A client of the scheduler at ``address``, or an error within ``timeout`` seconds.

    The address is first probed with Dask's own handshake in a throwaway event loop, so a
    dead or non-Dask address fails in time and leaves no client thread behind.

    Raises:
        ExecutorConnectionError: naming the address and the timeout.
    """
    failure = _probe(address, timeout)
    if failure is not None:
        raise ExecutorConnectionError(address, timeout, failure)
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, asyncio.TimeoutError) as exc:
        raise ExecutorConnectionError(address, timeout, f"{type(exc).__name__}: {exc}") from exc


def _probe(address: str, timeout: float) -> str | None:
    """Why no Dask server answers at ``address`` (``None``: one does)."""
    outcome: list[str | None] = []

    async def handshake() -> None:
        comm = await connect(address, timeout=timeout)
        await comm.close()

    def run() -> None:
        try:
            asyncio.run(asyncio.wait_for(handshake(), timeout))
        except asyncio.TimeoutError:
            outcome.append("no Dask handshake")
        except Exception as exc:  # any failure to connect is reported, with its cause
            outcome.append(f"{type(exc).__name__}: {exc}")
        else:
            outcome.append(None)

    prober = threading.Thread(target=run, name="qloom-dask-probe", daemon=True)
    prober.start()
    prober.join()
    return outcome[0] if outcome else "the probe failed"
