"""A real ``qloom serve`` process on a free loopback port, and real HTTP clients for it
(the server tests, tests/plugins/server).

Servers are started with ``python -m qloom_server`` (which is ``qloom serve``), their
tokens made with ``python -m qloom serve token create``; nothing is mocked.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

LIMIT = 60.0
"""Seconds any wait in these tests may take before the test fails instead of hanging."""

QASM = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nh q[0];\ncx q[0],q[2];\ncx q[1],q[2];\n'


needs_openssl = pytest.mark.skipif(
    shutil.which("openssl") is None, reason="needs the openssl command"
)
"""Marks a test that makes a certificate with ``self_signed_certificate``."""


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (valid one day) and its key, made by ``openssl``."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=LIMIT,
    )  # fmt: skip
    return cert, key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One server process over ``store``; ``start``/``kill`` may be called again (restart)."""

    def __init__(self, folder: Path, *options: str, workers: int = 1) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.store = folder / "server.sqlite"
        self.data = folder / "files"
        self.options = options
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.starts = 0
        self.scheme = "https" if "--ssl-certfile" in options else "http"
        self.verify: ssl.SSLContext | bool = True
        if self.scheme == "https":  # a test certificate is its own authority
            cert = options[options.index("--ssl-certfile") + 1]
            self.verify = ssl.create_default_context(cafile=cert)

    def start(self) -> Server:
        port = free_port()
        self.url = f"{self.scheme}://127.0.0.1:{port}"
        self.starts += 1
        log = open(self.folder / f"server-{self.starts}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "qloom_server",
                "--port", str(port),
                "--store", str(self.store),
                "--data-dir", str(self.data),
                "--executor", "processes",
                "--workers", str(self.workers),
                "--log-level", "warning",
                *self.options,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log()}")
            try:
                if (
                    httpx.get(self.url + "/v1/health", timeout=2, verify=self.verify).status_code
                    == 200
                ):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {LIMIT} s:\n{self.log()}")

    def log(self) -> str:
        return (self.folder / f"server-{self.starts}.log").read_text(errors="replace")[-5000:]

    def token(self, name: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "qloom", "serve", "token", "create", name, "--store",
             str(self.store)],
            capture_output=True, text=True, timeout=LIMIT, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    def client(self, token: str | None) -> httpx.Client:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=LIMIT, verify=self.verify)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, sig)
            self.process.wait(LIMIT)
        self.process = None


def submit(client: httpx.Client, **body: Any) -> dict[str, Any]:
    """POST /v1/tasks; the answer's JSON (asserting 202)."""
    answer = client.post("/v1/tasks", json=body)
    assert answer.status_code == 202, answer.text
    data: dict[str, Any] = answer.json()
    return data


def wait_result(client: httpx.Client, task_id: str) -> dict[str, Any]:
    """The task's result once it ended (long polls; fails after LIMIT)."""
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        answer = client.get(f"/v1/tasks/{task_id}/result", params={"wait": 5})
        if answer.status_code == 200:
            data: dict[str, Any] = answer.json()
            return data
        assert answer.status_code == 409, answer.text
    raise AssertionError(f"task {task_id} did not end within {LIMIT} s")


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + LIMIT
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {LIMIT} s")
        time.sleep(0.02)


def faulty(mode: str, **options: Any) -> dict[str, Any]:
    """A pipeline whose one pass misbehaves as ``mode`` says (``qloom-fixture-faulty``)."""
    return {
        "name": f"faulty-{mode}",
        "passes": [{"kind": "optimizers", "name": "faulty", "options": {"mode": mode, **options}}],
    }
