"""What ``qloom tune`` searches: metrics, the baseline split into front and completion, and
the candidate steps.

A tuned pipeline is ``front + steps + completion_after(steps)``:

- the **front** is the baseline pipeline's leading padding and decomposition (for ``O3``:
  ``padding:auto`` and the decomposition with identity removal), which every candidate
  needs before it;
- the **steps** are what the search chose, each one candidate;
- the **completion** is the rest of the baseline (for ``O3``: swap elision, optimisation,
  and its placement-to-optimisation search, 2 trials). It makes every partial pipeline
  executable, so a partial pipeline is scored by what it gives once finished the
  baseline's way, and it is part of the pipeline written out. A step that is a variant of
  completion entries (the same passes in the same order, other options) takes their
  place: the entries before them are taken first, and the completion resumes after them
  (``extend``, ``completion_after``).
  The completion's placers leave an already placed circuit alone, so a step that places
  takes over the placement too.

With no steps this is the baseline itself, pass for pass and seed for seed: the search
starts from the baseline's score and only keeps changes that beat it.

Candidates (``default_candidates``), tried in this order: the baseline's search stage
varied (``STAGE_VARIANTS``: more trials, more routing or layout trials, a longer lookahead,
no swap-cost weighting) under its own name, so it takes the stage's place with the
stage's seed (its first trials are the baseline's own); then ``PASS_VARIANTS`` (option
sets of the built-in passes); then every
installed pass and named pipeline with its default options (third-party ones included),
except padding (the front pads) and passes whose options are another library's or
required.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qloom.config import get_pipeline
from qloom.errors import ConfigError, QloomError
from qloom.options import REQUIRED
from qloom.session import Action, Observations
from qloom.trials import MAX_TRIALS
from qloom.tuning.choices import METRICS

__all__ = [
    "METRICS",
    "PASS_VARIANTS",
    "STAGE_VARIANTS",
    "Entry",
    "SearchSpace",
    "check_metric",
    "completion_after",
    "covered_entry",
    "extend",
    "default_candidates",
    "describe",
    "entry_key",
    "metric_value",
    "normalize",
    "search_space",
]

Entry = dict[str, Any]
"""One pipeline entry as plain data (``{"kind", "name", "options"}``, or a nested pipeline
``{"kind": "pipelines", "name", "passes", "trials"?}``)."""

_METRIC_ALIASES = {"n2q": "2q"}

STAGE_VARIANTS: tuple[tuple[str, int, dict[str, dict[str, Any]]], ...] = (
    ("x2 trials", 2, {}),
    ("x4 trials", 4, {}),
    ("router trials 32", 1, {"routers:sabre": {"trials": 32}}),
    ("layout trials 128, 4 iterations", 1, {"placers:sabre": {"trials": 128, "iterations": 4}}),
    ("x4 trials, router trials 16", 4, {"routers:sabre": {"trials": 16}}),
    ("router lookahead 40", 1, {"routers:sabre": {"lookahead": 40}}),
    (
        "no swap-cost weight",
        1,
        {"routers:sabre": {"swap_cost_weight": 0.0}, "placers:sabre": {"swap_cost_weight": 0.0}},
    ),
)
"""Variants of the baseline's search stage: (what, trials multiplier, options per pass
label inside it). An override applies only where the stage has that pass."""

PASS_VARIANTS: tuple[Entry, ...] = (
    {"pass": "optimizers:optimize", "resynthesize": True},
    {"pass": "placers:sabre", "commute": True, "swap_cost_weight": 1 / 3, "trials": 64},
    {"pass": "routers:sabre", "commute": True, "swap_cost_weight": 1 / 3, "trials": 32},
    {"pass": "routers:sabre", "commute": True, "trials": 32},
)
"""Option sets of built-in passes worth trying besides their defaults (left out when the
pass is not installed)."""

_FRONT = ("padding:", "unrollers:decompose", "optimizers:remove_identities")
_SKIPPED_KINDS = ("padding",)


def check_metric(name: str) -> str:
    """The metric ``name`` (``n2q`` is ``2q``), or a ``ConfigError`` naming the valid ones."""
    name = _METRIC_ALIASES.get(name, name)
    if name not in METRICS:
        raise ConfigError(f"unknown metric {name!r}; valid: {', '.join(METRICS)}")
    return name


def metric_value(observation: Observations, metric: str) -> float:
    """The metric of one finished circuit (lower is better)."""
    if metric == "error":
        esp = observation["esp"]
        return 1.0 if esp is None else 1.0 - float(esp)
    key = {"2q": "n2q"}.get(metric, metric)
    return float(observation[key])


def normalize(entry: Any) -> Entry:
    """``entry`` (``"kind:name"``, ``{"pass": ...}``, a nested pipeline...) as the plain
    spec of the pass it builds: one spelling per pass, fully expanded (a named pipeline is
    inlined, so a written pipeline keeps its meaning when the levels change).

    Raises:
        ConfigError, MissingPartsError: the entry is malformed or names a missing pass.
    """
    built = get_pipeline({"name": "candidate", "passes": [entry]}).passes[0]
    return _plain(built.spec())


def entry_key(entries: Iterable[Entry]) -> str:
    """Canonical text of a sequence of entries, to tell candidates apart."""
    return json.dumps(list(entries), sort_keys=True, separators=(",", ":"))


def describe(entry: Mapping[str, Any], original: Mapping[str, Any] | None = None) -> str:
    """A short human name: ``routers:sabre(trials=32)``, ``O3``; a nested pipeline that
    is a variant of ``original`` says how: ``O3 search(trials=4, routers:sabre
    trials=32)``."""
    if "passes" in entry:
        name = str(entry.get("name", "pipeline"))
        if original is None or "passes" not in original:
            return name
        changes = ", ".join(_changes(entry, original))
        return f"{name}({changes})" if changes else name
    options = entry.get("options") or {}
    shown = ", ".join(f"{k}={_short(v)}" for k, v in sorted(options.items()))
    return f"{entry['kind']}:{entry['name']}" + (f"({shown})" if shown else "")


def _changes(entry: Mapping[str, Any], original: Mapping[str, Any]) -> Iterable[str]:
    """What differs between two entries of the same shape: trials and leaf options."""
    if entry.get("trials", 1) != original.get("trials", 1):
        yield f"trials={entry.get('trials', 1)}"
    if "passes" in entry:
        for mine, theirs in zip(entry["passes"], original.get("passes", ()), strict=False):
            yield from _changes(mine, theirs)
        return
    options, before = entry.get("options") or {}, original.get("options") or {}
    for key in sorted(options):
        if options[key] != before.get(key, _MISSING):
            yield f"{entry['kind']}:{entry['name']} {key}={_short(options[key])}"


_MISSING = object()


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else repr(value)


@dataclass(frozen=True)
class SearchSpace:
    """The baseline split for the search, and the candidates to try.

    Attributes:
        baseline: the baseline pipeline's name (``"O3"``).
        front: its leading padding and decomposition entries.
        completion: the rest of it, run after the chosen steps.
        candidates: the steps to try, in order (ties go to the earlier).
    """

    baseline: str
    front: tuple[Entry, ...]
    completion: tuple[Entry, ...]
    candidates: tuple[Entry, ...]

    def rest(self, steps: Sequence[Entry]) -> tuple[Entry, ...]:
        """The completion entries that run after ``steps`` (``completion_after``)."""
        return completion_after(self.completion, steps)

    def whole(self, steps: Sequence[Entry]) -> tuple[Entry, ...]:
        """Everything after the front: ``steps`` and what of the completion follows."""
        return (*steps, *self.rest(steps))

    def extend(self, steps: Sequence[Entry], candidate: Entry) -> tuple[Entry, ...]:
        """The steps once ``candidate`` is taken after ``steps`` (``extend``)."""
        return extend(self.completion, steps, candidate)

    def pipeline(self, name: str, steps: Sequence[Entry], description: str = "") -> Entry:
        """The pipeline spec ``front + steps + completion_after(steps)`` named ``name``."""
        spec: Entry = {
            "name": name,
            "passes": [*self.front, *steps, *self.rest(steps)],
        }
        if description:
            spec["description"] = description
        return spec


def search_space(
    baseline: str, actions: Sequence[Action], candidates: Sequence[Any] | None = None
) -> SearchSpace:
    """Split ``baseline`` into front and completion and list the candidates.

    Args:
        baseline: a named pipeline (``"O3"``).
        actions: the installed actions (``Session.actions``), for the default candidates.
        candidates: the steps to try instead of ``default_candidates`` (entries in any
            spelling a pipeline spec accepts).

    Raises:
        ConfigError: the baseline has nothing after its front, or no candidate is left.
    """
    spec = get_pipeline(baseline).spec()
    passes = [json.loads(json.dumps(p)) for p in spec["passes"]]
    cut = 0
    while cut < len(passes) and _is_front(passes[cut]):
        cut += 1
    front, completion = tuple(passes[:cut]), tuple(passes[cut:])
    if not completion:
        raise ConfigError(
            f"baseline pipeline '{baseline}' has nothing after padding and decomposition to "
            "complete a partial pipeline with; pick one that places and routes, e.g. O3"
        )
    given = candidates is not None
    raw = list(candidates or ()) if given else default_candidates(baseline, completion, actions)
    seen: set[str] = set()
    chosen: list[Entry] = []
    for entry in raw:
        try:
            normal = normalize(entry)
        except QloomError:
            if given:
                raise
            continue  # an installed pipeline that cannot be built: `qloom plugins` says why
        key = entry_key([normal])
        if key not in seen:
            seen.add(key)
            chosen.append(normal)
    if not chosen:
        raise ConfigError("no candidate steps to search over")
    return SearchSpace(baseline, front, completion, tuple(chosen))


def default_candidates(
    baseline: str, completion: Sequence[Entry], actions: Sequence[Action]
) -> list[Any]:
    """The default candidates (see the module docstring), in the order they are tried."""
    installed = {a.label for a in actions}
    out: list[Any] = list(_stage_variants(baseline, completion))
    out += [v for v in PASS_VARIANTS if v["pass"] in installed]
    for action in actions:
        if action.kind in _SKIPPED_KINDS or action.options is None:
            continue
        if any(default is REQUIRED for default in action.options.values()):
            continue
        out.append(action.label)
    return out


def _stage_variants(baseline: str, completion: Sequence[Entry]) -> Iterable[Entry]:
    """The baseline's search stage with other trials or options, under the same name: it
    takes the stage's place with the stage's seed (``extend``), so its first trials are
    the baseline's own and more trials can only add candidates."""
    stage = _search_stage(baseline, completion)
    if stage is None:
        return
    trials = int(stage.get("trials", 1))
    labels = set(_leaf_labels(stage))
    for _, times, overrides in STAGE_VARIANTS:
        if not set(overrides) <= labels:
            continue
        count = min(trials * times, MAX_TRIALS)
        if count == trials and not overrides:
            continue
        variant = _override(stage, overrides)
        if count > 1:
            variant["trials"] = count
        yield variant


