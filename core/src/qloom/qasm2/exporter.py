"""``Circuit`` to OpenQASM 2 text that qloom, Qiskit and other tools read back exactly.

Parameters are written with ``repr(float)``, the shortest text that reads back as the same
float, so ``loads(dumps(c)) == c``. Library gates outside the original ``qelib1.inc`` get a
``gate`` definition in terms of its gates, written only when the circuit uses them; qloom
reads such a definition of a library gate as the library gate itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from qloom.circuit import Circuit, Register
from qloom.errors import CircuitError
from qloom.gates import GATES
from qloom.qasm2.parser import RESERVED

__all__ = ["GATE_DEFINITIONS", "QELIB1_GATES", "dumps"]

QELIB1_GATES: frozenset[str] = frozenset(
    {
        *("U", "CX", "u3", "u2", "u1", "cx", "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg"),
        *("rx", "ry", "rz", "cz", "cy", "ch", "ccx", "crz", "cu1", "cu3"),
    }
)
"""Gates every OpenQASM 2 reader knows: the built-ins and the original ``qelib1.inc`` of
the OpenQASM 2 paper, which is the one Qiskit 1.x/2.x's parser provides. Later additions
(``rzz``, ``sx``, ``swap``, ``p``, ...) are written with a definition so Qiskit reads them."""

GATE_DEFINITIONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "u": ("gate u(theta,phi,lambda) q { U(theta,phi,lambda) q; }", ()),
    "p": ("gate p(lambda) q { U(0,0,lambda) q; }", ()),
    "u0": ("gate u0(gamma) q { U(0,0,0) q; }", ()),
    "sx": ("gate sx a { sdg a; h a; sdg a; }", ()),
    "sxdg": ("gate sxdg a { s a; h a; s a; }", ()),
    "swap": ("gate swap a,b { cx a,b; cx b,a; cx a,b; }", ()),
    "cswap": ("gate cswap a,b,c { cx c,b; ccx a,b,c; cx c,b; }", ()),
    "crx": (
        "gate crx(lambda) a,b { u1(pi/2) b; cx a,b; u3(-lambda/2,0,0) b; cx a,b; "
        "u3(lambda/2,-pi/2,0) b; }",
        (),
    ),
    "cry": (
        "gate cry(lambda) a,b { u3(lambda/2,0,0) b; cx a,b; u3(-lambda/2,0,0) b; cx a,b; }",
        (),
    ),
    "cp": (
        "gate cp(lambda) a,b { u1(lambda/2) a; cx a,b; u1(-lambda/2) b; cx a,b; u1(lambda/2) b; }",
        (),
    ),
    "csx": ("gate csx a,b { h b; cu1(pi/2) a,b; h b; }", ()),
    "cu": (
        "gate cu(theta,phi,lambda,gamma) c,t { u1(gamma) c; u1((lambda+phi)/2) c; "
        "u1((lambda-phi)/2) t; cx c,t; u3(-theta/2,0,-(phi+lambda)/2) t; cx c,t; "
        "u3(theta/2,phi,0) t; }",
        (),
    ),
    "rxx": (
        "gate rxx(theta) a,b { u3(pi/2,theta,0) a; h b; cx a,b; u1(-theta) b; cx a,b; h b; "
        "u2(-pi,pi-theta) a; }",
        (),
    ),
    "rzz": ("gate rzz(theta) a,b { cx a,b; u1(theta) b; cx a,b; }", ()),
    "ryy": (
        "gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b; "
        "rx(-pi/2) a; rx(-pi/2) b; }",
        (),
    ),
    "rzx": ("gate rzx(theta) a,b { h b; cx a,b; rz(theta) b; cx a,b; h b; }", ()),
    "iswap": ("gate iswap a,b { s a; s b; h a; cx a,b; cx b,a; h b; }", ()),
    "ecr": ("gate ecr a,b { rzx(pi/4) a,b; x a; rzx(-pi/4) a,b; }", ("rzx",)),
    "prx": ("gate prx(theta,phi) a { U(theta,phi-pi/2,pi/2-phi) a; }", ()),
    "gpi": ("gate gpi(phi) a { U(pi,phi,pi-phi) a; }", ()),
    "gpi2": ("gate gpi2(phi) a { U(pi/2,phi-pi/2,pi/2-phi) a; }", ()),
    "ms": (
        "gate ms(phi0,phi1,theta) a,b { rz(-phi0) a; rz(-phi1) b; h a; h b; cx a,b; "
        "rz(theta) b; cx a,b; h a; h b; rz(phi0) a; rz(phi1) b; }",
        (),
    ),
    "rccx": (
        "gate rccx a,b,c { u2(0,pi) c; u1(pi/4) c; cx b,c; u1(-pi/4) c; cx a,c; u1(pi/4) c; "
        "cx b,c; u1(-pi/4) c; u2(0,pi) c; }",
        (),
    ),
    "rc3x": (
        "gate rc3x a,b,c,d { u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; "
        "cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; "
        "u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; }",
        (),
    ),
    "c3x": (
        "gate c3x a,b,c,d { h d; cu1(-pi/4) a,d; h d; cx a,b; h d; cu1(pi/4) b,d; h d; cx a,b; "
        "h d; cu1(-pi/4) b,d; h d; cx b,c; h d; cu1(pi/4) c,d; h d; cx a,c; h d; "
        "cu1(-pi/4) c,d; h d; cx b,c; h d; cu1(pi/4) c,d; h d; cx a,c; h d; cu1(-pi/4) c,d; "
        "h d; }",
        (),
    ),
    # The c3x pattern with the signs flipped and pi/8 (Qiskit's old qelib1.inc had the
    # signs of c3x, which gives the controlled inverse of sqrt(X)).
    "c3sqrtx": (
        "gate c3sqrtx a,b,c,d { h d; cu1(pi/8) a,d; h d; cx a,b; h d; cu1(-pi/8) b,d; h d; "
        "cx a,b; h d; cu1(pi/8) b,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d; cx a,c; h d; "
        "cu1(pi/8) c,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d; cx a,c; h d; cu1(pi/8) c,d; "
        "h d; }",
        (),
    ),
    # Sleator-Weinfurter: C4X = C(V) d,e; C3X; C(V^dagger) d,e; C3X; C3(V) with V = sqrt(X).
    "c4x": (
        "gate c4x a,b,c,d,e { h e; cu1(pi/2) d,e; h e; c3x a,b,c,d; h e; cu1(-pi/2) d,e; "
        "h e; c3x a,b,c,d; c3sqrtx a,b,c,e; }",
        ("c3x", "c3sqrtx"),
    ),
}
"""For each library gate outside ``QELIB1_GATES``: its ``gate`` statement, in terms of
``QELIB1_GATES`` and the definitions listed second (which are written first). Each is
checked against the library matrix by the tests."""

_NAME = re.compile(r"[a-z][A-Za-z0-9_]*\Z", re.ASCII)


def dumps(circuit: Circuit) -> str:
    """The circuit as an OpenQASM 2 program.

    Args:
        circuit: the circuit; its register names are kept.

    Returns:
        The program text, ending with a newline.

    Raises:
        CircuitError: a ``unitary`` operation (unroll or synthesize it first), a
            non-finite parameter, or register names OpenQASM 2 cannot express.
    """
    _check_registers(circuit.qregs, circuit.cregs)
    writer = _Writer(circuit)
    body = [writer.statement(*op) for op in circuit]
    head = ["OPENQASM 2.0;", 'include "qelib1.inc";', *_definitions(writer.used)]
    head += [f"qreg {r.name}[{r.size}];" for r in circuit.qregs if r.size]
    head += [f"creg {r.name}[{r.size}];" for r in circuit.cregs if r.size]
    return "\n".join(head + [line for line in body if line]) + "\n"


class _Writer:
    """Formats operations, remembering bit names, parameter texts and the gates used."""

    def __init__(self, circuit: Circuit) -> None:
        self.qubit_names = _bit_names(circuit.qregs)
        self.clbit_names = _bit_names(circuit.cregs)
        self.registers = [r for r in circuit.qregs if r.size]
        self.used: set[str] = set()
        self._params: dict[tuple[float, ...], str] = {}

    def statement(
        self,
        name: str,
        qubits: Sequence[int],
        params: Sequence[float],
        clbits: Sequence[int],
        condition: tuple[str, int] | None,
    ) -> str:
        """One operation as a statement; empty for a barrier on no qubits (a no-op)."""
        if name not in self.used:
            _check_gate(name)
            self.used.add(name)
        names = self.qubit_names
        if name == "measure":
            text = f"measure {names[qubits[0]]} -> {self.clbit_names[clbits[0]]};"
        elif name == "barrier":
            if not qubits:
                return ""
            text = f"barrier {self._barrier_args(qubits)};"
        elif params:
            text = f"{name}({self._param_text(params)}) {','.join([names[q] for q in qubits])};"
        else:
            text = f"{name} {','.join([names[q] for q in qubits])};"
        return text if condition is None else f"if({condition[0]}=={condition[1]}) {text}"

    def _param_text(self, params: Sequence[float]) -> str:
        # 0.0 and -0.0 are equal dictionary keys but print differently: not cached.
        key = tuple(params)
        text = self._params.get(key)
        if text is None:
            text = ",".join([_real(p) for p in params])
            if 0.0 not in key:
                self._params[key] = text
        return text

    def _barrier_args(self, qubits: Sequence[int]) -> str:
        """Qubits of the barrier, naming a whole register when it appears in full, in order."""
        parts: list[str] = []
        i = 0
        while i < len(qubits):
            reg = self._register_starting_at(qubits[i])
            if reg is not None and tuple(qubits[i : i + reg[1].size]) == reg[0]:
                parts.append(reg[1].name)
                i += reg[1].size
            else:
                parts.append(self.qubit_names[qubits[i]])
                i += 1
        return ",".join(parts)

    def _register_starting_at(self, qubit: int) -> tuple[tuple[int, ...], Register] | None:
        offset = 0
        for reg in self.registers:
            if offset == qubit:
                return tuple(range(offset, offset + reg.size)), reg
            offset += reg.size
        return None


def _real(value: float) -> str:
    number = float(value)
    if not math.isfinite(number):
        raise CircuitError(f"parameter {number!r} cannot be written in OpenQASM 2")
    return repr(number)


def _bit_names(registers: Iterable[Register]) -> list[str]:
    return [f"{r.name}[{i}]" for r in registers for i in range(r.size)]


def _check_gate(name: str) -> None:
    if name == "unitary":
        raise CircuitError(
            "a 'unitary' operation cannot be written in OpenQASM 2: unroll or synthesize it "
            "into library gates first"
        )
    if name not in QELIB1_GATES and name not in GATE_DEFINITIONS and name not in GATES:
        raise CircuitError(f"unknown gate '{name}'")
    if name not in QELIB1_GATES and name not in GATE_DEFINITIONS and GATES[name].is_unitary:
        raise CircuitError(f"gate '{name}' has no OpenQASM 2 definition in qloom's exporter")


def _check_registers(qregs: Sequence[Register], cregs: Sequence[Register]) -> None:
    seen: set[str] = set()
    for reg in (*qregs, *cregs):
        if not reg.size:
            continue
        if not _NAME.match(reg.name) or reg.name in RESERVED:
            raise CircuitError(
                f"register name '{reg.name}' is not valid in OpenQASM 2 (names are [a-z] "
                "followed by letters, digits or '_', and not a keyword)"
            )
        if reg.name in seen:
            raise CircuitError(
                f"two registers are named '{reg.name}'; OpenQASM 2 needs unique names"
            )
        seen.add(reg.name)


def _definitions(used: Iterable[str]) -> list[str]:
    """``gate`` statements for the used gates outside qelib1.inc, dependencies first."""
    out: list[str] = []

    def add(name: str) -> None:
        text, needs = GATE_DEFINITIONS[name]
        for dependency in needs:
            add(dependency)
        if text not in out:
            out.append(text)

    for name in sorted(used):
        if name in GATE_DEFINITIONS:
            add(name)
    return out
