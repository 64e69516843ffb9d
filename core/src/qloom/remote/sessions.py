"""``RemoteSession``: an interactive compilation session (``qloom.Session``) on a server.

``compiler.session(circuit, on=...)`` starts one; ``step`` runs one installed pass,
``undo`` takes it back, ``fork`` branches, ``observation``/``history``/``circuit`` read
its state. A pass that fails raises its qloom error and leaves the session as it was.
The server ends a session left idle longer than its timeout (its id is then unknown).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from qloom import qasm2
from qloom.circuit import Circuit
from qloom.layout import Layout
from qloom.remote.files import ServerFile
from qloom.remote.http import Connection
from qloom.session.core import Step

__all__ = ["RemoteSession", "RemoteStep"]


@dataclass(frozen=True)
class RemoteStep:
    """What a step did: the new observation, its reward, whether the backend now accepts
    the circuit, and the step as recorded."""

    observation: dict[str, Any]
    reward: float
    executable: bool
    step: Step


class RemoteSession:
    """A session held by the server; made by ``RemoteCompiler.session``.

    Attributes:
        id: the server's session id; seed: its root seed; actions: the pass labels it
        can step with (``"routers:sabre"``).
    """

    def __init__(
        self, connection: Connection, session_id: str, seed: int, actions: list[str]
    ) -> None:
        self._connection = connection
        self.id = session_id
        self.seed = seed
        self.actions = actions

    @classmethod
    def start(
        cls,
        connection: Connection,
        circuit: Circuit | ServerFile,
        on: str | None,
        seed: int | None,
        reward: str,
        parameters: Mapping[str, Any] | None,
        backend_options: Mapping[str, Any] | None,
    ) -> RemoteSession:
        """Open a session on the server."""
        body: dict[str, Any] = {
            "backend": on,
            "seed": seed,
            "reward": reward,
            "parameters": dict(parameters or {}),
            "backend_options": dict(backend_options or {}),
        }
        if isinstance(circuit, ServerFile):
            body["file"] = circuit.name
        else:
            body["qasm"] = qasm2.dumps(circuit)
        answer = connection.json("POST", "/v1/sessions", json_body=body, expect=(201,))
        return cls(connection, answer["id"], int(answer["seed"]), list(answer["actions"]))

    def _path(self, tail: str = "") -> str:
        return f"/v1/sessions/{urllib.parse.quote(self.id, safe='')}{tail}"

    def _view(self) -> dict[str, Any]:
        view: dict[str, Any] = self._connection.json("GET", self._path())
        return view

    def step(self, action: str, **options: Any) -> RemoteStep:
        """Run the pass ``action`` (``"routers:sabre"``) with ``options``.

        Raises:
            QloomError: the pass failed (as its type where qloom can rebuild it); the
                session is unchanged.
        """
        answer = self._connection.json(
            "POST", self._path("/step"), json_body={"action": action, "options": options}
        )
        return RemoteStep(
            observation=dict(answer["observation"]),
            reward=float(answer["reward"]),
            executable=bool(answer["executable"]),
            step=_step(answer["step"]),
        )

    def undo(self) -> None:
        """Take back the last step (a ``ServerError`` 409 when there is none)."""
        self._connection.json("POST", self._path("/undo"))

    def fork(self) -> RemoteSession:
        """A new session on the server that continues independently from this state."""
        answer = self._connection.json("POST", self._path("/fork"), expect=(201,))
        return RemoteSession(self._connection, answer["id"], self.seed, list(self.actions))

    @property
    def observation(self) -> dict[str, Any]:
        """The numeric observations of the current circuit, and ``executable``."""
        return dict(self._view()["observation"])

    @property
    def history(self) -> tuple[Step, ...]:
        """The steps taken, oldest first."""
        return tuple(_step(s) for s in self._view()["history"])

    @property
    def circuit(self) -> Circuit:
        """The current circuit (from its QASM), with its layout once a step placed it."""
        view = self._view()
        circuit = qasm2.loads(view["qasm"], filename=f"<session {self.id}>")
        if view.get("layout"):
            circuit.layout = Layout.from_dict(view["layout"])
        return circuit

    def close(self) -> None:
        """End the session on the server (it frees what the server held for it)."""
        self._connection.request("DELETE", self._path(), expect=(204, 404))

    def __enter__(self) -> RemoteSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RemoteSession({self.id!r})"


def _step(data: Mapping[str, Any]) -> Step:
    return Step(
        label=str(data["label"]),
        spec=dict(data["spec"]),
        seed=int(data["seed"]),
        reward=float(data["reward"]),
        wall=float(data["wall"]),
        cpu=float(data["cpu"]),
    )
