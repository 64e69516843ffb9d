"""What a Qiskit ``Target`` allows, in qloom's terms: qubits, pairs, natives, error rates.

qloom describes a device with one coupling graph and one set of native gates, so the
reading is:

- natives: the qloom gates whose Qiskit gate the target lists. A target that runs
  ``unitary`` on any qubits (Aer) runs every qloom gate (the missing ones are sent as
  ``UnitaryGate``), so its natives are ``None``: every gate.
- connectivity: the pairs of the target's two-qubit natives, one graph for all of them;
  directed (``DiGraph``) when some pair is listed in one direction only (ECR on IBM Eagle).
  ``None`` when every two-qubit native works on any pair.
- num_qubits: the target's, except for a target that constrains nothing (no coupling, every
  gate), which is treated as a simulator: any number of qubits (its own limit is kept as
  ``max_qubits``).
- calibration: ``sx`` error per qubit (else the first single-qubit gate with rates),
  ``measure`` error as readout, the lowest two-qubit native error per pair.
- dropped: target operations qloom has no gate for (``delay``, control flow, ``save_*``, ...).

The other way, ``backend_target`` writes a calibrated qloom backend (an emulated device) as
a ``Target`` with the same qubits, pairs, natives and error rates, so Qiskit compiles for the
same device qloom does (``benchmarks/synthesis/bench_noise.py``); ``read_target`` reads the
same calibration back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from qiskit.circuit import Measure
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.transpiler import InstructionProperties, Target

from qloom.backend import Backend
from qloom.calibration import Calibration
from qloom.errors import QloomError
from qloom.gates import DIRECTIVES, GATES
from qloom_qiskit.gates import QISKIT_NAMES, qloom_names

__all__ = ["TargetInfo", "backend_target", "read_target"]


@dataclass(frozen=True)
class TargetInfo:
    """A ``Target`` in qloom's terms (see the module docstring for the rules).

    Attributes:
        num_qubits: qubits, ``None`` for a simulator-like target.
        connectivity: coupling graph, ``None`` when every pair is coupled.
        natives: qloom gate names, ``None`` when every gate runs.
        calibration: error rates, ``None`` when the target has none.
        send_as_unitary: qloom gates to send as ``UnitaryGate`` when running (natives
            ``None``, but the target lacks their Qiskit gate).
        dropped: target operation names with no qloom gate, sorted.
        durations: Qiskit operation name -> qubits -> seconds.
        max_qubits: the target's own qubit count.
    """

    num_qubits: int | None
    connectivity: nx.Graph | None
    natives: frozenset[str] | None
    calibration: Calibration | None
    send_as_unitary: frozenset[str] = frozenset()
    dropped: tuple[str, ...] = ()
    durations: dict[str, dict[tuple[int, ...], float]] = field(default_factory=dict)
    max_qubits: int | None = None


def read_target(target: Target) -> TargetInfo:
    """Read ``target`` as qloom's qubits, pairs, natives and error rates."""
    natives: set[str] = set()
    dropped: list[str] = []
    for name in target.operation_names:
        gates = _qloom_gates(name, target.operation_from_name(name))
        natives.update(gates)
        if not gates and name not in DIRECTIVES:
            dropped.append(name)
    runs_any_unitary = "unitary" in target and None in target["unitary"]
    two_qubit = [n for n in target.operation_names if _is_native_2q(n, target, natives)]
    connectivity = _coupling(target, two_qubit)
    calibration = _calibration(target, two_qubit)
    durations = _durations(target)
    if runs_any_unitary:
        listed = set(target.operation_names)
        send = frozenset(n for n, q in QISKIT_NAMES.items() if q not in listed)
        everything: frozenset[str] | None = None
    else:
        send, everything = frozenset(), frozenset(natives)
    simulator = everything is None and connectivity is None
    return TargetInfo(
        num_qubits=None if simulator else target.num_qubits,
        connectivity=connectivity,
        natives=everything,
        calibration=calibration,
        send_as_unitary=send,
        dropped=tuple(sorted(dropped)),
        durations=durations,
        max_qubits=target.num_qubits,
    )


def _qloom_gates(name: str, operation: Any) -> set[str]:
    """qloom gates written as the target operation ``name`` (a gate class: any arity)."""
    names = qloom_names(name)
    if isinstance(operation, type):
        return set(names)
    width = getattr(operation, "num_qubits", None)
    return {n for n in names if GATES[n].num_qubits in (None, width)}


