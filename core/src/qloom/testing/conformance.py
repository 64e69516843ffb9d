"""Conformance checks for plugin authors: backends (``check_backend``) and passes
(``check_pass``), plus ``assert_backend_accepts``.

Each check suite runs every check, collects the outcomes in a ``Report`` and raises one
``AssertionError`` listing every failure, so a plugin author sees all problems at once.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.config import PipelineLike, get_backend, get_pipeline
from qloom.errors import BackendViolation, CircuitError
from qloom.gates import DIRECTIVES, GATES
from qloom.layout import Layout
from qloom.passes import Pass, PassContext
from qloom.testing.dense import probabilities
from qloom.testing.equivalence import assert_equivalent

__all__ = ["Check", "Report", "assert_backend_accepts", "check_backend", "check_pass"]

_SHOTS = 2000
MAX_TVD = 0.1
"""Default largest total variation distance from the exact distribution on execution."""


@dataclass(frozen=True)
class Check:
    """One check: ``status`` is ``"pass"``, ``"fail"`` or ``"skip"``; ``detail`` says why."""

    name: str
    status: str
    detail: str = ""


@dataclass
class Report:
    """The outcome of a conformance suite."""

    subject: str
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, ok: bool, why: str = "") -> None:
        """Record a check that passed (``ok``) or failed (``why`` says how)."""
        self.checks.append(Check(name, "pass" if ok else "fail", "" if ok else why))

    def skip(self, name: str, reason: str) -> None:
        """Record a check that could not run, and why."""
        self.checks.append(Check(name, "skip", reason))

    @property
    def failures(self) -> list[Check]:
        """The failed checks."""
        return [c for c in self.checks if c.status == "fail"]

    @property
    def skipped(self) -> list[Check]:
        """The checks that could not run."""
        return [c for c in self.checks if c.status == "skip"]

    def raise_for_failures(self) -> None:
        """Raise ``AssertionError`` listing every failed check, if any failed."""
        if self.failures:
            lines = [f"{len(self.failures)} conformance check(s) failed for {self.subject}:"]
            lines += [f"  - {c.name}: {c.detail}" for c in self.failures]
            raise AssertionError("\n".join(lines))

    def __str__(self) -> str:
        lines = [f"{self.subject}: {len(self.checks)} checks, {len(self.failures)} failed"]
        for c in self.checks:
            lines.append(f"  [{c.status}] {c.name}" + (f": {c.detail}" if c.detail else ""))
        return "\n".join(lines)


def assert_backend_accepts(circuit: Circuit, backend: Backend) -> None:
    """Assert that ``backend.validate`` accepts ``circuit``.

    Raises:
        AssertionError: with the backend's violation message.
    """
    try:
        backend.validate(circuit)
    except BackendViolation as exc:
        raise AssertionError(str(exc)) from exc


# -- backends ---------------------------------------------------------------------------------


def check_backend(
    backend: Backend, *, seed: int = 0, max_tvd: float = MAX_TVD, raise_on_failure: bool = True
) -> Report:
    """Run the backend conformance suite.

    Checks that ``__contains__`` answers consistently for qubits, pairs and gates, that
    ``validate`` accepts a circuit of natives on a coupled pair and rejects a non-native
    gate and an uncoupled pair, and, when the backend executes, that a GHZ circuit written
    with its natives (any entangling chain when no cx-like gate is native) gives the exact
    distribution and that a seed reproduces counts.

    Args:
        backend: the backend under test.
        seed: seed of the random gate parameters and of the executions.
        max_tvd: the largest total variation distance from the exact distribution that
            counts as correct; raise it for a backend that emulates a noisy device.
        raise_on_failure: raise when a check fails (tests); False returns the report with
            its ``failures`` (tools such as ``qloom plugins doctor``).

    Returns:
        The report (inspect ``skipped`` for what its natives could not express).

    Raises:
        AssertionError: listing every failed check, unless ``raise_on_failure`` is False.
    """
    report = Report(f"backend '{backend.name}'")
    _check_qubits(backend, report)
    _check_pairs(backend, report)
    _check_gates(backend, report)
    rng = np.random.default_rng(seed)
    _check_validate(backend, report, rng)
    if backend.can_execute:
        _check_execution(backend, report, seed, max_tvd)
    else:
        report.skip("execution", "the backend is a compilation target only (no run)")
    if raise_on_failure:
        report.raise_for_failures()
    return report


def _check_qubits(backend: Backend, report: Report) -> None:
    n = backend.num_qubits
    if n is None:
        report.add("any qubit index is accepted", all(q in backend for q in (0, 1, 64, 10_000)))
    else:
        missing = [q for q in range(n) if q not in backend]
        report.add("every qubit in range is accepted", not missing, f"refused: {missing}")
        report.add(f"qubit {n} (out of range) is refused", n not in backend)
        report.add("qubits() lists range(num_qubits)", backend.qubits == range(n))
    report.add("qubit -1 is refused", -1 not in backend)


def _check_pairs(backend: Backend, report: Report) -> None:
    graph = backend.connectivity
    report.add("a qubit paired with itself is refused", (0, 0) not in backend)
    if graph is None:
        report.add("every pair is accepted (no connectivity)", (0, 1) in backend)
        return
    directed = isinstance(graph, nx.DiGraph)
    edges = list(graph.edges)
    refused = [e for e in edges if tuple(e) not in backend]
    if not directed:
        refused += [(b, a) for a, b in edges if (b, a) not in backend]
    report.add("every coupling edge is accepted", not refused, f"refused: {refused[:5]}")
    absent = _uncoupled_pair(backend)
    if absent is None:
        report.skip("an uncoupled pair is refused", "every pair of qubits is coupled")
    else:
        report.add("an uncoupled pair is refused", absent not in backend, f"accepted {absent}")


def _uncoupled_pair(backend: Backend) -> tuple[int, int] | None:
    graph = backend.connectivity
    if graph is None:
        return None
    nodes = sorted(graph.nodes)
    for a in nodes:
        for b in nodes:
            if a != b and not graph.has_edge(a, b):
                return (a, b)
    return None


def _check_gates(backend: Backend, report: Report) -> None:
    for directive in ("measure", "barrier"):
        report.add(f"directive '{directive}' is accepted", directive in backend)
    if backend.natives is None:
        refused = [g for g in GATES if g not in backend]
        report.add("every library gate is accepted (no natives)", not refused, f"{refused}")
        return
    refused = sorted(g for g in backend.natives if g not in backend)
    report.add("every native gate is accepted", not refused, f"refused: {refused}")
    other = _non_native(backend)
    if other is None:
        report.skip("a non-native gate is refused", "every library gate is native")
    else:
        report.add("a non-native gate is refused", other not in backend, f"accepted '{other}'")


def _non_native(backend: Backend) -> str | None:
    natives = backend.natives or frozenset(GATES)
    return next((g for g in GATES if g not in natives and g not in DIRECTIVES), None)


def _edge(backend: Backend) -> tuple[int, int] | None:
    graph = backend.connectivity
    if graph is not None:
        return next(iter(sorted(graph.edges)), None)
    if backend.num_qubits is not None and backend.num_qubits < 2:
        return None
    return (0, 1)


def _check_validate(backend: Backend, report: Report, rng: np.random.Generator) -> None:
    edge = _edge(backend)
    width = backend.num_qubits if backend.num_qubits is not None else 2
    circuit = Circuit(width, 1)
    natives = sorted(backend.natives) if backend.natives is not None else sorted(GATES)
    for name in natives:
        gate = GATES[name]
        if not gate.is_unitary or gate.num_qubits is None or gate.num_params is None:
            continue
        params = rng.uniform(-math.pi, math.pi, gate.num_params).tolist()
        if gate.num_qubits == 1:
            circuit.append(name, [edge[0] if edge else 0], params)
        elif gate.num_qubits == 2 and edge is not None:
            circuit.append(name, list(edge), params)
    circuit.measure(edge[0] if edge else 0, 0)
    try:
        backend.validate(circuit)
        report.add("validate accepts natives on a coupled pair", True)
    except BackendViolation as exc:
        report.add("validate accepts natives on a coupled pair", False, str(exc))

    other = _non_native(backend) if backend.natives is not None else None
    if other is not None:
        gate = GATES[other]
        if gate.num_qubits is not None and gate.num_qubits <= width and gate.num_params is not None:
            bad = Circuit(width).append(other, range(gate.num_qubits), [0.1] * gate.num_params)
            report.add(
                f"validate rejects the non-native gate '{other}'",
                _rejects(backend, bad),
                "no BackendViolation raised",
            )
    absent = _uncoupled_pair(backend)
    two_qubit = [g for g in natives if GATES[g].num_qubits == 2 and GATES[g].num_params == 0]
    if absent is not None and two_qubit:
        bad = Circuit(width).append(two_qubit[0], list(absent))
        report.add(
            f"validate rejects {two_qubit[0]} on the uncoupled pair {absent}",
            _rejects(backend, bad),
            "no BackendViolation raised",
        )


def _rejects(backend: Backend, circuit: Circuit) -> bool:
    try:
        backend.validate(circuit)
    except BackendViolation:
        return True
    return False


# -- execution --------------------------------------------------------------------------------

_SUPERPOSE: list[tuple[str, tuple[float, ...]]] = [
    ("h", ()),
    ("u2", (0.0, math.pi)),
    ("u3", (math.pi / 2, 0.0, math.pi)),
    ("u", (math.pi / 2, 0.0, math.pi)),
    ("U", (math.pi / 2, 0.0, math.pi)),
    ("ry", (math.pi / 2,)),
    ("rx", (math.pi / 2,)),
    ("sx", ()),
    ("prx", (math.pi / 2, math.pi / 2)),
    ("gpi2", (0.0,)),
]
_ENTANGLE = ["cx", "CX", "cy", "cz"]
_FLIP: list[tuple[str, tuple[float, ...]]] = [
    ("x", ()),
    ("y", ()),
    ("u3", (math.pi, 0.0, math.pi)),
    ("u", (math.pi, 0.0, math.pi)),
    ("U", (math.pi, 0.0, math.pi)),
    ("rx", (math.pi,)),
    ("ry", (math.pi,)),
    ("prx", (math.pi, 0.0)),
    ("gpi", (0.0,)),
]


Step = tuple[str, tuple[float, ...]]


@dataclass(frozen=True)
class _Recipe:
    """How to entangle a chain with the natives: ``superpose`` the first qubit, then for each
    pair ``before`` on the target, ``entangle`` the pair, ``after`` on the target."""

    superpose: Step
    entangle: Step
    before: Step | None = None
    after: Step | None = None


def _ghz_recipe(backend: Backend) -> _Recipe | str:
    """A GHZ recipe from the natives (or any entangling chain when no cx-like gate is
    native: its exact distribution is still known), or why there is none."""
    natives = backend.natives if backend.natives is not None else frozenset(GATES)
    superpose = next(((g, p) for g, p in _SUPERPOSE if g in natives), None)
    if superpose is None:
        looked = [g for g, _ in _SUPERPOSE]
        return f"no native creates a superposition from |0> (looked for {looked})"
    entangle = next((g for g in _ENTANGLE if g in natives), None)
    if entangle in ("cx", "CX", "cy"):
        return _Recipe(superpose, (entangle, ()))
    if entangle == "cz" and ("h" in natives or "ry" in natives):
        if "h" in natives:
            return _Recipe(superpose, ("cz", ()), ("h", ()), ("h", ()))
        return _Recipe(superpose, ("cz", ()), ("ry", (-math.pi / 2,)), ("ry", (math.pi / 2,)))
    pairs = sorted(
        g for g in natives if GATES[g].num_qubits == 2 and GATES[g].num_params is not None
    )
    if not pairs:
        return "no native two-qubit gate to entangle with"
    name = pairs[0]
    params = (math.pi / 2,) * (GATES[name].num_params or 0)
    return _Recipe(superpose, (name, params), superpose, superpose)


def _chain(backend: Backend, length: int) -> list[int]:
    """Up to ``length`` qubits forming a path of coupled (and correctly directed) pairs."""
    graph = backend.connectivity
    n = backend.num_qubits
    if graph is None:
        return list(range(length if n is None else min(length, n)))
    best: list[int] = []
    for start in sorted(graph.nodes):
        path = [start]
        while len(path) < length:
            nxt = graph.successors(path[-1]) if graph.is_directed() else graph.neighbors(path[-1])
            fresh = sorted(q for q in nxt if q not in path)
            if not fresh:
                break
            path.append(fresh[0])
        if len(path) > len(best):
            best = path
        if len(best) == length:
            break
    return best


def _ghz(backend: Backend, recipe: _Recipe, chain: list[int]) -> Circuit:
    width = backend.num_qubits if backend.num_qubits is not None else max(chain) + 1
    circuit = Circuit(width, len(chain))
    circuit.append(recipe.superpose[0], [chain[0]], recipe.superpose[1])
    for control, target in itertools.pairwise(chain):
        if recipe.before is not None:
            circuit.append(recipe.before[0], [target], recipe.before[1])
        circuit.append(recipe.entangle[0], [control, target], recipe.entangle[1])
        if recipe.after is not None:
            circuit.append(recipe.after[0], [target], recipe.after[1])
    for clbit, q in enumerate(chain):
        circuit.measure(q, clbit)
    return circuit


def _expected_counts(circuit: Circuit, chain: list[int]) -> dict[str, float]:
    """Exact distribution over the clbits (clbit i measures ``chain[i]``)."""
    compact = {q: i for i, q in enumerate(chain)}
    small = Circuit(len(chain), len(chain))
    for op in circuit:
        if op.name != "measure":
            small.append(op.name, [compact[q] for q in op.qubits], op.params)
    probs = probabilities(small)
    k = len(chain)
    out: dict[str, float] = {}
    for index, p in enumerate(probs):
        if p > 1e-12:
            # index has qubit 0 most significant; keys put clbit 0 (= qubit 0) rightmost
            key = format(index, f"0{k}b")[::-1]
            out[key] = out.get(key, 0.0) + float(p)
    return out


def _check_execution(backend: Backend, report: Report, seed: int, max_tvd: float) -> None:
    chain = _chain(backend, 3)
    _check_basis_state(backend, report, seed, chain, max_tvd)
    recipe = _ghz_recipe(backend)
    if isinstance(recipe, str):
        report.skip("GHZ distribution", recipe)
        return
    if len(chain) < 2:
        report.skip("GHZ distribution", "the backend has no coupled pair")
        return
    circuit = _ghz(backend, recipe, chain)
    try:
        first = backend.execute(circuit, _SHOTS, seed)
        again = backend.execute(circuit, _SHOTS, seed)
    except Exception as exc:  # a failing run is a failed check, not a crash of the suite
        report.add("executes a GHZ circuit of natives", False, f"{type(exc).__name__}: {exc}")
        return
    report.add(f"executes a GHZ circuit of natives on qubits {chain}", True)
    total = sum(first.counts.values())
    report.add(
        "counts add up to the shots",
        total == _SHOTS == first.shots,
        f"{total} counts, shots={first.shots}, asked {_SHOTS}",
    )
    widths = {len(k) for k in first.counts}
    report.add("counts keys span the circuit's clbits", widths <= {len(chain)}, f"{widths}")
    expected = _expected_counts(circuit, chain)
    tvd = 0.5 * sum(
        abs(first.counts.get(k, 0) / max(total, 1) - expected.get(k, 0.0))
        for k in set(expected) | set(first.counts)
    )
    report.add(
        f"GHZ on {len(chain)} qubits gives the exact distribution",
        tvd <= max_tvd,
        f"total variation distance {tvd:.3f} > {max_tvd}; expected {expected}, got {first.counts}",
    )
    report.add(
        "the same seed gives the same counts",
        first.counts == again.counts,
        f"{first.counts} then {again.counts}",
    )


def _check_basis_state(
    backend: Backend, report: Report, seed: int, chain: list[int], max_tvd: float
) -> None:
    """|1> on the first qubit of ``chain``, |0> on the others: catches reversed keys."""
    natives = backend.natives if backend.natives is not None else frozenset(GATES)
    name = "a basis state reads back with clbit 0 rightmost"
    flip = next(((g, p) for g, p in _FLIP if g in natives), None)
    if flip is None and "sx" in natives:
        flip = ("sx", ())
    if flip is None or not chain:
        report.skip(name, f"no native flips a qubit (looked for {[g for g, _ in _FLIP]}, sx)")
        return
    width = backend.num_qubits if backend.num_qubits is not None else max(chain) + 1
    circuit = Circuit(width, len(chain))
    for _ in range(2 if flip[0] == "sx" and flip not in _FLIP else 1):
        circuit.append(flip[0], [chain[0]], flip[1])
    for clbit, q in enumerate(chain):
        circuit.measure(q, clbit)
    want = "0" * (len(chain) - 1) + "1"
    try:
        counts = backend.execute(circuit, _SHOTS, seed).counts
    except Exception as exc:  # a failing run is a failed check, not a crash of the suite
        report.add(name, False, f"{type(exc).__name__}: {exc}")
        return
    share = counts.get(want, 0) / max(sum(counts.values()), 1)
    report.add(
        name,
        share >= 1 - max_tvd,
        f"X on qubit {chain[0]} measured into clbit 0 should read '{want}', got {counts}",
    )


# -- passes -----------------------------------------------------------------------------------


def check_pass(
    pass_: PipelineLike,
    backends: Iterable[Backend | str],
    circuits: Sequence[Circuit],
    *,
    seed: int = 0,
    expect_accepted: bool = True,
    raise_on_failure: bool = True,
    **equivalence: Any,
) -> Report:
    """Check a pass (or pipeline) on every backend and circuit.

    For each pair: the output is equivalent to the input up to the layout it reports
    (``assert_equivalent``), it is accepted by the backend when ``expect_accepted`` (the pass
    then runs inside ``qloom.transpile``, which validates), and the same seed gives an
    identical circuit and layout twice.

    Args:
        pass_: the pass, pipeline, pipeline name or spec.
        backends: backends or backend names.
        circuits: input circuits (unitary, optionally with final measurements).
        seed: the transpilation seed.
        expect_accepted: whether the pass claims to produce circuits the backend accepts;
            when False the pass runs without the final validation.
        raise_on_failure: raise when a check fails (tests); False returns the report with
            its ``failures`` (tools such as ``qloom plugins doctor``).
        equivalence: options for ``assert_equivalent`` (``atol``, ``random_states``, ...).

    Returns:
        The report.

    Raises:
        AssertionError: listing every failed check, unless ``raise_on_failure`` is False.
    """
    resolved = [get_backend(b) for b in backends]
    label = pass_.label if isinstance(pass_, Pass) else str(pass_)
    report = Report(f"pass '{label}'")
    for backend in resolved:
        for index, circuit in enumerate(circuits):
            where = f"circuit {index} ({circuit.num_qubits} qubits) on '{backend.name}'"
            try:
                out = _transpile(circuit, backend, pass_, seed, expect_accepted)
                repeat = _transpile(circuit, backend, pass_, seed, expect_accepted)
            except Exception as exc:  # report it and go on with the other pairs
                report.add(f"{where}: transpiles", False, f"{type(exc).__name__}: {exc}")
                continue
            try:
                assert_equivalent(circuit, out, out.layout, seed=seed, **equivalence)
                report.add(f"{where}: equivalent", True)
            except (AssertionError, CircuitError) as exc:
                report.add(f"{where}: equivalent", False, str(exc))
            if expect_accepted:
                try:
                    assert_backend_accepts(out, backend)
                    report.add(f"{where}: accepted by the backend", True)
                except AssertionError as exc:
                    report.add(f"{where}: accepted by the backend", False, str(exc))
            same = out == repeat and out.layout == repeat.layout
            report.add(
                f"{where}: deterministic for a seed",
                same,
                f"two runs with seed {seed} gave different circuits or layouts",
            )
    if raise_on_failure:
        report.raise_for_failures()
    return report


def _transpile(
    circuit: Circuit, backend: Backend, pass_: PipelineLike, seed: int, validate: bool
) -> Circuit:
    if validate:
        from qloom.api import transpile

        return transpile(circuit, on=backend, transpiler=pass_, seed=seed)
    pipeline = get_pipeline(pass_)
    context = PassContext(backend=backend, seed=seed)
    out = pipeline(circuit, context)
    out = out.copy() if out is circuit else out
    out.layout = context.layout or Layout.trivial(circuit.num_qubits, out.num_qubits)
    return out
