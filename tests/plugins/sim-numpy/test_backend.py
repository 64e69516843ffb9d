"""NumpyBackend as a qloom backend: entry point, conformance, execute, size limits."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

import qloom
from qloom import Circuit, Layout, Pass, PassContext, Pipeline, QloomError
from qloom.testing import check_backend
from qloom_sim_numpy import NumpyBackend, statevector, unitary


class PermutePlacer(Pass):
    """Place logical q on physical ``perm[q]`` (reversed by default): a real layout change."""

    kind = "placers"
    option_defaults: ClassVar[Mapping[str, Any]] = {"perm": None}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        n = circuit.num_qubits
        perm = self.option("perm") or [n - 1 - q for q in range(n)]
        context.compose(Layout(tuple(perm), tuple(range(n))))
        return circuit.remap(perm)


def test_the_backend_is_an_unconstrained_simulator():
    b = NumpyBackend()
    assert b.name == "numpy" and b.is_unconstrained and b.can_execute
    assert (b.num_qubits, b.connectivity, b.natives) == (None, None, None)
    assert b.default_pipeline == "identity" and b.max_qubits == 28


def test_it_is_installed_under_the_name_numpy():
    backend = qloom.get_backend("numpy")
    assert isinstance(backend, NumpyBackend)


def test_a_device_string_is_refused():
    with pytest.raises(QloomError, match="no devices"):
        NumpyBackend("fast")
    with pytest.raises(QloomError, match="numpy:fast"):
        qloom.get_backend("numpy:fast")


def test_conformance_suite_passes():
    report = check_backend(NumpyBackend())
    assert not report.failures
    assert any("GHZ" in c.name and c.status == "pass" for c in report.checks)


def asymmetric() -> Circuit:
    """|q3 q2 q1 q0> = |0 ? 1 1>: qubits 0 and 1 set, qubit 2 in superposition."""
    return Circuit(4).x(0).x(1).h(2)


def test_execute_returns_counts_keyed_by_logical_qubits():
    result = qloom.execute(Circuit(4).x(0).x(1), on="numpy", shots=1000, seed=7)
    assert result.counts == {"0011": 1000}
    assert result.backend == "numpy" and result.layout.is_trivial()


@pytest.mark.parametrize("perm", [None, [2, 0, 3, 1]])
def test_execute_through_a_permuting_pipeline_gives_logical_counts(perm):
    pipeline = Pipeline([PermutePlacer(perm=perm)], name="permute")
    plain = qloom.execute(Circuit(4).x(0).x(1), on="numpy", shots=1000, seed=7)
    moved = qloom.execute(Circuit(4).x(0).x(1), on="numpy", transpiler=pipeline, shots=1000, seed=7)
    assert not moved.layout.is_trivial()
    assert moved.counts == plain.counts == {"0011": 1000}

    plain = qloom.execute(asymmetric(), on="numpy", shots=1000, seed=7)
    moved = qloom.execute(asymmetric(), on="numpy", transpiler=pipeline, shots=1000, seed=7)
    assert set(moved.counts) == set(plain.counts) == {"0011", "0111"}
    assert abs(moved.counts["0111"] - 500) < 80


def test_transpiled_statevector_is_the_original_permuted():
    c = Circuit(3).x(0).h(1)
    t = qloom.transpile(c, on="numpy", transpiler=PermutePlacer(), seed=1)
    # logical 0 sits on physical 2 (the least significant bit), logical 1 on physical 1
    assert abs(statevector(t)[0b001]) == pytest.approx(2**-0.5)
    assert abs(statevector(t)[0b011]) == pytest.approx(2**-0.5)


def test_too_wide_circuits_are_refused_before_allocating():
    start = time.perf_counter()
    with pytest.raises(QloomError) as info:
        NumpyBackend(max_qubits=10).run(Circuit(11).h(0), 10, 1)
    message = str(info.value)
    assert "11-qubit statevector needs" in message and "GiB" in message
    assert "max_qubits=10" in message
    with pytest.raises(QloomError, match=r"needs 16,384 GiB.*max_qubits=28 \(8 GiB\)"):
        qloom.execute(Circuit(40).h(0), on="numpy", shots=10, seed=1)
    with pytest.raises(QloomError, match="GiB"):
        statevector(Circuit(33))
    with pytest.raises(QloomError, match="unitary"):
        unitary(Circuit(15))
    took = time.perf_counter() - start
    # Refusing is instant (idle: about 1 ms); only an attempt to allocate would take long.
    # The bound is generous so that a loaded machine does not fail it.
    assert took < 20, f"refusing four oversized circuits took {took:.2f} s"


def test_available_memory_is_reported_when_readable():
    with pytest.raises(QloomError, match="GiB of memory is available"):
        NumpyBackend(max_qubits=60).run(Circuit(50), 1, 1)


def test_result_metadata_describes_the_simulation():
    c = Circuit(3).h(0).cx(0, 1).cx(1, 2)
    c.measure_all()
    info = NumpyBackend().run(c, 10, 1).metadata["simulation"]
    assert info["terminal_measurements"] == 3 and info["branching_steps"] == 0


@pytest.mark.slow
def test_26_qubits_fit():
    n = 26
    c = Circuit(n).x(0).x(25).h(13)
    c.measure_all()
    result = NumpyBackend().run(c, 100, 3)
    one = "1" + "0" * 24 + "1"
    two = "1" + "0" * 11 + "1" + "0" * 12 + "1"
    assert set(result.counts) <= {one, two} and sum(result.counts.values()) == 100
