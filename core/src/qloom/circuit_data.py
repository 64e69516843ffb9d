"""Circuits as plain, JSON-ready data (lists and numbers): the wire form.

What travels to workers (``qloom.compiler.wire``), what the task store keeps, and what
provenance records hash and embed (``qloom.provenance``). It sits beside ``circuit`` in the
model layer so every layer above can use it; ``circuit_from_data`` rebuilds through
``Circuit.append``, which checks every operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qloom.circuit import Circuit
from qloom.layout import Layout

__all__ = ["circuit_from_data", "circuit_to_data"]


def circuit_to_data(circuit: Circuit) -> dict[str, Any]:
    """``circuit`` as lists and numbers (``unitary`` matrices as ``[re, im]`` pairs)."""
    ops: list[list[Any]] = []
    append = ops.append
    for name, qubits, params, clbits, condition in circuit:
        if not (params or clbits or condition):  # most operations: a gate and its qubits
            append([name, list(qubits)])
            continue
        values: list[Any] = (
            [[float(z.real), float(z.imag)] for z in map(complex, params)]
            if name == "unitary"
            else [float(p) for p in params]
        )
        entry: list[Any] = [name, list(qubits), values]
        if clbits or condition:
            entry.append(list(clbits))
        if condition:
            entry.append(list(condition))
        append(entry)
    data: dict[str, Any] = {
        "num_qubits": circuit.num_qubits,
        "num_clbits": circuit.num_clbits,
        "qregs": [list(r) for r in circuit.qregs],
        "cregs": [list(r) for r in circuit.cregs],
        "ops": ops,
    }
    if circuit.name:
        data["name"] = circuit.name
    if circuit.layout is not None:
        data["layout"] = circuit.layout.to_dict()
    return data


def circuit_from_data(data: Mapping[str, Any]) -> Circuit:
    """The circuit ``circuit_to_data`` wrote (operations re-checked as they are appended)."""
    circuit = Circuit(
        data["num_qubits"],
        data.get("num_clbits", 0),
        name=data.get("name"),
        qregs=[tuple(r) for r in data.get("qregs", [])] or None,
        cregs=[tuple(r) for r in data.get("cregs", [])] or None,
    )
    for entry in data["ops"]:
        name, qubits = entry[0], entry[1]
        params = entry[2] if len(entry) > 2 else []
        if name == "unitary":
            params = [complex(re, im) for re, im in params]
        clbits = entry[3] if len(entry) > 3 else ()
        condition = (str(entry[4][0]), int(entry[4][1])) if len(entry) > 4 else None
        circuit.append(name, qubits, params, clbits, condition)
    if "layout" in data:
        circuit.layout = Layout.from_dict(data["layout"])
    return circuit
