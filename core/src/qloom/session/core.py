"""``Session``: compile one circuit a pass at a time: step, observe, undo, fork.

Research and tuning work asks which passes, in which order, with which options suit a
circuit family on a device. A session holds the current circuit, layout and pass context,
applies one installed pass per ``step`` and says what it did (named observations and a
reward), keeps every earlier state for ``undo``, and ``fork``s in O(steps) by sharing them:
passes never change the circuit they are given, so states are snapshots that forks share.

Step ``i`` runs with the seed ``derive_seed(seed, i, label)``, exactly as ``Pipeline.run``
seeds the ``i``-th pass of a flat pipeline: the same seed and the same steps give the same
circuit in any process, and ``to_pipeline`` rebuilds the session's circuit in one run.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, TracebackType
from typing import Any, TypeVar

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.config import get_backend, get_pipeline
from qloom.errors import ConfigError, PassError, QloomError, TaskError
from qloom.hooks import hooks
from qloom.layout import Layout
from qloom.options import check_approximation_degree, check_options
from qloom.passes import Pass, PassContext, derive_seed
from qloom.pipeline import Pipeline, make_pass, normalize_kind, run_finishers
from qloom.plugins import accepted_options, get_registry
from qloom.session.actions import Action, find_action, installed_actions
from qloom.session.observations import Observations, check_reward, reward_between
from qloom.trials import copy_properties

__all__ = ["CONTEXT_PARAMETERS", "Session", "SessionError", "Step", "StepResult"]

CONTEXT_PARAMETERS: dict[str, str] = {
    "approximation_degree": "how closely passes must keep the unitary, in (0, 1] (1: exact)",
    "padding": "padding strategy for padding:auto ('none', 'before', 'after')",
}
"""Session parameters that change every later step (``PassContext`` fields); any action
label (``"routers:sabre"``) is a parameter too, holding default options for its steps."""


_S = TypeVar("_S", bound="Session")


class SessionError(QloomError):
    """A session cannot do what was asked (nothing to undo, a bad parameter, a dead
    isolated session)."""


@dataclass(frozen=True)
class Step:
    """One step a session took.

    Attributes:
        label: the pass, ``kind:name`` (``"routers:sabre"``).
        spec: the pass as a pipeline entry (``{"kind", "name", "options"}``), options as
            run: the ones given over the session's defaults for that action.
        seed: the seed the pass ran with.
        reward: the step's reward in the session's reward space.
        wall: seconds it took; cpu: CPU seconds.
    """

    label: str
    spec: dict[str, Any]
    seed: int
    reward: float
    wall: float
    cpu: float

    @property
    def options(self) -> dict[str, Any]:
        """The options the pass ran with."""
        return dict(self.spec.get("options", {}))


@dataclass(frozen=True)
class StepResult:
    """What ``Session.step`` did: the new observation, its reward, and whether the backend
    now accepts the circuit as it stands."""

    observation: Observations
    reward: float
    executable: bool
    step: Step
    info: dict[str, Any] = field(default_factory=dict)


class _State:
    """A snapshot after some steps: never changed once made, so forks share it."""

    __slots__ = (
        "circuit",
        "finishers",
        "layout",
        "observation",
        "placement",
        "properties",
        "seed",
        "step",
        "view",
    )

    def __init__(
        self,
        circuit: Circuit,
        layout: Layout | None,
        placement: str | None,
        properties: dict[str, Any],
        finishers: tuple[Any, ...],
        seed: int,
        step: Step | None,
    ) -> None:
        self.circuit, self.layout, self.placement = circuit, layout, placement
        self.properties, self.finishers, self.seed, self.step = properties, finishers, seed, step
        self.view: Circuit | None = None
        self.observation: Observations | None = None


class Session:
    """An interactive compilation of one circuit for one backend.

    Args:
        circuit: the input circuit, over logical qubits (copied).
        on: backend name or ``Backend`` (default as in ``qloom.transpile``).
        seed: root seed; ``None`` draws one (then fixed: ``session.seed``).
        reward: the reward space (``qloom.session.REWARDS``): ``n2q`` (alias ``2q``),
            ``depth``, ``depth2q``, ``ops``, ``error``.
        parameters: session parameters to start with (see ``set_parameter``):
            ``{"approximation_degree": 0.99, "routers:sabre": {"trials": 8}}``.
        isolated: run the session in a worker process, so a pass that crashes the
            interpreter ends the session, not the caller (``IsolatedSession``).
        name: how errors and hooks name the running pipeline.
        **backend_options: options for building the backend by name.
    """

    def __new__(cls, *args: Any, isolated: bool = False, **kwargs: Any) -> Session:
        if isolated and cls is Session:
            if _ISOLATED is None:
                raise SessionError("isolated sessions are not available in this installation")
            return object.__new__(_ISOLATED)
        return object.__new__(cls)

    def __init__(
        self,
        circuit: Circuit,
        on: str | Backend | None = None,
        seed: int | None = None,
        reward: str = "n2q",
        parameters: Mapping[str, Any] | None = None,
        isolated: bool = False,
        name: str = "session",
        **backend_options: Any,
    ) -> None:
        if not isinstance(circuit, Circuit):
            raise ConfigError(f"a session needs a Circuit, got {type(circuit).__name__}")
        self.backend: Backend = get_backend(on, **backend_options)
        self.seed: int = secrets.randbits(63) if seed is None else int(seed)
        self.reward_space: str = check_reward(reward)
        self.name = name
        self._input = circuit.copy()
        self._context: dict[str, Any] = {}
        self._defaults: dict[str, dict[str, Any]] = {}
        self._actions: list[Action] | None = None
        start = _State(self._input, None, None, {}, (), self.seed, None)
        self._states: list[_State] = [start]
        for key, value in (parameters or {}).items():
            if isinstance(value, Mapping) and key not in CONTEXT_PARAMETERS:
                self.set_parameter(key, **value)
            else:
                self.set_parameter(key, value)

    # -- what the session holds ---------------------------------------------------------------

    @property
    def input(self) -> Circuit:
        """A copy of the circuit the session started from."""
        return self._input.copy()

    @property
    def circuit(self) -> Circuit:
        """A copy of the current circuit, as a pipeline of the steps so far would return it
        (finishers such as ``padding:after``'s applied), with its ``layout`` set."""
        return self._view(self._states[-1]).copy()

    @property
    def layout(self) -> Layout:
        """Where each logical input qubit is on the current circuit."""
        layout = self._view(self._states[-1]).layout
        assert layout is not None
        return layout

    @property
    def observation(self) -> Observations:
        """The named observations of the current circuit, each computed on first read."""
        return self._observe(self._states[-1])

    @property
    def executable(self) -> bool:
        """Whether the backend accepts every qubit, pair and gate of the current circuit."""
        return bool(self.observation["executable"])

    @property
    def history(self) -> tuple[Step, ...]:
        """The steps taken, first to last."""
        return tuple(s.step for s in self._states[1:] if s.step is not None)

    @property
    def actions(self) -> list[Action]:
        """Every installed pass the session can step (loaded once per session)."""
        if self._actions is None:
            self._actions = installed_actions(get_registry())
        return list(self._actions)

    def action(self, label: str) -> Action:
        """The action ``label`` (``"routers:sabre"``), or a ``ConfigError`` with the closest."""
        return find_action(self.actions, label)

    # -- parameters ---------------------------------------------------------------------------

    @property
    def parameters(self) -> Mapping[str, Any]:
        """The session parameters set so far (read-only): context-wide ones by name, an
        action's default options under its label."""
        out: dict[str, Any] = dict(self._context)
        out.update({label: dict(opts) for label, opts in self._defaults.items()})
        return MappingProxyType(out)

    def set_parameter(self, name: str, value: Any = None, /, **options: Any) -> None:
        """Set a parameter that changes later steps (not earlier ones).

        ``set_parameter("approximation_degree", 0.9)`` or ``set_parameter("padding",
        "after")`` change the pass context of every later step;
        ``set_parameter("routers:sabre", trials=8)`` gives later ``routers:sabre`` steps
        that option unless the step gives its own. ``value=None`` (and no options) unsets.

        Raises:
            ConfigError: an unknown parameter or a bad value.
            OptionError: an option the action does not have (naming the valid ones).
        """
        if name in CONTEXT_PARAMETERS:
            if options:
                raise ConfigError(f"session parameter '{name}' takes one value, not options")
            if value is None:
                self._context.pop(name, None)
                return
            if name == "approximation_degree":
                value = check_approximation_degree(value)
            elif not isinstance(value, str):
                raise ConfigError(
                    f"session parameter 'padding' must be a strategy name, got {value!r}"
                )
            self._context[name] = value
            return
        if ":" not in name:
            valid = ", ".join([*CONTEXT_PARAMETERS, "'kind:name' of an action"])
            raise ConfigError(f"unknown session parameter '{name}'; valid: {valid}")
        kind, _, part = name.partition(":")
        label = f"{normalize_kind(kind, f'session parameter {name!r}')}:{part}"
        if value is not None:
            raise ConfigError(
                f"session parameter '{label}' takes options: set_parameter('{label}', trials=8)"
            )
        if not options:
            self._defaults.pop(label, None)
            return
        factory = get_registry().load(label.partition(":")[0], part)
        check_options(f"pass '{label}'", options, accepted_options(factory))
        self._defaults[label] = {**self._defaults.get(label, {}), **options}

    def transpile_options(self) -> dict[str, Any]:
        """``seed`` and the context-wide parameters, as ``qloom.transpile`` takes them: with
        ``to_pipeline`` they rebuild the session's circuit in one run."""
        return {"seed": self.seed, **self._context}

    # -- stepping -----------------------------------------------------------------------------

    def step(self, action: str | Action | Pass | Mapping[str, Any], **options: Any) -> StepResult:
        """Run one pass on the current circuit.

        Args:
            action: an action label (``"routers:sabre"``), an ``Action``, a ``Pass``
                (its options as built), or a pipeline entry as data (``{"trials": 4,
                "passes": [...]}``).
            **options: the pass's options, over the session's defaults for it.

        Returns:
            The new observation, the step's reward, and whether the circuit is executable.

        Raises:
            PassError: the pass failed; the session is unchanged.
            OptionError: an option the pass does not have (naming the valid ones).
            UnknownPluginError: no installed pass has that name (with the closest).
        """
        step_pass = self._build(action, options)
        before = self._states[-1]
        index = len(self._states) - 1
        context = self._pass_context(before, derive_seed(self.seed, index, step_pass.label))
        out, wall, cpu = self._run(step_pass, before.circuit, context)
        after = _State(
            out,
            context.layout,
            context.placement,
            context.properties,
            tuple(context.finishers),
            context.seed,
            None,
        )
        self._view(after)  # a finisher that fails fails the step
        reward = reward_between(self.reward_space, self._observe(before), self._observe(after))
        done = Step(step_pass.label, step_pass.spec(), context.seed, reward, wall, cpu)
        after.step = done
        self._states.append(after)
        observation = self._observe(after)
        info = {"label": done.label, "seed": done.seed, "wall": wall, "cpu": cpu}
        return StepResult(observation, reward, bool(observation["executable"]), done, info)

    def _build(
        self, action: str | Action | Pass | Mapping[str, Any], options: dict[str, Any]
    ) -> Pass:
        if isinstance(action, Pass):
            if options:
                raise ConfigError("options go to the pass when building it, not to step()")
            return action
        if isinstance(action, Mapping):
            if options:
                raise ConfigError("options go inside the entry, not to step()")
            return get_pipeline({"name": self.name, "passes": [dict(action)]}).passes[0]
        label = action.label if isinstance(action, Action) else str(action)
        kind, sep, name = label.partition(":")
        if not sep or not name:
            raise ConfigError(f"action '{label}' should be 'kind:name', e.g. 'routers:sabre'")
        kind = normalize_kind(kind, f"action '{label}'")
        merged = {**self._defaults.get(f"{kind}:{name}", {}), **options}
        return make_pass(kind, name, merged)

    def _run(
        self, step_pass: Pass, circuit: Circuit, context: PassContext
    ) -> tuple[Circuit, float, float]:
        """Run ``step_pass`` as ``Pipeline.run`` runs one of its passes: hooks, timing,
        and any exception but a task stop reported as the pass's ``PassError``."""
        caller = hooks()
        leaf = not isinstance(step_pass, Pipeline)
        if leaf:
            caller.pass_started(step_pass.label, step_pass.stage, circuit, context)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            out = step_pass(circuit, context)
        except (PassError, TaskError):
            raise
        except Exception as exc:
            raise PassError(step_pass.label, self.name, f"{type(exc).__name__}: {exc}") from exc
        if out is None:
            raise PassError(step_pass.label, self.name, "run() returned None instead of a circuit")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if leaf:
            context.properties.setdefault("pass_times", []).append(
                {"pass": step_pass.label, "wall": wall, "cpu": cpu}
            )
            caller.pass_finished(step_pass.label, step_pass.stage, out, context, wall, cpu)
        return out, wall, cpu

    def _pass_context(self, state: _State, seed: int) -> PassContext:
        """A pass context in ``state`` (copies of what passes change) with ``seed``, the
        session's name and its context-wide parameters."""
        return PassContext(
            backend=self.backend,
            layout=state.layout,
            seed=seed,
            properties=copy_properties(state.properties),
            pipeline=self.name,
            placement=state.placement,
            padding=self._context.get("padding"),
            approximation_degree=self._context.get("approximation_degree"),
            finishers=list(state.finishers),
        )

    def _view(self, state: _State) -> Circuit:
        """The state's circuit with pending finishers applied and its layout set (cached)."""
        if state.view is None:
            circuit, layout = state.circuit, state.layout
            if state.finishers:
                context = self._pass_context(state, state.seed)
                circuit = run_finishers(circuit, context, self.name)
                layout = context.layout
            view = circuit.copy()
            view.layout = layout or Layout.trivial(self._input.num_qubits, view.num_qubits)
            state.view = view
        return state.view

    def _observe(self, state: _State) -> Observations:
        if state.observation is None:
            state.observation = Observations(self._view(state), self.backend)
        return state.observation

    # -- going back and branching -------------------------------------------------------------

    def undo(self) -> Step:
        """Go back one step; returns the step undone.

        Raises:
            SessionError: no step has been taken.
        """
        if len(self._states) == 1:
            raise SessionError("nothing to undo: the session has taken no step")
        state = self._states.pop()
        assert state.step is not None
        return state.step

    def reset(self) -> None:
        """Back to the input circuit with no steps taken (same seed and parameters)."""
        del self._states[1:]

    def fork(self) -> Session:
        """An independent session in the same state, history included.

        Cheap: the snapshots of earlier states (circuits, layouts) are shared, not copied;
        the two sessions differ only by what is stepped on each afterwards.
        """
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin._states = list(self._states)
        twin._context = dict(self._context)
        twin._defaults = {label: dict(opts) for label, opts in self._defaults.items()}
        return twin

    # -- what the steps amount to -------------------------------------------------------------

    def to_spec(self, name: str) -> dict[str, Any]:
        """The steps taken as a pipeline spec named ``name`` (what ``qloom.toml`` stores
        under ``[pipelines.<name>]``, less the name)."""
        return {"name": name, "passes": [step.spec for step in self.history]}

    def to_pipeline(self, name: str) -> Pipeline:
        """The steps taken as a pipeline: ``qloom.transpile(session.input, on=...,
        transpiler=session.to_pipeline(name), **session.transpile_options())`` gives
        ``session.circuit`` again (same operations, same layout)."""
        return get_pipeline(self.to_spec(name))

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release what the session holds: nothing in process (an isolated session stops
        its worker), so ``with Session(..., isolated=flag) as s:`` reads the same either way."""

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        steps = " -> ".join(step.label for step in self.history) or "no steps"
        return f"<Session on '{self.backend.name}' seed={self.seed}: {steps}>"


_ISOLATED: type[Session] | None = None


def use_isolated_class(cls: type[Session]) -> None:
    """Set the class ``Session(..., isolated=True)`` builds (the isolated-session module
    registers its own, keeping this module below it)."""
    global _ISOLATED
    _ISOLATED = cls
