"""Bounds on a device description, checked before the file is parsed or the device built.

A description file is data from anywhere: without bounds a 10^9-qubit line exhausts memory
and a deeply nested JSON or TOML file exhausts the parser's recursion. ``DeviceLimits``
holds the bounds a user can raise (each is an option of the ``emulator`` backend);
``nesting_depth`` measures bracket nesting and TOML dotted keys (``a.b.c = 1``, whose
depth costs ``tomllib`` quadratic memory) in one linear pass, without parsing, so a file too
deep for ``json``/``tomllib`` is refused before they recurse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from qloom.errors import ConfigError

__all__ = ["MAX_NESTING", "DeviceLimits", "nesting_depth"]

MAX_NESTING = 16
"""Deepest bracket nesting accepted; the format itself needs 4 (``[[qubit]]``, edge lists)."""


@dataclass(frozen=True)
class DeviceLimits:
    """How large a device description may be.

    Attributes:
        max_file_bytes: largest description file (backend option ``max_device_file_bytes``).
        max_qubits: most qubits a device may have (option ``max_device_qubits``); the
            default covers today's largest chips, and transpiling onto a 2,000-qubit line
            already takes about 11 s and 430 MB (distance tables grow with its square).
        max_couplers: most coupled pairs a device may have (option ``max_device_couplers``).

    Raises:
        ConfigError: a limit is not a positive integer.
    """

    max_file_bytes: int = 4 << 20
    max_qubits: int = 2048
    max_couplers: int = 100_000

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(
                    f"{self.option(item.name)} must be a positive integer, got {value!r}"
                )

    @staticmethod
    def option(name: str) -> str:
        """The backend option that sets the limit ``name`` (``max_qubits`` -> ...)."""
        return name.replace("max_", "max_device_", 1)

    def exceeded(self, name: str, what: str) -> str:
        """A problem text: ``what`` is over the limit ``name``, and how to raise it."""
        option = self.option(name)
        return (
            f"{what}, over the limit {option}={getattr(self, name)} (raise it with the "
            f"emulator backend option {option}, e.g. --option {option}=N)"
        )


_TOKENS = re.compile(r"\"\"\"|'''|[\"'#\n\[\]{}.=,:]")
_NORMAL, _BASIC, _LITERAL, _ML_BASIC, _ML_LITERAL, _COMMENT = range(6)


def nesting_depth(text: str, stop: int = MAX_NESTING) -> int:
    """The deepest nesting of ``[``/``{`` and dotted keys outside strings and comments.

    One pass over the brackets, quotes, dots, separators, ``#`` and newlines of ``text``
    (TOML or JSON); it returns as soon as the depth passes ``stop``. A dotted key
    ``a.b.c`` counts its dots on top of the brackets around it (a float has one dot).
    Text that is not valid TOML or JSON may be measured too deep, never too shallow where
    a parser would recurse.
    """
    depth = deepest = dots = 0
    state = _NORMAL
    for match in _TOKENS.finditer(text):
        token = match.group()
        if state == _NORMAL:
            if token == ".":
                dots += 1
                deepest = max(deepest, depth + dots)
            elif token in "=,:\n":
                dots = 0
            elif token in "[{":
                depth += 1
                dots = 0
            elif token in "]}":
                depth = max(0, depth - 1)
                dots = 0
            elif token in ('"', '"""', "'", "'''", "#"):
                state = {'"': _BASIC, '"""': _ML_BASIC, "'": _LITERAL, "'''": _ML_LITERAL}.get(
                    token, _COMMENT
                )
            deepest = max(deepest, depth)
            if deepest > stop:
                return deepest
        elif _ends(state, token, text, match.start()):
            state = _NORMAL
    return deepest


def _ends(state: int, token: str, text: str, index: int) -> bool:
    """Whether ``token`` (at ``index``) ends the comment or string ``state`` is in."""
    if state == _COMMENT:
        return token == "\n"
    if state == _LITERAL:
        return token == "\n" or token.startswith("'")
    if state == _ML_LITERAL:
        return token == "'''"
    if state == _BASIC and token == "\n":
        return True
    closing = token[0] == '"' and (state == _BASIC or token == '"""')
    return closing and not _escaped(text, index)


def _escaped(text: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1
