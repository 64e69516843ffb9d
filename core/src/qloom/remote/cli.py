"""``qloom tasks`` and ``qloom files``: a compile server's tasks and your files on it, and
the ``--server``/``--token``/``--verify`` options ``qloom compile`` shares.

The server is ``--server URL`` or ``$QLOOM_SERVER``, the token ``--token`` or
``$QLOOM_TOKEN``. ``qloom tasks list/show/result`` without a server read the local task
store (``--store``, default ``$QLOOM_STORE``) that ``qloom compile --store`` writes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

from qloom.compiler.compiler import Compiler
from qloom.compiler.store import TaskRecord
from qloom.errors import QloomError
from qloom.remote.client import RemoteCompiler

__all__ = ["SERVER_ENV", "add_files_command", "add_server_options", "add_tasks_command", "remote"]

SERVER_ENV = "QLOOM_SERVER"
"""The server ``qloom tasks`` and ``qloom files`` use when ``--server`` is not given."""


def add_server_options(parser: argparse.ArgumentParser, *, from_environment: bool) -> None:
    """``--server``, ``--token`` and ``--verify``."""
    default = os.environ.get(SERVER_ENV) if from_environment else None
    where = f" (default ${SERVER_ENV})" if from_environment else ""
    parser.add_argument(
        "--server", default=default, metavar="URL", help=f"a qloom serve server{where}"
    )
    parser.add_argument("--token", default=None, help="your token (default $QLOOM_TOKEN)")
    parser.add_argument(
        "--verify",
        default=None,
        metavar="CAFILE|no",
        help="HTTPS: a CA file to check the server's certificate with, or 'no' (default: "
        "the system's authorities)",
    )


def remote(args: argparse.Namespace, **options: Any) -> RemoteCompiler:
    """The remote Compiler the options name."""
    verify: bool | str = True
    if args.verify is not None:
        verify = False if args.verify.lower() in ("no", "false", "0") else args.verify
    return RemoteCompiler(args.server, token=args.token, verify=verify, **options)


def _needs_server(args: argparse.Namespace, what: str) -> RemoteCompiler:
    if not args.server:
        raise QloomError(f"`qloom {what}` needs a server: --server URL or ${SERVER_ENV}")
    return remote(args)


# -- qloom tasks ------------------------------------------------------------------------------


def add_tasks_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``qloom tasks [list|show|result|cancel|logs]``."""
    tasks = sub.add_parser("tasks", help="list, inspect, fetch and cancel compile tasks")
    actions = tasks.add_subparsers(title="actions", metavar="ACTION")
    listing = actions.add_parser("list", help="your tasks, oldest first")
    listing.add_argument("--status", help="only tasks whose status starts with this")
    listing.add_argument("--batch", help="only the tasks of this batch")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_cmd_list)
    show = actions.add_parser("show", help="one task's status, times and detail")
    show.add_argument("id", help="the task id")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=_cmd_show)
    result = actions.add_parser("result", help="wait for a task; print or write its QASM")
    result.add_argument("id", help="the task id")
    result.add_argument("--out", type=Path, help="write the QASM here instead of printing it")
    result.add_argument(
        "--layout", type=Path, help="also write the layout and metadata (JSON) here"
    )
    result.add_argument("--wait", type=float, default=None, help="seconds to wait at most")
    result.set_defaults(func=_cmd_result)
    cancel = actions.add_parser("cancel", help="cancel a task on the server")
    cancel.add_argument("id", help="the task id")
    cancel.set_defaults(func=_cmd_cancel)
    logs = actions.add_parser("logs", help="a server task's log (every status, with times)")
    logs.add_argument("id", help="the task id")
    logs.set_defaults(func=_cmd_logs)
    for parser in (tasks, listing, show, result, cancel, logs):
        add_server_options(parser, from_environment=True)
        parser.add_argument(
            "--store", default=None, help="without a server: the local task store ($QLOOM_STORE)"
        )
    tasks.set_defaults(func=_cmd_list, status=None, batch=None, json=False)


def _tasks_client(args: argparse.Namespace) -> RemoteCompiler | Compiler:
    if args.server:
        return remote(args)
    return Compiler(store=args.store or True, progress=False)


