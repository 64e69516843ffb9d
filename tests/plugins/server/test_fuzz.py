"""The OpenAPI description fuzzed by schemathesis against a real server: no 500s (R15).

Bounded: a fixed seed, a few dozen cases per operation, one worker (about 10-20 s here).
Schemathesis runs as its own command, as CI would run it, with a valid token so the
fuzzing reaches past authentication; its phases are the schema's examples, coverage,
fuzzing and stateful sequences, which follow the description's links from a submitted task,
a started session and an uploaded file to the operations on them (real objects, so cancel,
result, step, fork and undo are fuzzed on live state, not only on unknown ids).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest

from support.server_process import Server

pytest.importorskip("schemathesis")


def test_no_request_generated_from_the_openapi_description_gets_a_500(
    make_server: Callable[..., Server],
) -> None:
    server = make_server("--max-queued", "50", workers=1)
    token = server.token("fuzzer")
    done = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "run", server.url + "/openapi.json",
            "--header", f"Authorization: Bearer {token}",
            "--checks", "not_a_server_error",
            "--max-examples", "25", "--seed", "1", "--workers", "1", "--no-shrink",
            "--request-timeout", "30",
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    summary = done.stdout[-3000:]
    assert done.returncode == 0, summary + done.stderr[-2000:]
    tail = summary.split("SUMMARY")[-1]
    assert " passed" in tail and "failed" not in tail, summary
    assert "Stateful" in tail, summary
    assert "Traceback" not in server.log()
