"""qloom-unrollers: translate circuits to a backend's native gates, with exact synthesis.

Public API for other plugins (the rest is private): ``accepted_directions``, and the
subpackages ``synthesis`` (exact 1q/2q/n-qubit synthesis) and ``equivalences`` (the rule
table the translator searches), each with its own ``__all__``.
"""

from qloom_unrollers import equivalences, synthesis
from qloom_unrollers.translate import accepted_directions

__all__ = ["accepted_directions", "equivalences", "synthesis"]
