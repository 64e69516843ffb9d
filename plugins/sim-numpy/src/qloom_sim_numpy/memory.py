"""How much memory a statevector needs, and refusing one that cannot fit before allocating."""

from __future__ import annotations

import os

from qloom.errors import QloomError

__all__ = ["AMPLITUDE_BYTES", "available_bytes", "check_size", "gib", "state_bytes"]

AMPLITUDE_BYTES = 16
"""One complex128 amplitude."""

_GIB = float(1 << 30)
_EXACT_GIB = 1 << 70  # from here on sizes are written as powers of two


def state_bytes(num_qubits: int) -> int:
    """Bytes of one ``num_qubits``-qubit statevector."""
    return AMPLITUDE_BYTES << num_qubits


def available_bytes() -> int | None:
    """Memory the system can still give us (``MemAvailable``), or ``None`` if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_size(num_qubits: int, max_qubits: int, *, copies: int = 2, what: str = "") -> None:
    """Refuse a simulation that is too wide, before any allocation.

    Args:
        num_qubits: qubits of the statevector to allocate.
        max_qubits: the backend's limit.
        copies: statevector-sized buffers the simulation needs (the state and a workspace).
        what: how to name the object in the message (defaults to "statevector").

    Raises:
        QloomError: over ``max_qubits``, or more memory than is available; the message gives
            the memory needed, the limit, the memory available and the option that raises
            the limit.
    """
    one = state_bytes(num_qubits)
    need = one * copies
    free = available_bytes()
    if num_qubits <= max_qubits and (free is None or need <= free):
        return
    label = what or "statevector"
    message = (
        f"a {num_qubits}-qubit {label} needs {gib(one)} ({gib(need)} with its workspace); "
        f"the numpy backend allows at most max_qubits={max_qubits} "
        f"({gib(state_bytes(max_qubits) * copies)})"
    )
    if free is not None:
        message += f" and {gib(free)} of memory is available"
    if num_qubits > max_qubits:
        message += " (raise the limit with the backend option --option max_qubits=N)"
    raise QloomError(message)


def gib(size: float) -> str:
    """A byte count in GiB, readable at any scale (``0.25 GiB``, ``16,384 GiB``, and
    ``2^1004 bytes`` for the astronomical sizes of wide statevectors)."""
    if size >= _EXACT_GIB:
        return f"2^{int(size).bit_length() - 1} bytes"
    value = size / _GIB
    return f"{value:,.0f} GiB" if value >= 100 else f"{value:.3g} GiB"
