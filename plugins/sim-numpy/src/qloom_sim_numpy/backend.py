"""``NumpyBackend``: the exact statevector simulator as a qloom backend."""

from __future__ import annotations

import numpy as np

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.errors import QloomError
from qloom.result import Result
from qloom_sim_numpy.memory import check_size
from qloom_sim_numpy.program import compile_circuit, describe
from qloom_sim_numpy.sampling import sample_counts
from qloom_sim_numpy.simulate import DEFAULT_MAX_QUBITS

__all__ = ["NumpyBackend"]


class NumpyBackend(Backend):
    """Exact statevector simulation: any qubits, every pair, every library gate.

    Final measurements are sampled once from the final state; mid-circuit measurements,
    resets and classically conditioned operations are simulated by branching on outcomes.
    Sampling uses ``numpy.random.default_rng(seed)`` only.

    Args:
        device: must be ``None``: the simulator has no devices (``on="numpy"``).
        max_qubits: widest circuit it accepts (a 28-qubit state takes 4 GiB, twice that
            with the workspace).

    Raises:
        QloomError: a device name was given.
    """

    def __init__(self, device: str | None = None, *, max_qubits: int = DEFAULT_MAX_QUBITS) -> None:
        if device:
            raise QloomError(
                f"the numpy backend has no devices (got 'numpy:{device}'); use on='numpy'"
            )
        super().__init__(
            "numpy",
            default_pipeline="identity",
            properties={"description": "exact statevector simulator (NumPy)"},
        )
        self.max_qubits = int(max_qubits)

    def run(self, circuit: Circuit, shots: int, seed: int | None) -> Result:
        """Simulate ``circuit`` and sample ``shots`` outcomes, keyed by its clbits.

        Raises:
            QloomError: too many qubits for ``max_qubits`` or the available memory (checked
                before allocating anything).
        """
        check_size(circuit.num_qubits, self.max_qubits)
        program = compile_circuit(circuit)
        rng = np.random.default_rng(seed)
        counts = sample_counts(program, shots, rng)
        result = Result(counts, shots, backend=self.name, seed=seed)
        result.metadata["simulation"] = describe(program)
        return result

    def __repr__(self) -> str:
        return f"<NumpyBackend max_qubits={self.max_qubits}>"
