"""Exact synthesis of 1q, 2q and n-qubit unitaries into native gates.

``synthesize_1q`` (Euler angles, fewest gates), ``kak``/``weyl_coordinates`` (Cartan
decomposition), ``entanglers``/``num_entanglers``/``synthesize_2q`` (fewest native
entanglers), ``synthesize_unitary`` (quantum Shannon decomposition from three qubits on).
All results are exact up to global phase.
"""

from qloom_unrollers.synthesis.entanglers import Entangler, entanglers
from qloom_unrollers.synthesis.errors import SynthesisError
from qloom_unrollers.synthesis.euler import Gate1q, one_qubit_bases, synthesize_1q
from qloom_unrollers.synthesis.shannon import synthesize_unitary
from qloom_unrollers.synthesis.two_qubit import Op, num_entanglers, synthesize_2q
from qloom_unrollers.synthesis.weyl import KAK, canonical_gate, kak, weyl_coordinates

__all__ = [
    "KAK",
    "Entangler",
    "Gate1q",
    "Op",
    "SynthesisError",
    "canonical_gate",
    "entanglers",
    "kak",
    "num_entanglers",
    "one_qubit_bases",
    "synthesize_1q",
    "synthesize_2q",
    "synthesize_unitary",
    "weyl_coordinates",
]
