"""``optimizers:consolidate_2q`` in the optimizer kernel gives its golden outcomes, and each
distinct block is decided once.

``golden/consolidate.json`` holds, per case of ``support.consolidation_golden``, the
output operation for operation (parameters by ``repr``) or its sha256 when long;
``golden/consolidate_questions.json`` the distinct block decisions asked (sha256 of the
block matrix's bytes, 2q count, foreign, accepted directions). The Python consolidation the
kernel replaced gave every one of these, its matrices equal to the kernel's bit for bit
(the resynthesis of a degenerate block depends on the last bits), before it was removed
(issue 17). A failure means the kernel's output changed: fix the kernel, or, if the change
is meant, rerun ``make_golden.py`` and say why in the commit."""

from __future__ import annotations

import math

import pytest

import qloom_optimizers.kernel as kernel_module
from qloom import Backend, Circuit, PassContext
from qloom.testing import assert_equivalent
from qloom_optimizers.consolidation import Consolidate2q
from support import consolidation_golden
from support.consolidation_golden import directed, recording

CASES = {
    group: {case.id: case for case in consolidation_golden.cases(group)}
    for group in consolidation_golden.GROUPS
}


@pytest.mark.parametrize("group", consolidation_golden.GROUPS)
def test_every_case_has_a_golden_outcome(group: str) -> None:
    assert sorted(consolidation_golden.FILES.load(group)) == sorted(CASES[group])


@pytest.mark.parametrize("case_id", list(CASES["consolidate"]))
def test_the_kernel_gives_the_golden_gates(case_id: str) -> None:
    golden = consolidation_golden.FILES.load("consolidate")[case_id]
    assert consolidation_golden.outcome("consolidate", CASES["consolidate"][case_id]) == golden


@pytest.mark.parametrize("case_id", list(CASES["consolidate_questions"]))
def test_the_kernel_asks_the_golden_questions_once_each(case_id: str) -> None:
    golden = consolidation_golden.FILES.load("consolidate_questions")[case_id]
    with recording(kernel_module) as asked:
        consolidation_golden.run(CASES["consolidate_questions"][case_id])
    # Each distinct question (matrix bits, directions, foreign, 2q count) is asked once:
    # exactly the recorded ones.
    assert len(set(asked)) == len(asked)
    assert sorted(asked) == golden


def test_a_routed_circuit_saves_entanglers_and_stays_equivalent() -> None:
    case = CASES["consolidate"]["routed/directed-ecr"]
    out = consolidation_golden.run(case)
    assert out.count_2q() < case.circuit.count_2q()
    assert_equivalent(case.circuit, out)


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the block decisions the kernel asks of Python."""
    calls: list[int] = []
    real = kernel_module.resynthesis

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(kernel_module, "resynthesis", counted)
    return calls


def swap_then_cx(circuit: Circuit, a: int, b: int) -> Circuit:
    return circuit.cx(a, b).cx(b, a).cx(a, b).cx(a, b)


def test_each_distinct_block_is_decided_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    circuit = Circuit(6)
    for a, b in [(0, 1), (2, 3), (4, 5), (0, 1)]:
        swap_then_cx(circuit, a, b).barrier(a, b)
    backend = Backend("all", 6, natives=["cx", "rz", "sx", "x"])
    out = Consolidate2q().run(circuit, PassContext(backend))
    assert calls == [4]  # four blocks on three pairs of one direction class: one question
    assert out.count_2q() == 8
    assert_equivalent(circuit, out)


def test_pairs_accepting_other_directions_are_asked_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counting(monkeypatch)
    circuit = swap_then_cx(swap_then_cx(Circuit(4), 0, 1), 2, 3)
    backend = directed(4, [(0, 1), (3, 2)], ["cx", "rz", "sx", "x"])
    out = Consolidate2q().run(circuit, PassContext(backend))
    assert calls == [4, 4]  # (0, 1) forward only, (2, 3) backward only
    assert out.count_2q() == 4
    assert_equivalent(circuit, out)


def test_a_block_with_a_foreign_gate_is_rewritten_even_when_no_shorter() -> None:
    backend = Backend("all", 2, natives=["cz", "rz", "sx", "x"])
    circuit = Circuit(2).rzz(math.pi / 3, 0, 1)
    out = Consolidate2q().run(circuit, PassContext(backend))
    assert {op.name for op in out} <= {"cz", "rz", "sx", "x"}
    assert_equivalent(circuit, out)
