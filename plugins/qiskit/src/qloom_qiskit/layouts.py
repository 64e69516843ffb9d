"""qloom ``Layout`` to and from Qiskit's ``TranspileLayout``.

The two say the same thing. qloom: logical ``l`` starts on physical ``initial[l]``, and the
content of physical ``p`` ends on ``routing[p]``. Qiskit: ``initial_layout`` maps the input
circuit's qubits (numbered by ``input_qubit_mapping``, ancillas after the first
``_input_qubit_count``) to physical qubits, and ``final_layout`` maps the output circuit's
qubit ``p`` to where its content ends (``routing_permutation``).
"""

from __future__ import annotations

from qiskit.circuit import AncillaRegister, QuantumCircuit, QuantumRegister
from qiskit.transpiler import Layout as QiskitLayout
from qiskit.transpiler import TranspileLayout

from qloom.errors import CircuitError
from qloom.layout import Layout

__all__ = ["from_transpile_layout", "to_transpile_layout"]


def to_transpile_layout(layout: Layout, qc: QuantumCircuit) -> TranspileLayout:
    """The ``TranspileLayout`` of ``layout`` for ``qc``, the transpiled circuit.

    The original circuit's qubits are a new register ``q``; physical qubits outside the
    initial layout hold ancillas (register ``ancilla``), as in Qiskit's own output.

    Raises:
        CircuitError: the layout spans more physical qubits than ``qc`` has.
    """
    width = qc.num_qubits
    if layout.num_physical > width:
        raise CircuitError(
            f"the layout spans {layout.num_physical} physical qubits, the circuit has {width}"
        )
    routing = (*layout.routing, *range(layout.num_physical, width))
    n = layout.num_logical
    virtual = QuantumRegister(n, "q")
    used = set(layout.initial)
    free = [p for p in range(width) if p not in used]
    ancilla = AncillaRegister(len(free), "ancilla")
    placed = {virtual[logical]: p for logical, p in enumerate(layout.initial)}
    initial = QiskitLayout({**placed, **dict(zip(ancilla, free, strict=True))})
    initial.add_register(virtual)
    if free:
        initial.add_register(ancilla)
    mapping = {qubit: index for index, qubit in enumerate([*virtual, *ancilla])}
    final = None
    if routing != tuple(range(width)):
        final = QiskitLayout({qc.qubits[p]: routing[p] for p in range(width)})
    return TranspileLayout(initial, mapping, final, n, list(qc.qubits))


def from_transpile_layout(transpile_layout: TranspileLayout, qc: QuantumCircuit) -> Layout:
    """The qloom ``Layout`` of a transpiled circuit ``qc`` and its ``TranspileLayout``."""
    mapping = transpile_layout.input_qubit_mapping
    count = transpile_layout._input_qubit_count
    n = len(mapping) if count is None else count
    logical = sorted((q for q, index in mapping.items() if index < n), key=mapping.__getitem__)
    initial = tuple(transpile_layout.initial_layout[q] for q in logical)
    final = transpile_layout.final_layout
    routing = tuple(range(qc.num_qubits)) if final is None else tuple(final[q] for q in qc.qubits)
    return Layout(initial, routing)
