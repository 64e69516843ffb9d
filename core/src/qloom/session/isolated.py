"""``IsolatedSession``: a session whose passes run in a worker process of its own.

``Session(circuit, on=..., isolated=True)`` builds one. The real ``Session`` lives in a
freshly spawned interpreter (``qloom.session.host``); this object forwards every call to it
as a JSON message (``qloom.session.wire``) and mirrors what it needs to answer cheaply
(history, parameters). A pass that crashes the interpreter (a segfault, ``os._exit``,
``sys.exit``, the kernel's OOM killer) ends that worker: the call raises
``SessionCrashed`` naming the step, the pass and the exit code or signal, the caller's
process carries on, and every later call on the session raises the same error. A pass that
merely raises gives its ``PassError`` as in-process, and the session stays as it was.

``fork()`` makes the fork in the same worker: cheap (the step list is shared, nothing is
sent but a request), and a crash then ends the session and all its forks together.

The worker stops when its last session is closed (``close()``, a ``with`` block, or when
the objects are garbage-collected), at interpreter exit, and, on Linux, when the parent
dies even by SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Iterable, Mapping
from multiprocessing.connection import wait
from typing import Any

import numpy as np

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.config import get_backend
from qloom.errors import ConfigError
from qloom.layout import Layout
from qloom.passes import Pass
from qloom.session.actions import Action
from qloom.session.core import (
    CONTEXT_PARAMETERS,
    Session,
    SessionError,
    Step,
    StepResult,
    use_isolated_class,
)
from qloom.session.observations import NUMERIC, OBSERVATIONS, Observations, check_reward
from qloom.session.spawner import start_worker
from qloom.session.wire import (
    MAX_MESSAGE_BYTES,
    backend_reference,
    circuit_from_wire,
    circuit_to_wire,
    observation_from_data,
    receive,
    remote_error,
    send,
    step_from_data,
)

__all__ = ["IsolatedSession", "SessionCrashed"]

START_TIMEOUT = 120.0
"""Default seconds a worker may take to start (import qloom and its plugins)."""

STOP_GRACE = 5.0
"""Seconds a worker gets to exit on its own when its last session closes."""


class SessionCrashed(SessionError):
    """The worker process of an isolated session died (or was stopped): the session, and
    every fork in the same worker, is over.

    Attributes:
        reason: what happened (``"killed by SIGSEGV"``, ``"exited with code 17"``, ...).
        action: the pass running when it died (``"optimizers:faulty"``), if one was.
        step: that step's number (0-based position it would have had in ``history``).
        exitcode: the worker's exit code (negative: the signal that killed it), if known.
    """

    def __init__(
        self,
        reason: str,
        action: str | None = None,
        step: int | None = None,
        exitcode: int | None = None,
    ) -> None:
        self.reason, self.action, self.step, self.exitcode = reason, action, step, exitcode
        during = f" during step {step} ('{action}')" if action is not None else ""
        super().__init__(
            f"the isolated session's worker process ended{during}: {reason}; the session "
            "and its forks are closed (start a new one; session.history lists the steps kept)"
        )

    def _init_args(self) -> tuple[Any, ...]:
        return (self.reason, self.action, self.step, self.exitcode)


def _ended(exitcode: int | None) -> str:
    if exitcode is None:
        return "its pipe closed"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with code {exitcode}"


class _Worker:
    """One worker process and its pipe, shared by a session and its forks; calls are
    serialized (one request on the pipe at a time).

    The worker is a fresh interpreter (``python -m qloom.session.host``) holding one end of
    a socket pair: like ``multiprocessing``'s ``spawn``, but without re-running the
    caller's ``__main__`` (a script without an ``if __name__ == "__main__"`` guard works).
    It sees the caller's ``sys.path``, environment and working directory. It is started by
    ``qloom.session.spawner`` (often as the spare started ahead of time).
    """

    def __init__(self, max_message_bytes: int, memory_limit: int | None, timeout: float) -> None:
        self.limit = max_message_bytes
        self.lock = threading.Lock()
        self.sids: set[int] = set()
        self.deferred: list[int] = []  # releases asked for while a call held the pipe
        self.owner = os.getpid()  # a forked child must not close its parent's worker
        self.dead: SessionCrashed | None = None
        for attempt in (1, 2):
            started = start_worker(max_message_bytes, memory_limit)
            self.conn, self.process = started.conn, started.process
            try:
                with self.lock:
                    self._answer(timeout, None, None, "starting")
                break
            except SessionCrashed:
                # a spare that died while it waited (a Ctrl-C to the process group, the
                # OOM killer) is no crash of this session: one more start
                if not started.spare or attempt == 2:
                    raise
                self.dead = None
        self.pid: int = self.process.pid

    def call(
        self,
        request: Mapping[str, Any],
        timeout: float | None = None,
        action: str | None = None,
        step: int | None = None,
    ) -> dict[str, Any]:
        """Send ``request``, wait for its answer; raise the worker's error if it is one.

        Raises:
            SessionCrashed: the worker is dead, died meanwhile, ran past ``timeout`` or the
                caller was interrupted (the worker is then stopped).
            WireError: the request is not JSON data or too large (nothing was sent).
        """
        try:
            with self.lock:
                if self.dead is not None:
                    raise SessionCrashed(*self.dead._init_args())
                self._send(request, action, step)
                return self._answer(timeout, action, step, None)
        finally:
            self._release_deferred()

    def _send(self, request: Mapping[str, Any], action: str | None, step: int | None) -> None:
        try:
            send(self.conn, request, self.limit)
        except SessionError:  # not JSON, or too large: nothing was sent
            raise
        except OSError:  # the worker died since the last call
            self._kill()
            raise self._die(_ended(self.process.returncode), action, step) from None
        except BaseException as exc:  # interrupted mid-write: the pipe is out of step
            self._kill()
            self._die(f"the call was interrupted ({type(exc).__name__})", action, step)
            raise

    def _answer(
        self, timeout: float | None, action: str | None, step: int | None, doing: str | None
    ) -> dict[str, Any]:
        try:
            ready = _wait_readable(self.conn, timeout)
            if not ready:
                self._kill()
                raise self._die(
                    f"it ran past the {'start' if doing else 'step'} timeout of {timeout:g} s "
                    "and was stopped",
                    action,
                    step,
                )
            try:
                message = receive(self.conn, self.limit)
            except (EOFError, OSError) as exc:
                too_long = isinstance(exc, OSError) and self.process.poll() is None
                self._kill()
                why = _ended(self.process.returncode)
                if too_long:
                    why = f"its answer was over max_message_bytes ({self.limit}); it was stopped"
                why = why if doing is None else f"{why} while {doing}"
                raise self._die(why, action, step) from None
        except BaseException as exc:  # an interrupt mid-call: the pipe is out of step now
            if not isinstance(exc, SessionCrashed):
                self._kill()
                self._die(f"the call was interrupted ({type(exc).__name__})", action, step)
            raise
        if "error" in message:
            raise remote_error(message["error"])
        answer = message.get("ok")
        if not isinstance(answer, dict):
            raise SessionError("the session worker sent an answer without 'ok' or 'error'")
        return answer

    def _die(self, reason: str, action: str | None, step: int | None) -> SessionCrashed:
        self.dead = SessionCrashed(reason, action, step, self.process.returncode)
        return SessionCrashed(*self.dead._init_args())

    def _kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()

    def acquire(self, sid: int) -> None:
        with self.lock:
            self.sids.add(sid)

    def release(self, sid: int) -> None:
        """Drop session ``sid``; the process stops with the last one.

        Called by finalizers, which may run inside a call of this very thread (a garbage
        collection during it): when the pipe is busy, the release waits for the call to
        end instead of writing in the middle of it.
        """
        if os.getpid() != self.owner:  # a copy in a forked child (its exit runs finalizers)
            return
        self.deferred.append(sid)
        self._release_deferred()

    def _release_deferred(self) -> None:
        """Carry out the releases asked for, unless a call holds the pipe (its caller does
        them once it is done)."""
        while self.deferred and self.lock.acquire(blocking=False):
            try:
                while self.deferred:
                    self._release(self.deferred.pop())
            finally:
                self.lock.release()

    def _release(self, sid: int) -> None:
        self.sids.discard(sid)
        last = not self.sids
        if self.dead is None:
            try:
                if last:
                    send(self.conn, {"op": "exit"}, self.limit)
                else:
                    send(self.conn, {"op": "close", "sid": sid}, self.limit)
                    receive(self.conn, self.limit)
            except (EOFError, OSError, SessionError):
                last = True
        if last:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_GRACE)
            self._kill()
            if self.dead is None:
                self.dead = SessionCrashed("the session was closed")


_WAIT_SLICE = 0.2
"""Longest single wait for an answer: a Ctrl-C the kernel hands to another thread than the
main one runs its handler only once the main thread is back in Python, so the wait wakes
up this often to let it."""


def _wait_readable(conn: Any, timeout: float | None) -> bool:
    """Whether ``conn`` has something to read within ``timeout`` seconds (``None``: as long
    as it takes), waiting in short slices so that signal handlers run meanwhile."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        left = _WAIT_SLICE if deadline is None else min(_WAIT_SLICE, deadline - time.monotonic())
        if wait([conn], max(left, 0.0)):
            return True
        if deadline is not None and time.monotonic() >= deadline:
            return False


