"""The client page's Python examples (docs/server-client.md) run, in order, against a real
server: the page's URL is replaced by the test server's, the token comes from
``$QLOOM_TOKEN`` as the page says."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from support.markdown_blocks import ROOT, blocks
from support.server_process import Server

PAGE = ROOT / "docs" / "server-client.md"
PAGE_URL = "http://127.0.0.1:7472"


def test_the_client_pages_examples_run_against_a_server(
    make_server: Callable[..., Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not PAGE.is_file():
        pytest.skip("docs/ is not beside the tests")
    server = make_server(workers=1)
    monkeypatch.setenv("QLOOM_TOKEN", server.token("reader"))
    monkeypatch.chdir(tmp_path)
    examples = [
        b for b in blocks(PAGE) if b.lang == "python" and "tests/plugins/server" in b.argument
    ]
    assert len(examples) == 3  # submitting, files, sessions
    assert PAGE_URL in examples[0].text  # what the test points at its own server
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in examples:
        try:
            exec(compile(block.text.replace(PAGE_URL, server.url), block.where, "exec"), namespace)
        except Exception:
            pytest.fail(f"the example at {block.where} failed:\n{traceback.format_exc()}")
    assert (tmp_path / "copy.qasm").is_file()
