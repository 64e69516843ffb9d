"""``run_session_steps``: a session's steps as one task on any executor.

Plain data in and out, so the ``processes`` and Dask executors (or a job queue) can run it
in their workers and send the answer back without any live object: the circuit as
OpenQASM 2 text (or ``qloom.circuit_data`` data), the backend by name, the steps as labels.
On a process executor a pass that kills its worker fails that task alone (``WorkerDied``,
after the executor's ``max_worker_deaths`` retries); with ``isolated=True`` the steps run
in an isolated session inside the task, and a crash fails it with ``SessionCrashed``
naming the step, whatever the executor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qloom.circuit import Circuit
from qloom.circuit_data import circuit_from_data, circuit_to_data
from qloom.errors import CircuitError, ConfigError
from qloom.qasm2 import dumps, loads
from qloom.session.core import Session
from qloom.session.observations import NUMERIC, OBSERVATIONS
from qloom.session.wire import step_to_data

__all__ = ["run_session_steps"]

StepSpec = str | Mapping[str, Any]
"""``"routers:sabre"``, ``{"action": "routers:sabre", "options": {"trials": 4}}``, or a
pipeline entry as data (``{"pass": "routers:sabre", "trials": 4}``)."""


def run_session_steps(
    circuit: str | Mapping[str, Any],
    backend: str,
    seed: int,
    steps: Sequence[StepSpec],
    *,
    reward: str = "n2q",
    parameters: Mapping[str, Any] | None = None,
    backend_options: Mapping[str, Any] | None = None,
    observations: Sequence[str] = NUMERIC,
    isolated: bool = False,
) -> dict[str, Any]:
    """Open a session on ``circuit`` for ``backend``, take ``steps``, report the outcome.

    Args:
        circuit: OpenQASM 2 text, or ``qloom.circuit_data`` data (which also carries
            ``unitary`` operations).
        backend: a backend name (``"emulator:heavy-hex-27"``); ``backend_options`` its
            options.
        seed: the session's root seed: the same seed and steps give the same circuit on
            every executor.
        steps: the steps, in order (see ``StepSpec``).
        reward: the reward space; parameters: session parameters to start with.
        observations: the observation names to report.
        isolated: run the steps in an isolated session (a worker process of its own).

    Returns:
        ``{"qasm": OpenQASM 2 text, "circuit": None, "layout": {"initial", "routing"},
        "observation": {name: value}, "history": [step data], "reward": sum of the
        steps' rewards}``; when OpenQASM 2 cannot carry the circuit (a ``unitary``
        operation), ``"qasm"`` is None and ``"circuit"`` is its ``qloom.circuit_data``.

    Raises:
        PassError, OptionError, ConfigError: a step failed (the task fails with it).
        SessionCrashed: ``isolated`` and a pass crashed the session's worker.
    """
    unknown = [name for name in observations if name not in OBSERVATIONS]
    if unknown:
        raise ConfigError(f"unknown observation(s) {unknown}; valid: {', '.join(OBSERVATIONS)}")
    start = loads(circuit) if isinstance(circuit, str) else circuit_from_data(circuit)
    session = Session(
        start,
        on=backend,
        seed=seed,
        reward=reward,
        parameters=parameters,
        isolated=isolated,
        **dict(backend_options or {}),
    )
    try:
        for spec in steps:
            _take(session, spec)
        return _outcome(session, observations)
    finally:
        close = getattr(session, "close", None)
        if close is not None:
            close()


def _take(session: Session, spec: StepSpec) -> None:
    if isinstance(spec, str):
        session.step(spec)
    elif isinstance(spec, Mapping) and "action" in spec:
        session.step(str(spec["action"]), **dict(spec.get("options", {})))
    elif isinstance(spec, Mapping):
        session.step(spec)
    else:
        raise ConfigError(f"a step is a label or a mapping, not {type(spec).__name__}")


def _outcome(session: Session, observations: Sequence[str]) -> dict[str, Any]:
    circuit: Circuit = session.circuit
    data: dict[str, Any] | None = None
    try:
        qasm: str | None = dumps(circuit)
    except CircuitError:  # a unitary operation: the circuit data carries it
        qasm, data = None, circuit_to_data(circuit)
    observation = session.observation
    history = session.history
    return {
        "qasm": qasm,
        "circuit": data,
        "layout": session.layout.to_dict(),
        "observation": {name: observation[name] for name in observations},
        "history": [step_to_data(step) for step in history],
        "reward": sum(step.reward for step in history),
    }
