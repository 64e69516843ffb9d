"""``Action``: one installed pass a session can step, with its options and their defaults.

The plugin registry already knows every installed pass by kind and name; that is a
session's action space. Third-party passes appear without any change here: whatever the
``qloom.placers``, ``qloom.routers``, ... entry points name (and the config file's and
the hooks' named pipelines) is an action.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from qloom.config_file import load_config
from qloom.errors import BrokenPluginError, ConfigError, QloomError
from qloom.passes import STAGES, Pass
from qloom.plugins import Registry, accepted_options

__all__ = ["ACTION_KINDS", "Action", "installed_actions"]

ACTION_KINDS: tuple[str, ...] = (
    "padding",
    "placers",
    "routers",
    "unrollers",
    "optimizers",
    "pipelines",
)
"""The kinds of part a session steps, in the order a pipeline usually runs them."""


@dataclass(frozen=True)
class Action:
    """A pass a session can step.

    Attributes:
        label: ``kind:name`` (``"routers:sabre"``), how ``Session.step`` names it.
        kind: the entry-point kind (``"routers"``).
        name: the part's name (``"sabre"``).
        options: every option the pass accepts, name -> default
            (``qloom.options.REQUIRED`` when it must be given); ``None`` when the pass
            checks its own options (an adapter to another library's passes).
        description: the first line of the pass's docstring (or the pipeline's description).
        stage: the stage label statuses show (``"ROUTING"``).
    """

    label: str
    kind: str
    name: str
    options: dict[str, Any] | None
    description: str
    stage: str


def installed_actions(registry: Registry) -> list[Action]:
    """Every pass installed in ``registry`` that loads, as an ``Action``, sorted by label.

    A part that fails to import is left out (``qloom plugins`` reports it as broken); named
    pipelines from the config file and the hooks count as ``pipelines`` actions.
    """
    registry.add_hook_pipelines()
    found: dict[str, Action] = {}
    for kind in ACTION_KINDS:
        for name in registry.names(kind):
            try:
                factory = registry.load(kind, name)
            except (BrokenPluginError, QloomError):
                continue
            action = _action(kind, name, factory)
            found[action.label] = action
    for name, spec in load_config().get("pipelines", {}).items():
        description = str(spec.get("description", "")) if isinstance(spec, dict) else ""
        found[f"pipelines:{name}"] = Action(
            f"pipelines:{name}", "pipelines", name, {}, description, STAGES["pipelines"]
        )
    return [found[label] for label in sorted(found)]


def find_action(actions: list[Action], label: str) -> Action:
    """The action called ``label`` (``kind:name``; ``router:sabre`` is accepted).

    Raises:
        ConfigError: no such action; names the closest and where to see them all.
    """
    kind, sep, name = label.partition(":")
    if sep and not kind.endswith("s") and kind != "padding":
        label = f"{kind}s:{name}"
    for action in actions:
        if action.label == label:
            return action
    labels = [a.label for a in actions]
    close = difflib.get_close_matches(label, labels, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ConfigError(
        f"no action '{label}' in this session{hint} (session.actions lists all {len(labels)})"
    )


def _action(kind: str, name: str, factory: Any) -> Action:
    if kind == "pipelines":
        options: dict[str, Any] | None = {}
        description = str(getattr(factory, "description", "") or "")
    else:
        options = accepted_options(factory)
        description = ""
    if not description:
        description = _first_line(getattr(factory, "__doc__", None))
    stage = STAGES.get(kind, kind.upper())
    if isinstance(factory, type) and issubclass(factory, Pass):
        stage = STAGES.get(factory.kind, stage) if factory.kind != "passes" else stage
    return Action(f"{kind}:{name}", kind, name, options, description, stage)


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0].rstrip(".") if (doc or "").strip() else ""
