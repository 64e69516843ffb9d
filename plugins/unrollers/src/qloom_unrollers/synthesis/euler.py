"""Exact one-qubit synthesis: the fewest native gates for a 2x2 unitary, up to phase.

The synthesis is compiled (``qloom_kernels.OneQubitNatives``, crate ``qloom-euler``). A
one-qubit unitary is, up to phase, a unit quaternion; every Euler basis the natives allow
(``rz``/``sx`` sequences, ``u``, rotations about two axes, ``prx`` and ``gpi``/``gpi2``
pulses) proposes a few exact sequences from it, angles that vanish modulo 2 pi drop their
gate, and the shortest sequence wins (ties: fewer gates that are not virtual Z rotations).
The native set is resolved once and cached, so a call costs one conversion of the matrix.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qloom_kernels import EulerError, OneQubitNatives
from qloom_unrollers.synthesis.errors import SynthesisError

__all__ = ["Gate1q", "one_qubit_bases", "synthesize_1q"]

Gate1q = tuple[str, tuple[float, ...]]
"""One gate on one qubit: ``(name, params)``."""


@lru_cache(maxsize=256)
def _resolved(natives: frozenset[str] | None) -> OneQubitNatives:
    return OneQubitNatives(None if natives is None else sorted(natives))


def one_qubit_bases(natives: frozenset[str] | None) -> list[str]:
    """Names of the Euler bases ``natives`` can express (every basis when ``None``).

    ``ZSX`` (``rz`` or ``p`` or ``u1``, ``sx``, optionally ``x``/``sxdg``), ``U``
    (``u``/``u3``/``U``), the rotation pairs ``ZYZ``, ``ZXZ``, ``XYX``, ``XZX``, ``YXY``,
    ``YZY``, ``PRX`` and ``GPI`` (``gpi2`` with ``gpi`` or a Z rotation).
    """
    return _resolved(natives).bases


def synthesize_1q(matrix: np.ndarray, natives: frozenset[str] | None) -> list[Gate1q]:
    """The fewest native gates equal to the 2x2 unitary ``matrix`` up to phase.

    Args:
        matrix: a 2x2 unitary.
        natives: native gate names, or ``None`` for the whole gate library.

    Returns:
        ``(name, params)`` in time order; ``[]`` for a multiple of the identity. Angles are
        in (-pi, pi] (``u``'s theta and ``prx``'s in [0, pi]).

    Raises:
        SynthesisError: the natives have no universal one-qubit basis (and the matrix is not
            the identity), or the matrix is not a 2x2 unitary.
    """
    array = np.asarray(matrix, dtype=complex)
    if array.shape != (2, 2):
        raise SynthesisError("synthesize_1q needs a 2x2 unitary")
    try:
        return _resolved(natives).synthesize(array.tobytes())
    except EulerError as error:
        raise SynthesisError(str(error)) from None
