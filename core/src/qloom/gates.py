"""The standard gate library: one source of truth for names, arities and matrices.

Matrix convention: for an operation on qubits ``(a, b, ...)`` the first qubit is the most
significant bit of the matrix index (textbook order), so ``cx`` on ``(control, target)`` is
``[[1,0,0,0],[0,1,0,0],[0,0,0,1],[0,0,1,0]]``. Simulators and synthesis read matrices from
here and nowhere else.

The library covers OpenQASM 2's ``qelib1.inc`` plus ``rzz``, ``ryy``, ``rzx``, ``iswap``,
``ecr``, the native gates of trapped-ion and IQM-like devices (``gpi``, ``gpi2``, ``ms``,
``prx``; angles in radians) and ``unitary`` (an explicit matrix, stored flattened in the
operation's params).
``measure``, ``reset`` and ``barrier`` are directives: they have no matrix.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import numpy as np

from qloom.errors import GateError

__all__ = [
    "DIRECTIVES",
    "apply_matrix",
    "GATES",
    "Gate",
    "gate_matrix",
    "matrix_of_sequence",
    "unitary_params",
]

MatrixFn = Callable[..., np.ndarray]

_SQ2 = 1 / math.sqrt(2)


@dataclass(frozen=True, slots=True)
class Gate:
    """A named gate kind.

    Attributes:
        name: the gate's name, as written in OpenQASM 2.
        num_qubits: qubits it acts on; ``None`` when variadic (``barrier``, ``unitary``).
        num_params: real parameters it takes; ``None`` when variadic (``unitary``).
        matrix_fn: builds the matrix from the parameters; ``None`` for directives.
    """

    name: str
    num_qubits: int | None
    num_params: int | None
    matrix_fn: MatrixFn | None = None

    @property
    def is_unitary(self) -> bool:
        """True for gates with a matrix, False for directives (measure, reset, barrier)."""
        return self.matrix_fn is not None

    def matrix(self, *params: complex) -> np.ndarray:
        """The gate's unitary matrix for the given parameters."""
        if self.matrix_fn is None:
            raise GateError(f"'{self.name}' is a directive and has no matrix")
        return self.matrix_fn(*params)


def _u3(theta: float, phi: float, lam: float) -> np.ndarray:
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array(
        [
            [c, -cmath.exp(1j * lam) * s],
            [cmath.exp(1j * phi) * s, cmath.exp(1j * (phi + lam)) * c],
        ],
        dtype=complex,
    )


def _phase(lam: float) -> np.ndarray:
    return np.array([[1, 0], [0, cmath.exp(1j * lam)]], dtype=complex)


def _rx(theta: float) -> np.ndarray:
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array([[c, -1j * s], [-1j * s, c]], dtype=complex)


def _ry(theta: float) -> np.ndarray:
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def _rz(theta: float) -> np.ndarray:
    return np.array([[cmath.exp(-0.5j * theta), 0], [0, cmath.exp(0.5j * theta)]], dtype=complex)


def _prx(theta: float, phi: float) -> np.ndarray:
    """exp(-i theta/2 (cos(phi) X + sin(phi) Y)): a rotation about an axis in the XY plane."""
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array(
        [[c, -1j * cmath.exp(-1j * phi) * s], [-1j * cmath.exp(1j * phi) * s, c]], dtype=complex
    )


def _gpi(phi: float) -> np.ndarray:
    return np.array([[0, cmath.exp(-1j * phi)], [cmath.exp(1j * phi), 0]], dtype=complex)


def _ms(phi0: float, phi1: float, theta: float) -> np.ndarray:
    """Molmer-Sorensen: exp(-i theta/2 P(phi0) P(phi1)), P(phi) = cos(phi) X + sin(phi) Y."""
    pauli = np.kron(_gpi(phi0), _gpi(phi1))
    return math.cos(theta / 2) * np.eye(4) - 1j * math.sin(theta / 2) * pauli


def _const(matrix: np.ndarray | Sequence[Sequence[complex]]) -> MatrixFn:
    frozen = np.array(matrix, dtype=complex)
    frozen.setflags(write=False)
    return lambda: frozen


def _controlled(base: np.ndarray, controls: int = 1) -> np.ndarray:
    """The matrix of ``base`` controlled on ``controls`` leading qubits (all |1>)."""
    dim = base.shape[0] << controls
    out = np.eye(dim, dtype=complex)
    out[dim - base.shape[0] :, dim - base.shape[0] :] = base
    return out


