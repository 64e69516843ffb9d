"""Exact results for small circuits: ``statevector``, ``unitary`` and ``probabilities``.

Index convention: qubit 0 is the MOST significant bit of every index, the convention of
``qloom.gates`` matrices and ``qloom.testing``. So ``statevector(Circuit(2).x(0))`` is
``|10>`` = ``[0, 0, 1, 0]``, and ``unitary`` of a single gate is that gate's matrix.
(Counts in a ``Result`` are written the other way round, clbit 0 rightmost.)

Final measurements are ignored (they are read as "the state before measuring"); barriers
are no-ops.
"""

from __future__ import annotations

import numpy as np

from qloom.circuit import Circuit
from qloom.errors import QloomError
from qloom_sim_numpy.engine import apply_blocks, explore
from qloom_sim_numpy.memory import check_size
from qloom_sim_numpy.program import Gates, compile_circuit
from qloom_sim_numpy.state import StateVector

__all__ = ["probabilities", "statevector", "unitary"]

_DEFINITE = 1e-12
"""An outcome less likely than this is taken as impossible."""

DEFAULT_MAX_QUBITS = 28


def _exact_split(p1: float, weight: float) -> tuple[float, float]:
    if p1 < _DEFINITE:
        return weight, 0.0
    if p1 > 1 - _DEFINITE:
        return 0.0, weight
    return weight * (1 - p1), weight * p1


def statevector(
    circuit: Circuit,
    *,
    initial: np.ndarray | None = None,
    fusion: int | None = None,
    max_qubits: int = DEFAULT_MAX_QUBITS,
) -> np.ndarray:
    """The final state of ``circuit``, qubit 0 the most significant bit.

    Mid-circuit measurements and resets are allowed only when their outcome is certain
    (e.g. a reset of a qubit still in |0>), since otherwise the result is not a pure state.

    Args:
        circuit: the circuit.
        initial: the input state (``2**num_qubits`` amplitudes, same convention; copied);
            default |0...0>.
        fusion: widest fused gate block (default: chosen from the width; 1 fuses only
            single-qubit runs).
        max_qubits: refuse wider circuits.

    Returns:
        A complex128 array of ``2**num_qubits`` amplitudes.

    Raises:
        QloomError: too wide, or a measurement or reset with an uncertain outcome.
    """
    n = circuit.num_qubits
    check_size(n, max_qubits)
    program = compile_circuit(circuit, fusion)
    start = StateVector(n)
    if initial is not None:
        given = np.asarray(initial, dtype=np.complex128).reshape(-1)
        if given.size != 1 << n:
            raise QloomError(f"initial state has {given.size} amplitudes, expected {1 << n}")
        start.data[:] = given
    found: list[np.ndarray] = []

    def split(p1: float, weight: float) -> tuple[float, float]:
        w0, w1 = _exact_split(p1, weight)
        if w0 and w1:
            raise QloomError(
                f"statevector: a mid-circuit measurement or reset has an uncertain outcome "
                f"(probability of 1: {p1:.3g}), so the final state is a mixture; use "
                "probabilities() or execute() instead"
            )
        return w0, w1

    def leaf(final: StateVector, clbits: int, weight: float) -> None:
        found.append(final.amplitudes(program.final_wires))

    explore(program, start, 1.0, split, leaf)
    return found[0]


def probabilities(circuit: Circuit, *, max_qubits: int = DEFAULT_MAX_QUBITS) -> np.ndarray:
    """Exact probability of each basis state of the qubits at the end, qubit 0 most significant.

    Mid-circuit measurements, resets and classical conditions are followed exactly: the
    result is the diagonal of the final mixed state.

    Raises:
        QloomError: the circuit is too wide.
    """
    check_size(circuit.num_qubits, max_qubits, copies=3)
    program = compile_circuit(circuit)
    total = np.zeros(1 << circuit.num_qubits)

    def leaf(final: StateVector, clbits: int, weight: float) -> None:
        np.add(total, weight * final.probabilities(program.final_wires), out=total)

    explore(program, StateVector(program.num_qubits), 1.0, _exact_split, leaf)
    return total


def unitary(
    circuit: Circuit, *, fusion: int | None = None, max_qubits: int = DEFAULT_MAX_QUBITS
) -> np.ndarray:
    """The unitary matrix of ``circuit``: column ``j`` is the final state from basis state j.

    Computed as a batch of ``2**n`` states, i.e. a ``2n``-qubit statevector, so it is
    meant for small circuits.

    Raises:
        QloomError: a mid-circuit measurement, reset or condition (not unitary), or
            ``2 * num_qubits`` above ``max_qubits``.
    """
    n = circuit.num_qubits
    check_size(2 * n, max_qubits, what=f"unitary (a batch of 2**{n} states)")
    program = compile_circuit(circuit, fusion, extra_wires=n)
    if program.branches:
        raise QloomError(
            "unitary: the circuit has a mid-circuit measurement, reset or classical "
            "condition, so it has no unitary"
        )
    state = StateVector(2 * n, np.eye(1 << n, dtype=np.complex128).reshape(-1))
    for step in program.steps:
        assert isinstance(step, Gates)
        apply_blocks(state, step.blocks)
    return state.amplitudes(program.final_wires).reshape(1 << n, 1 << n)
