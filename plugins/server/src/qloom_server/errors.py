"""Errors the API answers with: ``{"error": {"type", "message", ...}}`` and a status code."""

from __future__ import annotations

from typing import Any

from qloom.errors import QasmError, QloomError

__all__ = ["ApiError", "body", "qloom_error_body"]


class ApiError(Exception):
    """An answer other than success: HTTP status ``code``, an error ``type`` and a ``message``.

    Attributes:
        headers: extra response headers (``Retry-After``, ``WWW-Authenticate``).
        extra: more fields of the error body (a QASM error's location).
    """

    def __init__(
        self,
        code: int,
        type: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.type = type
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def body(type: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON body of an error answer."""
    return {"error": {"type": type, "message": message, **extra}}


def qloom_error_body(exc: QloomError) -> dict[str, Any]:
    """A qloom error as an answer body; a QASM error keeps its location."""
    extra: dict[str, Any] = {}
    if isinstance(exc, QasmError):
        extra = {
            "filename": exc.filename,
            "line": exc.line,
            "column": exc.column,
            "source_line": exc.source_line[:300],
        }
    return body(type(exc).__name__, str(exc)[:4000], **extra)