def _search_stage(baseline: str, completion: Sequence[Entry]) -> Entry | None:
    """The completion's ``Trials`` entry, else its passes from the first placer on (as a
    nested pipeline)."""
    for entry in completion:
        if "trials" in entry:
            return _plain(entry)
    for index, entry in enumerate(completion):
        if any(label.startswith("placers:") for label in _leaf_labels(entry)):
            passes = _plain_all(completion[index:])
            return {"kind": "pipelines", "name": f"{baseline} search", "passes": passes}
    return None


def _plain_all(entries: Sequence[Entry]) -> list[Entry]:
    return [_plain(e) for e in entries]


def completion_after(completion: Sequence[Entry], steps: Sequence[Entry]) -> tuple[Entry, ...]:
    """What of ``completion`` still runs after ``steps`` (see ``extend``): each step that
    covers entries of what is left ends it up to the last entry it covers."""
    rest = tuple(completion)
    for step in steps:
        covered = _covered(rest, step)
        if covered:
            rest = rest[covered[-1] + 1 :]
    return rest


def extend(
    completion: Sequence[Entry], steps: Sequence[Entry], candidate: Entry
) -> tuple[Entry, ...]:
    """The steps after ``candidate`` is taken.

    A candidate **covers** an entry of the completion left after ``steps`` when it, or an
    entry nested in it, runs the same passes in the same order (a variant of it, options
    aside). A candidate that covers nothing is appended; one that covers entries ``i..j``
    takes their place: the entries before ``i`` are taken first, as they are, and the
    completion resumes after ``j``. So a variant of the final optimisation runs after
    routing, where the entry it replaces ran, not before placement.
    """
    rest = completion_after(completion, steps)
    covered = _covered(rest, candidate)
    before = rest[: covered[0]] if covered else ()
    return (*steps, *before, candidate)


