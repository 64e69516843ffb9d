"""How much the OpenQASM 2 reader accepts from one program, and the error past a limit.

Every input the reader takes has a bound, so a hostile or careless file ends in a located
``QasmLimitError`` rather than exhausting memory, time or the Python stack. Each bound is a
field of ``QasmLimits``; pass ``limits=QasmLimits(max_qubits=10**6)`` to ``qasm2.load`` or
``qasm2.loads`` (``--qasm-limit max_qubits=1000000`` on the command line) to raise it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from qloom.errors import QasmLimitError

__all__ = ["QasmLimitError", "QasmLimits"]


@dataclass(frozen=True)
class QasmLimits:
    """Bounds on one OpenQASM 2 program (the main file and everything it includes).

    The defaults read every real circuit we know of (the largest shared benchmark has
    25,000 operations; generated ones reach millions) while keeping one program under
    about 600 MB: measured, 5 million operations that share nothing (a broadcast rz with
    a new angle each time) take 0.6 GB and 12 s of CPU; repeated operations cost 8 bytes.

    Attributes:
        max_source_bytes: bytes of source read in total, main file and includes together.
        max_operations: operations in the circuit, counted after broadcasting registers
            and inlining ``gate`` definitions (counted before expanding, so a definition
            that doubles forty times is refused at once); a barrier counts once per qubit.
        max_qubits: qubits over all ``qreg`` declarations.
        max_clbits: classical bits over all ``creg`` declarations.
        max_include_depth: files included inside included files, counting the main file's
            own includes as depth 1.
        max_expression_depth: nesting of a parameter expression (parentheses, unary minus,
            function calls, operators), and the depth of a ``gate`` body's expression tree.
    """

    max_source_bytes: int = 64 * 1024 * 1024
    max_operations: int = 5_000_000
    max_qubits: int = 100_000
    max_clbits: int = 100_000
    max_include_depth: int = 32
    max_expression_depth: int = 100

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"QasmLimits.{field.name} must be a positive integer, not {value!r}"
                )

    @classmethod
    def from_pairs(cls, pairs: list[str]) -> QasmLimits:
        """Limits from ``["max_qubits=1000000", ...]`` (the CLI's ``--qasm-limit``).

        Raises:
            ValueError: an unknown name or a value that is not a positive integer.
        """
        names = [f.name for f in dataclasses.fields(cls)]
        values: dict[str, int] = {}
        for pair in pairs:
            key, _, value = pair.partition("=")
            key = key.strip()
            if key not in names:
                raise ValueError(f"unknown OpenQASM limit '{key}' (limits: {', '.join(names)})")
            try:
                values[key] = int(value.replace("_", ""))
            except ValueError:
                raise ValueError(f"--qasm-limit {key} needs an integer, got '{value}'") from None
        return cls(**values)


def over_limit(what: str, option: str, limit: int) -> str:
    """The message for a value over ``limit``: what, the limit, and how to raise it."""
    return (
        f"{what}, over the limit of {limit} ({option}; raise it with "
        f"QasmLimits({option}=...) or --qasm-limit {option}=N)"
    )