def _is_native_2q(name: str, target: Target, natives: set[str]) -> bool:
    operation = target.operation_from_name(name)
    if isinstance(operation, type) or getattr(operation, "num_qubits", 0) != 2:
        return False
    return bool(_qloom_gates(name, operation) & natives)


def _coupling(target: Target, two_qubit: Iterable[str]) -> nx.Graph | None:
    edges: set[tuple[int, int]] = set()
    for name in two_qubit:
        qargs = target[name]
        if None in qargs:
            return None
        edges.update((int(a), int(b)) for a, b in qargs)
    directed = any((b, a) not in edges for a, b in edges)
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(range(target.num_qubits or 0))
    graph.add_edges_from(sorted(edges))
    return graph


def _rates(target: Target, name: str) -> dict[tuple[int, ...], float]:
    """The error rates of one operation by qubits (unknown and invalid rates left out)."""
    out: dict[tuple[int, ...], float] = {}
    for qargs, props in target[name].items():
        error = getattr(props, "error", None)
        if qargs is not None and error is not None and 0.0 <= error <= 1.0:
            out[tuple(int(q) for q in qargs)] = float(error)
    return out


def _calibration(target: Target, two_qubit: Iterable[str]) -> Calibration | None:
    single = [
        n
        for n in target.operation_names
        if n not in DIRECTIVES
        and qloom_names(n)
        and getattr(target.operation_from_name(n), "num_qubits", 0) == 1
        and any(rate > 0 for rate in _rates(target, n).values())
    ]
    preferred = "sx" if "sx" in single else min(single, default=None)
    qubit_error = {q[0]: r for q, r in _rates(target, preferred).items()} if preferred else {}
    readout = {q[0]: r for q, r in _rates(target, "measure").items()} if "measure" in target else {}
    edge_error: dict[tuple[int, int], float] = {}
    for name in two_qubit:
        for (a, b), rate in _rates(target, name).items():
            edge_error[a, b] = min(rate, edge_error.get((a, b), rate))
    calibration = Calibration(qubit_error, readout, edge_error)
    return calibration if calibration else None


def _durations(target: Target) -> dict[str, dict[tuple[int, ...], float]]:
    out: dict[str, dict[tuple[int, ...], float]] = {}
    for name in target.operation_names:
        if isinstance(target.operation_from_name(name), type):
            continue
        times = {
            tuple(int(q) for q in qargs): float(props.duration)
            for qargs, props in target[name].items()
            if qargs is not None and props is not None and props.duration is not None
        }
        if times:
            out[name] = times
    return out


def backend_target(backend: Backend) -> Target:
    """A ``Target`` of ``backend``'s qubits, coupled pairs (both directions unless the
    coupling is directed), natives and calibrated error rates.

    Each single-qubit native has its qubit's ``qubit_error`` (0 for the backend's
    ``virtual_gates``, done in software), the two-qubit native its pair's rate, ``measure``
    the readout error; a rate the calibration lacks is left unknown (``error=None``).

    Raises:
        QloomError: the backend has no qubit count, coupling or natives, or a native that is
            no Qiskit standard gate on one or two qubits.
    """
    if backend.num_qubits is None or backend.connectivity is None or backend.natives is None:
        raise QloomError(f"backend '{backend.name}' has no fixed qubits, coupling and natives")
    n = backend.num_qubits
    calibration = backend.calibration or Calibration()
    virtual = set(backend.properties.get("virtual_gates", ()))
    graph = backend.connectivity
    pairs = [(int(a), int(b)) for a, b in graph.edges]
    if not graph.is_directed():
        pairs += [(b, a) for a, b in pairs]
    standard = get_standard_gate_name_mapping()
    target = Target(num_qubits=n)
    for name in sorted(backend.natives):
        gate = standard.get(QISKIT_NAMES.get(name, ""))
        if gate is None or gate.num_qubits > 2:
            raise QloomError(f"native '{name}' of '{backend.name}' is no Qiskit standard gate")
        if gate.num_qubits == 1:
            one = {
                (q,): InstructionProperties(
                    error=0.0 if name in virtual else calibration.qubit_error.get(q)
                )
                for q in range(n)
            }
            target.add_instruction(gate, one)
        else:
            two = {p: InstructionProperties(error=calibration.edge_rate(*p)) for p in pairs}
            target.add_instruction(gate, two)
    readout = {
        (q,): InstructionProperties(error=calibration.readout_error.get(q)) for q in range(n)
    }
    target.add_instruction(Measure(), readout)
    return target
