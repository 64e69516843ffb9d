"""``swap_cost_weight``: SABRE scoring swaps by what they cost after 2q block resynthesis.

A swap right after a 2q gate on the same pair merges into that gate's block once the
optimizer resynthesises blocks (NASSC). The knob must keep routing correct on every kind of
device, be refused when negative, and on a case where merging matters give fewer 2q gates
after resynthesis than every swap costing the same.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Circuit, ConfigError, transpile
from qloom.testing import check_pass, circuits
from qloom_routers import Heuristic
from support import require_distribution
from support.topologies import device, devices, line

from .conftest import pipeline

DIRECTABLE = ["h", "x", "rz", "sx", "u3", "cx", "cz", "swap", "rzz", "cp"]
NATIVES = ["cz", "rz", "sx", "x"]
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def costing(weight: float) -> dict[str, object]:
    return {"pass": "routers:sabre", "trials": 3, "swap_cost_weight": weight}


@pytest.mark.parametrize("weight", [0.1, 1.0])
@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=DIRECTABLE))
def test_random_circuits_on_every_device(weight, circuit):
    check_pass(pipeline(costing(weight)), devices(), [circuit], seed=11)


@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=30, gates=DIRECTABLE))
def test_sabre_placement_and_routing_with_costs(circuit):
    require_distribution("qloom-placers")
    spec = pipeline(
        {"pass": "placers:sabre", "trials": 4, "swap_cost_weight": 0.3},
        costing(0.3),
    )
    check_pass(spec, devices(), [circuit], seed=4)


def test_blocks_end_at_barriers():
    circuit = Circuit(5).h(0).cx(0, 4).barrier(0, 2, 4).cx(2, 0).cx(0, 1)
    circuit.cx(3, 1).cz(4, 1).barrier(1, 2).cp(0.3, 1, 2).cx(0, 3).cx(4, 2).measure_all()
    spec = {**costing(1.0), "release": 1}
    check_pass(pipeline(spec), devices(), [circuit], seed=9)


def test_a_negative_weight_is_refused():
    with pytest.raises(ConfigError, match="swap_cost_weight"):
        Heuristic(swap_cost_weight=-0.1)
    with pytest.raises(ConfigError, match="swap_cost_weight"):
        Heuristic(swap_cost_weight=float("inf"))


def all_pairs(n: int, rounds: int) -> Circuit:
    """Every pair interacting ``rounds`` times (a QFT-like pattern): on a line most swaps
    can follow a gate on their own pair."""
    circuit = Circuit(n)
    for r in range(rounds):
        for a in range(n):
            for b in range(a + 1, n):
                circuit.cp(0.1 * (a + b + r), a, b)
    return circuit


def resynthesised_2q(circuit: Circuit, weight: float, seed: int) -> int:
    require_distribution("qloom-optimizers")
    spec = pipeline(
        "placers:trivial",
        {"pass": "routers:sabre", "swap_cost_weight": weight},
        "unrollers:basis",
        {"pass": "optimizers:optimize", "resynthesize": True},
    )
    backend = device(f"line{circuit.num_qubits}", line(circuit.num_qubits), NATIVES)
    out = transpile(circuit, backend, transpiler=spec, seed=seed)
    return sum(1 for op in out if len(op.qubits) == 2)


@pytest.mark.parametrize("seed", [0, 1])
def test_merged_swaps_give_fewer_2q_gates_after_resynthesis(seed):
    circuit = all_pairs(6, 2)
    plain = resynthesised_2q(circuit, 0.0, seed)
    costed = resynthesised_2q(circuit, 1 / 3, seed)
    assert costed < plain


def test_the_kernel_refuses_a_negative_weight():
    from qloom_kernels import SabreKnobs

    values = dict(lookahead=20, lookahead_weight=0.5, layer_weights=[3, 2, 1], decay=0.001)
    knobs = SabreKnobs(**values, decay_reset=5, release=30, max_swaps=None)
    assert knobs.swap_cost_weight == 0.0
    with pytest.raises(ValueError, match="swap_cost_weight"):
        SabreKnobs(**values, decay_reset=5, release=30, max_swaps=None, swap_cost_weight=-1.0)
