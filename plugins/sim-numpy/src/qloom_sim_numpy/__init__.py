"""qloom-sim-numpy: an exact statevector simulator backend for qloom, in NumPy.

``qloom.execute(circuit, on="numpy")`` runs here. ``statevector``, ``unitary`` and
``probabilities`` give exact results for small circuits, with qubit 0 as the most
significant bit of every index (the convention of ``qloom.gates``).
"""

from qloom_sim_numpy.backend import NumpyBackend
from qloom_sim_numpy.simulate import probabilities, statevector, unitary

__all__ = ["NumpyBackend", "probabilities", "statevector", "unitary"]