def _pauli_rotation(pauli: np.ndarray) -> MatrixFn:
    """exp(-i theta/2 P) for a Pauli string matrix P (P squared is the identity)."""

    def build(theta: float) -> np.ndarray:
        return math.cos(theta / 2) * np.eye(pauli.shape[0]) - 1j * math.sin(theta / 2) * pauli

    return build


_I = np.eye(2, dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.array([[1, 0], [0, -1]], dtype=complex)
_H = np.array([[1, 1], [1, -1]], dtype=complex) * _SQ2
_SX = 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]], dtype=complex)


def apply_matrix(
    state: np.ndarray, matrix: np.ndarray, qubits: Sequence[int], num_qubits: int
) -> np.ndarray:
    """Apply ``matrix`` on ``qubits`` to a state or operator whose first axis has 2**n rows.

    Qubit 0 is the most significant bit of the row index, matching the matrix convention.
    Used to compose small gate definitions here and by ``qloom.testing``.
    """
    k = len(qubits)
    rest = state.shape[1:]
    tensor = state.reshape((2,) * num_qubits + rest)
    gate = matrix.reshape((2,) * (2 * k))
    moved = np.tensordot(gate, tensor, axes=(list(range(k, 2 * k)), list(qubits)))
    moved = np.moveaxis(moved, list(range(k)), list(qubits))
    return moved.reshape(state.shape)


def matrix_of_sequence(
    num_qubits: int, ops: Iterable[tuple[np.ndarray, Sequence[int]]]
) -> np.ndarray:
    """The unitary of a sequence of ``(matrix, qubits)`` applied in order."""
    out = np.eye(1 << num_qubits, dtype=complex)
    for matrix, qubits in ops:
        out = apply_matrix(out, matrix, qubits, num_qubits)
    return out


@cache
def _rccx() -> np.ndarray:
    h, t, tdg, cx = _H, _phase(math.pi / 4), _phase(-math.pi / 4), _GATE_CX
    seq = [(h, [2]), (t, [2]), (cx, [1, 2]), (tdg, [2]), (cx, [0, 2]), (t, [2])]
    seq += [(cx, [1, 2]), (tdg, [2]), (h, [2])]
    return matrix_of_sequence(3, seq)


@cache
def _rc3x() -> np.ndarray:
    h, t, tdg, cx = _H, _phase(math.pi / 4), _phase(-math.pi / 4), _GATE_CX
    seq = [(h, [3]), (t, [3]), (cx, [2, 3]), (tdg, [3]), (h, [3]), (cx, [0, 3]), (t, [3])]
    seq += [(cx, [1, 3]), (tdg, [3]), (cx, [0, 3]), (t, [3]), (cx, [1, 3]), (tdg, [3])]
    seq += [(h, [3]), (t, [3]), (cx, [2, 3]), (tdg, [3]), (h, [3])]
    return matrix_of_sequence(4, seq)


@cache
def _ecr() -> np.ndarray:
    rzx = _pauli_rotation(np.kron(_Z, _X))
    return matrix_of_sequence(
        2, [(rzx(math.pi / 4), [0, 1]), (_X, [0]), (rzx(-math.pi / 4), [0, 1])]
    )


def _unitary(*flat: complex) -> np.ndarray:
    dim = math.isqrt(len(flat))
    if dim * dim != len(flat) or dim & (dim - 1) or dim < 2:
        raise GateError(f"unitary needs 4**k parameters, got {len(flat)}")
    return np.array(flat, dtype=complex).reshape(dim, dim)


def unitary_params(matrix: np.ndarray, atol: float = 1e-8) -> tuple[complex, ...]:
    """Flatten a unitary matrix into the params of a ``unitary`` operation, checking it."""
    m = np.asarray(matrix, dtype=complex)
    dim = m.shape[0]
    if m.ndim != 2 or m.shape[1] != dim or dim < 2 or dim & (dim - 1):
        raise GateError(f"a unitary must be a square 2**k matrix, got shape {m.shape}")
    if not np.allclose(m.conj().T @ m, np.eye(dim), atol=atol):
        raise GateError("the matrix given to 'unitary' is not unitary")
    return tuple(complex(v) for v in m.ravel())


_GATE_CX = _controlled(_X)