def covered_entry(completion: Sequence[Entry], step: Entry) -> Entry | None:
    """The completion entry ``step`` is a variant of (same passes in the same order), if
    any: what ``describe`` compares it with."""
    shape = tuple(_leaf_labels(step))
    return next((e for e in completion if tuple(_leaf_labels(e)) == shape), None)


def _covered(rest: Sequence[Entry], step: Entry) -> list[int]:
    shapes = {tuple(_leaf_labels(node)) for node in _nodes(step)}
    return [i for i, entry in enumerate(rest) if tuple(_leaf_labels(entry)) in shapes]


def _nodes(entry: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    yield entry
    for inner in entry.get("passes", ()):
        yield from _nodes(inner)


def _leaf_labels(entry: Mapping[str, Any]) -> Iterable[str]:
    if "passes" in entry:
        for inner in entry["passes"]:
            yield from _leaf_labels(inner)
    else:
        yield f"{entry['kind']}:{entry['name']}"


def _override(entry: Mapping[str, Any], overrides: Mapping[str, Mapping[str, Any]]) -> Entry:
    out: Entry = json.loads(json.dumps(entry))
    if "passes" in out:
        out["passes"] = [_override(inner, overrides) for inner in out["passes"]]
        return out
    label = f"{out['kind']}:{out['name']}"
    if label in overrides:
        out["options"] = {**out.get("options", {}), **overrides[label]}
    return out


def _plain(data: Mapping[str, Any]) -> Entry:
    """A JSON-plain deep copy (tuples as lists): one spelling of every value."""
    out: Entry = json.loads(json.dumps(data))
    return out


def _is_front(entry: Mapping[str, Any]) -> bool:
    return all(label.startswith(_FRONT) for label in _leaf_labels(entry))
