"""When ``optimizers:optimize`` stops repeating its round (issue 17 item 4)."""

from __future__ import annotations

import pytest

from qloom import Backend, Circuit, PassContext
from qloom_optimizers.kernel import ArrayCircuit
from qloom_optimizers.optimize import Optimize


def scripted_rounds(monkeypatch: pytest.MonkeyPatch, drops: list[list[str]]) -> list[int]:
    """Make each round's cancellation drop the first gate of each listed name (in turn)
    and nothing else happen; returns the list of rounds run (one entry per round)."""
    rounds: list[int] = []

    def cancel(form: ArrayCircuit, lookback: int) -> None:
        names = list(drops[len(rounds)]) if len(rounds) < len(drops) else []
        rounds.append(1)
        kept = []
        circuit = form.to_circuit()
        for op in circuit:
            if op.name in names:
                names.remove(op.name)
            else:
                kept.append(op)
        form.load(circuit.copy_with(kept))

    monkeypatch.setattr(ArrayCircuit, "remove_identities", lambda form: [])
    monkeypatch.setattr(ArrayCircuit, "fuse", lambda form: None)
    monkeypatch.setattr(ArrayCircuit, "cancel", cancel)
    return rounds


def run(circuit: Circuit) -> Circuit:
    backend = Backend("line", 4, [(0, 1), (1, 2), (2, 3)], ["cz", "rz", "sx", "x"])
    return Optimize()(circuit, PassContext(backend=backend, seed=1))


def wide() -> Circuit:
    circuit = Circuit(4)
    for _ in range(10):
        circuit.cz(0, 1).cz(2, 3)
        for qubit in range(4):
            circuit.sx(qubit)
    return circuit


def test_a_later_round_that_saves_no_two_qubit_gate_is_the_last(monkeypatch):
    # round 1: two CZs; round 2: six of 56 gates, all one-qubit (over 5%); a third round
    # would find more CZs, but a round that only shaved one-qubit gates ends the loop.
    rounds = scripted_rounds(monkeypatch, [["cz", "cz"], ["sx"] * 6, ["cz", "cz"]])
    out = run(wide())
    assert len(rounds) == 2
    assert (out.count_2q(), len(out)) == (18, 52)


def test_the_first_round_is_followed_even_when_it_saved_only_one_qubit_gates(monkeypatch):
    rounds = scripted_rounds(monkeypatch, [["sx"] * 6, ["cz", "cz"], []])
    out = run(wide())
    assert len(rounds) == 3
    assert (out.count_2q(), len(out)) == (18, 52)


def test_rounds_that_save_two_qubit_gates_go_on(monkeypatch):
    rounds = scripted_rounds(monkeypatch, [["cz"] * 4, ["cz"] * 4, ["cz"] * 4, []])
    out = run(wide())
    assert len(rounds) == 4
    assert out.count_2q() == 8