_DEFS: list[Gate] = [
    # OpenQASM 2 built-ins
    Gate("U", 1, 3, _u3),
    Gate("CX", 2, 0, _const(_GATE_CX)),
    # qelib1.inc
    Gate("u3", 1, 3, _u3),
    Gate("u2", 1, 2, lambda phi, lam: _u3(math.pi / 2, phi, lam)),
    Gate("u1", 1, 1, _phase),
    Gate("u", 1, 3, _u3),
    Gate("p", 1, 1, _phase),
    Gate("u0", 1, 1, lambda gamma: _I),
    Gate("id", 1, 0, _const(_I)),
    Gate("x", 1, 0, _const(_X)),
    Gate("y", 1, 0, _const(_Y)),
    Gate("z", 1, 0, _const(_Z)),
    Gate("h", 1, 0, _const(_H)),
    Gate("s", 1, 0, _const(_phase(math.pi / 2))),
    Gate("sdg", 1, 0, _const(_phase(-math.pi / 2))),
    Gate("t", 1, 0, _const(_phase(math.pi / 4))),
    Gate("tdg", 1, 0, _const(_phase(-math.pi / 4))),
    Gate("sx", 1, 0, _const(_SX)),
    Gate("sxdg", 1, 0, _const(_SX.conj().T)),
    Gate("rx", 1, 1, _rx),
    Gate("ry", 1, 1, _ry),
    Gate("rz", 1, 1, _rz),
    Gate("cx", 2, 0, _const(_GATE_CX)),
    Gate("cy", 2, 0, _const(_controlled(_Y))),
    Gate("cz", 2, 0, _const(_controlled(_Z))),
    Gate("ch", 2, 0, _const(_controlled(_H))),
    Gate("csx", 2, 0, _const(_controlled(_SX))),
    Gate("swap", 2, 0, _const([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])),
    Gate("crx", 2, 1, lambda t: _controlled(_rx(t))),
    Gate("cry", 2, 1, lambda t: _controlled(_ry(t))),
    Gate("crz", 2, 1, lambda t: _controlled(_rz(t))),
    Gate("cu1", 2, 1, lambda lam: _controlled(_phase(lam))),
    Gate("cp", 2, 1, lambda lam: _controlled(_phase(lam))),
    Gate("cu3", 2, 3, lambda t, p, lam: _controlled(_u3(t, p, lam))),
    Gate("cu", 2, 4, lambda t, p, lam, g: _controlled(cmath.exp(1j * g) * _u3(t, p, lam))),
    Gate("rxx", 2, 1, _pauli_rotation(np.kron(_X, _X))),
    Gate("rzz", 2, 1, _pauli_rotation(np.kron(_Z, _Z))),
    Gate("ccx", 3, 0, _const(_controlled(_X, 2))),
    Gate("cswap", 3, 0, _const(_controlled(np.eye(4)[[0, 2, 1, 3]], 1))),
    Gate("rccx", 3, 0, _rccx),
    Gate("rc3x", 4, 0, _rc3x),
    Gate("c3x", 4, 0, _const(_controlled(_X, 3))),
    Gate("c3sqrtx", 4, 0, _const(_controlled(_SX, 3))),
    Gate("c4x", 5, 0, _const(_controlled(_X, 4))),
    # beyond qelib1.inc
    Gate("ryy", 2, 1, _pauli_rotation(np.kron(_Y, _Y))),
    Gate("rzx", 2, 1, _pauli_rotation(np.kron(_Z, _X))),
    Gate("iswap", 2, 0, _const([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]])),
    Gate("ecr", 2, 0, _ecr),
    Gate("prx", 1, 2, _prx),
    Gate("gpi", 1, 1, _gpi),
    Gate("gpi2", 1, 1, lambda phi: _prx(math.pi / 2, phi)),
    Gate("ms", 2, 3, _ms),
    Gate("unitary", None, None, _unitary),
    # directives
    Gate("measure", 1, 0),
    Gate("reset", 1, 0),
    Gate("barrier", None, 0),
]

GATES: Mapping[str, Gate] = MappingProxyType({g.name: g for g in _DEFS})
"""Every gate qloom knows, by name."""

DIRECTIVES: frozenset[str] = frozenset(g.name for g in _DEFS if not g.is_unitary)
"""Names of the non-unitary operations: measure, reset, barrier."""


def gate_matrix(name: str, params: Sequence[complex] = ()) -> np.ndarray:
    """The matrix of gate ``name`` with ``params``.

    Raises:
        GateError: unknown gate, directive, or wrong number of parameters.
    """
    gate = GATES.get(name)
    if gate is None:
        raise GateError(f"unknown gate '{name}'")
    if gate.num_params is not None and len(params) != gate.num_params:
        raise GateError(f"'{name}' takes {gate.num_params} parameters, got {len(params)}")
    return gate.matrix(*params)
