"""Exact statevectors: every library gate, fusion widths, wide circuits and conventions."""

from __future__ import annotations

import itertools
import math
import zlib

import numpy as np
import pytest

from qloom import Circuit, QloomError
from qloom.gates import GATES, gate_matrix, matrix_of_sequence
from qloom_sim_numpy import probabilities, statevector, unitary

FIXED = [g for g in GATES.values() if g.is_unitary and g.num_qubits is not None]


def random_unitary(k: int, rng: np.random.Generator) -> np.ndarray:
    z = rng.normal(size=(1 << k, 1 << k)) + 1j * rng.normal(size=(1 << k, 1 << k))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


@pytest.mark.parametrize("gate", FIXED, ids=lambda g: g.name)
def test_every_library_gate_matches_its_matrix_on_random_states(gate, apply_reference, make_state):
    rng = np.random.default_rng(zlib.crc32(gate.name.encode()))
    n = gate.num_qubits + 2
    for _ in range(3):
        qubits = [int(q) for q in rng.permutation(n)[: gate.num_qubits]]
        params = rng.uniform(-2 * math.pi, 2 * math.pi, gate.num_params).tolist()
        psi = make_state(n, rng)
        c = Circuit(n).append(gate.name, qubits, params)
        want = apply_reference(psi, gate_matrix(gate.name, params), qubits, n)
        assert np.allclose(statevector(c, initial=psi), want, atol=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_unitary_gates_of_any_size(k, apply_reference, make_state):
    rng = np.random.default_rng(k)
    n = k + 3
    matrix = random_unitary(k, rng)
    qubits = [int(q) for q in rng.permutation(n)[:k]]
    psi = make_state(n, rng)
    c = Circuit(n).unitary(matrix, qubits)
    assert np.allclose(statevector(c, initial=psi), apply_reference(psi, matrix, qubits, n))


def test_qubit_zero_is_the_most_significant_bit():
    assert np.allclose(statevector(Circuit(2).x(0)), [0, 0, 1, 0])
    assert np.allclose(statevector(Circuit(3).x(2)), np.eye(8)[1])
    assert np.allclose(probabilities(Circuit(2).x(0)), [0, 0, 1, 0])
    for name in ("cx", "ccx", "iswap", "ecr", "rc3x"):
        gate = GATES[name]
        c = Circuit(gate.num_qubits).append(name, range(gate.num_qubits))
        assert np.allclose(unitary(c), gate_matrix(name))


def test_unitary_of_a_circuit_with_swaps_is_the_matrix_product():
    c = Circuit(3).h(0).swap(0, 2).cx(2, 1).swap(1, 0).rz(0.3, 1)
    ops = [(gate_matrix(op.name, op.params), op.qubits) for op in c]
    assert np.allclose(unitary(c), matrix_of_sequence(3, ops))


def random_circuit(n: int, count: int, rng: np.random.Generator) -> Circuit:
    names = [g for g in FIXED if g.num_qubits <= n]
    c = Circuit(n)
    for _ in range(count):
        if rng.random() < 0.05:
            k = int(rng.integers(1, min(n, 3) + 1))
            c.unitary(random_unitary(k, rng), [int(q) for q in rng.permutation(n)[:k]])
            continue
        gate = names[rng.integers(len(names))]
        qubits = [int(q) for q in rng.permutation(n)[: gate.num_qubits]]
        c.append(gate.name, qubits, rng.uniform(-4, 4, gate.num_params).tolist())
    return c


@pytest.mark.parametrize("n", [7, 9, 12])
@pytest.mark.parametrize("fusion", [1, 2, 3, 5])
def test_wide_random_circuits_for_every_fusion_width(n, fusion, reference, make_state):
    """Wide enough to move axes, pad spans, use kron blocks and split diagonal tiles."""
    rng = np.random.default_rng(n * 10 + fusion)
    c = random_circuit(n, 80, rng)
    psi = make_state(n, rng)
    got = statevector(c, initial=psi, fusion=fusion)
    assert np.allclose(got, reference(c, psi), atol=1e-10)


def test_diagonal_runs_on_high_and_low_qubits(reference, make_state):
    """Long runs of diagonal gates fuse into phase tiles and slices."""
    n = 10
    rng = np.random.default_rng(3)
    c = Circuit(n)
    for j, k in itertools.combinations(range(n), 2):
        c.cp(rng.uniform(-3, 3), j, k)
        c.rzz(rng.uniform(-3, 3), k, j)
    for q in range(n):
        c.rz(rng.uniform(-3, 3), q).t(q)
    c.crz(0.4, 9, 0).cu1(0.2, 0, 9)
    psi = make_state(n, rng)
    assert np.allclose(statevector(c, initial=psi), reference(c, psi), atol=1e-10)


def test_identities_and_barriers_are_no_ops():
    c = Circuit(3).h(1).id(0).u0(0.3, 2).rz(0.0, 1).barrier().p(0.0, 2)
    assert np.allclose(statevector(c), statevector(Circuit(3).h(1)))


def test_final_measurements_are_ignored_by_statevector():
    c = Circuit(2).h(0).cx(0, 1)
    c.measure_all()
    assert np.allclose(statevector(c), [2**-0.5, 0, 0, 2**-0.5])


def test_reset_of_a_fresh_qubit_keeps_a_pure_state_but_an_uncertain_one_is_refused():
    assert np.allclose(statevector(Circuit(2).reset(1).x(0)), [0, 0, 1, 0])
    with pytest.raises(QloomError, match="uncertain outcome"):
        statevector(Circuit(1).h(0).reset(0))
    with pytest.raises(QloomError, match="no unitary"):
        unitary(Circuit(1).reset(0))


def test_initial_state_of_the_wrong_size_is_refused():
    with pytest.raises(QloomError, match="expected 8"):
        statevector(Circuit(3), initial=np.ones(4))


def test_zero_qubit_circuit():
    assert np.allclose(statevector(Circuit(0)), [1])
