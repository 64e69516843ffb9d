"""Checks for circuits built on the trusted (unchecked) path: ``copy_with``, ``emit``,
``Translator.translate``, ``decompose_wide`` skip ``append``'s per-operation checks and
normalisation, so their output must equal a checked build down to the Python types of its
qubits and parameters (``==`` on operations ignores those: ``1 == np.int64(1)``)."""

from __future__ import annotations

from qloom import Circuit


def typed(circuit: Circuit) -> list[object]:
    """Each operation with the types of its qubits and parameters, which ``==`` ignores."""
    return [
        (
            op.name,
            [(type(q), q) for q in op.qubits],
            [(type(p), repr(p)) for p in op.params],
            op.clbits,
            op.condition,
        )
        for op in circuit
    ]


def assert_rebuilds_as_checked(circuit: Circuit) -> None:
    """``circuit`` equals, types included, its rebuild through the checked ``extend``."""
    rebuilt = circuit.copy_empty().extend(circuit)
    assert circuit == rebuilt
    assert typed(circuit) == typed(rebuilt)
