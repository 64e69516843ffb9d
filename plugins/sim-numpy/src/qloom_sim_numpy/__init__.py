"""qloom-sim-numpy: an exact statevector simulator backend for qloom, in NumPy.

``qloom.execute(circuit, on="numpy")`` runs here. ``statevector``, ``unitary`` and
``probabilities`` give exact results for small circuits, with qubit 0 as the most
significant bit of every index (the convention of ``qloom.gates``).

The names below are the public API other plugins build on (``qloom-hw-emulator`` samples
its noisy shots with them); the submodules are private and may change in any release.
"""

from qloom_sim_numpy.backend import NumpyBackend
from qloom_sim_numpy.memory import check_size
from qloom_sim_numpy.program import Condition, condition_of, register_bits, terminal_flags
from qloom_sim_numpy.sampling import counts_key
from qloom_sim_numpy.simulate import DEFAULT_MAX_QUBITS, probabilities, statevector, unitary

__all__ = [
    "DEFAULT_MAX_QUBITS",
    "Condition",
    "NumpyBackend",
    "check_size",
    "condition_of",
    "counts_key",
    "probabilities",
    "register_bits",
    "statevector",
    "terminal_flags",
    "unitary",
]
