"""Exceptions as plain data (JSON) and back: how a task's error is kept and sent.

Nothing is unpickled or evaluated on the way back. The data names a type, and only qloom's
own errors (``qloom.errors``) and Python's built-in exceptions are rebuilt, from their
constructor arguments; any other type comes back as a ``RemoteError`` carrying its name and
message. The ``__cause__`` chain, the worker's traceback text and the fields of qloom's
errors (a pass name, a timeout, a QASM location) are kept.
"""

from __future__ import annotations

import builtins
import inspect
import itertools
import math
import numbers
from collections.abc import Mapping
from typing import Any

from qloom import errors
from qloom.errors import QloomError, RemoteError

__all__ = ["ERROR_FORMAT", "MAX_CAUSES", "error_from_data", "error_to_data"]

ERROR_FORMAT = 1
"""Version of the layout ``error_to_data`` writes; ``error_from_data`` refuses others."""

MAX_CAUSES = 16
"""Causes kept below an error; a longer chain is cut there."""

_KEYWORD = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def error_to_data(exc: BaseException) -> dict[str, Any]:
    """``exc`` and its ``__cause__`` chain as JSON-ready data.

    Each entry has ``type`` (``module.QualName``), ``message``, the constructor's
    ``fields`` by name (qloom's errors) or positional ``args``, ``traceback`` (the worker's,
    when it attached one), and ``cause`` (the next entry). The top entry has ``format``.
    """
    data = {"format": ERROR_FORMAT, **_entry(exc)}
    seen = {id(exc)}
    node, cause = data, exc.__cause__
    for _ in range(MAX_CAUSES):
        if cause is None or id(cause) in seen:
            break
        seen.add(id(cause))
        node["cause"] = _entry(cause)
        node, cause = node["cause"], cause.__cause__
    return data


def error_from_data(data: Any) -> BaseException:
    """The exception ``error_to_data`` described, its causes linked as ``__cause__``.

    Raises:
        ValueError: ``data`` is not what ``error_to_data`` writes (names what is wrong).
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"an error is a JSON object, not {_kind(data)}")
    if data.get("format") != ERROR_FORMAT:
        raise ValueError(f"unknown error format {data.get('format')!r} (expected {ERROR_FORMAT})")
    chain: list[BaseException] = []
    node: Any = data
    while node is not None and len(chain) <= MAX_CAUSES:
        chain.append(_rebuild(node, depth=len(chain)))
        node = node.get("cause")
    for outer, inner in itertools.pairwise(chain):
        outer.__cause__ = inner
    return chain[0]


def _entry(exc: BaseException) -> dict[str, Any]:
    kind = type(exc)
    entry: dict[str, Any] = {"type": _type_name(kind), "message": _text(exc)}
    names, values = None, exc.args
    if isinstance(exc, QloomError):
        names, values = _field_names(type(exc)), exc._init_args()
    if names is not None and len(names) == len(values):
        entry["fields"] = {n: _plain(v) for n, v in zip(names, values, strict=True)}
    else:
        entry["args"] = [_plain(v) for v in values]
    traceback = getattr(exc, "remote_traceback", None)
    if isinstance(traceback, str):
        entry["traceback"] = traceback
    return entry


def _rebuild(node: Any, depth: int) -> BaseException:
    where = "the error" if depth == 0 else f"cause {depth} of the error"
    if not isinstance(node, Mapping):
        raise ValueError(f"{where} is {_kind(node)}, not a JSON object")
    type_name, message = node.get("type"), node.get("message")
    args, fields = node.get("args", []), node.get("fields", {})
    traceback = node.get("traceback")
    if not isinstance(type_name, str) or not isinstance(message, str):
        raise ValueError(f"{where} needs a 'type' and a 'message' that are text")
    if not isinstance(args, list) or not isinstance(fields, Mapping):
        raise ValueError(f"{where} has 'args' that are not a list or 'fields' not an object")
    if traceback is not None and not isinstance(traceback, str):
        raise ValueError(f"{where} has a 'traceback' that is not text")
    if not isinstance(node.get("cause"), Mapping | None):
        raise ValueError(f"{where} has a 'cause' that is not a JSON object")
    error = _construct(_known_type(type_name), args, fields, message)
    if error is None:
        error = RemoteError(type_name, message)
    if traceback is not None:
        error.remote_traceback = traceback  # type: ignore[attr-defined]
    return error


def _construct(
    kind: type[BaseException] | None, args: list[Any], fields: Mapping[str, Any], message: str
) -> BaseException | None:
    """``kind(*args, **fields)`` when that gives back the same message, else ``None``."""
    if kind is None:
        return None
    try:
        error = kind(*args, **{str(k): v for k, v in fields.items()})
    except Exception:  # arguments that do not fit the type: it stays a RemoteError
        return None
    return error if _text(error) == message else None


def _known_type(type_name: str) -> type[BaseException] | None:
    """The class ``type_name`` names, if it is one of qloom's errors or a built-in one."""
    module, _, name = type_name.rpartition(".")
    if module == "builtins":
        kind = vars(builtins).get(name)
        base: type[BaseException] = Exception
    elif module == errors.__name__ and name in errors.__all__:
        kind = getattr(errors, name)
        base = QloomError
    else:
        return None
    return kind if isinstance(kind, type) and issubclass(kind, base) else None


def _field_names(kind: type[QloomError]) -> list[str] | None:
    """The constructor's parameter names, when it has its own with named ones only."""
    if kind._init_args is QloomError._init_args:
        return None
    try:
        params = list(inspect.signature(kind.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return None
    if any(p.kind not in _KEYWORD for p in params):
        return None
    return [p.name for p in params]


def _plain(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data (tuples as lists); anything else as its text."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(float(value)):
        return float(value)
    if depth < 8 and isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value]
    if depth < 8 and isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return {k: _plain(v, depth + 1) for k, v in value.items()}
    return _text(value)


def _text(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return "<unprintable>"


def _type_name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def _kind(value: object) -> str:
    return "null" if value is None else f"a {type(value).__name__}"