class _RemoteObservations(Observations):
    """The observations of one state of an isolated session: each value is asked of the
    worker on first read (numeric ones in one round trip by ``vector``) and kept."""

    def __init__(self, worker: _Worker, token: int, values: Mapping[str, Any]) -> None:
        self._worker, self._token = worker, token
        self._values = {name: observation_from_data(name, v) for name, v in values.items()}

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            if name not in OBSERVATIONS:
                return super().__getitem__(name)  # the in-process KeyError, naming the valid
            self._fetch([name])
        return self._values[name]

    def vector(self, names: Iterable[str] = NUMERIC) -> np.ndarray:
        """The numeric observations ``names`` as a float64 array (``esp`` None -> 0)."""
        names = list(names)
        self._fetch([n for n in names if n in NUMERIC and n not in self._values])
        return super().vector(names)

    def _fetch(self, names: list[str]) -> None:
        if not names:
            return
        request = {"op": "observe", "observation": self._token, "names": names}
        values = self._worker.call(request)["values"]
        for name in names:
            self._values[name] = observation_from_data(name, values[name])


class IsolatedSession(Session):
    """A ``Session`` whose real session runs in a worker process (see the module docstring).

    Same arguments and API as ``Session``, plus:

    Args:
        step_timeout: seconds a step may run; past it the worker is killed and the step
            raises ``SessionCrashed`` (default: no limit).
        memory_limit: the worker's address-space limit in bytes (``RLIMIT_AS``); a pass
            allocating past it gets ``MemoryError`` (a ``PassError``) and the session lives.
        max_message_bytes: bound on one message either way (default 64 MiB).
        start_timeout: seconds the worker may take to start.

    The backend is rebuilt in the worker by name: ``on`` is a backend name (with JSON
    options), or a ``Backend`` that its name rebuilds. Steps run the passes installed in
    the worker's interpreter; a ``Pass`` object is sent as its spec (so it must be an
    installed pass). Pass hooks fire in the worker, not in this process.
    """

    def __init__(
        self,
        circuit: Circuit,
        on: str | Backend | None = None,
        seed: int | None = None,
        reward: str = "n2q",
        parameters: Mapping[str, Any] | None = None,
        isolated: bool = True,
        name: str = "session",
        *,
        step_timeout: float | None = None,
        memory_limit: int | None = None,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        start_timeout: float = START_TIMEOUT,
        **backend_options: Any,
    ) -> None:
        if not isinstance(circuit, Circuit):
            raise ConfigError(f"a session needs a Circuit, got {type(circuit).__name__}")
        if step_timeout is not None and not step_timeout > 0:
            raise ConfigError(f"step_timeout must be positive, got {step_timeout!r}")
        if memory_limit is not None and not memory_limit > 0:
            raise ConfigError(f"memory_limit must be a positive byte count, got {memory_limit!r}")
        self.backend: Backend = get_backend(on, **backend_options)
        reference = backend_reference(on, backend_options)
        self.seed: int = secrets.randbits(63) if seed is None else int(seed)
        self.reward_space: str = check_reward(reward)
        self.name = name
        self.step_timeout = step_timeout
        self._input = circuit.copy()
        self._actions: list[Action] | None = None
        self._context: dict[str, Any] = {}
        self._defaults: dict[str, dict[str, Any]] = {}
        self._history: list[Step] = []
        self._contexts: list[dict[str, Any]] = []  # the context parameters of each step
        self._settings: dict[str, Any] = {
            "step_timeout": step_timeout,
            "memory_limit": memory_limit,
            "max_message_bytes": max_message_bytes,
            "start_timeout": start_timeout,
        }
        self._reference = reference
        self._cache: dict[str, Any] = {}
        self._worker = _Worker(max_message_bytes, memory_limit, start_timeout)
        request = {
            "op": "open",
            "circuit": circuit_to_wire(self._input),
            "backend": reference,
            "seed": self.seed,
            "reward": self.reward_space,
            "parameters": dict(parameters or {}),
            "name": name,
        }
        try:
            answer = self._worker.call(request)
        except BaseException:
            self._worker.release(-1)
            raise
        self._attach(int(answer["sid"]))
        self._mirror(answer["parameters"])

    def _attach(self, sid: int) -> None:
        self._sid = sid
        self._worker.acquire(sid)
        self._finalizer = weakref.finalize(self, self._worker.release, sid)

    def _mirror(self, parameters: Mapping[str, Any]) -> None:
        self._context = {k: v for k, v in parameters.items() if k in CONTEXT_PARAMETERS}
        self._defaults = {k: dict(v) for k, v in parameters.items() if k not in CONTEXT_PARAMETERS}

    def _call(self, op: str, **fields: Any) -> dict[str, Any]:
        return self._worker.call({"op": op, "sid": self._sid, **fields})

    def _check_alive(self) -> None:
        """Raise the worker's ``SessionCrashed`` if it is dead (cached state included: a
        dead session answers nothing but ``history``)."""
        dead = self._worker.dead
        if dead is not None:
            raise SessionCrashed(*dead._init_args())

    # -- what the session holds ---------------------------------------------------------------

    @property
    def pid(self) -> int:
        """The worker process's id (shared with this session's forks)."""
        return self._worker.pid

    @property
    def alive(self) -> bool:
        """Whether the worker still serves this session."""
        return self._worker.dead is None

    @property
    def circuit(self) -> Circuit:
        """A copy of the current circuit (as ``Session.circuit``), fetched from the worker."""
        self._check_alive()
        if "circuit" not in self._cache:
            wire = self._call("circuit")["circuit"]
            self._cache["circuit"] = circuit_from_wire(wire, self._worker.limit)
        circuit: Circuit = self._cache["circuit"]
        return circuit.copy()

    @property
    def layout(self) -> Layout:
        """Where each logical input qubit is on the current circuit."""
        self._check_alive()
        if "circuit" not in self._cache:
            self.circuit  # noqa: B018 - fetched and kept
        layout: Layout | None = self._cache["circuit"].layout
        assert layout is not None
        return layout

    @property
    def observation(self) -> Observations:
        """The named observations of the current circuit, each asked of the worker on
        first read."""
        self._check_alive()
        if "observation" not in self._cache:
            token = self._call("observation")["observation"]
            self._cache["observation"] = _RemoteObservations(self._worker, token, {})
        observation: Observations = self._cache["observation"]
        return observation

    @property
    def history(self) -> tuple[Step, ...]:
        """The steps taken, first to last (kept here too: readable after a crash)."""
        return tuple(self._history)

    # -- parameters ---------------------------------------------------------------------------

    def set_parameter(self, name: str, value: Any = None, /, **options: Any) -> None:
        """As ``Session.set_parameter``; values and options must be JSON data."""
        answer = self._call("set_parameter", name=name, value=value, options=options)
        self._mirror(answer["parameters"])

    # -- stepping -----------------------------------------------------------------------------

    def step(self, action: str | Action | Pass | Mapping[str, Any], **options: Any) -> StepResult:
        """As ``Session.step``, in the worker.

        Raises:
            SessionCrashed: the worker died running the pass (or ran past
                ``step_timeout``); the session is over.
            PassError, OptionError, UnknownPluginError: as in-process; the session is
                unchanged.
        """
        if isinstance(action, Pass):
            if options:
                raise ConfigError("options go to the pass when building it, not to step()")
            wire: str | dict[str, Any] = action.spec()
            label = action.label
        elif isinstance(action, Mapping):
            wire = dict(action)
            label = str(action.get("pass") or f"{action.get('kind')}:{action.get('name')}")
        else:
            wire = label = action.label if isinstance(action, Action) else str(action)
        index = len(self._history)
        answer = self._call_step(wire, options, label, index)
        self._cache = {}
        done = step_from_data(answer["step"])
        self._history.append(done)
        self._contexts.append(dict(self._context))
        observation = _RemoteObservations(self._worker, answer["observation"], answer["values"])
        self._cache["observation"] = observation
        info = {"label": done.label, "seed": done.seed, "wall": done.wall, "cpu": done.cpu}
        return StepResult(observation, done.reward, bool(answer["executable"]), done, info)

    def _call_step(
        self, wire: str | dict[str, Any], options: dict[str, Any], label: str, index: int
    ) -> dict[str, Any]:
        request = {"op": "step", "sid": self._sid, "action": wire, "options": options}
        return self._worker.call(request, self.step_timeout, label, index)

    # -- going back and branching -------------------------------------------------------------

    def undo(self) -> Step:
        """As ``Session.undo``."""
        self._check_alive()
        if not self._history:
            raise SessionError("nothing to undo: the session has taken no step")
        self._call("undo")
        self._cache = {}
        self._contexts.pop()
        return self._history.pop()

    def reset(self) -> None:
        """As ``Session.reset``."""
        self._call("reset")
        self._cache = {}
        self._history.clear()
        self._contexts.clear()

    def fork(self, *, separate: bool = False) -> IsolatedSession:
        """An independent session in the same state.

        By default in the same worker process: cheap (the worker forks its session: shared
        snapshots, no circuit sent), but the two share a fate: a pass crashing the worker
        in either ends both. ``separate=True`` gives the fork a worker of its own
        (``restart``: a new process replaying the steps), so a crash on one branch spares
        the other.
        """
        if separate:
            return self.restart()
        sid = int(self._call("fork")["sid"])
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin._history = list(self._history)
        twin._contexts = [dict(c) for c in self._contexts]
        twin._context = dict(self._context)
        twin._defaults = {label: dict(opts) for label, opts in self._defaults.items()}
        twin._cache = dict(self._cache)
        twin._attach(sid)
        return twin

    def restart(self) -> IsolatedSession:
        """A new isolated session, in a new worker, in this session's state: its input,
        seed and reward space, each step of ``history`` replayed with the seed and the
        context parameters it had, then this session's parameters.

        Works on a crashed session too: the steps before the crash are kept, so a search
        can go on without the pass that crashed. The replay costs the steps' time again.

        Raises:
            SessionError: a replayed step did not run with the seed it had (a pass that
                is not deterministic under its seed cannot be replayed).
            PassError: a step that ran before fails now.
        """
        reference = self._reference
        twin = IsolatedSession(
            self._input,
            on=reference["name"],
            seed=self.seed,
            reward=self.reward_space,
            name=self.name,
            **self._settings,
            **reference["options"],
        )
        twin.backend = self.backend
        try:
            for step, context in zip(self._history, self._contexts, strict=True):
                twin._use_context(context)
                replayed = twin.step(step.spec).step
                if replayed.seed != step.seed or replayed.label != step.label:
                    raise SessionError(
                        f"replaying step {len(twin._history) - 1} ('{step.label}') gave "
                        f"'{replayed.label}' with seed {replayed.seed}, not {step.seed}"
                    )
            twin._use_context(self._context)
            for label, options in self._defaults.items():
                twin.set_parameter(label, **options)
        except BaseException:
            twin.close()
            raise
        return twin

    def _use_context(self, context: Mapping[str, Any]) -> None:
        for name in CONTEXT_PARAMETERS:
            if self._context.get(name) != context.get(name):
                self.set_parameter(name, context.get(name))

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """End this session in the worker; the worker stops with its last session."""
        self._finalizer()

    def __repr__(self) -> str:
        steps = " -> ".join(step.label for step in self.history) or "no steps"
        state = f"pid {self.pid}" if self.alive else "closed"
        return f"<IsolatedSession on '{self.backend.name}' seed={self.seed} ({state}): {steps}>"


use_isolated_class(IsolatedSession)
