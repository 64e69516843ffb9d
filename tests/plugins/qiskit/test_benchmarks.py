"""Every shared benchmark circuit crosses the bridge and comes back equal.

Large circuits are compared operation by operation; those of at most 10 qubits are also
checked numerically (qloom's ``assert_equivalent`` on the qloom side, random input states or
the ``Operator`` on the Qiskit side). Qiskit's own OpenQASM 2 reader must give the same
circuit as qloom's once converted, which checks ``from_qiskit`` on circuits Qiskit built.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import qiskit.qasm2
from qiskit.quantum_info import Operator

from qloom import qasm2
from qloom.testing import assert_equivalent
from qloom_qiskit import from_qiskit, to_qiskit
from support.shared import benchmark_qasm_files

UNDECLARED = "vqe_uccsd_n8.qasm"
"""QASMBench's vqe_uccsd_n8 ends by measuring registers it never declares (qloom's and
Qiskit's readers both reject it): its gates are used without those lines."""


def _program(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.name == UNDECLARED:
        text = "\n".join(line for line in text.splitlines() if "measure q[" not in line)
    return text


@pytest.mark.parametrize("path", benchmark_qasm_files())
def test_benchmark_circuit_round_trips(path, qiskit_matrix, same_action):
    text = _program(path)
    circuit = qasm2.loads(text)
    qc = to_qiskit(circuit)
    back = from_qiskit(qc)
    assert back == circuit
    assert (back.qregs, back.cregs) == (circuit.qregs, circuit.cregs)

    read_by_qiskit = qiskit.qasm2.loads(
        text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS
    )
    assert from_qiskit(read_by_qiskit) == circuit

    if circuit.num_qubits > 10:
        return
    assert_equivalent(circuit, back, max_unitary_qubits=6, random_states=2)
    unitary = qc.copy()
    unitary.remove_final_measurements()
    if circuit.num_qubits <= 6:
        assert Operator(unitary).equiv(Operator(qiskit_matrix(circuit)))
    else:
        same_action(circuit, unitary)


def test_the_benchmark_data_is_all_there(shared_benchmarks):
    assert len(list((shared_benchmarks / "circuits").glob("*.qasm"))) == 45
    assert len(list((shared_benchmarks / "qasmbench-raw").glob("*.qasm"))) == 39
