"""docs/server-api.md is the server's OpenAPI description, rendered: it cannot drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from qloom_server.apidocs import render, schema

PAGE = Path(__file__).resolve().parents[3] / "docs" / "server-api.md"


def test_the_committed_api_reference_is_a_fresh_rendering() -> None:
    if not PAGE.is_file():
        pytest.skip("docs/ is not beside the tests")
    assert PAGE.read_text(encoding="utf-8") == render(schema()), (
        "docs/server-api.md is out of date: python -m qloom_server.apidocs docs/server-api.md"
    )


def test_every_operation_and_schema_is_on_the_page() -> None:
    described = schema()
    page = render(described)
    for path, methods in described["paths"].items():
        for method in methods:
            assert f"### `{method.upper()} {path}`" in page
    for name in described["components"]["schemas"]:
        assert f"{{#schema-{name.lower()}}}" in page
    assert "| `wait` | query | `number` | no | ≥ 0, ≤ 3600, default `0` |" in page
