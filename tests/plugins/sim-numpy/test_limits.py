"""The simulator refuses a circuit too wide for its limit or the memory, before allocating,
saying how many qubits, how much memory and which option raises the limit (issue 16)."""

from __future__ import annotations

import pytest

from qloom import Circuit, QloomError
from qloom_sim_numpy import NumpyBackend, statevector
from qloom_sim_numpy.memory import gib
from support.capped import run_capped


@pytest.mark.parametrize("width", [29, 1000, 1100, 100_000])
def test_a_too_wide_circuit_is_refused_with_the_option_to_raise_the_limit(width):
    circuit = Circuit(width).h(0).cx(0, width - 1)
    with pytest.raises(QloomError) as info:
        NumpyBackend().run(circuit, 10, 1)
    message = str(info.value)
    assert f"a {width}-qubit statevector needs " in message
    assert "max_qubits=28" in message and "--option max_qubits=N" in message
    assert len(message) < 400, message


def test_memory_figures_stay_readable_at_any_size():
    assert gib(1 << 30) == "1 GiB"
    assert gib(16 << 28) == "4 GiB"
    assert gib(16 << 1000) == "2^1004 bytes"
    assert gib(16 << 100_000) == "2^100004 bytes"


def test_statevector_refuses_the_same_way():
    with pytest.raises(QloomError, match=r"2\^1005 bytes"):
        statevector(Circuit(1001))


def test_refused_before_allocating_under_an_address_space_limit():
    # With max_qubits raised past what fits, the memory check still refuses up front.
    script = """
        from qloom import Circuit
        from qloom_sim_numpy import NumpyBackend, memory
        memory.available_bytes = lambda: 1 << 30  # as if 1 GiB were free
        answer(lambda: NumpyBackend(max_qubits=200).run(Circuit(40).h(0), 10, 1))
    """
    answer = run_capped(script, address_space=3 << 29, timeout=120)
    assert answer["type"] == "QloomError", answer
    assert "a 40-qubit statevector needs 16,384 GiB" in answer["text"]
    assert "1 GiB of memory is available" in answer["text"]
