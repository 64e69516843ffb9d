"""``assert_equivalent``: a transpiled circuit does what the original does.

"Equivalent" means: for every logical input state placed on the physical qubits by the
initial layout (every other physical qubit in |0>), the transpiled circuit produces the
original's output with logical qubit ``l`` on physical ``layout.final[l]`` and every other
qubit back in |0>, up to one global phase. Only the physical qubits the transpiled circuit
touches (or the layout names) are simulated; idle qubits stay |0> by construction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qloom.circuit import Circuit, Operation
from qloom.errors import CircuitError
from qloom.layout import Layout
from qloom.testing.dense import apply_operations, embed, split_final_measurements

__all__ = ["MAX_CHECK_QUBITS", "assert_equivalent", "describe_circuit"]

MAX_CHECK_QUBITS = 20
"""Widest set of active physical qubits that ``assert_equivalent`` simulates."""

_SHORT = 60
"""Circuits with at most this many operations are printed as QASM in failure messages."""


def assert_equivalent(
    original: Circuit,
    transpiled: Circuit,
    layout: Layout | None = None,
    *,
    atol: float = 1e-8,
    max_unitary_qubits: int = 10,
    random_states: int = 3,
    seed: int = 0,
) -> None:
    """Assert that ``transpiled`` implements ``original`` under ``layout``.

    On few active physical qubits (at most ``max_unitary_qubits``) every logical basis
    state is checked, which compares the exact operators; otherwise ``random_states``
    random logical states are. Barriers are ignored; final measurements must match (the
    clbit of logical ``q`` is measured from physical ``layout.final[q]``).

    Args:
        original: the circuit over logical qubits.
        transpiled: the circuit over physical qubits.
        layout: initial placement and routing; defaults to ``transpiled.layout``, else the
            trivial layout.
        atol: largest amplitude error tolerated (after removing the global phase).
        max_unitary_qubits: up to this many active physical qubits, compare operators.
        random_states: how many random input states to try on wider circuits.
        seed: seed of the random input states.

    Raises:
        AssertionError: not equivalent; the message names the first mismatch (which input,
            its fidelity) and shows both circuits.
        CircuitError: a circuit with mid-circuit measurement, reset or conditions, or too
            many active qubits to simulate.
    """
    layout = _resolve_layout(original, transpiled, layout)
    logical_ops, logical_meas = split_final_measurements(original)
    physical_ops, physical_meas = split_final_measurements(transpiled)
    problems = _measurement_mismatch(logical_meas, physical_meas, layout)
    if problems:
        _fail(problems, original, transpiled, layout)

    active = sorted(
        {q for op in physical_ops for q in op.qubits} | set(layout.initial) | set(layout.final)
    )
    if len(active) > MAX_CHECK_QUBITS:
        raise CircuitError(
            f"assert_equivalent simulates at most {MAX_CHECK_QUBITS} active physical qubits; "
            f"the transpiled circuit uses {len(active)}"
        )
    compact = {p: i for i, p in enumerate(active)}
    ops = [op._replace(qubits=tuple(compact[q] for q in op.qubits)) for op in physical_ops]
    start = [compact[p] for p in layout.initial]
    end = [compact[p] for p in layout.final]
    width, n = len(active), original.num_qubits

    exhaustive = width <= max_unitary_qubits
    if exhaustive:
        inputs = np.eye(1 << n, dtype=complex)
    else:
        rng = np.random.default_rng(seed)
        shape = (1 << n, max(1, random_states))
        inputs = rng.normal(size=shape) + 1j * rng.normal(size=shape)
        inputs /= np.linalg.norm(inputs, axis=0)
    expected = embed(apply_operations(inputs, logical_ops, n), end, width)
    actual = apply_operations(embed(inputs, start, width), ops, width)
    problems = _state_mismatch(expected, actual, atol, exhaustive, n, seed)
    if problems:
        _fail(problems, original, transpiled, layout)


def _resolve_layout(original: Circuit, transpiled: Circuit, layout: Layout | None) -> Layout:
    layout = layout or transpiled.layout
    if layout is None:
        return Layout.trivial(original.num_qubits, transpiled.num_qubits)
    if layout.num_logical != original.num_qubits:
        raise AssertionError(
            f"the layout places {layout.num_logical} logical qubits but the original circuit "
            f"has {original.num_qubits}: {layout}"
        )
    if layout.num_physical > transpiled.num_qubits:
        raise AssertionError(
            f"the layout spans {layout.num_physical} physical qubits but the transpiled "
            f"circuit has only {transpiled.num_qubits}: {layout}"
        )
    if layout.num_physical < transpiled.num_qubits:
        extra = range(layout.num_physical, transpiled.num_qubits)
        layout = Layout(layout.initial, (*layout.routing, *extra))
    return layout


def _measurement_mismatch(
    logical: Sequence[tuple[int, int]], physical: Sequence[tuple[int, int]], layout: Layout
) -> list[str]:
    final = layout.final
    want = {c: final[q] for q, c in logical}
    got = {c: p for p, c in physical}
    for clbit in sorted(set(want) | set(got)):
        if want.get(clbit) != got.get(clbit):
            expect = want.get(clbit)
            has = got.get(clbit)
            return [
                f"clbit {clbit} should be measured from physical qubit {expect} "
                f"(where its logical qubit ends), but the transpiled circuit measures "
                f"{'nothing' if has is None else f'physical qubit {has}'} into it"
            ]
    return []


def _state_mismatch(
    expected: np.ndarray,
    actual: np.ndarray,
    atol: float,
    exhaustive: bool,
    num_logical: int,
    seed: int,
) -> list[str]:
    columns = expected.shape[1]
    overlap = np.vdot(expected, actual)
    phase = overlap / abs(overlap) if abs(overlap) > 1e-12 else 1.0
    error = np.abs(actual - phase * expected).max(axis=0)
    if error.max() <= atol:
        return []
    per_input = np.abs(np.einsum("ij,ij->j", expected.conj(), actual)) ** 2
    # name an input that is mapped wrongly (fidelity < 1) before one that only has a phase
    wrong = np.flatnonzero(per_input < 1 - max(atol, 1e-12))
    first = int(wrong[0]) if wrong.size else int(np.flatnonzero(error > atol)[0])
    if exhaustive:
        bits = format(first, f"0{num_logical}b") if num_logical else ""
        which = f"logical basis state |{bits}> (qubit 0 leftmost)"
        overall = f"operator fidelity |tr(E^dag T)|/2^n = {abs(overlap) / columns:.6g}"
    else:
        which = f"random input state #{first} (numpy seed {seed})"
        overall = f"mean state fidelity {per_input.mean():.6g} over {columns} random states"
    lines = [
        f"first mismatch on {which}: output fidelity {per_input[first]:.6g}, "
        f"largest amplitude error {error[first]:.3g} (atol {atol:g})",
        overall,
    ]
    if not wrong.size:
        lines.append(
            "every input is mapped right up to its own phase: the phases differ between "
            "inputs (a relative phase error, e.g. a missing diagonal gate)"
        )
    return lines


def describe_circuit(circuit: Circuit) -> str:
    """The circuit as OpenQASM 2 when short enough (and the exporter is available), else repr."""
    if len(circuit) <= _SHORT:
        try:
            from qloom.qasm2 import dumps

            return dumps(circuit).rstrip()
        except Exception:  # the exporter is optional here: fall back on a plain listing
            return repr(circuit) + "\n" + "\n".join(_plain(op) for op in circuit)
    return repr(circuit)


def _plain(op: Operation) -> str:
    params = f"({', '.join(f'{p:.6g}' for p in op.params)})" if op.params else ""
    cond = f" if {op.condition[0]}=={op.condition[1]}" if op.condition else ""
    target = f" -> {list(op.clbits)}" if op.clbits else ""
    return f"  {op.name}{params} {list(op.qubits)}{target}{cond}"


def _fail(problems: list[str], original: Circuit, transpiled: Circuit, layout: Layout) -> None:
    message = [
        "the transpiled circuit is not equivalent to the original (up to global phase, "
        f"initial layout {list(layout.initial)}, final positions {list(layout.final)}, "
        "ancillas in |0>):",
        *(f"  {p}" for p in problems),
        "original:",
        describe_circuit(original),
        "transpiled:",
        describe_circuit(transpiled),
    ]
    raise AssertionError("\n".join(message))
