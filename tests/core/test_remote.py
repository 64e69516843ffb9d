"""The remote Compiler's HTTP layer without a compile server: small loopback HTTP servers
that answer what a test needs (redirects, garbage, silence), and the error mapping."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import qloom
from qloom.errors import (
    ArgumentError,
    ExecutorConnectionError,
    PassError,
    QasmError,
    QasmLimitError,
    QloomError,
    UnknownPluginError,
)
from qloom.failures import error_to_data
from qloom.remote import (
    AuthenticationError,
    Connection,
    NotFoundError,
    RemoteCompiler,
    ServerError,
)
from qloom.remote import http as remote_http
from qloom.remote.errors import error_for_answer

Answer = tuple[int, dict[str, str], bytes]


@contextmanager
def serving(answer: Callable[[http.server.BaseHTTPRequestHandler], Answer]) -> Iterator[str]:
    """A loopback HTTP server answering every request with ``answer(handler)``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            status, headers, body = answer(self)
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_url_makes_the_compiler_remote() -> None:
    assert isinstance(qloom.Compiler("http://127.0.0.1:1", token="t"), RemoteCompiler)
    assert isinstance(qloom.Compiler("HTTPS://example.org:7472/", token="t"), RemoteCompiler)
    with pytest.raises(ArgumentError, match="url"):
        qloom.Compiler("http://", token="t")
    with pytest.raises(ArgumentError, match="query"):
        qloom.Compiler("http://127.0.0.1:1/?x=1", token="t")
    with pytest.raises(ArgumentError, match="CA file"):
        qloom.Compiler("https://127.0.0.1:1", token="t", verify="/no/such/ca.pem")
    with pytest.raises(ArgumentError, match="timeout"):
        qloom.Compiler("http://127.0.0.1:1", token="t", timeout=-1)


def test_a_redirect_is_an_error_and_the_token_never_follows_it() -> None:
    seen: list[str | None] = []

    def record(handler: http.server.BaseHTTPRequestHandler) -> Answer:
        seen.append(handler.headers.get("Authorization"))
        return 200, {"Content-Type": "application/json"}, b'{"tasks": []}'

    with serving(record) as elsewhere:
        redirect = (302, {"Location": elsewhere + "/v1/tasks"}, b"")
        with serving(lambda h: redirect) as server, pytest.raises(ServerError) as caught:
            RemoteCompiler(server, token="secret").tasks()
    assert caught.value.status == 302
    assert seen == []


def test_the_token_is_sent_as_a_bearer_header(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    def record(handler: http.server.BaseHTTPRequestHandler) -> Answer:
        seen.append(handler.headers.get("Authorization"))
        return 200, {}, b'{"tasks": []}'

    monkeypatch.setenv("QLOOM_TOKEN", "from-env")
    with serving(record) as server:
        assert RemoteCompiler(server, token="given").tasks() == []
        assert RemoteCompiler(server).tasks() == []
    assert seen == ["Bearer given", "Bearer from-env"]


def test_a_body_that_is_not_json_or_too_long_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    garbage = (500, {}, b"<html>proxy error</html>")
    with serving(lambda h: garbage) as server, pytest.raises(ServerError) as caught:
        RemoteCompiler(server, token="t").tasks()
    assert caught.value.status == 500 and "proxy error" in str(caught.value)
    with (
        serving(lambda h: (200, {}, b"not json")) as server,
        pytest.raises(QloomError, match="not JSON"),
    ):
        RemoteCompiler(server, token="t").tasks()
    monkeypatch.setattr(remote_http, "MAX_ANSWER_BYTES", 10)
    long = (200, {}, b'{"tasks": [], "padding": "xxxxxxxx"}')
    with serving(lambda h: long) as server, pytest.raises(ServerError, match="over 10 bytes"):
        RemoteCompiler(server, token="t").tasks()


def test_a_silent_server_times_out_naming_its_url() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        started = time.monotonic()
        with pytest.raises(ExecutorConnectionError) as caught:
            Connection(url, "t", timeout=1.0).json("GET", "/v1/tasks")
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert caught.value.address == url and caught.value.timeout == 1.0
    assert elapsed < 30  # about 1 s; generous for a loaded machine
    print(f"a silent server was given up on after {elapsed:.2f} s (timeout 1 s)")


URL = "http://server:7472"


def test_401_and_404_name_the_server_and_what_to_do() -> None:
    denied = error_for_answer(URL, 401, {"error": {"type": "Unauthorized", "message": "no"}})
    assert isinstance(denied, AuthenticationError) and isinstance(denied, PermissionError)
    assert URL in str(denied) and "QLOOM_TOKEN" in str(denied)
    missing = error_for_answer(URL, 404, {"error": {"type": "NotFound", "message": "no task 'x'"}})
    assert isinstance(missing, NotFoundError) and isinstance(missing, LookupError)
    assert str(missing) == f"no task 'x' on the server at {URL}"


def test_a_located_qasm_error_is_rebuilt_with_its_location() -> None:
    for kind in (QasmError, QasmLimitError):
        original = kind("expected ';', saw 'q'", "<c.qasm>", 3, 5, "foo q q;")
        body = {
            "error": {
                "type": kind.__name__, "message": str(original), "filename": "<c.qasm>",
                "line": 3, "column": 5, "source_line": "foo q q;",
            }
        }  # fmt: skip
        rebuilt = error_for_answer(URL, 400, body)
        assert type(rebuilt) is kind and str(rebuilt) == str(original)
        assert isinstance(rebuilt, QasmError)
        assert (rebuilt.line, rebuilt.column, rebuilt.message) == (3, 5, original.message)


def test_a_task_error_keeps_its_type_and_cause() -> None:
    error = PassError("optimizers:faulty", "custom", "division by zero")
    error.__cause__ = ZeroDivisionError("division by zero")
    rebuilt = error_for_answer(URL, 422, {"error": error_to_data(error)})
    assert isinstance(rebuilt, PassError) and rebuilt.pass_name == "optimizers:faulty"
    assert isinstance(rebuilt.__cause__, ZeroDivisionError)


def test_other_errors_are_server_errors_with_status_and_type() -> None:
    plain = error_for_answer(URL, 400, {"error": {"type": "QloomError", "message": "bad"}})
    assert type(plain) is QloomError and str(plain) == "bad"
    odd = error_for_answer(URL, 400, {"error": {"type": "UnknownBackend", "message": "nope"}})
    assert isinstance(odd, ServerError) and (odd.status, odd.type) == (400, "UnknownBackend")
    full = error_for_answer(
        URL, 429, {"error": {"type": "QueueFull", "message": "full"}}, retry_after=5.0
    )
    assert isinstance(full, ServerError) and full.retry_after == 5.0
    # a qloom error whose constructor is not (message,) is not guessed at
    unknown = error_for_answer(
        URL, 400, {"error": {"type": "UnknownPluginError", "message": "no backend x"}}
    )
    assert not isinstance(unknown, UnknownPluginError) and isinstance(unknown, ServerError)
    assert error_for_answer(URL, 502, "Bad Gateway").status == 502  # type: ignore[attr-defined]
