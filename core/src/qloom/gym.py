"""``QloomEnv``: compiling a circuit for a device as a Gymnasium environment.

Install the extra (``pip install 'qloom[gym]'``); importing this module registers the
environment as ``qloom/Compile-v0``, so ``gymnasium.make("qloom/Compile-v0", ...)`` and
every library built on Gymnasium's ``Env`` API (Stable-Baselines3, RLlib, CleanRL) can
drive it. Nothing else in qloom imports this module: ``import qloom`` never needs Gymnasium.

An episode is one ``qloom.Session``: ``reset`` picks a circuit of the environment's dataset
(deterministically from the seed) and starts a session on it; each ``step`` applies one
action, an installed pass with fixed options, and returns the session's reward for it.
The last action, ``finish``, ends the episode (see ``QloomEnv`` for the rewards).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, SupportsFloat

import gymnasium
import numpy as np
from gymnasium import spaces
from gymnasium.error import ResetNeeded

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.config import get_backend
from qloom.datasets import CachedDataset, CircuitList, Dataset, get_dataset
from qloom.errors import ConfigError, QloomError
from qloom.options import check_options
from qloom.plugins import get_registry
from qloom.session import NUMERIC, Session, SessionCrashed
from qloom.session.actions import find_action, installed_actions
from qloom.session.observations import check_reward

__all__ = ["COUNT_BOUND", "DEFAULT_OBSERVATIONS", "ENV_ID", "FINISH", "QloomEnv"]

ENV_ID = "qloom/Compile-v0"
"""The id ``gymnasium.make`` knows the environment by."""

FINISH = "finish"
"""The label of the action that ends an episode (always the last action)."""

DEFAULT_OBSERVATIONS: tuple[str, ...] = (
    "n2q",
    "depth",
    "depth2q",
    "ops",
    "swaps",
    "native",
    "on_edges",
    "executable",
)
"""What an observation vector holds by default (names from ``qloom.session.NUMERIC``)."""

_UNIT_INTERVAL = frozenset({"native", "on_edges", "executable", "esp"})
"""Observations between 0 and 1 (flags as 0/1, a probability); the others are counts."""

COUNT_BOUND = float(2**31 - 1)
"""Upper bound of a count in the observation space: finite, as Gymnasium's checker asks,
and far above any circuit that fits in memory (a circuit takes ~150 bytes an operation)."""

CircuitsLike = (
    Circuit | Sequence[Circuit] | Mapping[str, Circuit] | Dataset | str | os.PathLike[str]
)
ActionLike = str | tuple[str, Mapping[str, Any]]


class QloomEnv(gymnasium.Env[np.ndarray, np.int64]):
    """A Gymnasium environment whose episodes compile one circuit, a pass per step.

    Actions are ``Discrete(len(actions) + 1)``: index ``i < len(actions)`` runs pass
    ``action_labels[i]`` with its options; the last index is ``finish``. Observations are a
    ``Box`` of float64, one entry per name of ``observations`` (counts in
    ``[0, COUNT_BOUND]``, flags and ``esp`` in ``[0, 1]``).

    Rewards: a pass step earns the session's reward (``qloom.session.REWARDS``, e.g. the
    two-qubit gates it removed: routing earns a negative reward). A pass that fails earns
    ``-error_penalty``, leaves the circuit as it was and puts the error in
    ``info["error"]``. ``finish`` ends the episode (``terminated``) and earns 0 when the
    backend accepts the circuit, ``-unexecutable_penalty`` when it does not: an agent
    that stops before the circuit runs loses more than routing it would have cost.
    After ``max_steps`` steps without ``finish`` the episode is ``truncated``.

    Args:
        circuits: what episodes compile: a circuit, a list or ``{name: circuit}`` of
            them, a ``Dataset``, or a dataset name or folder for
            ``qloom.datasets.get_dataset``. Datasets are read through a
            ``CachedDataset`` of ``cache_bytes``.
        on: the backend (name or ``Backend``; default as in ``qloom.transpile``).
        actions: the passes an agent may apply: labels (``"routers:sabre"``) or
            ``(label, options)`` pairs; default every installed pass and pipeline with
            its default options (``Session.actions``).
        observations: the numeric observations in the vector (``DEFAULT_OBSERVATIONS``).
        reward: the reward space (``"n2q"``, ``"depth"``, ``"depth2q"``, ``"ops"``,
            ``"error"``).
        max_steps: steps (``finish`` included) before an episode is truncated.
        seed: the seed of the first ``reset`` that is not given one.
        parameters: session parameters for every episode (``Session(parameters=...)``).
        error_penalty: what a failing pass costs.
        unexecutable_penalty: what finishing with a circuit the backend rejects costs;
            default ten times the input circuit's value of the reward's metric (its
            two-qubit gates for ``n2q``), at least 10.
        terminate_when_executable: also end the episode as soon as a step makes the
            circuit executable (no ``finish`` needed).
        cache_bytes: capacity of the parsed-circuit cache for a dataset.
        render_mode: ``"ansi"`` (``render`` returns text) or ``None``.
        isolated: run each episode's session in a worker process
            (``Session(..., isolated=True)``; ``on`` must then be a backend name): a pass
            that crashes the interpreter ends the episode (``terminated``, the error
            penalty, ``info["error"]`` and ``info["crashed"]``), not the agent's process.
        **backend_options: options for building the backend by name.

    Raises:
        ConfigError: an unknown action, observation or reward.
        OptionError: an action's option the pass does not have.
    """

    metadata: dict[str, Any] = {"render_modes": ["ansi"], "render_fps": 4}  # noqa: RUF012 (Env declares it so)

    def __init__(
        self,
        circuits: CircuitsLike = "families",
        on: str | Backend | None = None,
        actions: Sequence[ActionLike] | None = None,
        observations: Sequence[str] = DEFAULT_OBSERVATIONS,
        reward: str = "n2q",
        max_steps: int = 32,
        seed: int | None = None,
        parameters: Mapping[str, Any] | None = None,
        error_penalty: float = 1.0,
        unexecutable_penalty: float | None = None,
        terminate_when_executable: bool = False,
        cache_bytes: int = 64 * 1024 * 1024,
        render_mode: str | None = None,
        isolated: bool = False,
        **backend_options: Any,
    ) -> None:
        if isolated and not isinstance(on, str):
            raise ConfigError("isolated=True needs the backend by name (on='provider:device')")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(f"render_mode '{render_mode}' is not one of: ansi (or None)")
        if max_steps < 1:
            raise ConfigError(f"max_steps must be at least 1, not {max_steps}")
        self.render_mode = render_mode
        self.dataset = _dataset(circuits, cache_bytes)
        if len(self.dataset) == 0:
            raise ConfigError(f"dataset '{self.dataset.name}' holds no circuit")
        self.backend: Backend = get_backend(on, **backend_options)
        self.isolated = isolated
        self._backend_by_name = (on, dict(backend_options)) if isolated else None
        self.actions: list[tuple[str, dict[str, Any]]] = _actions(actions)
        self.action_labels: list[str] = [label for label, _ in self.actions] + [FINISH]
        self.observation_names: tuple[str, ...] = _observations(observations)
        self.reward_space: str = check_reward(reward)
        self.max_steps = int(max_steps)
        self.parameters = dict(parameters or {})
        self.error_penalty = float(error_penalty)
        self.unexecutable_penalty = unexecutable_penalty
        self.terminate_when_executable = terminate_when_executable
        self.action_space = spaces.Discrete(len(self.action_labels))
        high = [self._bound(n) for n in self.observation_names]
        self.observation_space = spaces.Box(
            low=np.zeros(len(high)), high=np.asarray(high), dtype=np.float64
        )
        self._first_seed = seed
        self._names = self.dataset.names()
        self.session: Session | None = None
        self._crashed = False
        self._last_observation = np.zeros(len(self.observation_names))
        self.circuit_name: str | None = None
        self._steps = 0
        self._penalty = 0.0
        self._last: dict[str, Any] = {}

    # -- the Env API ----------------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start an episode on the next circuit.

        The circuit is drawn from the dataset with the environment's random generator
        (the same seed gives the same circuits in the same order), or chosen with
        ``options={"circuit": name}``; the session's seed is drawn from the same
        generator, so a seed fixes the whole trajectory of a sequence of actions.
        """
        if seed is None and self._first_seed is not None and self._np_random is None:
            seed = self._first_seed
        super().reset(seed=seed)
        options = dict(options or {})
        chosen = options.pop("circuit", None)
        if options:
            raise ConfigError(f"unknown reset options: {', '.join(options)} (options: circuit)")
        index = int(self.np_random.integers(len(self._names)))
        name = self._names[index] if chosen is None else str(chosen)
        session_seed = int(self.np_random.integers(2**63 - 1))
        circuit = self.dataset.load(name)
        self.close()
        on, backend_options = self._backend_by_name or (self.backend, {})
        self.session = Session(
            circuit,
            on=on,
            seed=session_seed,
            reward=self.reward_space,
            parameters=self.parameters,
            isolated=self.isolated,
            name=f"gym:{name}",
            **backend_options,
        )
        self._crashed = False
        self._last_observation = self._observation()
        self.circuit_name = name
        self._steps = 0
        self._penalty = self._unexecutable_penalty()
        self._last = {"action": None, "reward": 0.0}
        info = {"circuit": name, "seed": session_seed, **self._status()}
        return self._observation(), info

    def step(self, action: Any) -> tuple[np.ndarray, SupportsFloat, bool, bool, dict[str, Any]]:
        """Apply action ``action`` (an index into ``action_labels``).

        Returns:
            The observation, the reward, ``terminated`` (``finish`` was chosen, or the
            circuit became executable with ``terminate_when_executable``), ``truncated``
            (``max_steps`` reached) and ``info`` (``circuit``, ``action``, ``step``,
            ``executable``, and ``error`` when the pass failed).
        """
        session = self.session
        if session is None or self._crashed:
            raise ResetNeeded("call reset() before step()")
        if not self.action_space.contains(action):
            raise ValueError(
                f"action {action!r} is not in {self.action_space} "
                f"(0..{len(self.action_labels) - 1}: {', '.join(self.action_labels)})"
            )
        index = int(action)
        label = self.action_labels[index]
        self._steps += 1
        info: dict[str, Any] = {"circuit": self.circuit_name, "action": label}
        terminated = False
        reward: float
        if label == FINISH:
            terminated = True
            reward = 0.0 if session.executable else -self._penalty
        else:
            options = self.actions[index][1]
            try:
                reward = float(session.step(label, **options).reward)
            except SessionCrashed as exc:  # the worker died: this episode is over
                reward, terminated, self._crashed = -self.error_penalty, True, True
                info["error"], info["crashed"] = f"{type(exc).__name__}: {exc}", True
            except QloomError as exc:
                reward = -self.error_penalty
                info["error"] = f"{type(exc).__name__}: {exc}"
            else:
                terminated = self.terminate_when_executable and session.executable
        truncated = not terminated and self._steps >= self.max_steps
        if not self._crashed:
            self._last_observation = self._observation()
        info.update(self._status())
        self._last = {"action": label, "reward": reward, "error": info.get("error")}
        return self._last_observation, reward, terminated, truncated, info

    def render(self) -> str | None:
        """The current state as text (``render_mode="ansi"``); ``None`` otherwise."""
        if self.render_mode != "ansi":
            return None
        session = self.session
        if session is None:
            return f"{ENV_ID} on '{self.backend.name}': no episode (call reset())\n"
        if self._crashed:
            return f"{ENV_ID} circuit '{self.circuit_name}': crashed ({self._last.get('error')})\n"
        obs = session.observation
        values = "  ".join(
            f"{n} {_shown(obs[n])}" for n in dict.fromkeys((*self.observation_names, "n2q"))
        )
        last = self._last
        lines = [
            f"{ENV_ID} circuit '{self.circuit_name}' on '{self.backend.name}', "
            f"step {self._steps}/{self.max_steps}",
            f"  {values}",
            f"  last action: {last.get('action') or '-'}  reward {last.get('reward', 0.0):g}"
            + (f"  error: {last['error']}" if last.get("error") else ""),
            "  steps: " + (" -> ".join(s.label for s in session.history) or "none"),
        ]
        return "\n".join(lines) + "\n"

    def close(self) -> None:
        """End the episode (an isolated session's worker stops); it can be reset again."""
        if self.session is not None:
            self.session.close()
        self.session = None

    # -- helpers --------------------------------------------------------------------------------

    def _observation(self) -> np.ndarray:
        assert self.session is not None
        return self.session.observation.vector(self.observation_names)

    def _status(self) -> dict[str, Any]:
        assert self.session is not None
        if self._crashed:
            return {"step": self._steps, "executable": False}
        return {"step": self._steps, "executable": bool(self.session.executable)}

    def _bound(self, name: str) -> float:
        if name in _UNIT_INTERVAL:
            return 1.0
        return COUNT_BOUND

    def _unexecutable_penalty(self) -> float:
        if self.unexecutable_penalty is not None:
            return float(self.unexecutable_penalty)
        assert self.session is not None
        if self.reward_space == "error":
            return 10.0
        start = float(self.session.observation[self.reward_space])
        return 10.0 * max(1.0, start)


