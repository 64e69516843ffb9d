"""Servers for the server tests: a module shares one where its tests allow it (starting
one takes a few seconds); each is stopped at the end of its module."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator

import pytest

from support import require_distribution
from support.server_process import Server


@pytest.fixture(autouse=True)
def installed() -> None:
    """The server, the executor and devices its tests compile on, and the faulty pass."""
    for name in ("qloom-server", "qloom-executors", "qloom-hw-emulator", "qloom-fixture-faulty"):
        require_distribution(name)


@pytest.fixture(scope="module")
def make_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """Start servers (each killed at the end of the module)."""
    started: list[Server] = []

    def make(*options: str, workers: int = 1) -> Server:
        server = Server(tmp_path_factory.mktemp("server"), *options, workers=workers)
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.kill(signal.SIGTERM)
