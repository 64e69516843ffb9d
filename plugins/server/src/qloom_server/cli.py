"""What ``qloom serve`` runs once the core CLI parsed its arguments."""

from __future__ import annotations

import argparse
import sys

from qloom_server.accounts import create_token, list_users, revoke_token
from qloom_server.config import Limits
from qloom_server.runner import serve

__all__ = ["run", "run_token"]


def run(args: argparse.Namespace) -> int:
    """``qloom serve ...``: serve until stopped."""
    limits = Limits(
        max_body_bytes=args.max_body_bytes,
        max_file_bytes=args.max_file_bytes,
        max_queued=args.max_queued,
        max_circuits=args.max_circuits,
        max_task_seconds=args.max_task_seconds,
    )
    serve(
        host=args.host,
        port=args.port,
        store=args.store,
        executor=args.executor,
        workers=args.workers,
        address=args.address,
        data_dir=args.data_dir,
        session_timeout=args.session_timeout,
        limits=limits,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level=args.log_level,
    )
    return 0


def run_token(args: argparse.Namespace) -> int:
    """``qloom serve token create|revoke|list``."""
    if args.action == "create":
        token = create_token(args.store, args.name)
        print(token)
        print(
            f"token for {args.name!r} created; it is shown only now (the store keeps a hash)",
            file=sys.stderr,
        )
    elif args.action == "revoke":
        if not revoke_token(args.store, args.name):
            print(f"qloom: error: no user {args.name!r} in {args.store}", file=sys.stderr)
            return 1
        print(f"token of {args.name!r} revoked", file=sys.stderr)
    else:
        for name in list_users(args.store):
            print(name)
    return 0
