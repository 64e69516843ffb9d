"""A task's exception, carried whole from a Dask worker to the client.

Dask pickles a task's exception with tblib's reducers, which call ``__reduce__`` and drop
what it leaves out: the ``remote_traceback``/``remote_cause`` a qloom error carries as
state, or any attribute of an exception class with a custom ``__reduce__``. The worker
therefore pickles the exception (and its ``__cause__``) itself, with the reducers the class
defines, and the client unpacks it. An exception that cannot be pickled travels as a
``RemoteError`` naming its type and message.
"""

from __future__ import annotations

import copyreg
import io
import pickle
from typing import Any

from qloom.errors import RemoteError

__all__ = ["TaskFailure"]


class TaskFailure(Exception):
    """What the worker raises in place of a task's exception; ``restore`` gives it back."""

    def __init__(self, error: bytes, cause: bytes | None, summary: str) -> None:
        super().__init__(error, cause, summary)

    @classmethod
    def of(cls, exc: BaseException) -> TaskFailure:
        """Pack ``exc`` and its ``__cause__`` (on the worker)."""
        cause = exc.__cause__
        summary = f"{type(exc).__qualname__}: {exc}"[:200]
        return cls(_pack(exc), None if cause is None else _pack(cause), summary)

    def restore(self) -> BaseException:
        """The task's exception, with its cause (on the client)."""
        error_bytes, cause_bytes, _ = self.args
        error: BaseException = pickle.loads(error_bytes)
        if cause_bytes is not None and error.__cause__ is None:
            error.__cause__ = pickle.loads(cause_bytes)
        return error

    def __str__(self) -> str:  # short: Dask truncates long messages and loses the payload
        return str(self.args[2])


def _pack(exc: BaseException) -> bytes:
    """``exc`` pickled by its own reducers, or a ``RemoteError`` standing in for it."""
    try:
        packed = _dumps(exc)
        pickle.loads(packed)
    except Exception:
        return _dumps(RemoteError.standing_in_for(exc))
    return packed


def _dumps(obj: Any) -> bytes:
    """Pickle with the reducers classes define, not the ones tblib registers for exceptions."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {
        kind: reducer
        for kind, reducer in copyreg.dispatch_table.items()
        if not (isinstance(kind, type) and issubclass(kind, BaseException))
    }
    pickler.dump(obj)
    return buffer.getvalue()
