"""``QiskitBackend``: any Qiskit ``BackendV2`` as a qloom backend."""

from __future__ import annotations

import sys
from typing import Any

from qiskit.providers import BackendV2

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.errors import QloomError
from qloom.result import Result
from qloom_qiskit.convert import to_qiskit
from qloom_qiskit.target import read_target

__all__ = ["QiskitBackend"]


class QiskitBackend(Backend):
    """A Qiskit ``BackendV2`` (a fake IBM device, Aer, a real device) as a qloom backend.

    Qubits, pairs, natives and error rates come from the backend's ``Target`` (see
    ``qloom_qiskit.target`` for how). ``run`` converts the circuit with ``to_qiskit`` and
    calls ``backend.run(circuit, shots=..., seed_simulator=seed)``, so simulators and fake
    devices execute; a backend that cannot run that way (an IBM Runtime device, whose
    ``run`` was removed for the primitives) is a compilation target only.

    Args:
        backend: the Qiskit backend.
        name: the qloom name; defaults to ``qiskit:<backend.name>``.
        executable: whether ``run`` works; by default, yes unless ``backend`` is an IBM
            Runtime device.
    """

    def __init__(
        self, backend: BackendV2, *, name: str | None = None, executable: bool | None = None
    ) -> None:
        info = read_target(backend.target)
        properties: dict[str, Any] = {
            "description": f"Qiskit backend '{backend.name}'",
            "qiskit_backend": backend.name,
            "dropped_operations": list(info.dropped),
            "durations": info.durations,
            "dt": backend.target.dt,
            "max_qubits": info.max_qubits,
        }
        super().__init__(
            name or f"qiskit:{backend.name}",
            info.num_qubits,
            info.connectivity,
            info.natives,
            properties=properties,
            calibration=info.calibration,
        )
        self.backend = backend
        self._send_as_unitary = info.send_as_unitary
        self._executable = _runs_circuits(backend) if executable is None else executable

    @property
    def can_execute(self) -> bool:
        """True when the wrapped backend runs circuits through ``backend.run``."""
        return self._executable

    def run(self, circuit: Circuit, shots: int, seed: int | None) -> Result:
        """Run ``circuit`` on the Qiskit backend; counts keyed by clbits, clbit 0 rightmost.

        Raises:
            QloomError: the backend is a compilation target only, or its run failed.
        """
        if not self._executable:
            raise QloomError(
                f"backend '{self.name}' is a compilation target only: Qiskit backend "
                f"'{self.backend.name}' does not run circuits through backend.run"
            )
        qc = to_qiskit(circuit, as_unitary=self._send_as_unitary)
        options: dict[str, Any] = {"shots": shots}
        if seed is not None:
            options["seed_simulator"] = seed
        try:
            counts = self.backend.run(qc, **options).result().get_counts()
        except Exception as exc:  # the provider's error, told as qloom's with the cause kept
            raise QloomError(
                f"Qiskit backend '{self.backend.name}' failed to run the circuit: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        # Qiskit separates registers with spaces, the first register rightmost: without the
        # spaces each key reads clbit 0 rightmost over all clbits, as qloom keys do.
        merged: dict[str, int] = {}
        for key, count in counts.items():
            bits = key.replace(" ", "")
            merged[bits] = merged.get(bits, 0) + int(count)
        result = Result(merged, shots, backend=self.name, seed=seed)
        result.metadata["qiskit_backend"] = self.backend.name
        return result

    def __repr__(self) -> str:
        n = "any" if self.num_qubits is None else self.num_qubits
        return f"<QiskitBackend '{self.name}' qubits={n} natives={sorted(self.natives or ['*'])}>"


def _runs_circuits(backend: BackendV2) -> bool:
    """False for IBM Runtime devices, whose ``run`` only raises; True otherwise."""
    runtime = sys.modules.get("qiskit_ibm_runtime")
    device = getattr(runtime, "IBMBackend", None)
    return not (isinstance(device, type) and isinstance(backend, device))
