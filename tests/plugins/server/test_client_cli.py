"""``qloom compile --server``, ``qloom tasks`` and ``qloom files`` as real subprocesses
against a real server process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from qloom import qasm2
from support.server_process import LIMIT, QASM, Server, faulty, free_port, wait_for

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DEVICE = "emulator:heavy-hex-27"


@pytest.fixture(scope="module")
def server(make_server: Callable[..., Server]) -> Server:
    return make_server(workers=1)


@pytest.fixture(scope="module")
def env(server: Server) -> dict[str, str]:
    """The environment of a user whose server and token are set (``$QLOOM_SERVER``)."""
    return {
        **os.environ,
        "QLOOM_SERVER": server.url,
        "QLOOM_TOKEN": server.token("alice"),
        "QLOOM_STORE": "",
    }


def qloom_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qloom", *args],
        capture_output=True, text=True, timeout=LIMIT, env=env,
    )  # fmt: skip


def inputs(folder: Path) -> Path:
    folder.mkdir()
    for name in ("adder.qasm", "ghz.qasm"):
        shutil.copy(EXAMPLES / name, folder / name)
    (folder / "broken.qasm").write_text("OPENQASM 2.0;\nqreg q[2];\nfoo q;\n")
    return folder


def table(stdout: str) -> list[list[str]]:
    """The rows of ``qloom compile``'s table without the TIME column."""
    return [line.split()[:-1] if " DONE " in line else line.split() for line in stdout.splitlines()]


