"""Bombs in a box (RELIABILITY.md R14): run a snippet in a subprocess under an address-space
limit and a timeout, and read back what it raised as JSON.

A bomb that escaped its bound would exhaust the test process (or the machine) if it ran in
pytest itself; in a capped child it ends in a ``MemoryError`` that the test reports instead.
The snippet calls ``answer(fn)``, which runs ``fn`` and prints one JSON line: the exception's
``type``, its ``mro`` names, ``text``, ``where`` (``filename``, ``line``, ``column`` when
it has them) and the ``seconds`` it took, or ``{"type": "none", ...}`` when nothing raised.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from typing import Any

GIB = 1 << 30

_ANSWER = textwrap.dedent(
    """
    import json as _json, time as _time

    def answer(call):
        start = _time.perf_counter()
        try:
            call()
            out = {"type": "none", "mro": [], "text": "", "where": None}
        except BaseException as exc:
            out = {
                "type": type(exc).__name__,
                "mro": [k.__name__ for k in type(exc).__mro__],
                "text": str(exc),
                "where": [getattr(exc, "filename", ""), getattr(exc, "line", 0),
                          getattr(exc, "column", 0)],
            }
        out["seconds"] = _time.perf_counter() - start
        print(_json.dumps(out))
    """
)


def run_capped(
    script: str,
    *args: str,
    address_space: int | None = GIB,
    timeout: float = 300.0,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run ``script`` (dedented; it may call ``answer``) with ``args`` as ``sys.argv[1:]``,
    under ``address_space`` bytes (``None``: the script sets its own limit) and ``timeout``
    seconds; the last JSON line it printed. The child must exit 0: a bomb that escaped its
    bound fails the test with the child's stderr."""

    def cap() -> None:
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    done = subprocess.run(
        [sys.executable, "-c", _ANSWER + textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})},
        preexec_fn=cap,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
