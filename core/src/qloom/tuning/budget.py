"""Search budgets as wall time: ``"60s"``, ``"2m"``, ``"1m30s"``, ``"1h"`` or plain seconds.

A tuning run is bounded by wall time, the one budget a user can plan around; the search
stops submitting evaluations once it is spent and keeps what finished.
"""

from __future__ import annotations

import re

from qloom.errors import ConfigError

__all__ = ["BUDGET_FORMS", "MAX_BUDGET", "parse_budget"]

MAX_BUDGET = 7 * 24 * 3600.0
"""The longest budget accepted (a week): anything longer is a typo."""

BUDGET_FORMS = "seconds (90, 60s, 2.5s), minutes (2m, 1m30s) or hours (1h, 1h15m)"
"""The forms ``parse_budget`` accepts, for error messages."""

_PART = re.compile(r"(\d+(?:\.\d+)?)([hms])")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_budget(text: str | float | int, option: str = "budget") -> float:
    """Seconds of wall time that ``text`` names.

    Args:
        text: a number of seconds, or a duration such as ``"60s"``, ``"2m"``, ``"1m30s"``.
        option: how the caller names the value in errors (``"--budget"``).

    Raises:
        ConfigError: naming ``option``, the value and the valid forms, for anything else,
            zero, a negative duration or one longer than ``MAX_BUDGET``.
    """
    seconds = _seconds(text)
    if seconds is None or not 0.0 < seconds <= MAX_BUDGET:
        raise ConfigError(
            f"{option}: {text!r} is not a usable duration; use {BUDGET_FORMS}, more than 0 and "
            f"at most {MAX_BUDGET / 3600:g} h"
        )
    return seconds


def _seconds(text: str | float | int) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    spelled = str(text).strip().lower()
    if len(spelled) > 32:
        return None
    try:
        return float(spelled)
    except ValueError:
        pass
    parts = _PART.findall(spelled)
    units = [unit for _, unit in parts]
    if not parts or "".join(n + u for n, u in parts) != spelled or len(set(units)) != len(units):
        return None
    if units != sorted(units, key="hms".index):
        return None
    return sum(float(number) * _UNIT[unit] for number, unit in parts)
