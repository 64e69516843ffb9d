"""qloom-qiskit: the bridge between qloom and Qiskit.

- ``to_qiskit`` / ``from_qiskit``: circuits, registers, conditions and layouts.
- ``QiskitBackend``: any Qiskit ``BackendV2`` as a qloom backend; ``on="qiskit:<device>"``
  names one (``aer``, ``generic-<n>``, ``fake_<device>``).
- ``QiskitPass``: a Qiskit transpiler pass or pass manager as a qloom pass.
"""

from qloom_qiskit.adapter import QiskitPass
from qloom_qiskit.backend import QiskitBackend
from qloom_qiskit.convert import from_qiskit, to_qiskit
from qloom_qiskit.errors import ConversionError
from qloom_qiskit.layouts import from_transpile_layout, to_transpile_layout
from qloom_qiskit.providers import available_devices, qiskit_backend

__all__ = [
    "ConversionError",
    "QiskitBackend",
    "QiskitPass",
    "available_devices",
    "from_qiskit",
    "from_transpile_layout",
    "qiskit_backend",
    "to_qiskit",
    "to_transpile_layout",
]
