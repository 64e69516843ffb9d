"""Golden outputs of ``optimizers:consolidate_2q``: the cases, how an outcome is summarised.

The pass collects two-qubit blocks and builds their 4x4 matrices in the optimizer kernel
(crate ``qloom-opt``, issue 17) and asks ``qloom_optimizers.resynthesis`` about each
distinct block. The Python consolidation it replaced was kept as a test oracle during the
port and was then replaced by these recorded outcomes: every case below was run through
the oracle and through the kernel on the machine that recorded them, the two agreed (the
same gates, parameters by ``repr``; the same distinct questions, block matrices bit for
bit), and the oracle's outcome is stored in ``tests/plugins/optimizers/golden/``
(``consolidate.json``, ``consolidate_questions.json``). The kernel's block matrices do not
depend on the machine (it rounds its products as numpy's loops and OpenBLAS's ``zgemm``
did there, in its own code), so the files hold on any CPU where a live numpy comparison
might not. ``tests/plugins/optimizers/make_golden.py`` rewrites them from the kernel.

Groups:

- ``consolidate``: busy circuits 0-199 (``optimizer_golden.busy_circuit``) on an all-to-all
  cz/rz/sx/x device, a directed ecr device and a device without natives; plus a routed
  circuit and a lone foreign gate.
- ``consolidate_questions``: busy circuits 0, 5, ..., 195 on the same devices: the distinct
  block decisions asked (sha256 of the matrix bytes, 2q count, foreign, accepted directions).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import networkx as nx
import numpy as np

from qloom import Backend, Circuit, PassContext
from qloom_optimizers.consolidation import Consolidate2q
from support.optimizer_golden import FILES, busy_circuit, summary

__all__ = ["BACKENDS", "FILES", "GROUPS", "Case", "cases", "outcome", "recording", "run"]

GROUPS = ("consolidate", "consolidate_questions")


def directed(n: int, edges: list[tuple[int, int]], natives: list[str]) -> Backend:
    """A device coupling ``edges`` one way only."""
    return Backend("directed", n, nx.DiGraph(edges), natives)


BACKENDS = {
    "all-cz": Backend("all", 5, natives=["cz", "rz", "sx", "x"]),
    "directed-ecr": directed(5, [(0, 1), (2, 1), (2, 3), (4, 3)], ["ecr", "rz", "sx", "x"]),
    "any": Backend("any", 5),
}


@dataclass(frozen=True)
class Case:
    """``consolidate_2q`` on one circuit for one device."""

    id: str
    circuit: Circuit
    backend: Backend


def run(case: Case) -> Circuit:
    """``consolidate_2q`` on ``case`` through the kernel."""
    return Consolidate2q().run(case.circuit, PassContext(case.backend))


def question(matrix: np.ndarray, two_qubit: int, foreign: bool, directions: Any) -> str:
    """One block decision as asked: the matrix's bytes by sha256 and the rest as written."""
    digest = hashlib.sha256(np.ascontiguousarray(matrix).tobytes()).hexdigest()
    return f"{digest} 2q={two_qubit} foreign={foreign} directions={directions!r}"


@contextmanager
def recording(module: ModuleType) -> Iterator[list[str]]:
    """Record, in order, the block decisions asked of ``module.resynthesis`` meanwhile."""
    asked: list[str] = []
    real = module.resynthesis

    def recorded(matrix, two_qubit, foreign, natives, directions):  # type: ignore[no-untyped-def]
        asked.append(question(matrix, two_qubit, foreign, directions))
        return real(matrix, two_qubit, foreign, natives, directions)

    module.resynthesis = recorded  # type: ignore[attr-defined]
    try:
        yield asked
    finally:
        module.resynthesis = real  # type: ignore[attr-defined]


def outcome(group: str, case: Case) -> Any:
    """What the kernel gives for ``case`` in ``group``, as stored in the golden file: the
    output (``optimizer_golden.summary``) or the sorted distinct questions."""
    if group == "consolidate":
        return summary(run(case))
    import qloom_optimizers.kernel as kernel_module

    with recording(kernel_module) as asked:
        run(case)
    return sorted(set(asked))


def routed_circuit() -> Circuit:
    """A circuit as routing leaves it: cx, swap and cp on neighbours with rotations between."""
    circuit = Circuit(5)
    for k in range(12):
        a, b = [(0, 1), (1, 2), (2, 3), (3, 4)][k % 4]
        circuit.cx(a, b).rz(0.1 * k, b).swap(a, b).cp(0.3, b, a).ry(0.2 * k, a)
    return circuit


def cases(group: str) -> list[Case]:
    """The cases of ``group`` (one of ``GROUPS``)."""
    if group not in GROUPS:
        raise ValueError(f"groups are {', '.join(GROUPS)}, got {group!r}")
    seeds = range(200) if group == "consolidate" else range(0, 200, 5)
    out = [
        Case(f"busy{seed}/{label}", busy_circuit(seed), backend)
        for label, backend in sorted(BACKENDS.items())
        for seed in seeds
    ]
    if group == "consolidate":
        out.append(Case("routed/directed-ecr", routed_circuit(), BACKENDS["directed-ecr"]))
        two = Backend("all", 2, natives=["cz", "rz", "sx", "x"])
        out.append(Case("rzz-foreign/all-cz", Circuit(2).rzz(math.pi / 3, 0, 1), two))
    return out