def _cmd_list(args: argparse.Namespace) -> int:
    with _tasks_client(args) as client:
        records = client.tasks(status=args.status, batch=args.batch)
    if args.json:
        print(json.dumps([_record(r) for r in records], indent=2))
        return 0
    if not records:
        print("no tasks")
        return 0
    width = max(len(r.id) for r in records)
    print(f"{'ID':{width}}  {'STATUS':20}  {'CREATED':19}  {'BACKEND':24}  NAME")
    for r in records:
        print(
            f"{r.id:{width}}  {r.status:20}  {_time(r.created):19}  {r.backend:24}  {r.name or ''}"
        )
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    with _tasks_client(args) as client:
        record = client.info(args.id)
    data = _record(record)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        for key, value in data.items():
            shown = _time(value) if key in ("created", "started", "finished") else value
            print(f"{key + ':':10} {'' if shown is None else shown}")
    return 0 if record.status != "FAILED" else 1


def _cmd_result(args: argparse.Namespace) -> int:
    from qloom import qasm2

    with _tasks_client(args) as client:
        result = client.result(args.id, timeout=args.wait)
    text = qasm2.dumps(result.circuit)
    if args.out:
        args.out.write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if args.layout:
        data = {"layout": result.layout.to_dict(), "metadata": result.metadata}
        args.layout.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return 0


def _cmd_cancel(args: argparse.Namespace) -> int:
    client = _needs_server(args, "tasks cancel")
    if client.cancel(args.id):
        print(f"cancelled {args.id}")
        return 0
    print(f"{args.id} was not cancelled: it is {client.status(args.id)}", file=sys.stderr)
    return 1


def _cmd_logs(args: argparse.Namespace) -> int:
    client = _needs_server(args, "tasks logs")
    for line in client.logs(args.id):
        print(f"{_time(line['time'], precise=True)}  {line['level']:7}  {line['message']}")
    return 0


def _record(record: TaskRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "status": record.status,
        "name": record.name,
        "backend": record.backend,
        "pipeline": record.pipeline,
        "batch": record.parent,
        "detail": record.detail,
        "created": record.created,
        "started": record.started,
        "finished": record.finished,
    }


def _time(value: float | None, precise: bool = False) -> str:
    if value is None:
        return ""
    moment = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    return moment.isoformat(sep=" ", timespec="milliseconds" if precise else "seconds")[:-6]


# -- qloom files ------------------------------------------------------------------------------


def add_files_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``qloom files [list|upload|download|delete]``."""
    files = sub.add_parser("files", help="your data files on a compile server")
    actions = files.add_subparsers(title="actions", metavar="ACTION")
    listing = actions.add_parser("list", help="your files, with sizes and times")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_cmd_files)
    upload = actions.add_parser("upload", help="store a local file on the server")
    upload.add_argument("path", type=Path, help="the local file")
    upload.add_argument("--name", help="its name on the server (default: the file's name)")
    upload.set_defaults(func=_cmd_upload)
    download = actions.add_parser("download", help="fetch one of your files")
    download.add_argument("name", help="its name on the server")
    download.add_argument(
        "path", type=Path, nargs="?", default=Path("."), help="where to write it (default .)"
    )
    download.set_defaults(func=_cmd_download)
    delete = actions.add_parser("delete", help="remove one of your files")
    delete.add_argument("name", help="its name on the server")
    delete.set_defaults(func=_cmd_delete)
    for parser in (files, listing, upload, download, delete):
        add_server_options(parser, from_environment=True)
    files.set_defaults(func=_cmd_files, json=False)


def _cmd_files(args: argparse.Namespace) -> int:
    found = _needs_server(args, "files").files.list()
    if args.json:
        rows = [{"name": f.name, "size": f.size, "modified": f.modified} for f in found]
        print(json.dumps(rows, indent=2))
        return 0
    if not found:
        print("no files")
        return 0
    width = max(len(f.name) for f in found)
    print(f"{'NAME':{width}}  {'SIZE':>10}  MODIFIED")
    for f in found:
        print(f"{f.name:{width}}  {f.size:>10}  {_time(f.modified)}")
    return 0


def _cmd_upload(args: argparse.Namespace) -> int:
    if not args.path.is_file():
        raise QloomError(f"no such file: {args.path}")
    stored = _needs_server(args, "files upload").files.upload(args.path, args.name)
    print(f"uploaded {args.path} as {stored.name} ({stored.size} bytes)")
    return 0


def _cmd_download(args: argparse.Namespace) -> int:
    written = _needs_server(args, "files download").files.download(args.name, args.path)
    print(f"wrote {written}")
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    _needs_server(args, "files delete").files.delete(args.name)
    print(f"deleted {args.name}")
    return 0
