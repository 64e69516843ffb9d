"""Which keyword options a part accepts, and the caller's error when it is given another.

A part states its options once: a pass through ``Pass.option_defaults`` (or its
``__init__`` signature), a backend or executor factory through its signature. The registry
checks what it is given against that before building, so a misspelt option is reported as
the caller's mistake (``OptionError``) instead of the plugin being marked broken.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from qloom.errors import ConfigError, OptionError

__all__ = [
    "REQUIRED",
    "check_approximation_degree",
    "check_options",
    "format_default",
    "signature_options",
]


class _Required:
    """Stands for "no default" in an options mapping."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""The default of an option that must be given."""

_KEYWORD = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def signature_options(factory: Callable[..., Any], skip: int = 0) -> dict[str, Any] | None:
    """The keyword options ``factory`` accepts, name -> default (``REQUIRED`` when none).

    ``skip`` leading positional parameters are left out (those filled by positional
    arguments, e.g. a backend's device). ``None`` means it takes ``**kwargs``, so any name
    may be valid and only the factory itself can tell.
    """
    try:
        params = list(inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: let the call decide
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    out: dict[str, Any] = {}
    positional = 0
    for p in params:
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            positional += 1
            if positional <= skip:
                continue
        if p.kind in _KEYWORD:
            out[p.name] = REQUIRED if p.default is inspect.Parameter.empty else p.default
    return out


def check_options(part: str, options: Mapping[str, Any], valid: Mapping[str, Any] | None) -> None:
    """Raise ``OptionError`` for the first option of ``options`` not in ``valid``.

    Args:
        part: how the message names the part (``pass 'optimizers:cancel'``).
        options: what the caller gave.
        valid: name -> default of every accepted option; ``None`` accepts anything.
    """
    if valid is None:
        return
    for option in options:
        if option not in valid:
            close = difflib.get_close_matches(option, list(valid), n=1, cutoff=0.6)
            listed = {k: None if v is REQUIRED else format_default(v) for k, v in valid.items()}
            raise OptionError(part, option, listed, close[0] if close else None)


def format_default(value: Any) -> str:
    """A default as the docs and messages show it: ``None``, ``64``, ``'spawn'``."""
    return repr(value)


def check_approximation_degree(value: Any) -> float | None:
    """``value`` as an ``approximation_degree`` (a float in (0, 1]; ``None`` passes).

    1.0 asks for no approximation beyond double precision; a degree ``d < 1`` lets passes
    drop a gate whose average gate fidelity to the identity is at least ``d``.

    Raises:
        ConfigError: not a real number in (0, 1].
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(
            f"approximation_degree must be a float in (0, 1], got {value!r} "
            f"({type(value).__name__})"
        )
    degree = float(value)
    if not 0.0 < degree <= 1.0:  # also refuses nan
        raise ConfigError(f"approximation_degree must be a float in (0, 1], got {value!r}")
    return degree
