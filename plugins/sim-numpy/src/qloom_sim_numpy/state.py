"""``StateVector``: an n-qubit pure state and the kernels that update it.

The amplitudes are one contiguous complex128 array read as an n-dimensional ``(2,)*n``
tensor. Its axes are permuted lazily: ``order[axis]`` is the wire stored on that axis, so a
multi-qubit gate on scattered wires moves them to the front once and later gates on the
same wires need no copy. Axis 0 is the most significant bit of the flat index, matching
the gate-matrix convention of ``qloom.gates``.

Dense blocks become one ``np.matmul`` on a reshaped view (into a second buffer that is then
swapped in); diagonal blocks are in-place phase multiplications, on slices when few
entries differ from 1. A global phase factored out of diagonals is kept in ``phase``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["StateVector", "permute_qubits"]

_BATCH_MIN = 64
"""Smallest trailing size for which a batched ``matmul`` over the leading axes is fast."""

_KRON_MAX = 64
"""Largest ``U (x) I`` used instead of moving a gate's axes when the trailing size is small."""

_MAX_SPAN = 5
"""Scattered wires within this many adjacent axes are padded with identities, not moved."""

_TILE_QUBITS = 6
"""Diagonal targets among the last this-many axes are applied as a repeated phase tile."""

_ONE_TOL = 4 * np.finfo(float).eps
"""Diagonal entries this close to 1 are treated as 1 (no multiplication)."""


def permute_qubits(matrix: np.ndarray, perm: Sequence[int]) -> np.ndarray:
    """The matrix of the same gate with its qubits reordered: new qubit i is old ``perm[i]``.

    Works for dense ``(2**k, 2**k)`` matrices and for diagonals given as ``(2**k,)`` vectors.
    """
    k = len(perm)
    out: np.ndarray
    if matrix.ndim == 1:
        out = matrix.reshape((2,) * k).transpose(perm).reshape(-1)
    else:
        axes = list(perm) + [k + p for p in perm]
        out = matrix.reshape((2,) * (2 * k)).transpose(axes).reshape(1 << k, 1 << k)
    return out


def _pad(matrix: np.ndarray, offsets: Sequence[int], span: int) -> np.ndarray:
    """Extend a gate on sorted axis ``offsets`` to all ``span`` axes with identities."""
    gaps = [a for a in range(span) if a not in offsets]
    full = np.kron(matrix, np.eye(1 << len(gaps), dtype=complex))
    # full's qubits are (offsets..., gaps...); reorder them to axis order 0..span-1.
    now = list(offsets) + gaps
    return permute_qubits(full, [now.index(a) for a in range(span)])


