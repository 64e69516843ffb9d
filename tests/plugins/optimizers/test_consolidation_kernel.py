"""``optimizers:consolidate_2q`` in the optimizer kernel against the Python consolidation it
replaced (``support.consolidation_oracle``): the same blocks with bit-identical matrices
(the kernel rounds its products as numpy does: the resynthesis of a degenerate block
depends on the last bits), so the same decisions and the same gates, parameters by
``repr``. And each distinct block is decided once."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pytest

import qloom_optimizers.kernel as kernel_module
import support.consolidation_oracle as oracle_module
from qloom import Backend, Circuit, Operation, PassContext
from qloom.testing import assert_equivalent
from qloom_optimizers.consolidation import Consolidate2q
from support.optimizer_golden import busy_circuit


def directed(n: int, edges: list[tuple[int, int]], natives: list[str]) -> Backend:
    """A device coupling ``edges`` one way only."""
    return Backend("directed", n, nx.DiGraph(edges), natives)


BACKENDS = {
    "all-cz": Backend("all", 5, natives=["cz", "rz", "sx", "x"]),
    "directed-ecr": directed(5, [(0, 1), (2, 1), (2, 3), (4, 3)], ["ecr", "rz", "sx", "x"]),
    "any": Backend("any", 5),
}


def same_op(before: Operation, after: Operation) -> bool:
    """The same gate: name, qubits, clbits, condition and ``repr`` of the parameters."""
    return before is after or (
        (before.name, before.qubits, before.clbits, before.condition, repr(before.params))
        == (after.name, after.qubits, after.clbits, after.condition, repr(after.params))
    )


def questions(
    monkeypatch: pytest.MonkeyPatch, module: Any
) -> list[tuple[np.ndarray, int, bool, Any]]:
    """Record the block decisions ``module`` (the kernel's face or the oracle) asks for."""
    asked: list[tuple[np.ndarray, int, bool, Any]] = []
    real = module.resynthesis

    def recorded(matrix, two_qubit, foreign, natives, directions):  # type: ignore[no-untyped-def]
        asked.append((matrix.copy(), two_qubit, foreign, directions))
        return real(matrix, two_qubit, foreign, natives, directions)

    monkeypatch.setattr(module, "resynthesis", recorded)
    return asked


@pytest.mark.parametrize("label", sorted(BACKENDS))
@pytest.mark.parametrize("seed", range(0, 200, 5))
def test_the_kernel_asks_about_the_oracles_blocks_once_each(
    monkeypatch: pytest.MonkeyPatch, label: str, seed: int
) -> None:
    backend = BACKENDS[label]
    circuit = busy_circuit(seed)
    from_kernel = questions(monkeypatch, kernel_module)
    from_oracle = questions(monkeypatch, oracle_module)
    Consolidate2q().run(circuit, PassContext(backend))
    oracle_module.consolidate_blocks(circuit, backend)

    # The kernel asks each distinct question (matrix bits, directions, foreign, 2q count)
    # once: exactly the oracle's distinct questions.
    def key(question: tuple[np.ndarray, int, bool, Any]) -> tuple[Any, ...]:
        matrix, *rest = question
        return (matrix.tobytes(), *rest)

    keys = [key(q) for q in from_kernel]
    assert len(set(keys)) == len(keys)
    assert set(keys) == {key(q) for q in from_oracle}


@pytest.mark.parametrize("label", sorted(BACKENDS))
@pytest.mark.parametrize("seed", range(200))
def test_the_kernel_gives_the_oracles_gates(label: str, seed: int) -> None:
    backend = BACKENDS[label]
    circuit = busy_circuit(seed)
    expected = list(oracle_module.consolidate_blocks(circuit, backend))
    out = list(Consolidate2q().run(circuit, PassContext(backend)))
    assert len(out) == len(expected)
    for i, (b, a) in enumerate(zip(expected, out, strict=True)):
        assert same_op(b, a), f"op {i}: {b} expected, {a} from the kernel"


def test_a_routed_circuit_matches_the_oracle_and_stays_equivalent() -> None:
    backend = BACKENDS["directed-ecr"]
    circuit = Circuit(5)
    for k in range(12):
        a, b = [(0, 1), (1, 2), (2, 3), (3, 4)][k % 4]
        circuit.cx(a, b).rz(0.1 * k, b).swap(a, b).cp(0.3, b, a).ry(0.2 * k, a)
    expected = oracle_module.consolidate_blocks(circuit, backend)
    out = Consolidate2q().run(circuit, PassContext(backend))
    assert all(same_op(b, a) for b, a in zip(expected, out, strict=True))
    assert out.count_2q() < circuit.count_2q()
    assert_equivalent(circuit, out)


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
    assert [op.name for op in oracle_module.consolidate_blocks(circuit, backend)] == [
        op.name for op in out
    ]
    assert_equivalent(circuit, out)
