"""What a ``processes`` worker runs: one task at a time, read from and answered on a pipe.

To the worker: ``(key, timeout, payload)``, ``payload`` being the pickled
``(fn, args, kwargs)``, or ``None`` to stop. Back from it: ``("ready", pid)`` once it is
started, ``("event", key, status, detail)`` for each status event, then
``("done", key, ok, blob)``: the pickled result, or (``ok`` false) the pickled exception
chain. Events and the answer share the pipe, so a task's events arrive before its result.
A ``("beat",)`` goes out every heartbeat interval from a thread of its own, busy or not;
the worker exits when its parent dies (``_lifeline``).
"""

from __future__ import annotations

import os
import pickle
import threading
import traceback
from itertools import pairwise
from multiprocessing.connection import Connection

from qloom import worker
from qloom.errors import SerializationError, transportable
from qloom.executor import call_as_task
from qloom_executors._lifeline import die_with_parent, start_heartbeat

__all__ = ["RemoteTraceback", "pack_error", "serve", "unpack_error"]

MAX_CAUSES = 16


class RemoteTraceback(Exception):
    """The formatted traceback of an exception raised in a worker process."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text}"""'


def serve(conn: Connection, parent_pid: int, heartbeat_interval: float) -> None:
    """The worker process's main loop; it beats every ``heartbeat_interval`` seconds and
    ends with its parent ``parent_pid``."""
    die_with_parent(parent_pid)
    lock = threading.Lock()

    def send(message: tuple[object, ...]) -> None:
        with lock:  # a task may emit from threads of its own
            conn.send(message)

    worker.set_sink(lambda key, status, detail: send(("event", key, status, detail)))
    send(("ready", os.getpid()))
    start_heartbeat(parent_pid, heartbeat_interval, lambda: send(("beat",)))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        key, timeout, payload = message
        ok, blob = run(key, timeout, payload)
        send(("done", key, ok, blob))


def run(key: str, timeout: float | None, payload: bytes) -> tuple[bool, bytes]:
    """Run one task; ``(True, pickled result)`` or ``(False, packed exception)``."""
    try:
        fn, args, kwargs = pickle.loads(payload)
        result = call_as_task(key, timeout, fn, args, kwargs)
        try:
            return True, pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise SerializationError.of_result(key, result, exc) from exc
    except BaseException as exc:  # everything, even SystemExit, is the task's answer
        return False, pack_error(exc)


def pack_error(exc: BaseException) -> bytes:
    """Pickle ``exc`` with its ``__cause__`` chain and its formatted traceback.

    Pickling drops causes and tracebacks; this keeps both. An exception that would not
    survive the trip is replaced by a ``RemoteError`` naming its type.
    """
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < MAX_CAUSES:
        chain.append(transportable(seen))
        seen = seen.__cause__
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return pickle.dumps((chain, text), pickle.HIGHEST_PROTOCOL)


def unpack_error(blob: bytes) -> BaseException:
    """The exception ``pack_error`` packed, its causes relinked, the remote traceback last."""
    chain, text = pickle.loads(blob)
    for outer, inner in pairwise(chain):
        outer.__cause__ = inner
    chain[-1].__cause__ = RemoteTraceback(text)
    error: BaseException = chain[0]
    return error
