"""The API reference page (docs/server-api.md), written from the app's OpenAPI description.

``python -m qloom_server.apidocs docs/server-api.md`` rewrites it; a test compares the
committed page with a fresh rendering, so the reference never drifts from the server.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["render", "schema"]

_INTRO = """\
# Compile service API reference

<!-- Written by `python -m qloom_server.apidocs docs/server-api.md` from the server's
OpenAPI description; do not edit by hand (a test compares the two). -->

Generated from the OpenAPI description that a running server also serves at
`GET /openapi.json` (and shows at `/docs`). Every route but `/v1/health` needs
`Authorization: Bearer <token>`; every error answer is an [`ErrorBody`](#schema-errorbody).
[The compile service](server.md) explains running the server, [the client](server-client.md)
the `qloom.Compiler(url)` that speaks this API.
"""

_CONSTRAINTS = (
    ("minLength", "length ≥ {}"),
    ("maxLength", "length ≤ {}"),
    ("minItems", "≥ {} items"),
    ("maxItems", "≤ {} items"),
    ("minimum", "≥ {}"),
    ("exclusiveMinimum", "> {}"),
    ("maximum", "≤ {}"),
    ("exclusiveMaximum", "< {}"),
    ("pattern", "matches `{}`"),
    ("default", "default `{}`"),
)


def schema() -> dict[str, Any]:
    """The OpenAPI description of a server with the default settings."""
    from qloom_server.app import create_app
    from qloom_server.config import ServerConfig

    described: dict[str, Any] = create_app(ServerConfig(store=Path("unused.sqlite"))).openapi()
    return described


def render(description: Mapping[str, Any]) -> str:
    """The Markdown reference of an OpenAPI description: each operation (parameters, body,
    answers), then each schema (fields, types, bounds)."""
    out = [_INTRO]
    info = description.get("info", {})
    out.append(f"API version {info.get('version', '?')}: {_text(info.get('description', ''))}\n")
    out.append("## Operations\n")
    for path, methods in description.get("paths", {}).items():
        for method, operation in methods.items():
            out.append(_operation(path, method, operation))
    out.append("## Schemas\n")
    for name, body in description.get("components", {}).get("schemas", {}).items():
        out.append(_schema(name, body))
    return "\n".join(out).rstrip() + "\n"


def _operation(path: str, method: str, operation: Mapping[str, Any]) -> str:
    anchor = f" {{#op-{operation['operationId']}}}" if operation.get("operationId") else ""
    lines = [f"### `{method.upper()} {path}`{anchor}\n"]
    if operation.get("description"):
        lines.append(_text(operation["description"]) + "\n")
    named = f"operationId `{operation['operationId']}`; " if operation.get("operationId") else ""
    needed = "needed" if operation.get("security") else "not needed"
    lines.append(f"{named}token: {needed}.\n")
    parameters = operation.get("parameters", [])
    if parameters:
        lines.append("| parameter | in | type | required | bounds |")
        lines.append("| --- | --- | --- | --- | --- |")
        for p in parameters:
            kind = p.get("schema", {})
            lines.append(
                f"| `{p['name']}` | {p['in']} | {_type(kind)} | "
                f"{'yes' if p.get('required') else 'no'} | {_bounds(kind)} |"
            )
        lines.append("")
    body = operation.get("requestBody", {}).get("content", {})
    for media, content in body.items():
        lines.append(f"Body ({media}): {_type(content.get('schema', {}))}.\n")
    lines.append("| answer | body |")
    lines.append("| --- | --- |")
    for code, answer in sorted(operation.get("responses", {}).items()):
        content = answer.get("content", {})
        shapes = [
            f"{_type(c['schema'])} ({m})" if c.get("schema") else m for m, c in content.items()
        ]
        shown = ", ".join(shapes) if shapes else "none"
        lines.append(f"| {code} {_cell(answer.get('description', ''))} | {shown} |")
    lines.append("")
    for code, answer in sorted(operation.get("responses", {}).items()):
        for link in answer.get("links", {}).values():
            target = link.get("operationId", "")
            given = ", ".join(f"`{k}` = `{v}`" for k, v in link.get("parameters", {}).items())
            lines.append(f"- after {code}: [`{target}`](#op-{target}) with {given}")
    if lines[-1].startswith("- after"):
        lines.append("")
    return "\n".join(lines)


def _schema(name: str, body: Mapping[str, Any]) -> str:
    lines = [f"### {name} {{#schema-{name.lower()}}}\n"]
    if body.get("description"):
        lines.append(_text(body["description"]) + "\n")
    properties = body.get("properties", {})
    if properties:
        required = set(body.get("required", []))
        lines.append("| field | type | required | bounds |")
        lines.append("| --- | --- | --- | --- |")
        for field, kind in properties.items():
            lines.append(
                f"| `{field}` | {_type(kind)} | {'yes' if field in required else 'no'} | "
                f"{_bounds(kind)} |"
            )
        lines.append("")
    for example in body.get("examples", []):
        lines.append("Example:\n")
        lines.append("```json\n" + json.dumps(example, indent=2) + "\n```\n")
    extra = body.get("additionalProperties")
    if extra is False:
        lines.append("No other fields are accepted.\n")
    elif extra is True or isinstance(extra, Mapping):
        lines.append("Other fields may appear.\n")
    return "\n".join(lines)


def _type(kind: Mapping[str, Any]) -> str:
    if "$ref" in kind:
        name = str(kind["$ref"]).rsplit("/", 1)[-1]
        return f"[`{name}`](#schema-{name.lower()})"
    for key in ("anyOf", "oneOf"):
        if key in kind:
            return " or ".join(_type(k) for k in kind[key])
    if "const" in kind:
        return f"`{kind['const']!r}`"
    if "enum" in kind:
        return " or ".join(f"`{v!r}`" for v in kind["enum"])
    name = kind.get("type")
    if name == "array":
        return f"list of {_type(kind.get('items', {}))}"
    if name == "object":
        values = kind.get("additionalProperties")
        return f"object of {_type(values)}" if isinstance(values, Mapping) and values else "object"
    return f"`{name}`" if name else "any"


def _bounds(kind: Mapping[str, Any]) -> str:
    found = [template.format(_number(kind[key])) for key, template in _CONSTRAINTS if key in kind]
    for option in kind.get("anyOf", []):
        found.extend(
            template.format(_number(option[key])) for key, template in _CONSTRAINTS if key in option
        )
    return _cell(", ".join(found))


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, float) and value >= 2**53:
        return f"2^{round(value).bit_length() - 1}"
    return value


def _text(value: str) -> str:
    return " ".join(str(value).replace("``", "`").split())


def _cell(value: str) -> str:
    return _text(value).replace("|", "\\|")


def main(argv: list[str] | None = None) -> int:
    """Write the page to the path given, or print it."""
    args = sys.argv[1:] if argv is None else argv
    page = render(schema())
    if args:
        Path(args[0]).write_text(page, encoding="utf-8")
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