class StateVector:
    """A pure state of ``num_qubits`` wires, starting in |0...0> unless ``data`` is given.

    Args:
        num_qubits: number of wires (tensor axes).
        data: initial amplitudes, flat, in canonical wire order (taken over, not copied).
    """

    __slots__ = ("_scratch", "axis", "data", "num_qubits", "order", "phase")

    def __init__(self, num_qubits: int, data: np.ndarray | None = None) -> None:
        self.num_qubits = num_qubits
        if data is None:
            data = np.zeros(1 << num_qubits, np.complex128)
            data[0] = 1
        self.data: np.ndarray = data
        self._scratch: np.ndarray | None = None
        self.order: list[int] = list(range(num_qubits))
        self.axis: list[int] = list(range(num_qubits))
        self.phase: complex = 1.0 + 0j

    def copy(self) -> StateVector:
        """An independent copy (the workspace is not copied)."""
        out = StateVector(self.num_qubits, self.data.copy())
        out.order, out.axis, out.phase = list(self.order), list(self.axis), self.phase
        return out

    # -- buffers and axis order ---------------------------------------------------------------

    def _buffer(self) -> np.ndarray:
        if self._scratch is None:
            self._scratch = np.empty_like(self.data)
        return self._scratch

    def _swap_buffers(self) -> None:
        self.data, self._scratch = self._buffer(), self.data

    def release(self) -> None:
        """Free the workspace (it is reallocated when needed)."""
        self._scratch = None

    def _segments(
        self, axes: Sequence[int], total: int | None = None
    ) -> tuple[list[int], list[int], list[int]]:
        """Shape of the first ``total`` axes (default all), sorted ``axes`` kept, runs merged.

        Returns:
            ``(shape, target_dims, rest_dims)``: the merged shape and which of its dims are
            the targets and which the merged runs.
        """
        shape: list[int] = []
        targets: list[int] = []
        rest: list[int] = []
        prev = 0
        for a in axes:
            if a > prev:
                rest.append(len(shape))
                shape.append(1 << (a - prev))
            targets.append(len(shape))
            shape.append(2)
            prev = a + 1
        total = self.num_qubits if total is None else total
        if prev < total:
            rest.append(len(shape))
            shape.append(1 << (total - prev))
        return shape, targets, rest

    def _to_front(self, axes: Sequence[int]) -> None:
        """Move the sorted ``axes`` to the front, keeping the order of the others."""
        if list(axes) == list(range(len(axes))):
            return
        shape, targets, rest = self._segments(axes)
        moved = self.data.reshape(shape).transpose(targets + rest)
        out = self._buffer()
        np.copyto(out.reshape(moved.shape), moved)
        self._swap_buffers()
        chosen = set(axes)
        self.order = [self.order[a] for a in axes] + [
            w for a, w in enumerate(self.order) if a not in chosen
        ]
        for a, w in enumerate(self.order):
            self.axis[w] = a

    def _sorted(self, matrix: np.ndarray, wires: Sequence[int]) -> tuple[np.ndarray, list[int]]:
        """The matrix with its qubits in axis order, and those axes."""
        axes = [self.axis[w] for w in wires]
        perm = sorted(range(len(axes)), key=axes.__getitem__)
        if perm != list(range(len(axes))):
            matrix = permute_qubits(matrix, perm)
            axes = [axes[p] for p in perm]
        return matrix, axes

    # -- gates --------------------------------------------------------------------------------

    def apply_dense(self, matrix: np.ndarray, wires: Sequence[int]) -> None:
        """Apply a ``2**k``-square unitary on ``wires`` (first wire = most significant bit)."""
        matrix, axes = self._sorted(matrix, wires)
        k, low = len(axes), axes[0]
        span = axes[-1] - low + 1
        if span > k:
            if span <= _MAX_SPAN:
                matrix = _pad(matrix, [a - low for a in axes], span)
                k = span
            else:
                self._to_front(axes)
                low = 0
        self._apply_contiguous(matrix, low, k)

    def _apply_contiguous(self, matrix: np.ndarray, low: int, k: int) -> None:
        """Apply ``matrix`` on the adjacent axes ``low .. low+k-1`` (in that order)."""
        dim = 1 << k
        before = 1 << low
        after = 1 << (self.num_qubits - low - k)
        if before > 1 and 1 < after < _BATCH_MIN and dim * after > _KRON_MAX:
            self._to_front(range(low, low + k))
            before, after = 1, 1 << (self.num_qubits - k)
        src, out = self.data, self._buffer()
        if before == 1:
            np.matmul(matrix, src.reshape(dim, after), out=out.reshape(dim, after))
        elif after == 1:
            np.matmul(src.reshape(before, dim), matrix.T, out=out.reshape(before, dim))
        elif after >= _BATCH_MIN:
            shape = (before, dim, after)
            np.matmul(matrix, src.reshape(shape), out=out.reshape(shape))
        else:
            wide = np.kron(matrix, np.eye(after, dtype=complex))
            shape2 = (before, dim * after)
            np.matmul(src.reshape(shape2), wide.T, out=out.reshape(shape2))
        self._swap_buffers()

    def apply_diagonal(self, diagonal: np.ndarray, wires: Sequence[int]) -> None:
        """Multiply by a diagonal unitary given as its ``2**k`` diagonal entries.

        Targets among the last ``_TILE_QUBITS`` axes are folded into a short phase "tile"
        repeated along the contiguous inner axis; targets above are fixed by slicing, and
        slices whose tile is all ones are skipped (a controlled phase touches a quarter).
        """
        first = complex(diagonal[0])
        if first != 1:
            self.phase *= first
            diagonal = diagonal / first
        diagonal, axes = self._sorted(diagonal, wires)
        if not np.any(np.abs(diagonal - 1) > _ONE_TOL):
            return
        n = self.num_qubits
        inner = min(n, _TILE_QUBITS)
        split = n - inner
        high = [a for a in axes if a < split]
        tile_shape = [1] * inner
        for a in axes[len(high) :]:
            tile_shape[a - split] = 2
        tiles = diagonal.reshape((1 << len(high), *(d for d in tile_shape if d == 2)))
        shape, targets, _ = self._segments(high, split)
        view = self.data.reshape((*shape, 1 << inner))
        for combo, tile in enumerate(tiles):
            if not np.any(np.abs(tile - 1) > _ONE_TOL):
                continue
            where: list[int | slice] = [slice(None)] * (len(shape) + 1)
            for j, dim in enumerate(targets):
                where[dim] = (combo >> (len(high) - 1 - j)) & 1
            part = view[tuple(where)]
            if tile.size == 1:
                part *= tile.reshape(())
            else:
                part *= np.broadcast_to(tile.reshape(tile_shape), (2,) * inner).reshape(-1)

    # -- measurement --------------------------------------------------------------------------

    def _halves(self, wire: int) -> np.ndarray:
        a = self.axis[wire]
        return self.data.reshape(1 << a, 2, 1 << (self.num_qubits - a - 1))

    def probability_one(self, wire: int) -> float:
        """Probability that measuring ``wire`` gives 1."""
        one = self._halves(wire)[:, 1, :]
        p = np.einsum("ij,ij->", one.real, one.real) + np.einsum("ij,ij->", one.imag, one.imag)
        p = float(p)
        return min(max(p, 0.0), 1.0)

    def collapse(self, wire: int, outcome: int, probability: float, *, reset: bool = False) -> None:
        """Project ``wire`` on ``outcome`` (of the given probability) and renormalise.

        Args:
            reset: also flip the wire to |0> afterwards (the ``reset`` operation).
        """
        halves = self._halves(wire)
        keep = halves[:, outcome, :]
        keep *= 1 / math.sqrt(probability)
        if reset and outcome == 1:
            halves[:, 0, :] = keep
            halves[:, 1, :] = 0
        else:
            halves[:, 1 - outcome, :] = 0

    def probabilities(self, wires: Sequence[int] | None = None) -> np.ndarray:
        """Outcome probabilities over ``wires`` (default all, canonical order), flat.

        The first wire is the most significant bit of the index.
        """
        wires = list(range(self.num_qubits)) if wires is None else list(wires)
        probs = np.square(self.data.real)
        probs += np.square(self.data.imag)
        chosen = [self.axis[w] for w in wires]
        others = tuple(a for a in range(self.num_qubits) if a not in set(chosen))
        tensor = probs.reshape((2,) * self.num_qubits)
        if others:
            tensor = tensor.sum(axis=others)
        kept = sorted(chosen)
        tensor = tensor.transpose([kept.index(a) for a in chosen])
        return np.ascontiguousarray(tensor).reshape(-1)

    def amplitudes(self, wires: Sequence[int]) -> np.ndarray:
        """The amplitudes with axis i holding ``wires[i]`` (a permutation of all wires).

        The stored global phase is applied. The returned array may share memory with the
        state, which should not be used afterwards.
        """
        perm = [self.axis[w] for w in wires]
        if perm == list(range(self.num_qubits)):
            out = self.data
        else:
            out = self._buffer()
            moved = self.data.reshape((2,) * self.num_qubits).transpose(perm)
            np.copyto(out.reshape(moved.shape), moved)
        if self.phase != 1:
            out *= self.phase
        self._scratch = None
        return out
