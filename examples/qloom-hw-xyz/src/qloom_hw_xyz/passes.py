"""``optimizers:xyz_merge_rz``: one ``rz`` per qubit between pulses, none that does nothing.

On XYZ devices ``rz`` is virtual, but each one is still an instruction of the job the
control system compiles, and translation to the natives leaves many side by side (``h``
becomes ``rz sx rz``, so ``h`` after ``h`` has two ``rz`` in a row). ``cz`` is diagonal,
like ``rz``, so the two commute and ``rz`` gates on either side of a ``cz`` merge as well.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from qloom import Circuit, Operation, Pass, PassContext

__all__ = ["MergeRZ"]


class MergeRZ(Pass):
    """Merge the ``rz`` gates of each qubit up to its next pulse, measurement or barrier.

    A merged angle is wrapped into ``[-pi, pi]`` and dropped when within ``atol`` of zero:
    ``rz(2 pi k)`` is the identity up to a global phase. Classically conditioned gates are
    left as they are and end a run. The circuit's qubits do not move.

    Options:
        atol: largest angle, after wrapping, dropped as zero (default 1e-9).
    """

    kind = "optimizers"
    name = "xyz_merge_rz"

    def __init__(self, *, atol: float = 1e-9) -> None:
        super().__init__(atol=atol)
        self.atol = atol

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        pending: dict[int, float] = {}
        out: list[Operation] = []

        def flush(qubits: Iterable[int]) -> None:
            for q in qubits:
                angle = math.remainder(pending.pop(q, 0.0), 2 * math.pi)
                if abs(angle) > self.atol:
                    out.append(Operation("rz", (q,), (angle,)))

        for op in circuit:
            if op.condition is None and op.name == "rz":
                q = op.qubits[0]
                pending[q] = pending.get(q, 0.0) + float(op.params[0])
            elif op.condition is None and op.name == "cz":
                out.append(op)  # diagonal: the pending rz of its qubits move past it
            else:
                flush(op.qubits)
                out.append(op)
        flush(sorted(pending))
        return circuit.copy_with(out)
