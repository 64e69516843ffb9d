"""The errors this plugin adds to qloom's: what cannot be converted, and why."""

from __future__ import annotations

from qloom.errors import CircuitError

__all__ = ["ConversionError"]


class ConversionError(CircuitError):
    """A circuit holds something the other side cannot represent.

    Attributes:
        instruction: the name of the offending instruction (``for_loop``, ``delay``, ...).
        index: its position in the circuit it came from, or ``-1`` when not known.
        reason: why it cannot be converted.
    """

    def __init__(self, instruction: str, index: int, reason: str) -> None:
        self.instruction = instruction
        self.index = index
        self.reason = reason
        where = f"instruction {index} " if index >= 0 else "instruction "
        super().__init__(f"cannot convert {where}'{instruction}': {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.instruction, self.index, self.reason))
