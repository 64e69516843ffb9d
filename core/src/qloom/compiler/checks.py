"""What ``Compiler.submit`` checks before it queues anything.

A request travels to workers and into the store as JSON, and its numbers steer timeouts,
retries and seeds. A bad value is the caller's: it is refused at submit with an error that
names the task (its circuit, or the batch), the argument and the value, instead of failing
later in a worker or as a bare ``TypeError`` from ``json``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from qloom.circuit import Circuit
from qloom.errors import ArgumentError, SerializationError

__all__ = [
    "MAX_SEED",
    "check_circuits",
    "check_count",
    "check_plain",
    "check_resources",
    "check_seed",
    "check_timeout",
]

MAX_SEED = 2**64 - 1
"""The largest seed accepted (seeds are 0 to 2**64 - 1)."""

_MAX_DEPTH = 64


def check_circuits(circuits: Any) -> tuple[Circuit | list[Circuit], str]:
    """A circuit, or a list of circuits from any iterable, and how errors name its task(s):
    ``task 'ghz3'``, or ``batch of 5 circuits``.

    Raises:
        ArgumentError: it is not a circuit or an iterable of them (naming the entry).
    """
    if isinstance(circuits, Circuit):
        name = f"task '{circuits.name}'" if circuits.name else "task (unnamed circuit)"
        return circuits, name
    if isinstance(circuits, str | bytes) or not isinstance(circuits, Iterable):
        reason = "it is a Circuit or a list of them"
        raise ArgumentError(None, "circuit", _short(circuits), reason)
    batch = list(circuits)
    label = f"batch of {len(batch)} circuits"
    for i, item in enumerate(batch):
        if not isinstance(item, Circuit):
            where = f"circuit {i} of the {label}"
            raise ArgumentError(where, "circuit", _short(item), "it is not a Circuit")
    return batch, label


def check_plain(task: str | None, argument: str, value: Any) -> None:
    """Refuse ``value`` unless it is plain JSON data: ``None``, bools, ints, finite floats,
    text, lists or tuples, and dicts with text keys (nested at most 64 deep).

    Raises:
        SerializationError: names the task, where in the argument the value is, and what it is.
    """
    problem = _not_plain(value, argument, 0)
    if problem is not None:
        where, reason = problem
        raise SerializationError(  # its message says "task ..." itself
            None if task is None else task.removeprefix("task "),
            where,
            f"{reason}; use None, bool, int, float, str, lists and dicts with str keys "
            "(e.g. float(x) for a numpy number)",
        )


def check_seed(task: str | None, seed: Any) -> int | None:
    """``seed`` as an int (``None`` stays ``None``): an integer from 0 to ``MAX_SEED``."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ArgumentError(task, "seed", repr(seed), "a seed is an int (or None to draw one)")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ArgumentError(task, "seed", repr(seed), "a seed is from 0 to 2**64 - 1")
    return int(seed)


def check_timeout(task: str | None, argument: str, value: Any) -> float | None:
    """``value`` as seconds (``None`` stays ``None``): a finite number greater than 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentError(task, argument, repr(value), "seconds are a number (or None)")
    if not (math.isfinite(float(value)) and float(value) > 0):
        raise ArgumentError(
            task, argument, repr(value), "seconds are a finite number greater than 0 (or None)"
        )
    return float(value)


def check_count(task: str | None, argument: str, value: Any) -> int:
    """``value`` as a count: an int of 0 or more."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise ArgumentError(task, argument, repr(value), "it is an int of 0 or more")
    return int(value)


def check_resources(task: str | None, resources: Any) -> dict[str, float]:
    """``resources`` as ``{name: amount}``: text names, finite amounts of 0 or more."""
    if resources is None:
        return {}
    reason = "resources are {name: amount} with finite amounts of 0 or more"
    if not isinstance(resources, Mapping):
        raise ArgumentError(task, "resources", repr(resources), reason)
    out: dict[str, float] = {}
    for name, amount in resources.items():
        if (
            not isinstance(name, str)
            or isinstance(amount, bool)
            or not isinstance(amount, numbers.Real)
            or not (math.isfinite(float(amount)) and float(amount) >= 0)
        ):
            raise ArgumentError(task, "resources", repr(dict(resources)), reason)
        out[name] = float(amount)
    return out


def _not_plain(value: Any, where: str, depth: int) -> tuple[str, str] | None:
    """``(where, why)`` for the first value in ``value`` that is not plain JSON data."""
    if depth > _MAX_DEPTH:
        return where, f"it is nested more than {_MAX_DEPTH} levels deep"
    if value is None or isinstance(value, bool | int | str):
        return None
    if isinstance(value, float):  # numpy.float64 too: json writes it as a float
        return None if math.isfinite(value) else (where, f"{value!r} is not a finite number")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _not_plain(item, f"{where}[{i}]", depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return where, f"it has the key {key!r} of type {_type(key)}; keys must be str"
            found = _not_plain(item, f"{where}[{key!r}]", depth + 1)
            if found is not None:
                return found
        return None
    return where, f"{_short(value)} of type {_type(value)} is not plain JSON data"


def _type(value: Any) -> str:
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        return "a value"
    return text if len(text) <= 60 else text[:57] + "..."
