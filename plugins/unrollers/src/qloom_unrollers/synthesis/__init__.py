"""Exact synthesis of 1q, 2q and n-qubit unitaries into native gates.

``synthesize_1q`` (Euler angles), ``kak``/``weyl_coordinates`` (Cartan decomposition),
``synthesize_2q``/``num_entanglers`` (fewest native entanglers), ``synthesize_unitary``
(quantum Shannon decomposition for three qubits and more).
"""

from qloom_unrollers.synthesis.cartan import KAK, canonical_gate, kak, weyl_coordinates
from qloom_unrollers.synthesis.errors import SynthesisError
from qloom_unrollers.synthesis.one_qubit import Gate1q, one_qubit_bases, synthesize_1q
from qloom_unrollers.synthesis.shannon import synthesize_unitary
from qloom_unrollers.synthesis.two_qubit import PARAMETRIC, Op, num_entanglers, synthesize_2q

__all__ = [
    "KAK",
    "PARAMETRIC",
    "Gate1q",
    "Op",
    "SynthesisError",
    "canonical_gate",
    "kak",
    "num_entanglers",
    "one_qubit_bases",
    "synthesize_1q",
    "synthesize_2q",
    "synthesize_unitary",
    "weyl_coordinates",
]
