"""The building blocks each native entangler provides: ``exp(i t ZZ)``, ``exp(i pi/4 XX)``, CX."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg

from qloom.gates import gate_matrix
from qloom_unrollers.synthesis.entanglers import (
    PARAMETRIC_NAMES,
    Entangler,
    canonical_cx_steps,
    cx_steps,
    merge_runs,
    zz_steps,
)

ORIENTATIONS = [(0, 1), (1, 0)]
_EXCHANGE = np.eye(4)[[0, 2, 1, 3]]
_ZZ = np.diag([1.0, -1.0, -1.0, 1.0])
_XX = np.kron(gate_matrix("x"), gate_matrix("x"))


def steps_matrix(steps) -> np.ndarray:
    out = np.eye(4, dtype=complex)
    for name, qubits, payload in steps:
        if name == "1q":
            m = np.kron(payload, np.eye(2)) if qubits == (0,) else np.kron(np.eye(2), payload)
        else:
            m = gate_matrix(name, payload)
            if qubits == (1, 0):
                m = _EXCHANGE @ m @ _EXCHANGE
        out = m @ out
    return out


def assert_same_up_to_phase(actual, expected, atol=1e-12):
    overlap = np.vdot(actual, expected)
    assert np.allclose(actual * overlap / abs(overlap), expected, rtol=0, atol=atol)


def entangling_gates(steps):
    return [(name, qubits) for name, qubits, _ in steps if name != "1q"]


@pytest.mark.parametrize("name", PARAMETRIC_NAMES)
@pytest.mark.parametrize("qubits", ORIENTATIONS)
@pytest.mark.parametrize("t", [0.3, -0.7, math.pi / 4, -math.pi / 4, 1e-3])
def test_every_parametric_family_makes_a_zz_rotation(name, qubits, t):
    steps = zz_steps(Entangler(name, qubits, True), t)
    assert entangling_gates(steps) == [(name, qubits)]
    assert_same_up_to_phase(steps_matrix(steps), scipy.linalg.expm(1j * t * _ZZ))


@pytest.mark.parametrize("name", ["cx", "CX", "cz", "cy", "ch", "ecr"])
@pytest.mark.parametrize("qubits", ORIENTATIONS)
def test_every_cx_like_gate_makes_the_canonical_point(name, qubits):
    steps = canonical_cx_steps(Entangler(name, qubits, False))
    assert entangling_gates(steps) == [(name, qubits)]
    assert_same_up_to_phase(steps_matrix(steps), scipy.linalg.expm(1j * math.pi / 4 * _XX))


@pytest.mark.parametrize(
    "entangler",
    [
        Entangler("ecr", (1, 0), False),
        Entangler("ms", (0, 1), True),
        Entangler("cx", (0, 1), False),
    ],
    ids=str,
)
def test_cx_in_both_directions_from_one_gate(entangler):
    forward = steps_matrix(cx_steps(entangler))
    assert_same_up_to_phase(forward, gate_matrix("cx"))
    backward = steps_matrix(cx_steps(entangler, 1, 0))
    assert_same_up_to_phase(backward, _EXCHANGE @ gate_matrix("cx") @ _EXCHANGE)


def test_merge_runs_multiplies_consecutive_one_qubit_steps():
    h, s = gate_matrix("h"), gate_matrix("s")
    steps = [("1q", (0,), h), ("1q", (0,), s), ("1q", (1,), h), ("cz", (0, 1), ()), ("1q", (1,), s)]
    merged = merge_runs(steps)
    assert [(name, qubits) for name, qubits, _ in merged] == [
        ("1q", (0,)),
        ("1q", (1,)),
        ("cz", (0, 1)),
        ("1q", (1,)),
    ]
    assert np.allclose(merged[0][2], s @ h)
    assert_same_up_to_phase(steps_matrix(merged), steps_matrix(steps))


def test_zz_steps_need_a_parametric_gate():
    from qloom_unrollers.synthesis import SynthesisError

    with pytest.raises(SynthesisError):
        zz_steps(Entangler("cx", (0, 1), False), 0.2)
