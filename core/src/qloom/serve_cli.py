"""``qloom serve``: the compile service's command, whose work is in ``qloom-server``.

The arguments are defined here so ``qloom serve --help`` works everywhere; running imports
``qloom_server`` only then, and says which distribution to install when it is absent.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from qloom.errors import QloomError

__all__ = ["add_serve_command"]

SERVER_DISTRIBUTION = "qloom-server"
DEFAULT_STORE = "~/.cache/qloom/server.sqlite"
STORE_ENV = "QLOOM_SERVER_STORE"


def add_serve_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``qloom serve`` (and ``qloom serve token ...``) to the CLI's sub-commands."""
    store_default = os.environ.get(STORE_ENV, DEFAULT_STORE)
    serve = sub.add_parser("serve", help="run the compile service over HTTP (needs qloom-server)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    serve.add_argument("--port", type=int, default=7472, help="TCP port (default 7472)")
    serve.add_argument(
        "--store", default=store_default, help=f"SQLite file of tasks and users ({DEFAULT_STORE})"
    )
    serve.add_argument(
        "--executor", default="processes", help="processes (default), threads, serial or dask"
    )
    serve.add_argument("--workers", type=int, default=None, help="workers to start")
    serve.add_argument("--address", default=None, help="a running Dask scheduler (with dask)")
    serve.add_argument("--data-dir", default=None, help="folder of users' files")
    serve.add_argument(
        "--session-timeout", type=float, default=900.0, help="seconds an idle session lives"
    )
    serve.add_argument("--ssl-certfile", default=None, help="serve HTTPS with this certificate")
    serve.add_argument("--ssl-keyfile", default=None, help="the certificate's private key")
    serve.add_argument(
        "--max-body-bytes", type=int, default=4 * 1024 * 1024, help="JSON request body limit"
    )
    serve.add_argument(
        "--max-file-bytes", type=int, default=8 * 1024 * 1024, help="uploaded file limit"
    )
    serve.add_argument("--max-queued", type=int, default=2000, help="unfinished tasks per user")
    serve.add_argument("--max-circuits", type=int, default=1000, help="circuits per request")
    serve.add_argument(
        "--max-task-seconds", type=float, default=3600.0, help="the longest a task may run"
    )
    serve.add_argument("--log-level", default="info", help="uvicorn's log level")
    serve.set_defaults(func=_run("run"))

    actions = serve.add_subparsers(title="commands", metavar="COMMAND")
    token = actions.add_parser("token", help="create, revoke or list users' tokens")
    token_actions = token.add_subparsers(title="actions", metavar="ACTION", dest="action")
    for action, text in (
        ("create", "add a user and print its new token (shown once; only a hash is kept)"),
        ("revoke", "remove a user's token (its tasks and files stay)"),
        ("list", "print the users' names (tokens are never kept)"),
    ):
        parser = token_actions.add_parser(action, help=text)
        if action != "list":
            parser.add_argument("name", help="the user's name")
        parser.add_argument("--store", default=store_default, help="the server's SQLite file")
        parser.set_defaults(func=_run("run_token"))
    token.set_defaults(func=lambda args: token.print_help() or 2)


def _run(name: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            from qloom_server import cli
        except ImportError as exc:
            if exc.name is None or not exc.name.startswith("qloom_server"):
                raise
            from qloom.plugins import install_command

            raise QloomError(
                f"`qloom serve` needs the {SERVER_DISTRIBUTION} distribution: "
                f"{install_command(SERVER_DISTRIBUTION)}"
            ) from None
        return int(getattr(cli, name)(args))

    return run
