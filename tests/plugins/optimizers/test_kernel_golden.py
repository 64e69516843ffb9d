"""The optimizer kernel (``qloom_kernels.OptCircuit`` through ``qloom_optimizers.kernel``)
gives its golden outputs, and the passes it runs pass ``check_pass``.

``golden/*.json`` holds, per case of ``support.optimizer_golden``, the output of ``cancel``,
``remove_identities``, ``fuse_1q`` or ``optimize`` operation for operation (parameters by
``repr``, bit for bit), or its sha256 when long. The pure-Python passes the kernel ported
gave every one of these outputs before they were removed (issue 17). A failure means the
kernel's output changed: fix the kernel, or, if the change is meant, rerun
``make_golden.py`` and say why in the commit.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from qloom import Backend, Circuit
from qloom.testing import check_pass, circuits
from qloom_optimizers.cancellation import cancel_gates
from support import optimizer_golden, require_distribution
from support.tolerances import IDENTITY_REMOVAL_ATOL
from support.topologies import directed, grid, heavy_hex, line

PASSES = {case.id: case for case in optimizer_golden.cases("passes")}
OPTIMIZE = {case.id: case for case in optimizer_golden.cases("optimize")}


@pytest.mark.parametrize(("group", "cases"), [("passes", PASSES), ("optimize", OPTIMIZE)])
def test_every_case_has_a_golden_outcome(group, cases):
    assert sorted(optimizer_golden.load(group)) == sorted(cases)


@pytest.mark.parametrize("case_id", list(PASSES))
def test_standalone_passes_give_their_golden_outputs(case_id):
    golden = optimizer_golden.load("passes")[case_id]
    assert optimizer_golden.outcome(PASSES[case_id]) == golden


@pytest.mark.parametrize("case_id", list(OPTIMIZE))
def test_optimize_gives_its_golden_outputs(case_id):
    golden = optimizer_golden.load("optimize")[case_id]
    assert optimizer_golden.outcome(OPTIMIZE[case_id]) == golden


@pytest.mark.parametrize("name", optimizer_golden.SHARED_CIRCUITS)
def test_shared_circuits_optimize_as_recorded(name, shared_benchmarks):
    require_distribution("qloom-levels")  # the cases are O1's input to optimize
    golden = optimizer_golden.load("shared")
    cases = list(optimizer_golden.shared_cases(shared_benchmarks, (name,)))
    assert len(cases) == 2
    for case in cases:
        assert optimizer_golden.outcome(case) == golden[case.id], case.id


def test_a_merged_rotation_cancels_across_a_commuting_cx():
    # rx(0.3) rx(0.4) merge into rx(0.7), a kind the kernel makes; a cx commutes with it on
    # its target, so rx(-0.7) cancels it; a cz does not, so there it stays.
    cx_between = Circuit(2).rx(0.3, 1).rx(0.4, 1).cx(0, 1).rx(-0.7, 1)
    assert [op.name for op in cancel_gates(cx_between)] == ["cx"]
    cz_between = Circuit(2).rx(0.3, 1).rx(0.4, 1).cz(0, 1).rx(-0.7, 1)
    assert [op.name for op in cancel_gates(cz_between)] == ["rx", "cz", "rx"]


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
    check_pass(level, devices_for(natives), [circuit], seed=5, atol=IDENTITY_REMOVAL_ATOL)


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(circuit=circuits(max_qubits=5, max_ops=25, max_unitary_qubits=2))
def test_each_kernel_pass_after_routing_passes_check_pass(circuit):
    require_distribution("qloom-routers")  # routers:sabre places the gates on the devices
    passes = ["optimizers:remove_identities", "optimizers:cancel", "optimizers:fuse_1q"]
    spec = {
        "name": "kernel",
        "passes": ["unrollers:decompose", "routers:sabre", "unrollers:basis", *passes],
    }
    backends = devices_for(["cz", "rz", "sx", "x"])
    check_pass(spec, backends, [circuit], seed=7, atol=IDENTITY_REMOVAL_ATOL)
