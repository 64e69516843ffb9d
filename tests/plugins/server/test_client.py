"""The remote Compiler (``qloom.Compiler(url, token=...)``) against a real server process:
the same answers as a local Compiler, errors as qloom's own types, files and sessions."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import qloom
from qloom import Circuit, qasm2
from qloom.compiler import Batch, BatchError, CompileResult, Task
from qloom.errors import (
    ExecutorConnectionError,
    PassError,
    QasmError,
    QasmLimitError,
    TaskCancelled,
)
from qloom.remote import (
    AuthenticationError,
    NotFoundError,
    RemoteCompiler,
    ServerError,
    ServerFile,
)
from support.circuits import ghz, qft
from support.server_process import (
    LIMIT,
    QASM,
    Server,
    faulty,
    free_port,
    needs_openssl,
    self_signed_certificate,
    wait_for,
)

DEVICE = "emulator:heavy-hex-27"
STATUSES = ("QUEUED", "INITIALIZING", "RUNNING", "DONE", "FAILED", "CANCELLED")


@pytest.fixture(scope="module")
def server(make_server: Callable[..., Server]) -> Server:
    return make_server("--max-file-bytes", "4096", workers=1)


@pytest.fixture(scope="module")
def token(server: Server) -> str:
    return server.token("alice")


@pytest.fixture
def remote(server: Server, token: str) -> Iterator[RemoteCompiler]:
    compiler = qloom.Compiler(server.url, token=token)
    assert isinstance(compiler, RemoteCompiler)
    with compiler:
        yield compiler


def scrambled(n: int, count: int, seed: int) -> Circuit:
    """CX between random pairs and RZ by random angles: routing it depends on the seed."""
    rng = random.Random(seed)
    circuit = Circuit(n, name=f"scrambled{seed}")
    for _ in range(count):
        a, b = rng.sample(range(n), 2)
        circuit.cx(a, b).rz(rng.uniform(-3, 3), a)
    return circuit


def circuits() -> list[Circuit]:
    """Circuits that need routing, with angles that are not multiples of pi."""
    rotated = qft(5)
    rotated.rz(0.123456789012345, 2).ry(-2.5e-7, 4)
    return [scrambled(8, 30, 1), rotated, ghz(4), qasm2.loads(QASM)]


def dumps(result: CompileResult | BaseException) -> tuple[str, dict[str, object]]:
    assert isinstance(result, CompileResult), result
    return qasm2.dumps(result.circuit), result.layout.to_dict()


def test_compiler_with_a_url_is_remote_and_a_local_compiler_is_not(
    server: Server, token: str
) -> None:
    remote = qloom.Compiler(server.url, token=token)
    assert isinstance(remote, RemoteCompiler) and remote.url == server.url
    assert remote.health()["status"] == "ok"
    with qloom.Compiler() as local:
        assert type(local) is qloom.Compiler


def test_a_single_task_is_byte_identical_to_a_local_compile(remote: RemoteCompiler) -> None:
    circuit = circuits()[0]
    task = remote.submit(circuit, DEVICE, seed=11)
    assert isinstance(task, Task)
    result = remote.result(task, timeout=LIMIT)
    with qloom.Compiler() as local:
        expected = local.compile(circuit, DEVICE, seed=11)
        other = local.compile(circuit, DEVICE, seed=12)
    assert dumps(result) == dumps(expected)
    assert dumps(other) != dumps(expected)  # the seed matters for this circuit
    assert result.circuit.layout == result.layout
    assert result.task_id == task.id and result.metadata["seed"] == 11
    assert result.metadata["metrics_out"] == expected.metadata["metrics_out"]
    assert {"INITIALIZING", "ROUTING"} <= set(result.metadata["cpu_by_stage"])


def test_a_batch_is_byte_identical_to_a_local_batch(remote: RemoteCompiler) -> None:
    batch = remote.submit(circuits(), DEVICE, seed=5)
    assert isinstance(batch, Batch) and len(batch) == 4
    results = remote.results(batch)
    with qloom.Compiler("threads", workers=2) as local:
        expected = local.compile(circuits(), DEVICE, seed=5)
        other = local.compile(circuits(), DEVICE, seed=6)
    assert [dumps(r) for r in results] == [dumps(e) for e in expected]
    assert [dumps(r) for r in other] != [dumps(e) for e in expected]
    assert remote.status(batch) == "DONE"
    assert [r.id for r in remote.tasks(batch=batch)] == [t.id for t in batch]
    compiled = remote.compile(circuits(), DEVICE, seed=5)
    assert [dumps(r) for r in compiled] == [dumps(e) for e in expected]


def test_statuses_pass_through_initializing_and_routing(remote: RemoteCompiler) -> None:
    task = remote.submit(qft(6), DEVICE, seed=2)
    seen = []
    while not seen or seen[-1] not in ("DONE", "FAILED", "CANCELLED"):
        seen.append(remote.status(task))
        assert seen[-1].startswith(STATUSES), seen
    logged = [line["message"] for line in remote.logs(task)]
    assert logged[0] == "QUEUED" and logged[-1] == "DONE"
    assert logged.index("INITIALIZING") < logged.index("RUNNING: ROUTING"), logged
    record = remote.info(task)
    assert record.status == "DONE" and record.done and record.finished is not None


def test_cancel_through_the_client(remote: RemoteCompiler, tmp_path: Path) -> None:
    started = tmp_path / "started"
    hung = remote.submit(ghz(3), DEVICE, faulty("hang", started=str(started)))
    wait_for(started.exists, "the hanging task starting")
    wait_for(lambda: remote.status(hung) == "RUNNING: OPTIMIZATION", "its status arriving")
    assert remote.cancel(hung) is True
    with pytest.raises(TaskCancelled, match="cancelled by its owner"):
        remote.result(hung, timeout=LIMIT)
    assert remote.status(hung) == "CANCELLED"
    assert remote.cancel(hung) is False  # nothing left to cancel
    probe = remote.compile(ghz(3), DEVICE, seed=1)  # the worker took new work
    assert probe.metadata["seed"] == 1


def test_a_failing_pass_is_raised_as_a_pass_error_with_its_cause(
    remote: RemoteCompiler,
) -> None:
    task = remote.submit(ghz(3), DEVICE, faulty("raise"))
    with pytest.raises(PassError) as caught:
        remote.result(task, timeout=LIMIT)
    assert caught.value.pass_name == "optimizers:faulty"
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert remote.status(task) == "FAILED"
    with pytest.raises(BatchError) as batch_error:
        remote.compile([ghz(3), ghz(3)], DEVICE, faulty("raise"))
    assert set(batch_error.value.errors) == {0, 1}
    outcomes = remote.compile([ghz(3)], DEVICE, errors="return")
    assert isinstance(outcomes[0], CompileResult)


def test_a_qasm_bomb_is_a_located_error(server: Server, token: str) -> None:
    bomb = Circuit(1)
    remote = RemoteCompiler(server.url, token=token)
    bomb_qasm = "OPENQASM 2.0;\nqreg q[1000000000];\n"
    with pytest.raises(QasmLimitError) as caught:
        remote.connection.json(
            "POST", "/v1/tasks", json_body={"circuits": [{"qasm": bomb_qasm}]}, expect=(202,)
        )
    assert (caught.value.line, caught.value.column) == (2, 8)
    assert caught.value.message.startswith("qreg q has 1000000000 qubits") or (
        "max_qubits" in str(caught.value)
    )
    assert str(caught.value).startswith("<circuits[0]>:2:8: ")
    remote.files.write("bad.qasm", b"OPENQASM 2.0;\nqreg q[2];\nfoo q;\n")
    with pytest.raises(QasmError) as bad:
        remote.submit(remote.files["bad.qasm"], DEVICE)
    assert (bad.value.filename, bad.value.line) == ("<bad.qasm>", 3)
    assert remote.compile(bomb, DEVICE, seed=1).circuit.num_qubits == 27  # it goes on


def test_a_missing_or_wrong_token_is_a_clear_authentication_error(
    server: Server, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.delenv("QLOOM_TOKEN", raising=False)
    for wrong in (None, "not-a-token"):
        remote = qloom.Compiler(server.url, token=wrong)
        with pytest.raises(AuthenticationError) as caught:
            remote.submit(ghz(3), DEVICE)
        assert caught.value.status == 401
        assert server.url in str(caught.value) and "QLOOM_TOKEN" in str(caught.value)
        assert isinstance(caught.value, PermissionError)
    monkeypatch.setenv("QLOOM_TOKEN", token)
    assert qloom.Compiler(server.url).tasks() is not None  # the token from the environment


def test_an_unknown_or_another_users_task_is_not_found(
    server: Server, remote: RemoteCompiler
) -> None:
    mine = remote.submit(ghz(3), DEVICE, seed=1)
    remote.result(mine, timeout=LIMIT)
    bob = qloom.Compiler(server.url, token=server.token("bob"))
    for call in (bob.status, bob.info, bob.result, bob.cancel, bob.logs):
        with pytest.raises(NotFoundError, match=f"no task '{mine.id}' on the server at"):
            call(mine)  # type: ignore[operator]
    with pytest.raises(NotFoundError, match="no task 'task-nope'"):
        remote.result("task-nope")
    assert mine.id not in {r.id for r in bob.tasks()}


def test_a_server_that_is_not_there_names_its_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    remote = qloom.Compiler(url, token="x", request_timeout=5)
    started = time.monotonic()
    with pytest.raises(ExecutorConnectionError) as caught:
        remote.submit(ghz(3), DEVICE)
    assert caught.value.address == url and url in str(caught.value)
    assert "refused" in str(caught.value).lower()
    assert time.monotonic() - started < LIMIT


def test_arguments_the_server_cannot_take_are_refused_before_sending(
    remote: RemoteCompiler,
) -> None:
    with pytest.raises(qloom.errors.ArgumentError, match="retries"):
        remote.submit(ghz(3), DEVICE, retries=2)
    with pytest.raises(qloom.errors.ArgumentError, match="seed"):
        remote.submit(ghz(3), DEVICE, seed=-1)
    with pytest.raises(qloom.errors.ArgumentError, match=r"qloom\.qasm2\.load"):
        remote.submit("bell.qasm", DEVICE)  # type: ignore[call-overload]
    with pytest.raises(ServerError) as unknown:
        remote.submit(ghz(3), "emulator:/etc/passwd")
    assert unknown.value.status == 400 and unknown.value.type == "UnknownBackend"


def test_files_round_trip_and_feed_tasks(
    server: Server, remote: RemoteCompiler, tmp_path: Path
) -> None:
    source = tmp_path / "ghz.qasm"
    qasm2.dump(ghz(4), source)
    uploaded = remote.files.upload(source)
    assert isinstance(uploaded, ServerFile)
    assert uploaded.name == "ghz.qasm" and uploaded.size == source.stat().st_size
    assert "ghz.qasm" in {f.name for f in remote.files.list()}
    back = remote.files.download("ghz.qasm", tmp_path / "back.qasm")
    assert back.read_bytes() == source.read_bytes()
    task = remote.submit(uploaded, DEVICE, seed=4, result_file="ghz.out.qasm")
    result = remote.result(task, timeout=LIMIT)
    with qloom.Compiler() as local:
        assert dumps(result) == dumps(local.compile(ghz(4), DEVICE, seed=4))
    wait_for(lambda: "ghz.out.qasm" in {f.name for f in remote.files.list()}, "the result file")
    written = remote.files.download("ghz.out.qasm", tmp_path)
    assert written == tmp_path / "ghz.out.qasm"
    assert written.read_text() == qasm2.dumps(result.circuit)
    remote.files.delete("ghz.qasm")
    with pytest.raises(NotFoundError):
        remote.files.download("ghz.qasm", tmp_path / "gone.qasm")
    assert not (tmp_path / "gone.qasm").exists()
    big = tmp_path / "big.qasm"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(ServerError) as too_big:
        remote.files.upload(big)
    assert too_big.value.status == 413
    assert "big.qasm" not in {f.name for f in remote.files.list()}
    with pytest.raises(qloom.errors.ArgumentError):
        remote.files.upload(source, name="../escape.qasm")
    bob = qloom.Compiler(server.url, token=server.token("bob-files"))
    with pytest.raises(NotFoundError):
        bob.files.read("ghz.out.qasm")


def test_a_session_steps_forks_and_undoes_on_the_server(remote: RemoteCompiler) -> None:
    with remote.session(qft(4), DEVICE, seed=3) as session:
        assert "routers:sabre" in session.actions and session.seed == 3
        assert session.observation["executable"] is False
        placed = session.step("placers:trivial")
        assert placed.step.label == "placers:trivial"
        fork = session.fork()
        routed = session.step("routers:sabre")
        assert routed.step.label == "routers:sabre"
        assert [s.label for s in session.history] == ["placers:trivial", "routers:sabre"]
        assert [s.label for s in fork.history] == ["placers:trivial"]
        assert session.circuit.layout is not None
        with pytest.raises(qloom.errors.QloomError):
            session.step("routers:no-such-router")
        assert len(session.history) == 2  # a failed step changed nothing
        session.undo()
        assert [s.label for s in session.history] == ["placers:trivial"]
        fork.close()
        with pytest.raises(NotFoundError):
            _ = fork.history


@needs_openssl
def test_https_with_a_ca_file_or_no_verification(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    server = make_server("--ssl-certfile", str(cert), "--ssl-keyfile", str(key))
    token = server.token("alice")
    remote = qloom.Compiler(server.url, token=token, verify=str(cert))
    assert remote.compile(ghz(3), DEVICE, seed=1).metadata["seed"] == 1
    assert qloom.Compiler(server.url, token=token, verify=False).tasks()
    with pytest.raises(ExecutorConnectionError, match=r"TLS|CERTIFICATE"):
        qloom.Compiler(server.url, token=token, request_timeout=10).tasks()


class StatusSeen:
    """Records the task statuses announced through the hooks (what a progress bar counts)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    @qloom.hookimpl
    def qloom_task_status_changed(self, task_id: str, status: str, detail: str | None) -> None:
        self.seen[task_id] = status


def test_results_announce_how_each_task_ended(remote: RemoteCompiler, tmp_path: Path) -> None:
    from qloom.plugins import get_registry

    watcher = StatusSeen()
    manager = get_registry().hook_manager()
    manager.register(watcher)
    try:
        ok = remote.submit(ghz(3), DEVICE, seed=1)
        bad = remote.submit(ghz(3), DEVICE, faulty("raise"))
        started = tmp_path / "started"
        hung = remote.submit(ghz(3), DEVICE, faulty("hang", started=str(started)))
        wait_for(started.exists, "the hanging task starting")
        remote.cancel(hung)
        outcomes = remote.results([ok, bad, hung])
    finally:
        manager.unregister(watcher)
    assert [type(o).__name__ for o in outcomes] == ["CompileResult", "PassError", "TaskCancelled"]
    assert [watcher.seen[t.id] for t in (ok, bad, hung)] == ["DONE", "FAILED", "CANCELLED"]
