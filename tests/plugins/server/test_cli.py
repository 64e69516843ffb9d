"""``qloom serve`` as a command: tokens, the missing-distribution hint, HTTPS."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from support import require_distribution
from support.server_process import (
    LIMIT,
    QASM,
    Server,
    needs_openssl,
    self_signed_certificate,
    submit,
    wait_result,
)


def _qloom(*args: str, code: str = "") -> subprocess.CompletedProcess[str]:
    prefix = code + "\nfrom qloom.cli import main\nimport sys\n"
    return subprocess.run(
        [sys.executable, "-c", prefix + f"sys.exit(main({list(args)!r}))"],
        capture_output=True, text=True, timeout=LIMIT,
    )  # fmt: skip


def test_serve_without_qloom_server_says_what_to_install(tmp_path: Path) -> None:
    hide = "import sys\nsys.modules['qloom_server'] = None"
    for args in (["serve", "--store", str(tmp_path / "s")], ["serve", "token", "list"]):
        done = _qloom(*args, code=hide)
        assert done.returncode == 1
        assert "needs the qloom-server distribution: pip install" in done.stderr
        assert "Traceback" not in done.stderr


def test_token_commands(tmp_path: Path) -> None:
    store = str(tmp_path / "server.sqlite")
    created = _qloom("serve", "token", "create", "ann", "--store", store)
    assert created.returncode == 0 and len(created.stdout.strip()) >= 43
    assert "shown only now" in created.stderr
    again = _qloom("serve", "token", "create", "ann", "--store", store)
    assert again.returncode == 1 and "already has a token" in again.stderr
    bad = _qloom("serve", "token", "create", "../evil", "--store", store)
    assert bad.returncode == 1 and "not allowed" in bad.stderr
    assert _qloom("serve", "token", "list", "--store", store).stdout.split() == ["ann"]
    assert _qloom("serve", "token", "revoke", "ann", "--store", store).returncode == 0
    assert _qloom("serve", "token", "revoke", "ann", "--store", store).returncode == 1
    assert _qloom("serve", "token", "list", "--store", store).stdout.split() == []


def test_one_server_per_store(make_server: Callable[..., Server]) -> None:
    server = make_server()
    second = subprocess.run(
        [sys.executable, "-m", "qloom_server", "--port", "0", "--store", str(server.store)],
        capture_output=True, text=True, timeout=LIMIT,
    )  # fmt: skip
    assert second.returncode != 0
    assert "another qloom server is using the store" in second.stderr + second.stdout


@needs_openssl
def test_https_with_the_servers_certificate(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    server = make_server("--ssl-certfile", str(cert), "--ssl-keyfile", str(key))
    assert server.url.startswith("https://")
    with server.client(server.token("alice")) as alice:
        task_id = submit(alice, circuits=[{"qasm": QASM}], backend="emulator:heavy-hex-27")
        assert wait_result(alice, task_id["tasks"][0]["id"])["status"] == "DONE"
    with pytest.raises(httpx.HTTPError):  # plain HTTP is not answered
        httpx.get(server.url.replace("https://", "http://") + "/v1/health", timeout=5)


def test_a_server_on_a_dask_cluster(make_server: Callable[..., Server]) -> None:
    require_distribution("qloom-dask")
    server = make_server("--executor", "dask")
    with server.client(server.token("alice")) as alice:
        sent = submit(alice, circuits=[{"qasm": QASM}], backend="emulator:heavy-hex-27", seed=2)
        task_id = sent["tasks"][0]["id"]
        assert wait_result(alice, task_id)["result"]["metadata"]["executor"] == "dask"
        lines = [x["message"] for x in alice.get(f"/v1/tasks/{task_id}/logs").json()["lines"]]
    assert lines.index("INITIALIZING") < lines.index("RUNNING: ROUTING") < lines.index("DONE")
