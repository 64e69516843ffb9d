"""The error synthesis raises when the natives cannot express a unitary."""

from __future__ import annotations

from qloom import QloomError

__all__ = ["SynthesisError"]


class SynthesisError(QloomError):
    """The natives lack a universal one-qubit basis or a usable entangling gate."""
