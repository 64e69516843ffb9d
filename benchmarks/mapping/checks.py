"""Metrics and checks computed the same way for every tool's routed output."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tools import NATIVES


def depth_2q(pairs: Iterable[tuple[int, int]]) -> int:
    """Length of the longest chain of 2q gates (1q gates never lengthen it)."""
    level: dict[int, int] = {}
    best = 0
    for a, b in pairs:
        end = max(level.get(a, 0), level.get(b, 0)) + 1
        level[a] = level[b] = end
        best = max(best, end)
    return best


def check_coupling(pairs: Sequence[tuple[int, int]], edges: set[frozenset[int]], wide: int) -> str:
    """``ok``, or ``FAIL: ...`` naming the first 2q gate that is not on a coupling edge."""
    if wide:
        return f"FAIL: {wide} gates on more than 2 qubits"
    bad = [p for p in pairs if frozenset(p) not in edges]
    if bad:
        return f"FAIL: {len(bad)} of {len(pairs)} 2q gates off the device, first on {bad[0]}"
    return "ok"


def check_natives(gates: dict[str, int]) -> str:
    """``ok`` when a comparison tool's output uses only {cz, rz, sx, x}."""
    other = sorted(set(gates) - set(NATIVES))
    return f"FAIL: non-native {other}" if other else "ok"


EXHAUSTIVE = 6
"""Up to this many active device qubits every basis state is checked; beyond, three random
states (up to 20 active qubits). A full operator check costs 2^n states x 2^active
amplitudes x operations: minutes for a 10-qubit circuit routed by qibo (9,000 operations)."""

ATOL = 1e-6
"""Largest amplitude error accepted: Qiskit level 3 re-synthesises 2q blocks exactly only to
about 1e-7 (qb_hhl_n7: fidelity 1 to 7 digits, amplitude error 1.5e-7)."""


def check_equivalence(
    qasm: str,
    ops: Sequence[tuple[str, Sequence[float], Sequence[int]]],
    width: int,
    initial: Sequence[int],
    final: Sequence[int],
) -> str:
    """``ok``/``FAIL: ...``/``skip: ...``: the routed ops implement the original circuit.

    Uses ``qloom.testing.assert_equivalent`` on the output rebuilt as a qloom circuit over
    the device's qubits, with logical ``l`` starting on ``initial[l]`` and ending on
    ``final[l]``, and every other device qubit starting and ending in |0>, up to a global
    phase and ``ATOL`` per amplitude.
    """
    from qloom import Circuit, Layout, qasm2
    from qloom.errors import CircuitError, GateError
    from qloom.testing import assert_equivalent

    original = qasm2.loads(qasm)
    out = Circuit(width)
    try:
        for name, params, qubits in ops:
            out.append(name, qubits, params)
    except (GateError, CircuitError) as exc:
        return f"skip: output not readable by qloom ({exc})"
    try:
        layout = Layout(tuple(initial), _permutation(initial, final, width))
        assert_equivalent(original, out, layout, atol=ATOL, max_unitary_qubits=EXHAUSTIVE)
    except AssertionError as exc:
        return "FAIL: " + str(exc).splitlines()[1].strip()[:120]
    except CircuitError as exc:
        return f"skip: {str(exc)[:100]}"
    return "ok"


def _permutation(initial: Sequence[int], final: Sequence[int], width: int) -> tuple[int, ...]:
    """A routing permutation sending ``initial[l]`` to ``final[l]``; ancillas fill the rest."""
    routing: list[Any] = [None] * width
    for start, end in zip(initial, final, strict=True):
        routing[start] = end
    free = iter(sorted(set(range(width)) - set(final)))
    return tuple(next(free) if r is None else r for r in routing)
