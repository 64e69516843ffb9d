"""Tasks over HTTP against a real server: tokens, ownership, statuses, results, limits."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator

import httpx
import pytest

import qloom
from qloom import qasm2
from support.server_process import LIMIT, QASM, Server, faulty, submit, wait_for, wait_result

DEVICE = "emulator:heavy-hex-27"


@pytest.fixture(scope="module")
def server(make_server: Callable[..., Server]) -> Server:
    return make_server(
        "--max-body-bytes", "65536", "--max-queued", "2", "--max-circuits", "5", workers=1
    )


@pytest.fixture(scope="module")
def alice(server: Server) -> Iterator[httpx.Client]:
    with server.client(server.token("alice")) as client:
        yield client


@pytest.fixture(scope="module")
def bob(server: Server) -> Iterator[httpx.Client]:
    with server.client(server.token("bob")) as client:
        yield client


def test_health_needs_no_token_and_says_what_runs(server: Server) -> None:
    answer = httpx.get(server.url + "/v1/health")
    assert answer.json() == {"status": "ok", "version": qloom.__version__, "executor": "processes"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/tasks"), ("POST", "/v1/tasks"), ("GET", "/v1/tasks/task-x"),
     ("GET", "/v1/files"), ("PUT", "/v1/files/a.qasm"), ("POST", "/v1/sessions")],
)  # fmt: skip
@pytest.mark.parametrize("token", [None, "wrong", "x" * 300])
def test_a_missing_or_wrong_token_is_401(
    server: Server, alice: httpx.Client, method: str, path: str, token: str | None
) -> None:
    with server.client(token) as client:
        answer = client.request(method, path, json={"circuits": [{"qasm": QASM}]})
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "Unauthorized"
    assert answer.headers["www-authenticate"] == "Bearer"


def test_tokens_are_stored_hashed_and_listed_by_name_only(server: Server) -> None:
    token = server.token("carol")
    db = sqlite3.connect(server.store)
    dump = "\n".join(db.iterdump())
    db.close()
    assert token not in dump
    import hashlib

    assert hashlib.sha256(token.encode()).hexdigest() in dump
    listed = subprocess.run(
        [sys.executable, "-m", "qloom", "serve", "token", "list", "--store", str(server.store)],
        capture_output=True, text=True, check=True, timeout=LIMIT,
    ).stdout.split()  # fmt: skip
    assert "carol" in listed and token not in listed
    with server.client(token) as carol:
        assert carol.get("/v1/tasks").status_code == 200
        subprocess.run(
            [sys.executable, "-m", "qloom", "serve", "token", "revoke", "carol", "--store",
             str(server.store)],
            check=True, capture_output=True, timeout=LIMIT,
        )  # fmt: skip
        assert carol.get("/v1/tasks").status_code == 401


def test_statuses_pass_through_initializing_and_routing_and_match_a_local_compiler(
    alice: httpx.Client,
) -> None:
    sent = submit(alice, circuits=[{"qasm": QASM, "name": "ghz"}], backend=DEVICE, seed=11)
    assert sent["batch"] is None and len(sent["tasks"]) == 1
    task_id = sent["tasks"][0]["id"]
    outcome = wait_result(alice, task_id)
    assert outcome["status"] == "DONE", outcome
    lines = [line["message"] for line in alice.get(f"/v1/tasks/{task_id}/logs").json()["lines"]]
    assert lines[0] == "QUEUED" and lines[-1] == "DONE"
    assert lines.index("INITIALIZING") < lines.index("RUNNING: ROUTING"), lines
    result = outcome["result"]
    meta = result["metadata"]
    assert meta["task_id"] == task_id and meta["seed"] == 11
    assert {"INITIALIZING", "ROUTING", "PLACEMENT"} <= set(meta["cpu_by_stage"])
    assert all(v >= 0 for v in meta["cpu_by_stage"].values())
    with qloom.Compiler() as local:
        expected = local.compile(qasm2.loads(QASM), on=DEVICE, seed=11)
    assert result["qasm"] == qasm2.dumps(expected.circuit)
    assert result["layout"] == expected.layout.to_dict()
    info = alice.get(f"/v1/tasks/{task_id}").json()
    assert info["status"] == "DONE" and info["name"] == "ghz" and info["attempts"] == 1


def test_a_batch_gets_derived_seeds_and_is_listed_in_order(alice: httpx.Client) -> None:
    circuits = [{"qasm": QASM, "name": f"c{i}"} for i in range(2)]
    sent = submit(alice, circuits=circuits, backend=DEVICE, seed=5)
    batch = sent["batch"]
    assert batch is not None
    ids = [t["id"] for t in sent["tasks"]]
    results = [wait_result(alice, i) for i in ids]
    with qloom.Compiler() as local:
        expected = local.compile([qasm2.loads(QASM)] * 2, on=DEVICE, seed=5)
    for got, want in zip(results, expected, strict=True):
        assert not isinstance(want, BaseException)
        assert got["result"]["qasm"] == qasm2.dumps(want.circuit)
    listed = alice.get("/v1/tasks", params={"batch": batch}).json()["tasks"]
    assert [t["id"] for t in listed] == ids
    page = alice.get("/v1/tasks", params={"batch": batch, "after": ids[0]}).json()["tasks"]
    assert [t["id"] for t in page] == ids[1:]
    done = alice.get("/v1/tasks", params={"status": "DONE"}).json()["tasks"]
    assert set(ids) <= {t["id"] for t in done}


def test_another_users_task_is_404_like_a_missing_one(
    alice: httpx.Client, bob: httpx.Client
) -> None:
    task_id = submit(alice, circuits=[{"qasm": QASM}], backend=DEVICE, seed=1)["tasks"][0]["id"]
    wait_result(alice, task_id)
    for suffix, method in [("", "GET"), ("/result", "GET"), ("/logs", "GET"), ("/cancel", "POST")]:
        theirs = bob.request(method, f"/v1/tasks/{task_id}{suffix}")
        missing = bob.request(method, f"/v1/tasks/task-0000000000000000{suffix}")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json()["error"]["type"] == missing.json()["error"]["type"] == "NotFound"
    assert task_id not in {t["id"] for t in bob.get("/v1/tasks").json()["tasks"]}


def test_a_qasm_bomb_is_a_located_400_and_the_server_goes_on(
    server: Server, alice: httpx.Client
) -> None:
    bomb = "OPENQASM 2.0;\nqreg q[1000000000];\n"
    answer = alice.post("/v1/tasks", json={"circuits": [{"qasm": bomb, "name": "bomb"}]})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["type"] == "QasmLimitError"
    assert (error["line"], error["column"]) == (2, 8)
    assert "max_qubits" in error["message"]
    bad = alice.post(
        "/v1/tasks", json={"circuits": [{"qasm": "OPENQASM 2.0;\nqreg q[2];\nfoo q;"}]}
    )
    assert bad.status_code == 400 and bad.json()["error"]["line"] == 3
    assert httpx.get(server.url + "/v1/health").status_code == 200


def test_backends_are_names_never_paths(alice: httpx.Client) -> None:
    for name in ["emulator:/etc/passwd", "emulator:../x.toml", "emulator:device.toml", "nope"]:
        answer = alice.post("/v1/tasks", json={"circuits": [{"qasm": QASM}], "backend": name})
        assert answer.status_code == 400, name
        assert answer.json()["error"]["type"] == "UnknownBackend"


def test_an_oversized_body_is_413(server: Server, alice: httpx.Client) -> None:
    big = {"circuits": [{"qasm": QASM + "// pad\n" * 20_000}]}
    answer = alice.post("/v1/tasks", json=big)
    assert answer.status_code == 413
    assert answer.json()["error"]["type"] == "TooLarge"

    def chunks() -> object:  # no Content-Length: counted as it streams
        yield b'{"circuits": [{"qasm": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}]}'

    streamed = alice.post(
        "/v1/tasks", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    too_many = alice.post("/v1/tasks", json={"circuits": [{"qasm": QASM}] * 6})
    assert too_many.status_code == 413 and too_many.json()["error"]["type"] == "TooManyCircuits"


def test_the_per_user_queue_limit_is_429_and_cancel_frees_it(
    alice: httpx.Client, bob: httpx.Client, tmp_path: object
) -> None:
    hang = faulty("hang")
    ids = [
        submit(alice, circuits=[{"qasm": QASM}], backend=DEVICE, pipeline=hang)["tasks"][0]["id"]
        for _ in range(2)
    ]
    refused = alice.post(
        "/v1/tasks", json={"circuits": [{"qasm": QASM}], "backend": DEVICE, "pipeline": hang}
    )
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "5"
    assert refused.json()["error"]["type"] == "QueueFull"
    assert bob.get("/v1/tasks").status_code == 200  # another user's queue is their own
    for task_id in ids:
        answer = alice.post(f"/v1/tasks/{task_id}/cancel")
        assert answer.status_code == 200 and answer.json()["cancelled"] is True
    for task_id in ids:
        outcome = wait_result(alice, task_id)
        assert outcome["status"] == "CANCELLED"
        assert outcome["error"]["type"].endswith("TaskCancelled")
    wait_for(
        lambda: (
            alice.post(
                "/v1/tasks", json={"circuits": [{"qasm": QASM}], "backend": DEVICE}
            ).status_code
            == 202
        ),
        "a submission after the cancels",
    )


def test_bad_requests_are_4xx_with_an_error_body(alice: httpx.Client) -> None:
    cases = [
        {"circuits": []},
        {"circuits": [{"qasm": QASM, "file": "a.qasm"}]},
        {"circuits": [{}]},
        {"circuits": [{"qasm": QASM}], "seed": -1},
        {"circuits": [{"qasm": QASM}], "pipeline": "no-such-pipeline"},
        {"circuits": [{"qasm": QASM}], "pipeline": {"passes": ["routers:nope"]}},
        {"circuits": [{"qasm": QASM}], "timeout": 0},
        {"circuits": [{"qasm": QASM}], "surprise": 1},
        {"circuits": [{"qasm": QASM}], "backend_options": {"on": "numpy"}},
        {"circuits": [{"qasm": QASM}], "backend": "numpy", "backend_options": {"bogus": 1}},
    ]
    for body in cases:
        answer = alice.post("/v1/tasks", json=body)
        assert 400 <= answer.status_code < 500, (body, answer.text)
        assert set(answer.json()["error"]) >= {"type", "message"}, body
    assert alice.get("/v1/tasks/x/result", params={"wait": "nan"}).status_code in (400, 422)
    for session in [
        {"qasm": QASM, "backend_options": {"seed": 1}},
        {"qasm": QASM, "backend_options": {"on": "numpy"}},
        {"qasm": QASM, "parameters": {"x": 1}},
        {"qasm": QASM, "reward": "zz"},
    ]:
        answer = alice.post("/v1/sessions", json=session)
        assert answer.status_code == 400, (session, answer.text)


def _doubling(levels: int) -> str:
    """A small program whose gate definitions double ``levels`` times: 2**levels ops."""
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', "gate g0 a { x a; }"]
    lines += [f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}" for i in range(1, levels + 1)]
    lines += ["qreg q[1];", f"g{levels} q[0];"]
    return "\n".join(lines) + "\n"


def test_expansion_bombs_are_bounded_per_circuit_and_per_request(alice: httpx.Client) -> None:
    bomb = alice.post("/v1/tasks", json={"circuits": [{"qasm": _doubling(40)}]})
    assert bomb.status_code == 400
    assert bomb.json()["error"]["type"] == "QasmLimitError"
    assert "max_operations" in bomb.json()["error"]["message"]
    half = {"qasm": _doubling(19)}  # 524,288 operations: under the server's 1,000,000
    both = alice.post("/v1/tasks", json={"circuits": [half, half]})
    assert both.status_code == 413
    error = both.json()["error"]
    assert error["type"] == "TooManyOperations" and "circuits[1]" in error["message"]
