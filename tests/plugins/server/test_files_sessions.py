"""Users' files and interactive sessions over HTTP against a real server."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from qloom import qasm2
from support.server_process import QASM, Server, submit, wait_for, wait_result

DEVICE = "emulator:heavy-hex-27"
FILE_LIMIT = 4096


@pytest.fixture(scope="module")
def server(make_server: Callable[..., Server]) -> Server:
    return make_server("--max-file-bytes", str(FILE_LIMIT), "--session-timeout", "3")


@pytest.fixture(scope="module")
def alice(server: Server) -> Iterator[httpx.Client]:
    with server.client(server.token("alice")) as client:
        yield client


@pytest.fixture(scope="module")
def bob(server: Server) -> Iterator[httpx.Client]:
    with server.client(server.token("bob")) as client:
        yield client


def _everything_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_upload_list_download_delete(alice: httpx.Client, bob: httpx.Client) -> None:
    assert alice.put("/v1/files/ghz.qasm", content=QASM.encode()).status_code == 200
    listed = alice.get("/v1/files").json()["files"]
    assert [(f["name"], f["size"]) for f in listed] == [("ghz.qasm", len(QASM))]
    assert alice.get("/v1/files/ghz.qasm").content == QASM.encode()
    assert bob.get("/v1/files").json()["files"] == []
    theirs, missing = bob.get("/v1/files/ghz.qasm"), bob.get("/v1/files/none.qasm")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == {"error": {"type": "NotFound", "message": "no file 'ghz.qasm'"}}
    assert bob.delete("/v1/files/ghz.qasm").status_code == 404
    assert alice.delete("/v1/files/ghz.qasm").status_code == 204
    assert alice.get("/v1/files").json()["files"] == []


@pytest.mark.parametrize(
    "name", ["..", ".hidden", "..%2F..%2Fescape", "a%2Fb", "%2E%2E", "x" * 129, "a%00b", "a b"]
)
def test_names_cannot_leave_the_users_folder(
    server: Server, alice: httpx.Client, name: str
) -> None:
    before = _everything_under(server.folder)
    answer = alice.put(f"/v1/files/{name}", content=b"OPENQASM 2.0;")
    assert answer.status_code in (400, 404, 405), answer.text
    assert alice.get(f"/v1/files/{name}").status_code in (400, 404, 405)
    after = _everything_under(server.folder)
    assert {p for p in after - before if not p.startswith("server-")} == set()


def test_an_oversized_upload_is_413_and_nothing_is_written(
    server: Server, alice: httpx.Client
) -> None:
    before = _everything_under(server.data)
    answer = alice.put("/v1/files/big.qasm", content=b"x" * (FILE_LIMIT + 1))
    assert answer.status_code == 413
    assert answer.json()["error"]["type"] == "TooLarge"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it is written
        for _ in range(FILE_LIMIT // 512 + 2):
            yield b"y" * 512

    streamed = alice.put("/v1/files/big.qasm", content=chunks())
    assert streamed.status_code == 413
    assert "big.qasm" not in {f["name"] for f in alice.get("/v1/files").json()["files"]}
    assert _everything_under(server.data) == before


def test_a_task_reads_its_circuit_from_a_file_and_writes_its_result_to_one(
    alice: httpx.Client, bob: httpx.Client
) -> None:
    alice.put("/v1/files/in.qasm", content=QASM.encode())
    body = {"circuits": [{"file": "in.qasm", "result_file": "out.qasm"}], "backend": DEVICE}
    assert bob.post("/v1/tasks", json=body).status_code == 404  # bob has no in.qasm
    task_id = submit(alice, seed=4, **body)["tasks"][0]["id"]
    outcome = wait_result(alice, task_id)
    assert outcome["status"] == "DONE"
    wait_for(lambda: alice.get("/v1/files/out.qasm").status_code == 200, "the result file")
    written = alice.get("/v1/files/out.qasm").text
    assert written == outcome["result"]["qasm"]
    assert qasm2.loads(written).num_qubits == 27
    bad = alice.put("/v1/files/bomb.qasm", content=b"OPENQASM 2.0;\nqreg q[1000000000];\n")
    assert bad.status_code == 200
    refused = alice.post("/v1/tasks", json={"circuits": [{"file": "bomb.qasm"}]})
    assert refused.status_code == 400
    assert refused.json()["error"]["filename"] == "<bomb.qasm>"


def test_a_session_steps_forks_undoes_and_ends(alice: httpx.Client, bob: httpx.Client) -> None:
    answer = alice.post("/v1/sessions", json={"qasm": QASM, "backend": DEVICE, "seed": 9})
    assert answer.status_code == 201, answer.text
    started = answer.json()
    sid = started["id"]
    assert "placers:trivial" in started["actions"] and started["seed"] == 9
    assert started["observation"]["qubits"] == 3 and started["observation"]["executable"] is False
    step = alice.post(f"/v1/sessions/{sid}/step", json={"action": "placers:trivial"})
    assert step.status_code == 200, step.text
    assert step.json()["step"]["label"] == "placers:trivial"
    failing = alice.post(f"/v1/sessions/{sid}/step", json={"action": "routers:nope"})
    assert failing.status_code == 422
    for options in ({"action": 1}, {"nope": 1}, {"trials": "many"}):
        bad = alice.post(
            f"/v1/sessions/{sid}/step", json={"action": "routers:sabre", "options": options}
        )
        assert bad.status_code == 422, (options, bad.text)
    fork = alice.post(f"/v1/sessions/{sid}/fork")
    assert fork.status_code == 201
    fid = fork.json()["id"]
    routed = alice.post(f"/v1/sessions/{fid}/step", json={"action": "routers:sabre"})
    assert routed.status_code == 200, routed.text
    view = alice.get(f"/v1/sessions/{sid}").json()
    assert [s["label"] for s in view["history"]] == ["placers:trivial"]
    forked = alice.get(f"/v1/sessions/{fid}").json()
    assert [s["label"] for s in forked["history"]] == ["placers:trivial", "routers:sabre"]
    assert forked["layout"] is not None and "qreg q[27];" in forked["qasm"]
    for path in (f"/v1/sessions/{sid}", f"/v1/sessions/{fid}"):
        assert bob.get(path).status_code == 404
        assert bob.post(path + "/step", json={"action": "placers:trivial"}).status_code == 404
        assert bob.delete(path).status_code == 404
    undone = alice.post(f"/v1/sessions/{sid}/undo")
    assert undone.status_code == 200 and undone.json()["history"] == []
    assert alice.post(f"/v1/sessions/{sid}/undo").status_code == 409
    assert alice.delete(f"/v1/sessions/{sid}").status_code == 204
    assert alice.get(f"/v1/sessions/{sid}").status_code == 404
    assert alice.delete(f"/v1/sessions/{fid}").status_code == 204


def test_an_idle_session_expires(alice: httpx.Client) -> None:
    sid = alice.post("/v1/sessions", json={"qasm": QASM, "backend": DEVICE}).json()["id"]
    assert alice.get(f"/v1/sessions/{sid}").status_code == 200
    time.sleep(3.5)  # past the server's --session-timeout 3
    assert alice.get(f"/v1/sessions/{sid}").status_code == 404


def test_a_pass_that_crashes_its_interpreter_ends_the_session_not_the_server(
    alice: httpx.Client,
) -> None:
    """Sessions are isolated: the segfault kills the session's worker, and only it."""
    sid = alice.post("/v1/sessions", json={"qasm": QASM, "backend": DEVICE}).json()["id"]
    fork = alice.post(f"/v1/sessions/{sid}/fork").json()["id"]
    crash = alice.post(
        f"/v1/sessions/{sid}/step",
        json={"action": "optimizers:faulty", "options": {"mode": "segfault"}},
    )
    assert crash.status_code == 422, crash.text
    error = crash.json()["error"]
    assert error["type"] == "SessionCrashed" and "SIGSEGV" in error["message"]
    assert alice.get(f"/v1/sessions/{sid}").status_code == 404  # the session is over
    assert alice.get(f"/v1/sessions/{fork}").status_code == 409  # its fork shared the worker
    assert alice.get("/v1/health").status_code == 200  # the server lives on
    other = alice.post("/v1/sessions", json={"qasm": QASM, "backend": DEVICE}).json()["id"]
    step = alice.post(f"/v1/sessions/{other}/step", json={"action": "placers:trivial"})
    assert step.status_code == 200, step.text
    for ended in (fork, other):
        alice.delete(f"/v1/sessions/{ended}")
