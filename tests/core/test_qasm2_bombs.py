"""OpenQASM 2 bombs (R14): each ends in a located error within bounded memory and time.

Every bomb runs in a subprocess under a 1 GiB address-space limit and a timeout, and must
end in the documented error class, located at the statement at fault, without quoting
anything from outside the user's source (no /etc/passwd line, no environment variable).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.capped import run_capped

H = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'

# -- bombs, each in a subprocess with 1 GiB of address space (support.capped) -----------------

_LOAD = """
import sys
from qloom import qasm2
answer(lambda: qasm2.load(sys.argv[1]))
"""


def _doubling(depth: int) -> str:
    lines = ["gate g0 a { x a; }"]
    lines += [f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}" for i in range(1, depth + 1)]
    return H + "\n".join(lines) + f"\nqreg q[1];\ng{depth} q[0];\n"


def _bombs(folder: Path) -> dict[str, tuple[str, int, int, str]]:
    """name -> (program, line, column, error class) of every bomb; writes helper files."""
    deep = 300
    for i in range(deep):
        (folder / f"d{i}.inc").write_text(f'include "d{i + 1}.inc";\n')
    (folder / f"d{deep}.inc").write_text("\n")
    return {
        "doubling": (_doubling(40), 45, 1, "QasmLimitError"),
        "qreg-1e9": (H + "qreg q[1000000000];\nh q;\n", 3, 8, "QasmLimitError"),
        "qreg-1e38": (H + "qreg q[" + "1" + "0" * 38 + "];\nh q;\n", 3, 8, "QasmLimitError"),
        "deep-include": (H + 'include "d0.inc";\n', 1, 9, "QasmLimitError"),
        "passwd": (H + 'include "/etc/passwd";\n', 3, 9, "QasmError"),
        "environ": (H + 'include "/proc/self/environ";\n', 3, 9, "QasmError"),
        "escape": (H + 'include "../../../../../../../../../etc/passwd";\n', 3, 9, "QasmError"),
        "parentheses": (
            H + "qreg q[1];\nrz(" + "(" * 200_000 + "1" + ")" * 200_000 + ") q[0];\n",
            4,
            4,
            "QasmLimitError",
        ),
        "distinct-broadcast": (
            H + "qreg q[100000];\n" + "".join(f"rz({k + 1}e-3) q;\n" for k in range(100)),
            54,
            1,
            "QasmLimitError",
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "doubling",
        "qreg-1e9",
        "qreg-1e38",
        "deep-include",
        "passwd",
        "environ",
        "escape",
        "parentheses",
        "distinct-broadcast",
    ],
)
def test_bombs_end_in_a_located_error_within_bounded_memory_and_time(tmp_path, name):
    folder = tmp_path / "user"
    folder.mkdir()
    program, line, column, kind = _bombs(folder)[name]
    path = folder / f"{name}.qasm"
    path.write_text(program)
    result = run_capped(_LOAD, str(path), env={"QLOOM_TEST_SECRET": "s3cr3t-env-value"})
    assert kind in result["mro"] and "QasmError" in result["mro"], result
    filename = str(folder / "d31.inc") if name == "deep-include" else str(path)
    assert result["where"] == [filename, line, column], result
    text = result["text"]
    assert "s3cr3t-env-value" not in text and "root:" not in text, text
    # Generous for a loaded machine: the broadcast, which builds the 5 million distinct
    # operations the default allows before refusing more, takes 12-35 s; the others 1 s.
    assert result["seconds"] < 240, f"{name} took {result['seconds']:.1f} s"
