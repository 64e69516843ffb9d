"""OpenQASM 2 tokens, read on demand from any offset of a source text.

The parser's fast path matches whole statements with regular expressions and only falls
back to this token cursor for everything else, so tokens are scanned lazily (no token
list) and line/column numbers are computed only when an error is raised.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from qloom.errors import QasmError
from qloom.qasm2.limits import QasmLimitError, over_limit

__all__ = ["SKIP", "Lexer", "Source", "Token"]

SKIP = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.ASCII | re.DOTALL)
"""Whitespace and comments (a match always succeeds, possibly empty)."""

_TOKEN = re.compile(
    r"""
     (?P<real>(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)
    |(?P<int>[0-9]+)
    |(?P<id>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<str>"[^"\n]*")
    |(?P<open>/\*|")
    |(?P<punct>->|==|[;,()\[\]{}+\-*/^])
    |(?P<bad>.)
    """,
    re.ASCII | re.DOTALL | re.VERBOSE,
)

_NUMBER_TAIL = re.compile(r"[A-Za-z0-9_.]", re.ASCII)
_BAD_NUMBER = re.compile(r"[A-Za-z0-9_.]*", re.ASCII)


class Token(NamedTuple):
    """One token: ``kind`` is id, int, real, str, eof, or the punctuation text itself."""

    kind: str
    text: str
    start: int
    end: int

    def describe(self) -> str:
        """How the token reads in an error message ("found 'cx'", "found end of file")."""
        return "end of file" if self.kind == "eof" else f"'{self.text}'"


_QUOTED_LINE_MAX = 10_000
"""Longer source lines are not quoted in errors (a one-line file could be megabytes)."""

_MESSAGE_MAX = 2_000
"""Longer messages (a megabyte-long name quoted in one) are cut to this many characters."""


class Source:
    """One OpenQASM 2 text and its file name; turns offsets into located ``QasmError``s."""

    __slots__ = ("filename", "text")

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename

    def location(self, pos: int) -> tuple[int, int, str]:
        """The 1-based line and column of offset ``pos``, and that line's text.

        Counted on demand (errors are rare), so a large source keeps no line index.
        """
        text = self.text
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        line = text[start : len(text) if end < 0 else end]
        return text.count("\n", 0, start) + 1, pos - start + 1, line.rstrip("\r")

    def line_of(self, pos: int) -> int:
        """The 1-based line of offset ``pos`` (for "declared at line N" hints)."""
        return self.text.count("\n", 0, pos) + 1

    def error(self, message: str, pos: int) -> QasmError:
        """A ``QasmError`` located at offset ``pos`` of this source."""
        line, column, text = self.location(pos)
        return QasmError(_bounded(message), self.filename, line, column, _quotable(text))

    def limit_error(self, what: str, pos: int, option: str, limit: int) -> QasmLimitError:
        """A ``QasmLimitError`` at offset ``pos``: ``what`` exceeds ``QasmLimits.<option>``."""
        line, column, text = self.location(pos)
        message = over_limit(_bounded(what), option, limit)
        return QasmLimitError(message, self.filename, line, column, _quotable(text), option, limit)


def _quotable(line: str) -> str:
    return line if len(line) <= _QUOTED_LINE_MAX else ""


def _bounded(message: str) -> str:
    if len(message) <= _MESSAGE_MAX:
        return message
    return (
        f"{message[: _MESSAGE_MAX - 200]}... [{len(message)} characters, cut] ...{message[-150:]}"
    )


class Lexer:
    """A one-token-lookahead cursor over a ``Source``, restartable at any offset.

    ``tok`` is the current token; ``advance`` returns it and scans the next one. The
    end-of-file token sits right after the last real token, so errors about a missing
    ``;`` point at the end of the statement rather than at a trailing blank line.
    """

    __slots__ = ("last_end", "source", "text", "tok")

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.last_end = 0
        self.tok = Token("eof", "", 0, 0)

    def reset(self, pos: int) -> None:
        """Start scanning at offset ``pos``."""
        self.last_end = pos
        self.tok = self._scan(pos)

    def advance(self) -> Token:
        """Consume the current token and return it."""
        tok = self.tok
        self.last_end = tok.end
        self.tok = self._scan(tok.end)
        return tok

    def expect(self, kind: str, what: str | None = None) -> Token:
        """Consume a token of ``kind`` or raise "expected <what>, found <token>"."""
        if self.tok.kind != kind:
            raise self.error_here(f"expected {what or repr(kind)}")
        return self.advance()

    def error_here(self, expected: str) -> QasmError:
        """An error at the current token: "<expected>, found <token>"."""
        return self.source.error(f"{expected}, found {self.tok.describe()}", self.tok.start)

    def error(self, message: str, tok: Token) -> QasmError:
        """An error located at ``tok``."""
        return self.source.error(message, tok.start)

    def _scan(self, pos: int) -> Token:
        text = self.text
        pos = SKIP.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            return Token("eof", "", self.last_end, self.last_end)
        match = _TOKEN.match(text, pos)
        assert match is not None  # 'bad' matches any character
        kind = match.lastgroup or "bad"
        value = match.group()
        if kind == "punct":
            return Token(value, value, pos, match.end())
        if kind in ("int", "real") and _NUMBER_TAIL.match(text, match.end()):
            tail = _BAD_NUMBER.match(text, match.end()).end()  # type: ignore[union-attr]
            raise self.source.error(f"bad number '{text[pos:tail]}'", pos)
        if kind in ("open", "bad"):
            raise self.source.error(_bad_token_message(value), pos)
        return Token(kind, value, pos, match.end())


def _bad_token_message(value: str) -> str:
    if value == "/*":
        return "unterminated comment: '/*' has no closing '*/'"
    if value == '"':
        return "unterminated string: '\"' has no closing '\"' on its line"
    return f"unexpected character {value!r}"
