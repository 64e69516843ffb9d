"""``Connection``: JSON over HTTP(S) to a compile server, with the standard library only.

``urllib.request`` and ``json`` keep the core free of dependencies: a laptop that only
submits to a server needs nothing beyond ``qloom``. Every answer is read under a size
limit, every request has a timeout, and a refused or silent server is an
``ExecutorConnectionError`` naming the URL.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qloom.errors import ArgumentError, ExecutorConnectionError, QloomError
from qloom.remote.errors import ServerError, error_for_answer

__all__ = ["MAX_ANSWER_BYTES", "TOKEN_ENV", "Answer", "Connection", "is_server_url"]

TOKEN_ENV = "QLOOM_TOKEN"
"""The environment variable a remote Compiler takes its token from when none is given."""

MAX_ANSWER_BYTES = 256 * 1024 * 1024
"""The largest answer body a client reads; a longer one is an error, not a full memory."""

Verify = bool | str | Path | ssl.SSLContext


def is_server_url(value: object) -> bool:
    """True for an ``http://`` or ``https://`` URL (what makes a Compiler remote)."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Answer:
    """A successful answer: its status, headers and body bytes."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON.

        Raises:
            QloomError: it is not JSON.
        """
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError) as exc:
            raise QloomError(f"the server answered with a body that is not JSON: {exc}") from None


class Connection:
    """Requests to one server, each carrying the bearer token.

    Args:
        url: ``http://host:port`` or ``https://host:port`` (a path prefix is kept).
        token: the bearer token; ``None`` reads ``$QLOOM_TOKEN``.
        verify: HTTPS only: ``True`` checks the certificate against the system's
            authorities, a path names a CA file (a self-signed server's certificate),
            ``False`` checks nothing (tests only), or an ``ssl.SSLContext``.
        timeout: seconds to wait for a connection or an answer.

    Raises:
        ArgumentError: the URL is not ``http(s)://host[:port]`` or the timeout not above 0.
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        verify: Verify = True,
        timeout: float = 30.0,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ArgumentError(None, "url", repr(url), "it is http://host:port or https://...")
        if parts.query or parts.fragment:
            raise ArgumentError(None, "url", repr(url), "it has no query or fragment")
        if not (isinstance(timeout, int | float) and 0 < timeout < float("inf")):
            raise ArgumentError(None, "timeout", repr(timeout), "it is a number of seconds > 0")
        self.url = url.rstrip("/")
        self.token = token if token is not None else os.environ.get(TOKEN_ENV)
        self.timeout = float(timeout)
        self._context = _ssl_context(verify) if parts.scheme.lower() == "https" else None
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]  # proxies: as usual
        if self._context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self._context))
        self._opener = urllib.request.build_opener(*handlers)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: bytes | None = None,
        query: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Answer:
        """Send one request; return the answer when its status is in ``expect``.

        Raises:
            ExecutorConnectionError: the server could not be reached (naming the URL).
            AuthenticationError: 401. NotFoundError: 404.
            QloomError: the qloom error the server answered with (a ``QasmError``, ...).
            ServerError: any other error answer.
        """
        target = self.url + path
        pairs = {k: v for k, v in (query or {}).items() if v is not None}
        if pairs:
            target += "?" + urllib.parse.urlencode(pairs)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if json_body is not None:
            data = json.dumps(json_body, allow_nan=False).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            headers["Content-Type"] = "application/octet-stream"
        wait = self.timeout if timeout is None else timeout
        request = urllib.request.Request(target, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=wait) as response:
                answer = Answer(response.status, dict(response.headers), _read(response))
        except urllib.error.HTTPError as exc:
            with exc:
                answer = Answer(exc.code, dict(exc.headers or {}), _read(exc))
        except urllib.error.URLError as exc:
            raise ExecutorConnectionError(self.url, wait, _reason(exc.reason)) from None
        except (TimeoutError, ConnectionError, ssl.SSLError) as exc:
            raise ExecutorConnectionError(self.url, wait, _reason(exc)) from None
        if answer.status in expect:
            return answer
        try:
            body = answer.json()
        except QloomError:
            body = answer.body[:300].decode("utf-8", "replace")
        retry = answer.headers.get("Retry-After") or answer.headers.get("retry-after")
        raise error_for_answer(self.url, answer.status, body, _seconds(retry))

    def json(self, method: str, path: str, **options: Any) -> Any:
        """``request`` and the answer's JSON."""
        return self.request(method, path, **options).json()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answered as errors, not followed: ``urllib`` would send the bearer
    token on to wherever the redirect points, and the API never redirects."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _read(response: Any) -> bytes:
    body: bytes = response.read(MAX_ANSWER_BYTES + 1)
    if len(body) > MAX_ANSWER_BYTES:
        raise ServerError(
            response.geturl(), 200, "TooLarge", f"the answer is over {MAX_ANSWER_BYTES} bytes"
        )
    return body


def _reason(reason: object) -> str:
    if isinstance(reason, ssl.SSLError):
        return f"TLS: {reason.reason or reason}"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _seconds(value: str | None) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


def _ssl_context(verify: Verify) -> ssl.SSLContext:
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is True:
        return ssl.create_default_context()
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    path = Path(verify)
    if not path.is_file():
        raise ArgumentError(None, "verify", repr(str(verify)), "it names an existing CA file")
    return ssl.create_default_context(cafile=str(path))
