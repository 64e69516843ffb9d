"""The source of ``qloom/builders.py``: one explicit method per library gate.

The builders are written out as plain ``def``s (not attached at import) so that ``help()``,
IDEs, mypy and the API reference all see ``rz(theta, qubit)``. This module names each gate's
parameters and qubits and renders the file; ``tests/core/test_builders.py`` fails when the
file differs from what ``GATES`` needs. Regenerate with::

    python tests/support/builder_source.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from qloom.gates import GATES, Gate

TARGET = Path(__file__).resolve().parents[2] / "core" / "src" / "qloom" / "builders.py"

PARAMS: dict[str, tuple[str, ...]] = {
    **{n: ("theta", "phi", "lam") for n in ("U", "u3", "u", "cu3")},
    "u2": ("phi", "lam"),
    **{n: ("lam",) for n in ("u1", "p", "cu1", "cp")},
    "u0": ("gamma",),
    **{n: ("theta",) for n in ("rx", "ry", "rz", "crx", "cry", "crz", "rxx", "ryy", "rzz")},
    "rzx": ("theta",),
    "cu": ("theta", "phi", "lam", "gamma"),
    "prx": ("theta", "phi"),
    "gpi": ("phi",),
    "gpi2": ("phi",),
    "ms": ("phi0", "phi1", "theta"),
}
"""Parameter names of every parametrised gate, in ``GATES`` order (textbook names)."""

CONTROLS: dict[str, int] = {
    **{n: 1 for n in ("CX", "cx", "cy", "cz", "ch", "csx", "crx", "cry", "crz")},
    **{n: 1 for n in ("cu1", "cp", "cu3", "cu", "cswap")},
    "ccx": 2,
    "rccx": 2,
    **{n: 3 for n in ("c3x", "rc3x", "c3sqrtx")},
    "c4x": 4,
}
"""Gates whose leading qubits are controls, and how many."""

SUMMARY: dict[str, str] = {
    "U": "OpenQASM 2's built-in single-qubit gate U(theta, phi, lam)",
    "CX": "OpenQASM 2's built-in controlled-NOT",
    "u3": "the general single-qubit rotation U(theta, phi, lam)",
    "u2": "U(pi/2, phi, lam)",
    "u1": "a phase: diag(1, exp(i lam))",
    "u": "the general single-qubit rotation U(theta, phi, lam)",
    "p": "a phase: diag(1, exp(i lam))",
    "u0": "an identity of duration ``gamma`` (the matrix is the identity)",
    "id": "the identity",
    "x": "Pauli X",
    "y": "Pauli Y",
    "z": "Pauli Z",
    "h": "Hadamard",
    "s": "S = sqrt(Z)",
    "sdg": "S-dagger",
    "t": "T = sqrt(S)",
    "tdg": "T-dagger",
    "sx": "sqrt(X)",
    "sxdg": "sqrt(X)-dagger",
    "rx": "a rotation about X: exp(-i theta/2 X)",
    "ry": "a rotation about Y: exp(-i theta/2 Y)",
    "rz": "a rotation about Z: exp(-i theta/2 Z)",
    "cx": "controlled-NOT",
    "cy": "controlled-Y",
    "cz": "controlled-Z",
    "ch": "controlled-Hadamard",
    "csx": "controlled-sqrt(X)",
    "swap": "SWAP",
    "crx": "controlled rotation about X",
    "cry": "controlled rotation about Y",
    "crz": "controlled rotation about Z",
    "cu1": "controlled phase",
    "cp": "controlled phase",
    "cu3": "controlled U(theta, phi, lam)",
    "cu": "controlled exp(i gamma) U(theta, phi, lam)",
    "rxx": "exp(-i theta/2 X X)",
    "rzz": "exp(-i theta/2 Z Z)",
    "ccx": "Toffoli (doubly controlled NOT)",
    "cswap": "Fredkin (controlled SWAP)",
    "rccx": "the relative-phase Toffoli",
    "rc3x": "the relative-phase triply controlled NOT",
    "c3x": "the triply controlled NOT",
    "c3sqrtx": "the triply controlled sqrt(X)",
    "c4x": "the four-times controlled NOT",
    "ryy": "exp(-i theta/2 Y Y)",
    "rzx": "exp(-i theta/2 Z X) (Z on ``qubit1``, X on ``qubit2``)",
    "iswap": "iSWAP",
    "ecr": "the echoed cross-resonance gate",
    "prx": "a rotation by ``theta`` about the axis cos(phi) X + sin(phi) Y",
    "gpi": "the trapped-ion GPi gate",
    "gpi2": "the trapped-ion GPi2 gate (prx with theta = pi/2)",
    "ms": "the Molmer-Sorensen gate exp(-i theta/2 P(phi0) P(phi1))",
}
"""One line per gate for the builder's docstring."""


