"""The optimizer kernel (``qloom_kernels.OptCircuit`` through ``qloom_optimizers.kernel``)
reproduces the Python passes it replaced (``support.optimizer_oracle``) operation for
operation, parameters compared by ``repr`` (bit for bit, signed zeros apart)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qloom import Backend, Circuit, PassContext
from qloom.testing import check_pass, circuits
from qloom_optimizers.cancellation import cancel_gates
from qloom_optimizers.fusion import fuse_single_qubit_runs
from qloom_optimizers.optimize import Optimize
from qloom_optimizers.removal import remove_identities
from support import optimizer_oracle as oracle
from support import require_distribution
from support.topologies import directed, grid, heavy_hex, line

N = 5
PI = math.pi
# Angles that cancel, merge to a period, or merge to something new.
ANGLES = [0.0, -0.0, 0.3, -0.3, PI / 2, -PI / 2, PI, 2 * PI, -2 * PI, 4 * PI, 1e-13, 1.25]
FIXED_1Q = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "sxdg", "id"]
ROTATIONS_1Q = ["rz", "rx", "ry", "p", "u1"]
FIXED_2Q = ["cx", "cz", "swap", "cy", "ch", "ecr", "iswap"]
ROTATIONS_2Q = ["rzz", "rxx", "ryy", "rzx", "cp", "cu1", "crz", "crx", "cry"]
NATIVES = [frozenset({"cz", "rz", "sx", "x"}), frozenset({"cx", "u"}), None]
EXAMPLES = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@st.composite
def busy_circuits(draw: st.DrawFn) -> Circuit:
    """Circuits on few qubits with many gate kinds, so that gates meet their inverses and
    rotations their twins across commuting chains, with directives and conditions between."""
    circuit = Circuit(N, 2)
    qubit = st.integers(0, N - 1)
    angle = st.sampled_from(ANGLES)
    for _ in range(draw(st.integers(1, 60))):
        choice = draw(st.integers(0, 13))
        if choice <= 3:
            circuit.append(draw(st.sampled_from(FIXED_1Q)), [draw(qubit)])
        elif choice <= 6:
            circuit.append(draw(st.sampled_from(ROTATIONS_1Q)), [draw(qubit)], [draw(angle)])
        elif choice <= 8:
            pair = draw(st.lists(qubit, min_size=2, max_size=2, unique=True))
            circuit.append(draw(st.sampled_from(FIXED_2Q)), pair)
        elif choice <= 10:
            pair = draw(st.lists(qubit, min_size=2, max_size=2, unique=True))
            circuit.append(draw(st.sampled_from(ROTATIONS_2Q)), pair, [draw(angle)])
        elif choice == 11:
            three = draw(st.lists(qubit, min_size=3, max_size=3, unique=True))
            name = draw(st.sampled_from(["ccx", "cswap", "c4x", "u", "unitary"]))
            if name == "c4x":
                circuit.append(name, draw(st.permutations(range(N))))
            elif name == "u":
                circuit.append(name, three[:1], [draw(angle) for _ in range(3)])
            elif name == "unitary":
                theta = draw(angle)
                diagonal = np.diag([1, np.exp(1j * theta), np.exp(1j * theta), 1])
                circuit.unitary(diagonal, three[:2])
            else:
                circuit.append(name, three)
        elif choice == 12:
            what = draw(st.sampled_from(["measure", "reset", "barrier", "barrier_all"]))
            q = draw(qubit)
            if what == "measure":
                circuit.append("measure", [q], clbits=[draw(st.integers(0, 1))])
            elif what == "reset":
                circuit.append("reset", [q])
            elif what == "barrier":
                circuit.append(
                    "barrier", draw(st.lists(qubit, min_size=1, max_size=3, unique=True))
                )
            else:
                circuit.append("barrier", [])
        else:
            name = draw(st.sampled_from(["x", "rz", "h"]))
            params = [draw(angle)] if name == "rz" else []
            circuit.append(name, [draw(qubit)], params, condition=("c", 1))
    return circuit


def exact(circuit: Circuit) -> list[tuple[Any, ...]]:
    return [(op.name, op.qubits, repr(op.params), op.clbits, op.condition) for op in circuit]


@EXAMPLES
@given(circuit=busy_circuits(), lookback=st.sampled_from([0, 1, 2, 3, 24]))
def test_cancel_is_the_oracle(circuit, lookback):
    assert exact(cancel_gates(circuit, lookback)) == exact(oracle.cancel_gates(circuit, lookback))


@EXAMPLES
@given(circuit=busy_circuits())
def test_remove_identities_is_the_oracle(circuit):
    assert exact(remove_identities(circuit)) == exact(oracle.remove_identities(circuit))


@EXAMPLES
@given(circuit=busy_circuits(), natives=st.sampled_from(NATIVES))
def test_fuse_is_the_oracle(circuit, natives):
    expected = exact(oracle.fuse_single_qubit_runs(circuit, natives))
    assert exact(fuse_single_qubit_runs(circuit, natives)) == expected


@settings(EXAMPLES, max_examples=60)
@given(
    circuit=busy_circuits(),
    natives=st.sampled_from(NATIVES[:2]),
    resynthesize=st.booleans(),
    lookback=st.sampled_from([2, 24]),
)
def test_optimize_is_the_oracle(circuit, natives, resynthesize, lookback):
    backend = Backend("all", N, natives=sorted(natives | {"swap", "ccx", "cswap", "c4x"}))
    passed = Optimize(resynthesize=resynthesize, lookback=lookback)
    got = passed(circuit, PassContext(backend=backend, seed=1))
    expected = oracle.optimize(circuit, backend, resynthesize=resynthesize, lookback=lookback)
    assert exact(got) == exact(expected)


def test_a_merged_rotation_still_commutes_exactly():
    # rx(0.3) rx(0.4) merge into rx(0.7), a kind the kernel makes; the cx must then be
    # checked against rx(0.7) (commutes on the target), so the later rx(-0.7) cancels it.
    circuit = Circuit(2).rx(0.3, 1).rx(0.4, 1).cz(0, 1).rx(-0.7, 1)
    assert exact(cancel_gates(circuit)) == exact(oracle.cancel_gates(circuit))
    cx_between = Circuit(2).rx(0.3, 1).rx(0.4, 1).cx(0, 1).rx(-0.7, 1)
    assert [op.name for op in cancel_gates(cx_between)] == ["cx"]


def devices_for(natives: list[str]) -> list[Backend]:
    """Line, grid, heavy-hex and directed devices with ``natives``."""
    return [
        Backend("line5", 5, line(5), natives),
        Backend("grid2x3", 6, grid(2, 3), natives),
        Backend("heavyhex12", 12, heavy_hex(1, 1), natives),
        Backend("directed-grid2x3", 6, directed(grid(2, 3), seed=2), natives),
    ]


@pytest.mark.parametrize("level", ["O1", "O3"])
@pytest.mark.parametrize("natives", [["cz", "rz", "sx", "x"], ["cx", "u"]], ids=str)
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(circuit=circuits(max_qubits=5, max_ops=25, max_unitary_qubits=2))
def test_levels_with_the_kernel_pass_check_pass_on_every_topology(level, natives, circuit):
    require_distribution("qloom-levels")
    check_pass(level, devices_for(natives), [circuit], seed=5)


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(circuit=circuits(max_qubits=5, max_ops=25, max_unitary_qubits=2))
def test_each_kernel_pass_after_routing_passes_check_pass(circuit):
    passes = ["optimizers:remove_identities", "optimizers:cancel", "optimizers:fuse_1q"]
    spec = {
        "name": "kernel",
        "passes": ["unrollers:decompose", "routers:sabre", "unrollers:basis", *passes],
    }
    check_pass(spec, devices_for(["cz", "rz", "sx", "x"]), [circuit], seed=7)
