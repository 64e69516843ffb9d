"""Random unitaries for the synthesis tests and their golden outputs."""

from __future__ import annotations

import numpy as np


def haar(seed: int, dim: int) -> np.ndarray:
    """A Haar-random ``dim x dim`` unitary (QR of a complex Gaussian matrix, ``seed``'s draw)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    q, r = np.linalg.qr(z)
    d = r.diagonal()
    unitary: np.ndarray = q * (d / abs(d))
    return unitary
