"""The worker process isolated sessions live in: it holds real ``Session`` objects and
answers one request at a time on its pipe.

Started as ``python -m qloom.session.host FD PARENT_PID MAX_MESSAGE_BYTES MEMORY_LIMIT`` (a
fresh interpreter) by ``qloom.session.isolated``, talking on the socket ``FD``; it builds the
backend by name and every pass from the plugins installed here, so a pass that crashes the
interpreter takes down this process only. Requests and answers are ``qloom.session.wire``
JSON messages: ``{"op": ..., ...}`` in, ``{"ok": {...}}`` or ``{"error": <failures data>}``
out. An exception a pass raises is an answer; ``SystemExit`` and anything that kills the
process end it, which the parent reports as ``SessionCrashed``.

Forks live in the same process as the session they came from (a fork is a cheap copy of
the step list); every session of one worker dies with it.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from typing import Any

from qloom.failures import error_to_data
from qloom.lifeline import die_with_parent, start_heartbeat
from qloom.session.core import Session, SessionError
from qloom.session.observations import Observations
from qloom.session.wire import (
    WireError,
    circuit_from_wire,
    circuit_to_wire,
    receive,
    send,
    step_to_data,
)

__all__ = ["MAX_OBSERVATIONS", "main", "serve"]

MAX_OBSERVATIONS = 1024
"""Observation handles a worker keeps (most recent first); a handle older than that (an
``Observations`` object of a long-gone state) answers with a ``SessionError``."""

PARENT_CHECK = 1.0
"""Seconds between two checks that the parent is still there."""


def serve(
    conn: Connection, parent_pid: int, max_message_bytes: int, memory_limit: int | None
) -> None:
    """The worker's main loop: answer requests until the pipe closes or ``exit`` comes.

    Ctrl-C in the terminal reaches the whole process group: the worker ignores it, and the
    parent decides what an interrupt means for its session.
    """
    die_with_parent(parent_pid)
    start_heartbeat(parent_pid, PARENT_CHECK, lambda: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_limit is not None:
        _limit_memory(memory_limit)
    host = _Host(max_message_bytes)
    send(conn, {"ok": {"pid": os.getpid()}}, max_message_bytes)
    while True:
        try:
            request = receive(conn, max_message_bytes)
        except (EOFError, OSError):  # the parent closed the pipe, or sent too much
            return
        except WireError as exc:
            send(conn, _error(exc), max_message_bytes)
            continue
        if request.get("op") == "exit":
            return
        answer = host.answer(request)
        try:
            send(conn, answer, max_message_bytes)
        except SessionError as exc:  # too large, or not JSON: say so instead
            send(conn, _error(exc), max_message_bytes)


def _limit_memory(limit: int) -> None:
    """Cap this process's address space (``RLIMIT_AS``) so a pass that allocates without
    bound gets ``MemoryError`` instead of taking the machine's memory."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _error(exc: BaseException) -> dict[str, Any]:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    exc.remote_traceback = text  # type: ignore[attr-defined]
    return {"error": error_to_data(exc)}


class _Host:
    """The sessions of one worker, by id, and the observation handles given out."""

    def __init__(self, max_message_bytes: int) -> None:
        self.limit = max_message_bytes
        self.sessions: dict[int, Session] = {}
        self.observations: OrderedDict[int, Observations] = OrderedDict()
        self.next_id = 1
        self.handlers: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
            "open": self.open,
            "step": self.step,
            "observation": self.observation,
            "observe": self.observe,
            "circuit": self.circuit,
            "undo": self.undo,
            "reset": self.reset,
            "fork": self.fork,
            "set_parameter": self.set_parameter,
            "close": self.close,
        }

    def answer(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """``{"ok": ...}`` or ``{"error": ...}`` for one request; an exception of a pass or
        of a bad request is an answer, ``SystemExit`` is not."""
        try:
            handler = self.handlers.get(str(request.get("op")))
            if handler is None:
                raise SessionError(f"unknown request {request.get('op')!r}")
            return {"ok": handler(request)}
        except Exception as exc:
            return _error(exc)

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _session(self, request: Mapping[str, Any]) -> Session:
        session = self.sessions.get(request.get("sid"))  # type: ignore[arg-type]
        if session is None:
            raise SessionError(f"no session {request.get('sid')!r} in this worker (closed?)")
        return session

    def _handle(self, observation: Observations) -> int:
        token = self._new_id()
        self.observations[token] = observation
        while len(self.observations) > MAX_OBSERVATIONS:
            self.observations.popitem(last=False)
        return token

    # -- requests -------------------------------------------------------------------------

    def open(self, request: Mapping[str, Any]) -> dict[str, Any]:
        backend = request["backend"]
        session = Session(
            circuit_from_wire(request["circuit"], self.limit),
            on=backend["name"],
            seed=request["seed"],
            reward=request["reward"],
            parameters=request.get("parameters") or None,
            name=request["name"],
            **backend["options"],
        )
        sid = self._new_id()
        self.sessions[sid] = session
        return {"sid": sid, "parameters": dict(session.parameters)}

    def step(self, request: Mapping[str, Any]) -> dict[str, Any]:
        session = self._session(request)
        result = session.step(request["action"], **request.get("options", {}))
        observation = result.observation
        values = {"executable": result.executable}
        name = "esp" if session.reward_space == "error" else session.reward_space
        values[name] = observation[name]  # computed for the reward already
        return {
            "step": step_to_data(result.step),
            "reward": result.reward,
            "executable": result.executable,
            "observation": self._handle(observation),
            "values": values,
        }

    def observation(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return {"observation": self._handle(self._session(request).observation)}

    def observe(self, request: Mapping[str, Any]) -> dict[str, Any]:
        observation = self.observations.get(request.get("observation"))  # type: ignore[arg-type]
        if observation is None:
            raise SessionError(
                "that observation belongs to a state this worker no longer keeps (it keeps "
                f"the last {MAX_OBSERVATIONS}); read session.observation again"
            )
        return {"values": {str(name): observation[str(name)] for name in request["names"]}}

    def circuit(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return {"circuit": circuit_to_wire(self._session(request).circuit)}

    def undo(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return {"step": step_to_data(self._session(request).undo())}

    def reset(self, request: Mapping[str, Any]) -> dict[str, Any]:
        self._session(request).reset()
        return {}

    def fork(self, request: Mapping[str, Any]) -> dict[str, Any]:
        sid = self._new_id()
        self.sessions[sid] = self._session(request).fork()
        return {"sid": sid}

    def set_parameter(self, request: Mapping[str, Any]) -> dict[str, Any]:
        session = self._session(request)
        session.set_parameter(request["name"], request.get("value"), **request.get("options", {}))
        return {"parameters": dict(session.parameters)}

    def close(self, request: Mapping[str, Any]) -> dict[str, Any]:
        self.sessions.pop(request.get("sid"), None)  # type: ignore[arg-type]
        return {"open": len(self.sessions)}


def main(argv: list[str]) -> None:
    """``python -m qloom.session.host FD PARENT_PID MAX_MESSAGE_BYTES MEMORY_LIMIT``
    (``MEMORY_LIMIT`` 0: none)."""
    fd, parent_pid, max_message_bytes, memory_limit = (int(a) for a in argv)
    serve(Connection(fd), parent_pid, max_message_bytes, memory_limit or None)


if __name__ == "__main__":
    main(sys.argv[1:])
