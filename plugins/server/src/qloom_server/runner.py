"""``serve``: run the API under uvicorn, on loopback unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from qloom_server.app import create_app
from qloom_server.config import Limits, ServerConfig

__all__ = ["DEFAULT_PORT", "serve"]

DEFAULT_PORT = 7472


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    store: str | Path = "~/.cache/qloom/server.sqlite",
    executor: str = "processes",
    workers: int | None = None,
    address: str | None = None,
    data_dir: str | Path | None = None,
    session_timeout: float = 900.0,
    limits: Limits | None = None,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    log_level: str = "info",
) -> None:
    """Serve the qloom API until interrupted (Ctrl-C or SIGTERM stop it cleanly: tasks not
    yet ended are re-queued by the next server on the same store).

    Args:
        host: the address to listen on; the default, loopback, keeps it off the network.
        port: the TCP port (0: any free one).
        store: the SQLite file of tasks, users and logs.
        executor, workers, address: where compilations run (``qloom.Compiler``'s).
        data_dir: the folder of users' files (default beside the store).
        session_timeout: seconds an idle session lives.
        limits: request and per-user bounds.
        ssl_certfile, ssl_keyfile: serve HTTPS with this certificate and key.
    """
    config = ServerConfig(
        store=Path(store).expanduser(),
        data_dir=None if data_dir is None else Path(data_dir),
        executor=executor,
        workers=workers,
        address=address,
        session_timeout=session_timeout,
        limits=limits or Limits(),
    )
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level=log_level,
        workers=None,  # one process: the executor runs the work, the store has one owner
        limit_concurrency=256,
        timeout_keep_alive=15,
    )