def builder_gates() -> list[Gate]:
    """The gates that get a builder: every unitary gate of fixed arity (not ``unitary``)."""
    return [g for g in GATES.values() if g.is_unitary and g.num_qubits is not None]


def qubit_names(gate: Gate) -> tuple[str, ...]:
    """``qubit``; ``qubit1, qubit2``; or ``control[1..]`` then ``target``/``target1, 2``."""
    n = gate.num_qubits or 0
    controls = CONTROLS.get(gate.name, 0)
    if controls:
        lead = ("control",) if controls == 1 else tuple(f"control{i + 1}" for i in range(controls))
        rest = n - controls
        tail = ("target",) if rest == 1 else tuple(f"target{i + 1}" for i in range(rest))
        return lead + tail
    return ("qubit",) if n == 1 else tuple(f"qubit{i + 1}" for i in range(n))


def param_names(gate: Gate) -> tuple[str, ...]:
    """The gate's parameter names (``PARAMS``), checked against its parameter count."""
    names = PARAMS.get(gate.name, ())
    if len(names) != (gate.num_params or 0):
        raise ValueError(f"name the {gate.num_params} parameters of '{gate.name}' in PARAMS")
    return names


def _method(gate: Gate) -> str:
    params, qubits = param_names(gate), qubit_names(gate)
    if gate.name not in SUMMARY:
        raise ValueError(f"describe '{gate.name}' in SUMMARY")
    args = ", ".join([f"{p}: float" for p in params] + [f"{q}: int" for q in qubits])
    qs = ", ".join(qubits) + ("," if len(qubits) == 1 else "")
    ps = ", ".join(params) + ("," if len(params) == 1 else "")
    call = f'"{gate.name}", ({qs})' + (f", ({ps})" if params else "")
    head = f"    def {gate.name}(self, {args}) -> \"Circuit\":\n"
    if len(head) > 101:  # wrapped as ruff format would
        head = f"    def {gate.name}(\n        self, {args}\n    ) -> \"Circuit\":\n"
    return (
        head + f'        """Append ``{gate.name}``: {SUMMARY[gate.name]}."""\n'
        f"        return self.append({call})\n"
    )


HEADER = '''"""``GateBuilders``: one fluent method per library gate, ``c.rz(theta, qubit)``.

Generated from ``qloom.gates.GATES`` by ``tests/support/builder_source.py`` (a test fails
when they differ); edit that script, not this file. Parameters come first, then qubits
(controls first), as in OpenQASM 2. Each method appends through ``Circuit.append``, so its
arguments are checked like any other operation, and returns the circuit for chaining.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qloom.circuit import Circuit

__all__ = ["GateBuilders"]


class GateBuilders:
    """The gate builders ``Circuit`` inherits: ``Circuit(2).h(0).cx(0, 1).rz(0.5, 1)``."""

    __slots__ = ()

    if TYPE_CHECKING:

        def append(
            self, name: str, qubits: Sequence[int], params: Sequence[Any] = ()
        ) -> "Circuit": ...
'''


def render() -> str:
    """The full text of ``qloom/builders.py``."""
    return HEADER + "".join("\n" + _method(g) for g in builder_gates())


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
