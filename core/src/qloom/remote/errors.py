"""What a compile server's error answers become on the client.

An answer naming one of qloom's own errors (a ``QasmError`` with its file, line and column,
an ``UnknownPluginError``, ...) is raised as that type where ``qloom.failures`` can rebuild
it; a task's stored error comes back whole (type, fields, ``__cause__`` chain). The rest
are ``ServerError``s: ``AuthenticationError`` for 401, ``NotFoundError`` for 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qloom.errors import QasmError, QasmLimitError, QloomError, RemoteError
from qloom.failures import ERROR_FORMAT, error_from_data

__all__ = ["AuthenticationError", "NotFoundError", "ServerError", "error_for_answer"]


class ServerError(QloomError):
    """The server at ``url`` answered ``status`` with an error of ``type``.

    Attributes:
        url: the server; status: the HTTP status; type: the error type the server named;
        message: its message; retry_after: seconds the server asked to wait (429), if any.
    """

    def __init__(
        self, url: str, status: int, type: str, message: str, retry_after: float | None = None
    ) -> None:
        self.url = url
        self.status = status
        self.type = type
        self.message = message
        self.retry_after = retry_after
        super().__init__(f"the server at {url} answered {status} {type}: {message}")

    def _init_args(self) -> tuple[Any, ...]:
        return (self.url, self.status, self.type, self.message, self.retry_after)


class AuthenticationError(ServerError, PermissionError):
    """401: no token, or one the server does not know."""

    def __init__(
        self, url: str, status: int, type: str, message: str, retry_after: float | None = None
    ) -> None:
        ServerError.__init__(self, url, status, type, message, retry_after)
        self.args = (
            f"the server at {url} refused the request ({message}): pass token=... or set "
            "$QLOOM_TOKEN to a token made by `qloom serve token create NAME` on the server",
        )

    def __str__(self) -> str:
        return str(self.args[0])


class NotFoundError(ServerError, LookupError):
    """404: no such task, session or file of yours (another user's is 404 too)."""

    def __str__(self) -> str:
        return f"{self.message} on the server at {self.url}"


def error_for_answer(
    url: str, status: int, body: Any, retry_after: float | None = None
) -> QloomError:
    """The exception to raise for an error answer: the qloom error it names, when it is one
    qloom can rebuild, else a ``ServerError`` (of the kind the status says)."""
    detail = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(detail, Mapping):
        text = str(body)[:300] if body is not None else "no error description"
        return ServerError(url, status, "HTTPError", text, retry_after)
    kind = str(detail.get("type", "HTTPError"))[:100]
    message = str(detail.get("message", ""))[:4000]
    if status == 401:
        return AuthenticationError(url, status, kind, message, retry_after)
    if status == 404:
        return NotFoundError(url, status, kind, message, retry_after)
    rebuilt = qloom_error(detail)
    if rebuilt is not None:
        return rebuilt
    return ServerError(url, status, kind, message, retry_after)


def qloom_error(detail: Mapping[str, Any]) -> QloomError | None:
    """The qloom error an error body describes (``{"type", "message", ...}`` or
    ``qloom.failures`` data), or ``None`` when it names no qloom error that can be rebuilt."""
    if detail.get("format") == ERROR_FORMAT:
        try:
            error = error_from_data(detail)
        except ValueError:
            return None
        return error if isinstance(error, QloomError) else RemoteError.standing_in_for(error)
    kind, message = detail.get("type"), detail.get("message")
    if not isinstance(kind, str) or not isinstance(message, str):
        return None
    if kind in ("QasmError", "QasmLimitError") and isinstance(detail.get("line"), int):
        return _qasm_error(kind, message, detail)
    try:
        error = error_from_data(
            {"format": ERROR_FORMAT, "type": f"qloom.errors.{kind}", "message": message,
             "args": [message]}
        )  # fmt: skip
    except ValueError:
        return None
    return error if isinstance(error, QloomError) and not isinstance(error, RemoteError) else None


def _qasm_error(kind: str, message: str, detail: Mapping[str, Any]) -> QasmError:
    """A located QASM error; the server's message already carries the location, which the
    rebuilt error adds again, so it is taken off."""
    filename = str(detail.get("filename", "<string>"))
    line, column = int(detail.get("line", 0)), int(detail.get("column", 0))
    source = str(detail.get("source_line", ""))
    prefix = f"{filename}:{line}:{column}: "
    text = message[len(prefix) :] if message.startswith(prefix) else message
    if source:
        text = text.split(f"\n    {source}\n", 1)[0]
    if kind == "QasmLimitError":
        return QasmLimitError(text, filename, line, column, source)
    return QasmError(text, filename, line, column, source)