def test_compile_with_server_writes_what_a_local_compile_writes(
    server: Server, env: dict[str, str], tmp_path: Path
) -> None:
    folder = inputs(tmp_path / "in")
    common = ("compile", str(folder), "--on", DEVICE, "--seed", "7", "-q")
    local = qloom_cli(*common, "--out", str(tmp_path / "local"))
    remote = qloom_cli(
        *common, "--out", str(tmp_path / "remote"), "--server", server.url,
        "--token", env["QLOOM_TOKEN"],
    )  # fmt: skip
    assert local.returncode == remote.returncode == 1, remote.stderr  # broken.qasm fails
    outs = (str(tmp_path / "remote"), str(tmp_path / "local"))
    assert table(remote.stdout.replace(outs[0], "OUT")) == table(
        local.stdout.replace(outs[1], "OUT")
    )
    assert "2 compiled, 1 failed" in remote.stderr
    for name in ("adder.qasm", "ghz.qasm"):
        assert (tmp_path / "remote" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    report = json.loads((tmp_path / "remote" / "report.json").read_text())
    done = [row for row in report if row["status"] == "DONE"]
    assert len(done) == 2 and all(row["seed"] for row in done)
    listed = qloom_cli("tasks", "list", "--json", env=env)
    assert {row["task"] for row in done} <= {t["id"] for t in json.loads(listed.stdout)}


def test_compile_with_server_refuses_local_executor_options(server: Server) -> None:
    done = qloom_cli(
        "compile", str(EXAMPLES / "ghz.qasm"), "--server", server.url, "--executor", "processes"
    )
    assert done.returncode == 1
    assert "--executor choose a local executor" in done.stderr


def test_tasks_show_result_logs_and_cancel(env: dict[str, str], tmp_path: Path) -> None:
    import qloom

    remote = qloom.Compiler(env["QLOOM_SERVER"], token=env["QLOOM_TOKEN"])
    task = remote.submit(qasm2.loads(QASM), DEVICE, seed=3)
    out = tmp_path / "out.qasm"
    got = qloom_cli("tasks", "result", task.id, "--out", str(out), "--layout",
                    str(tmp_path / "layout.json"), env=env)  # fmt: skip
    assert got.returncode == 0, got.stderr
    result = remote.result(task)
    assert out.read_text() == qasm2.dumps(result.circuit)
    assert json.loads((tmp_path / "layout.json").read_text())["layout"] == result.layout.to_dict()
    printed = qloom_cli("tasks", "result", task.id, env=env)
    assert printed.stdout == out.read_text()
    shown = qloom_cli("tasks", "show", task.id, env=env)
    assert shown.returncode == 0 and "status:    DONE" in shown.stdout
    logs = qloom_cli("tasks", "logs", task.id, env=env).stdout
    assert "INITIALIZING" in logs and "RUNNING: ROUTING" in logs
    listed = qloom_cli("tasks", env=env).stdout  # `list` is the default action
    assert task.id in listed and "DONE" in listed

    started = tmp_path / "started"
    hung = remote.submit(qasm2.loads(QASM), DEVICE, faulty("hang", started=str(started)))
    wait_for(started.exists, "the hanging task starting")
    cancelled = qloom_cli("tasks", "cancel", hung.id, env=env)
    assert cancelled.returncode == 0 and f"cancelled {hung.id}" in cancelled.stdout
    failed = qloom_cli("tasks", "result", hung.id, env=env)
    assert failed.returncode == 1 and "cancelled by its owner" in failed.stderr
    again = qloom_cli("tasks", "cancel", hung.id, env=env)
    assert again.returncode == 1 and "CANCELLED" in again.stderr


def test_tasks_errors_are_one_clear_line(env: dict[str, str], server: Server) -> None:
    missing = qloom_cli("tasks", "show", "task-nope", env=env)
    assert missing.returncode == 1
    expected = f"qloom: error: no task 'task-nope' on the server at {server.url}"
    assert missing.stderr.strip() == expected
    wrong = qloom_cli("tasks", "list", env={**env, "QLOOM_TOKEN": "wrong"})
    assert wrong.returncode == 1 and "refused the request" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    gone = qloom_cli("tasks", "list", "--server", f"http://127.0.0.1:{free_port()}", env=env)
    assert gone.returncode == 1 and "could not connect to http://127.0.0.1:" in gone.stderr
    no_server = qloom_cli("files", "list", env={**env, "QLOOM_SERVER": ""})
    assert no_server.returncode == 1 and "needs a server" in no_server.stderr


def test_tasks_without_a_server_read_the_local_store(tmp_path: Path) -> None:
    store = tmp_path / "tasks.sqlite"
    compiled = qloom_cli(
        "compile", str(EXAMPLES / "ghz.qasm"), "--on", DEVICE, "--store", str(store), "-q"
    )
    assert compiled.returncode == 0, compiled.stderr
    env = {k: v for k, v in os.environ.items() if k != "QLOOM_SERVER"}
    listed = json.loads(qloom_cli("tasks", "list", "--json", "--store", str(store), env=env).stdout)
    assert [t["status"] for t in listed] == ["DONE"]
    result = qloom_cli("tasks", "result", listed[0]["id"], "--store", str(store), env=env)
    assert result.returncode == 0 and result.stdout.startswith("OPENQASM 2.0;")


def test_files_upload_list_download_delete(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "bell.qasm"
    source.write_text(QASM)
    up = qloom_cli("files", "upload", str(source), "--name", "b.qasm", env=env)
    assert up.returncode == 0 and f"as b.qasm ({len(QASM)} bytes)" in up.stdout
    listed = json.loads(qloom_cli("files", "list", "--json", env=env).stdout)
    assert {"name": "b.qasm", "size": len(QASM)}.items() <= next(
        f for f in listed if f["name"] == "b.qasm"
    ).items()
    down = qloom_cli("files", "download", "b.qasm", str(tmp_path / "copy.qasm"), env=env)
    assert down.returncode == 0 and (tmp_path / "copy.qasm").read_text() == QASM
    bad = qloom_cli("files", "upload", str(source), "--name", "..", env=env)
    assert bad.returncode == 1 and "qloom: error:" in bad.stderr
    assert qloom_cli("files", "delete", "b.qasm", env=env).returncode == 0
    assert "b.qasm" not in qloom_cli("files", env=env).stdout
    gone = qloom_cli("files", "download", "b.qasm", str(tmp_path), env=env)
    assert gone.returncode == 1 and "on the server at" in gone.stderr