def _dataset(circuits: CircuitsLike, cache_bytes: int) -> Dataset:
    if isinstance(circuits, Circuit):
        return CircuitList([circuits])
    if isinstance(circuits, Mapping):
        return CircuitList(circuits)
    dataset = get_dataset(circuits) if isinstance(circuits, (str, os.PathLike)) else circuits
    if isinstance(dataset, (CachedDataset, CircuitList)):
        return dataset
    if isinstance(dataset, Dataset):
        return CachedDataset(dataset, cache_bytes)
    if isinstance(dataset, Sequence):
        return CircuitList(list(dataset))
    raise ConfigError(
        f"circuits must be a Circuit, a list of them, a Dataset or a dataset name or "
        f"folder, not {type(circuits).__name__}"
    )


def _actions(given: Sequence[ActionLike] | None) -> list[tuple[str, dict[str, Any]]]:
    """``(label, options)`` of each action, checked against the installed passes."""
    installed = installed_actions(get_registry())
    if given is None:
        return [(action.label, {}) for action in installed]
    if isinstance(given, str):
        raise ConfigError("actions must be a list of labels, e.g. ['routers:sabre']")
    found = []
    for item in given:
        label, options = (item, {}) if isinstance(item, str) else (item[0], dict(item[1]))
        if label == FINISH:
            raise ConfigError(f"'{FINISH}' is always the last action; do not list it")
        action = find_action(installed, label)
        check_options(f"pass '{action.label}'", options, action.options)
        found.append((action.label, options))
    if not found:
        raise ConfigError("an environment needs at least one action")
    return found


def _observations(names: Sequence[str]) -> tuple[str, ...]:
    if isinstance(names, str):
        names = [names]
    unknown = [n for n in names if n not in NUMERIC]
    if unknown or not names:
        raise ConfigError(
            f"unknown numeric observation {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"valid: {', '.join(NUMERIC)}"
        )
    return tuple(names)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return "-" if value is None else str(value)


if ENV_ID not in gymnasium.registry:
    gymnasium.register(id=ENV_ID, entry_point="qloom.gym:QloomEnv")
