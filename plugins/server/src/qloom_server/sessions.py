"""Interactive sessions (``qloom.Session``) over the wire, per user, with idle expiry.

``open_session`` is the one place a session is made: an isolated session
(``Session(..., isolated=True)``), whose passes run in a worker process of its own, so a
pass that crashes the interpreter ends that session (``SessionCrashed``, and its id answers
404 afterwards) and never the server. Forks share their parent's worker. Steps of one
session run one at a time (a lock per session); a session unused for ``timeout`` seconds
is dropped (its worker stopped), and its id answers 404 afterwards.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from qloom import qasm2
from qloom.circuit import Circuit
from qloom.config import get_backend
from qloom.errors import QloomError
from qloom.session import NUMERIC, Session, SessionCrashed, Step
from qloom_server.errors import ApiError, qloom_error_body
from qloom_server.inputs import check_backend_options
from qloom_server.models import SessionOut, SessionView, StepOut, StepRecord

__all__ = ["Sessions", "open_session"]


def open_session(
    circuit: Circuit,
    backend: str | None,
    seed: int | None,
    reward: str,
    parameters: dict[str, Any],
    backend_options: dict[str, Any],
) -> Session:
    """A new isolated session (its worker rebuilds the backend by name)."""
    options = check_backend_options(backend_options)
    device = get_backend(backend, **options)  # a bad name or option: refused here, at once
    return Session(
        circuit,
        on=backend or device.name,
        seed=seed,
        reward=reward,
        parameters=parameters,
        isolated=True,
        **options,
    )


@dataclass
class _Held:
    user: str
    session: Session
    used: float
    lock: threading.Lock = field(default_factory=threading.Lock)


class Sessions:
    """The open sessions of every user."""

    def __init__(self, timeout: float, max_per_user: int) -> None:
        self.timeout = timeout
        self.max_per_user = max_per_user
        self._held: dict[str, _Held] = {}
        self._lock = threading.Lock()

    def start(
        self,
        user: str,
        circuit: Circuit,
        backend: str | None,
        seed: int | None,
        reward: str,
        parameters: dict[str, Any],
        backend_options: dict[str, Any],
    ) -> SessionOut:
        """Open a session for ``user``."""
        self.expire()
        with self._lock:
            count = sum(1 for h in self._held.values() if h.user == user)
        if count >= self.max_per_user:
            raise ApiError(
                429,
                "TooManySessions",
                f"you have {count} open sessions, the limit; end one first",
                headers={"Retry-After": "10"},
            )
        session = _guarded(
            lambda: open_session(circuit, backend, seed, reward, parameters, backend_options)
        )
        return self._keep(user, session)

    def _keep(self, user: str, session: Session) -> SessionOut:
        session_id = f"session-{uuid.uuid4().hex[:16]}"
        with self._lock:
            self._held[session_id] = _Held(user, session, time.monotonic())
        return SessionOut(
            id=session_id,
            seed=session.seed,
            observation=_observation(session),
            actions=[a.label for a in session.actions],
        )

    def _get(self, user: str, session_id: str) -> _Held:
        self.expire()
        with self._lock:
            held = self._held.get(session_id)
            if held is None or held.user != user:
                raise ApiError(404, "NotFound", f"no session {session_id[:80]!r}")
            held.used = time.monotonic()
            return held

    def step(self, user: str, session_id: str, action: str, options: dict[str, Any]) -> StepOut:
        """Run one pass; a failing pass answers 422 and leaves the session unchanged."""
        if "action" in options:
            raise ApiError(422, "BadOption", "'action' is not a pass option")
        held = self._get(user, session_id)
        with held.lock:
            try:
                out = held.session.step(action, **options)
            except QloomError as exc:
                if isinstance(exc, SessionCrashed):  # the worker died: the session is over
                    self._drop(session_id)
                raise _api_error(exc, 422) from None
            observation = _observation(held.session)
        return StepOut(
            reward=float(out.reward),
            executable=bool(out.executable),
            observation=observation,
            step=_step(out.step),
        )

    def undo(self, user: str, session_id: str) -> SessionView:
        """Take back the last step."""
        held = self._get(user, session_id)
        with held.lock:
            _guarded(held.session.undo, status=409)
        return self.view(user, session_id)

    def fork(self, user: str, session_id: str) -> SessionOut:
        """A new session that shares this one's steps and goes on independently."""
        held = self._get(user, session_id)
        with held.lock:
            forked = _guarded(held.session.fork, status=409)
        return self._keep(user, forked)

    def view(self, user: str, session_id: str) -> SessionView:
        """The session's history, observation, circuit and layout."""
        held = self._get(user, session_id)
        with held.lock:
            return _guarded(lambda: _view(session_id, held.session), status=409)

    def end(self, user: str, session_id: str) -> None:
        """Close the session."""
        self._get(user, session_id)
        self._drop(session_id)

    def _drop(self, session_id: str) -> None:
        with self._lock:
            held = self._held.pop(session_id, None)
        if held is not None:
            _close(held.session)

    def expire(self) -> int:
        """Drop the sessions idle longer than the timeout; return how many."""
        cutoff = time.monotonic() - self.timeout
        with self._lock:
            old = [k for k, h in self._held.items() if h.used < cutoff and not h.lock.locked()]
            dropped = [self._held.pop(k) for k in old]
        for held in dropped:
            _close(held.session)
        return len(dropped)

    def close(self) -> None:
        """End every session."""
        with self._lock:
            held, self._held = list(self._held.values()), {}
        for h in held:
            _close(h.session)


def _guarded(call: Any, status: int = 400) -> Any:
    try:
        return call()
    except QloomError as exc:
        raise _api_error(exc, status) from None


def _api_error(exc: QloomError, status: int) -> ApiError:
    """``exc`` as the API's error answer with ``status``."""
    error = qloom_error_body(exc)["error"]
    return ApiError(status, error.pop("type"), error.pop("message"), **error)


def _close(session: Session) -> None:
    session.close()  # an isolated session's worker stops with its last session


def _view(session_id: str, session: Session) -> SessionView:
    layout = session.layout if session.history else None
    return SessionView(
        id=session_id,
        seed=session.seed,
        history=[_step(s) for s in session.history],
        observation=_observation(session),
        qasm=qasm2.dumps(session.circuit),
        layout=None if layout is None else layout.to_dict(),
    )


def _observation(session: Session) -> dict[str, Any]:
    observation = session.observation
    out: dict[str, Any] = {}
    for name in NUMERIC:
        value = observation[name]
        out[name] = float(value) if isinstance(value, float) or hasattr(value, "dtype") else value
    out["executable"] = bool(session.executable)
    return out


def _step(step: Step) -> StepRecord:
    return StepRecord(
        label=step.label,
        spec=step.spec,
        seed=step.seed,
        reward=float(step.reward),
        wall=step.wall,
        cpu=step.cpu,
    )
