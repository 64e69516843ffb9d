"""Golden outputs of the compiled optimizer passes: the cases, how an output is summarised,
the files.

``optimizers:optimize``, ``cancel``, ``remove_identities`` and ``fuse_1q`` run in the
optimizer kernel (``qloom_kernels.OptCircuit`` through ``qloom_optimizers.kernel``), a port
of pure-Python passes (issue 17). Those passes were kept as a test oracle during the port
and were then replaced by these recorded outputs: every case below was run through the
oracle and through the kernel, the two agreed operation for operation (names, qubits,
clbits, conditions, ``repr`` of the parameters), and the output is stored under
``tests/plugins/optimizers/golden/``. ``tests/plugins/optimizers/make_golden.py`` rewrites
the files from the kernel; it is run only when the passes' output is meant to change.

A case is one pass on one circuit. Groups:

- ``passes``: random "busy" circuits on 5 qubits (many gate kinds, angles that cancel,
  merge to a period or to something new, directives and conditioned gates between) through
  ``cancel`` (lookback 0, 1, 2, 3, 24), ``remove_identities`` and ``fuse_1q`` (natives
  cz/rz/sx/x, cx/u, none), plus a few written by hand.
- ``optimize``: the round loop on busy circuits, natives cz/rz/sx/x and cx/u, with and
  without 2q resynthesis, lookback 2 and 24.
- ``shared``: shared benchmark circuits as ``O1`` hands them to ``optimizers:optimize`` on
  hh27, the pass with and without resynthesis.

The resynthesis cases include what ``qloom_unrollers.synthesis`` (the ``qloom-kak`` kernel)
gives for 2q blocks, bit for bit as built here; the oracle called the same synthesis.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import qloom
from qloom import Backend, Circuit, Operation, PassContext, qasm2
from qloom_optimizers.cancellation import cancel_gates
from qloom_optimizers.fusion import fuse_single_qubit_runs
from qloom_optimizers.optimize import Optimize
from qloom_optimizers.removal import remove_identities
from qloom_optimizers.rules import LOOKBACK
from support.golden import GoldenFiles

FILES = GoldenFiles(Path(__file__).resolve().parents[1] / "plugins" / "optimizers" / "golden")
"""Where the golden files live (one JSON object per group, one case per line)."""
load = FILES.load

GROUPS = ("passes", "optimize", "shared")

INLINE_OPS = 12
"""Outputs up to this long are stored operation by operation; longer ones as a sha256."""


@dataclass(frozen=True)
class Case:
    """One pass (``cancel``, ``remove``, ``fuse`` or ``optimize``) on one circuit."""

    id: str
    circuit: Circuit
    kind: str
    lookback: int = LOOKBACK
    natives: frozenset[str] | None = None
    resynthesize: bool = False
    backend: Backend | None = None


def run(case: Case) -> Circuit:
    """The pass of ``case`` through the kernel."""
    if case.kind == "cancel":
        return cancel_gates(case.circuit, case.lookback)
    if case.kind == "remove":
        return remove_identities(case.circuit)
    if case.kind == "fuse":
        return fuse_single_qubit_runs(case.circuit, case.natives)
    assert case.kind == "optimize" and case.backend is not None
    passed = Optimize(resynthesize=case.resynthesize, lookback=case.lookback)
    return passed(case.circuit, PassContext(backend=case.backend, seed=1))


def line(op: Operation) -> str:
    """One operation exactly: name, qubits, ``repr`` of the parameters, clbits, condition."""
    text = f"{op.name} {list(op.qubits)} {op.params!r}"
    if op.clbits:
        text += f" -> {list(op.clbits)}"
    if op.condition is not None:
        text += f" if {op.condition!r}"
    return text


def summary(circuit: Circuit) -> dict[str, Any]:
    """An output in JSON form: its size, 2q count and operations (or their sha256)."""
    lines = [line(op) for op in circuit]
    out: dict[str, Any] = {"ops": len(lines), "2q": circuit.count_2q()}
    if len(lines) <= INLINE_OPS:
        out["out"] = lines
    else:
        out["sha256"] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return out


def outcome(case: Case) -> dict[str, Any]:
    """What the kernel gives for ``case``, as stored in a golden file."""
    return summary(run(case))


def cases(group: str, shared: Path | None = None) -> list[Case]:
    """The cases of ``group`` (one of ``GROUPS``); ``shared`` is the shared benchmarks
    folder the ``shared`` group reads."""
    if group == "passes":
        return list(pass_cases())
    if group == "optimize":
        return list(optimize_cases())
    if group == "shared":
        assert shared is not None
        return list(shared_cases(shared))
    raise ValueError(f"groups are {', '.join(GROUPS)}, got {group!r}")


# -- busy circuits --------------------------------------------------------------------------

N = 5
PI = math.pi
ANGLES = [0.0, -0.0, 0.3, -0.3, PI / 2, -PI / 2, PI, 2 * PI, -2 * PI, 4 * PI, 1e-13, 1.25]
"""Angles that cancel, merge to a period, or merge to something new."""
FIXED_1Q = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "sxdg", "id"]
ROTATIONS_1Q = ["rz", "rx", "ry", "p", "u1"]
FIXED_2Q = ["cx", "cz", "swap", "cy", "ch", "ecr", "iswap"]
ROTATIONS_2Q = ["rzz", "rxx", "ryy", "rzx", "cp", "cu1", "crz", "crx", "cry"]
NATIVES: dict[str, frozenset[str] | None] = {
    "cz-rz-sx-x": frozenset({"cz", "rz", "sx", "x"}),
    "cx-u": frozenset({"cx", "u"}),
    "any": None,
}


def busy_circuit(seed: int, max_ops: int = 60) -> Circuit:
    """Up to ``max_ops`` operations on 5 qubits and 2 clbits from ``random.Random(seed)``:
    many gate kinds, so that gates meet their inverses and rotations their twins across
    commuting chains, with measurements, resets, barriers and conditioned gates between."""
    rng = random.Random(seed)
    circuit = Circuit(N, 2)
    for _ in range(rng.randint(1, max_ops)):
        choice = rng.randint(0, 13)
        if choice <= 3:
            circuit.append(rng.choice(FIXED_1Q), [rng.randrange(N)])
        elif choice <= 6:
            circuit.append(rng.choice(ROTATIONS_1Q), [rng.randrange(N)], [rng.choice(ANGLES)])
        elif choice <= 8:
            circuit.append(rng.choice(FIXED_2Q), rng.sample(range(N), 2))
        elif choice <= 10:
            pair = rng.sample(range(N), 2)
            circuit.append(rng.choice(ROTATIONS_2Q), pair, [rng.choice(ANGLES)])
        elif choice == 11:
            three = rng.sample(range(N), 3)
            name = rng.choice(["ccx", "cswap", "c4x", "u", "unitary"])
            if name == "c4x":
                circuit.append(name, rng.sample(range(N), N))
            elif name == "u":
                circuit.append(name, three[:1], [rng.choice(ANGLES) for _ in range(3)])
            elif name == "unitary":
                theta = rng.choice(ANGLES)
                circuit.unitary(np.diag([1, np.exp(1j * theta), np.exp(1j * theta), 1]), three[:2])
            else:
                circuit.append(name, three)
        elif choice == 12:
            what = rng.choice(["measure", "reset", "barrier", "barrier_all"])
            q = rng.randrange(N)
            if what == "measure":
                circuit.append("measure", [q], clbits=[rng.randrange(2)])
            elif what == "reset":
                circuit.append("reset", [q])
            elif what == "barrier":
                circuit.append("barrier", rng.sample(range(N), rng.randint(1, 3)))
            else:
                circuit.append("barrier", [])
        else:
            name = rng.choice(["x", "rz", "h"])
            params = [rng.choice(ANGLES)] if name == "rz" else []
            circuit.append(name, [rng.randrange(N)], params, condition=("c", 1))
    return circuit


def hand_written() -> dict[str, Circuit]:
    """Circuits whose outcome a reader can check by eye."""
    return {
        # rx(0.3) rx(0.4) merge into rx(0.7), a kind the kernel makes; the cz must then be
        # checked against rx(0.7) (it does not commute on the target), so rx(-0.7) stays...
        "merged-rx-cz": Circuit(2).rx(0.3, 1).rx(0.4, 1).cz(0, 1).rx(-0.7, 1),
        # ...while a cx commutes with rx on its target, so the rotations cancel across it.
        "merged-rx-cx": Circuit(2).rx(0.3, 1).rx(0.4, 1).cx(0, 1).rx(-0.7, 1),
        "cx-pair-across-rz-on-control": Circuit(2).cx(0, 1).rz(0.5, 0).cx(0, 1),
        "cx-pair-across-measure": Circuit(2, 1).cx(0, 1).measure(0, 0).cx(0, 1),
        "symmetric-cz-reversed": Circuit(2).cz(0, 1).cz(1, 0),
        "rz-to-a-period": Circuit(1).rz(PI, 0).rz(PI, 0),
        "s-sdg-t-tdg": Circuit(1).s(0).t(0).tdg(0).sdg(0),
        "empty": Circuit(3),
    }


def pass_cases() -> Iterator[Case]:
    """Busy circuits 0-29 through each standalone pass; the hand-written ones through
    ``cancel`` (the default lookback, 24) and ``fuse`` (natives cz/rz/sx/x)."""
    for seed in range(30):
        circuit = busy_circuit(seed)
        for lookback in (0, 1, 2, 3, 24):
            yield Case(f"busy{seed}/cancel/lookback{lookback}", circuit, "cancel", lookback)
        yield Case(f"busy{seed}/remove", circuit, "remove")
        for label, natives in NATIVES.items():
            yield Case(f"busy{seed}/fuse/{label}", circuit, "fuse", natives=natives)
    for name, circuit in hand_written().items():
        yield Case(f"{name}/cancel", circuit, "cancel")
        yield Case(f"{name}/fuse/cz-rz-sx-x", circuit, "fuse", natives=NATIVES["cz-rz-sx-x"])


def optimize_cases() -> Iterator[Case]:
    """Busy circuits 100-119 through ``optimizers:optimize`` on an all-to-all device, per
    native set, resynthesis off and on, lookback 2 and 24."""
    for label in ("cz-rz-sx-x", "cx-u"):
        natives = NATIVES[label]
        assert natives is not None
        backend = Backend("all", N, natives=sorted(natives | {"swap", "ccx", "cswap", "c4x"}))
        for seed in range(100, 120):
            circuit = busy_circuit(seed)
            for resynthesize in (False, True):
                for lookback in (2, 24):
                    case_id = f"busy{seed}/{label}/resyn-{resynthesize}/lookback{lookback}"
                    yield Case(
                        case_id,
                        circuit,
                        "optimize",
                        lookback,
                        natives,
                        resynthesize,
                        backend,
                    )


SHARED_CIRCUITS = (
    "qft_n10",
    "qb_adder_n10",
    "qv_n8",
    "random_n8_d20",
    "qaoa3reg_n10_p2",
    "qb_sat_n7",
)
"""Small shared circuits of several families (the pass runs on them in a second or less)."""

SHARED_NATIVES = ["cz", "rz", "sx", "x"]


def shared_cases(
    shared: Path, names: tuple[str, ...] = SHARED_CIRCUITS, topology: str = "hh27", seed: int = 11
) -> Iterator[Case]:
    """Each of ``names`` as ``O1`` (seed 11) hands it to ``optimizers:optimize`` on
    ``topology`` (natives cz/rz/sx/x), through the pass with and without resynthesis.
    Needs qloom-levels and the plugins of its ``O1`` (imported here, not at the top: the
    other cases need only qloom-optimizers)."""
    from qloom_levels.levels import o1

    data = json.loads((shared / "topologies" / f"{topology}.json").read_text())
    edges = [(int(a), int(b)) for a, b in data["edges"]]
    backend = Backend(topology, data["n"], edges, SHARED_NATIVES)
    spec = o1()
    # everything before optimizers:optimize, routed as when the golden outputs were made
    # (strict gate order: the cases pin the optimizer's input, not the router's choices)
    spec["passes"] = [
        {**entry, "commute": False} if isinstance(entry, dict) and "commute" in entry else entry
        for entry in spec["passes"][:-1]
    ]
    spec["name"] = "O1-before-optimize"
    for name in names:
        circuit = qasm2.loads((shared / "circuits" / f"{name}.qasm").read_text())
        routed = qloom.transpile(circuit, backend, transpiler=spec, seed=seed)
        for resynthesize in (False, True):
            case_id = f"{name}@{topology}/resyn-{resynthesize}"
            natives = frozenset(SHARED_NATIVES)
            yield Case(case_id, routed, "optimize", LOOKBACK, natives, resynthesize, backend)
