"""``GateBuilders``: one fluent method per library gate, ``c.rz(theta, qubit)``.

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

    def U(self, theta: float, phi: float, lam: float, qubit: int) -> "Circuit":
        """Append ``U``: OpenQASM 2's built-in single-qubit gate U(theta, phi, lam)."""
        return self.append("U", (qubit,), (theta, phi, lam))

    def CX(self, control: int, target: int) -> "Circuit":
        """Append ``CX``: OpenQASM 2's built-in controlled-NOT."""
        return self.append("CX", (control, target))

    def u3(self, theta: float, phi: float, lam: float, qubit: int) -> "Circuit":
        """Append ``u3``: the general single-qubit rotation U(theta, phi, lam)."""
        return self.append("u3", (qubit,), (theta, phi, lam))

    def u2(self, phi: float, lam: float, qubit: int) -> "Circuit":
        """Append ``u2``: U(pi/2, phi, lam)."""
        return self.append("u2", (qubit,), (phi, lam))

    def u1(self, lam: float, qubit: int) -> "Circuit":
        """Append ``u1``: a phase: diag(1, exp(i lam))."""
        return self.append("u1", (qubit,), (lam,))

    def u(self, theta: float, phi: float, lam: float, qubit: int) -> "Circuit":
        """Append ``u``: the general single-qubit rotation U(theta, phi, lam)."""
        return self.append("u", (qubit,), (theta, phi, lam))

    def p(self, lam: float, qubit: int) -> "Circuit":
        """Append ``p``: a phase: diag(1, exp(i lam))."""
        return self.append("p", (qubit,), (lam,))

    def u0(self, gamma: float, qubit: int) -> "Circuit":
        """Append ``u0``: an identity of duration ``gamma`` (the matrix is the identity)."""
        return self.append("u0", (qubit,), (gamma,))

    def id(self, qubit: int) -> "Circuit":
        """Append ``id``: the identity."""
        return self.append("id", (qubit,))

    def x(self, qubit: int) -> "Circuit":
        """Append ``x``: Pauli X."""
        return self.append("x", (qubit,))

    def y(self, qubit: int) -> "Circuit":
        """Append ``y``: Pauli Y."""
        return self.append("y", (qubit,))

    def z(self, qubit: int) -> "Circuit":
        """Append ``z``: Pauli Z."""
        return self.append("z", (qubit,))

    def h(self, qubit: int) -> "Circuit":
        """Append ``h``: Hadamard."""
        return self.append("h", (qubit,))

    def s(self, qubit: int) -> "Circuit":
        """Append ``s``: S = sqrt(Z)."""
        return self.append("s", (qubit,))

    def sdg(self, qubit: int) -> "Circuit":
        """Append ``sdg``: S-dagger."""
        return self.append("sdg", (qubit,))

    def t(self, qubit: int) -> "Circuit":
        """Append ``t``: T = sqrt(S)."""
        return self.append("t", (qubit,))

    def tdg(self, qubit: int) -> "Circuit":
        """Append ``tdg``: T-dagger."""
        return self.append("tdg", (qubit,))

    def sx(self, qubit: int) -> "Circuit":
        """Append ``sx``: sqrt(X)."""
        return self.append("sx", (qubit,))

    def sxdg(self, qubit: int) -> "Circuit":
        """Append ``sxdg``: sqrt(X)-dagger."""
        return self.append("sxdg", (qubit,))

    def rx(self, theta: float, qubit: int) -> "Circuit":
        """Append ``rx``: a rotation about X: exp(-i theta/2 X)."""
        return self.append("rx", (qubit,), (theta,))

    def ry(self, theta: float, qubit: int) -> "Circuit":
        """Append ``ry``: a rotation about Y: exp(-i theta/2 Y)."""
        return self.append("ry", (qubit,), (theta,))

    def rz(self, theta: float, qubit: int) -> "Circuit":
        """Append ``rz``: a rotation about Z: exp(-i theta/2 Z)."""
        return self.append("rz", (qubit,), (theta,))

    def cx(self, control: int, target: int) -> "Circuit":
        """Append ``cx``: controlled-NOT."""
        return self.append("cx", (control, target))

    def cy(self, control: int, target: int) -> "Circuit":
        """Append ``cy``: controlled-Y."""
        return self.append("cy", (control, target))

    def cz(self, control: int, target: int) -> "Circuit":
        """Append ``cz``: controlled-Z."""
        return self.append("cz", (control, target))

    def ch(self, control: int, target: int) -> "Circuit":
        """Append ``ch``: controlled-Hadamard."""
        return self.append("ch", (control, target))

    def csx(self, control: int, target: int) -> "Circuit":
        """Append ``csx``: controlled-sqrt(X)."""
        return self.append("csx", (control, target))

    def swap(self, qubit1: int, qubit2: int) -> "Circuit":
        """Append ``swap``: SWAP."""
        return self.append("swap", (qubit1, qubit2))

    def crx(self, theta: float, control: int, target: int) -> "Circuit":
        """Append ``crx``: controlled rotation about X."""
        return self.append("crx", (control, target), (theta,))

    def cry(self, theta: float, control: int, target: int) -> "Circuit":
        """Append ``cry``: controlled rotation about Y."""
        return self.append("cry", (control, target), (theta,))

    def crz(self, theta: float, control: int, target: int) -> "Circuit":
        """Append ``crz``: controlled rotation about Z."""
        return self.append("crz", (control, target), (theta,))

    def cu1(self, lam: float, control: int, target: int) -> "Circuit":
        """Append ``cu1``: controlled phase."""
        return self.append("cu1", (control, target), (lam,))

    def cp(self, lam: float, control: int, target: int) -> "Circuit":
        """Append ``cp``: controlled phase."""
        return self.append("cp", (control, target), (lam,))

    def cu3(self, theta: float, phi: float, lam: float, control: int, target: int) -> "Circuit":
        """Append ``cu3``: controlled U(theta, phi, lam)."""
        return self.append("cu3", (control, target), (theta, phi, lam))

    def cu(
        self, theta: float, phi: float, lam: float, gamma: float, control: int, target: int
    ) -> "Circuit":
        """Append ``cu``: controlled exp(i gamma) U(theta, phi, lam)."""
        return self.append("cu", (control, target), (theta, phi, lam, gamma))

    def rxx(self, theta: float, qubit1: int, qubit2: int) -> "Circuit":
        """Append ``rxx``: exp(-i theta/2 X X)."""
        return self.append("rxx", (qubit1, qubit2), (theta,))

    def rzz(self, theta: float, qubit1: int, qubit2: int) -> "Circuit":
        """Append ``rzz``: exp(-i theta/2 Z Z)."""
        return self.append("rzz", (qubit1, qubit2), (theta,))

    def ccx(self, control1: int, control2: int, target: int) -> "Circuit":
        """Append ``ccx``: Toffoli (doubly controlled NOT)."""
        return self.append("ccx", (control1, control2, target))

    def cswap(self, control: int, target1: int, target2: int) -> "Circuit":
        """Append ``cswap``: Fredkin (controlled SWAP)."""
        return self.append("cswap", (control, target1, target2))

    def rccx(self, control1: int, control2: int, target: int) -> "Circuit":
        """Append ``rccx``: the relative-phase Toffoli."""
        return self.append("rccx", (control1, control2, target))

    def rc3x(self, control1: int, control2: int, control3: int, target: int) -> "Circuit":
        """Append ``rc3x``: the relative-phase triply controlled NOT."""
        return self.append("rc3x", (control1, control2, control3, target))

    def c3x(self, control1: int, control2: int, control3: int, target: int) -> "Circuit":
        """Append ``c3x``: the triply controlled NOT."""
        return self.append("c3x", (control1, control2, control3, target))

    def c3sqrtx(self, control1: int, control2: int, control3: int, target: int) -> "Circuit":
        """Append ``c3sqrtx``: the triply controlled sqrt(X)."""
        return self.append("c3sqrtx", (control1, control2, control3, target))

    def c4x(
        self, control1: int, control2: int, control3: int, control4: int, target: int
    ) -> "Circuit":
        """Append ``c4x``: the four-times controlled NOT."""
        return self.append("c4x", (control1, control2, control3, control4, target))

    def ryy(self, theta: float, qubit1: int, qubit2: int) -> "Circuit":
        """Append ``ryy``: exp(-i theta/2 Y Y)."""
        return self.append("ryy", (qubit1, qubit2), (theta,))

    def rzx(self, theta: float, qubit1: int, qubit2: int) -> "Circuit":
        """Append ``rzx``: exp(-i theta/2 Z X) (Z on ``qubit1``, X on ``qubit2``)."""
        return self.append("rzx", (qubit1, qubit2), (theta,))

    def iswap(self, qubit1: int, qubit2: int) -> "Circuit":
        """Append ``iswap``: iSWAP."""
        return self.append("iswap", (qubit1, qubit2))

    def ecr(self, qubit1: int, qubit2: int) -> "Circuit":
        """Append ``ecr``: the echoed cross-resonance gate."""
        return self.append("ecr", (qubit1, qubit2))

    def prx(self, theta: float, phi: float, qubit: int) -> "Circuit":
        """Append ``prx``: a rotation by ``theta`` about the axis cos(phi) X + sin(phi) Y."""
        return self.append("prx", (qubit,), (theta, phi))

    def gpi(self, phi: float, qubit: int) -> "Circuit":
        """Append ``gpi``: the trapped-ion GPi gate."""
        return self.append("gpi", (qubit,), (phi,))

    def gpi2(self, phi: float, qubit: int) -> "Circuit":
        """Append ``gpi2``: the trapped-ion GPi2 gate (prx with theta = pi/2)."""
        return self.append("gpi2", (qubit,), (phi,))

    def ms(self, phi0: float, phi1: float, theta: float, qubit1: int, qubit2: int) -> "Circuit":
        """Append ``ms``: the Molmer-Sorensen gate exp(-i theta/2 P(phi0) P(phi1))."""
        return self.append("ms", (qubit1, qubit2), (phi0, phi1, theta))
