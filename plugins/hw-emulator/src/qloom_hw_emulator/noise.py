"""Noisy emulation: Monte Carlo trajectories, simulated in batches on NumPy.

Each gate is followed, with its depolarizing error rate ``p``, by a uniformly random
non-identity Pauli on its qubits; each measurement records the wrong bit with the qubit's
readout error (the qubit itself is left as the true outcome left it). Every shot draws its
own errors, so the counts follow the noisy device's distribution exactly, not an average.

Shots that drew the same errors share one simulated state when every measurement is final
(a low-noise run needs few states); with mid-circuit measurements, resets or conditions
each shot is its own trajectory. Trajectories are simulated together, one array of states,
so each gate is one NumPy call for a whole batch.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from qloom import Circuit, Operation
from qloom.gates import GATES, gate_matrix
from qloom_sim_numpy import Condition, condition_of, counts_key, register_bits, terminal_flags

__all__ = ["BATCH_AMPLITUDES", "ErrorSite", "compact", "error_sites", "sample_noisy"]

BATCH_AMPLITUDES = 1 << 22
"""Amplitudes simulated at once (64 MiB); more trajectories than fit run in several batches."""

Pattern = tuple[tuple[int, int], ...]
"""The errors of one shot: ``(site number, outcome)`` pairs, in circuit order; the outcome
is the Pauli (``1 .. 4**k - 1``, two bits per qubit, last qubit lowest) or ``1`` for a
readout flip."""


@dataclass(frozen=True)
class ErrorSite:
    """Where an error may happen: at operation ``index``, with probability ``rate``."""

    index: int
    rate: float
    readout: bool


def compact(circuit: Circuit) -> tuple[Circuit, list[int]]:
    """The circuit on just the qubits it touches (in order), and those qubits."""
    active = circuit.active_qubits()
    if len(active) == circuit.num_qubits:
        return circuit, active
    position = {q: i for i, q in enumerate(active)}
    out = circuit.copy_empty(len(active))
    for op in circuit:
        qubits = [position[q] for q in op.qubits if q in position]
        if op.name != "barrier" or qubits:
            out.append(op.name, qubits, op.params, op.clbits, op.condition)
    return out, active


def error_sites(
    circuit: Circuit,
    gate_rate: Callable[[Operation], float],
    readout_rate: Callable[[int], float],
) -> list[ErrorSite]:
    """Every place an error may happen, with its probability (zero-rate places left out)."""
    sites = []
    for index, op in enumerate(circuit):
        if op.name == "measure":
            site = ErrorSite(index, readout_rate(op.qubits[0]), True)
        elif GATES[op.name].is_unitary:
            site = ErrorSite(index, gate_rate(op), False)
        else:
            continue
        if site.rate > 0.0:
            sites.append(site)
    return sites


def sample_noisy(
    circuit: Circuit, sites: Sequence[ErrorSite], shots: int, seed: int
) -> tuple[dict[str, int], int]:
    """Sample ``shots`` noisy shots; returns counts keyed by clbits and the number of
    distinct trajectories simulated."""
    rng = np.random.default_rng(seed)
    patterns = _draw_patterns(circuit, sites, shots, rng)
    ops = list(circuit)
    terminal = terminal_flags(ops)
    classical = any(
        op.condition is not None or (op.name in ("measure", "reset") and not terminal[i])
        for i, op in enumerate(ops)
    )
    if classical:
        rows = [p for p, n in patterns for _ in range(n)]
        weights = [1] * len(rows)
    else:
        rows = [p for p, _ in patterns]
        weights = [n for _, n in patterns]
    batch = max(1, BATCH_AMPLITUDES >> circuit.num_qubits)
    counts: Counter[str] = Counter()
    for start in range(0, len(rows), batch):
        run = _Batch(circuit, sites, rows[start : start + batch], terminal, rng)
        counts.update(run.sample(weights[start : start + batch]))
    return dict(sorted(counts.items())), len(rows)


def _draw_patterns(
    circuit: Circuit, sites: Sequence[ErrorSite], shots: int, rng: np.random.Generator
) -> list[tuple[Pattern, int]]:
    """Each distinct error pattern with the number of shots that drew it, sorted."""
    per_shot: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for number, site in enumerate(sites):
        hits = int(rng.binomial(shots, site.rate))
        if not hits:
            continue
        chosen = rng.choice(shots, hits, replace=False)
        if site.readout:
            outcomes = np.ones(hits, dtype=np.int64)
        else:
            outcomes = rng.integers(1, 4 ** len(circuit[site.index].qubits), hits)
        for shot, outcome in zip(chosen.tolist(), outcomes.tolist(), strict=True):
            per_shot[shot].append((number, outcome))
    tally: Counter[Pattern] = Counter(tuple(e) for e in per_shot.values())
    if shots > len(per_shot):
        tally[()] = shots - len(per_shot)
    return sorted(tally.items())


class _Batch:
    """Trajectories simulated together: ``state[..., r]`` is the state of row ``r``.

    The row axis is last, so every slice the gates touch is contiguous over the rows.
    """

    def __init__(
        self,
        circuit: Circuit,
        sites: Sequence[ErrorSite],
        rows: Sequence[Pattern],
        terminal: Sequence[bool],
        rng: np.random.Generator,
    ) -> None:
        self.n = circuit.num_qubits
        self.rng = rng
        self.rows = len(rows)
        self.state = np.zeros((2,) * self.n + (self.rows,), dtype=complex)
        self.state[(0,) * self.n] = 1.0
        self.clbits = np.zeros((self.rows, circuit.num_clbits), dtype=bool)
        events: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for r, pattern in enumerate(rows):
            for number, outcome in pattern:
                events[sites[number].index][outcome].append(r)
        registers = register_bits(circuit)
        self.finals: list[tuple[int, int, np.ndarray]] = []
        pending: dict[int, np.ndarray] = {}
        for index, op in enumerate(circuit):
            if op.name == "barrier":
                continue
            errors = {o: np.array(r) for o, r in events.get(index, {}).items()}
            condition = condition_of(op, registers)
            if condition is None and len(op.qubits) == 1 and GATES[op.name].is_unitary:
                # runs of 1q gates without errors in this batch become one matrix
                q = op.qubits[0]
                matrix = gate_matrix(op.name, op.params)
                pending[q] = matrix @ pending[q] if q in pending else matrix
                if errors:
                    _apply_in_place(self.state, pending.pop(q), (q,))
                    self._errors(op.qubits, errors, np.ones(self.rows, dtype=bool))
                continue
            for q in op.qubits:
                if q in pending:
                    _apply_in_place(self.state, pending.pop(q), (q,))
            self._step(op, condition, terminal[index], errors)
        for q, matrix in pending.items():
            _apply_in_place(self.state, matrix, (q,))

    def _step(
        self,
        op: Operation,
        condition: Condition | None,
        final: bool,
        errors: dict[int, np.ndarray],
    ) -> None:
        live = self._holds(condition)
        if op.name == "measure":
            (q,), (c,) = op.qubits, op.clbits
            flips = np.zeros(self.rows, dtype=bool)
            for rows in errors.values():
                flips[rows] = True
            if final:
                self.finals.append((q, c, flips))
                return
            outcome = self._collapse(q, live)
            self.clbits[live, c] = (outcome ^ flips)[live]
            return
        if op.name == "reset":
            outcome = self._collapse(q := op.qubits[0], live)
            self._pauli(q, 1, np.flatnonzero(outcome & live))
            return
        matrix = gate_matrix(op.name, op.params)
        if condition is None:
            _apply_in_place(self.state, matrix, op.qubits)
        else:
            self.state[..., live] = _apply(self.state[..., live], matrix, op.qubits)
        self._errors(op.qubits, errors, live)

    def _errors(
        self, qubits: Sequence[int], errors: dict[int, np.ndarray], live: np.ndarray
    ) -> None:
        """The Pauli errors drawn after a gate on ``qubits``, on the rows that ran it."""
        for outcome, rows in errors.items():
            rows = rows[live[rows]]
            for position, q in enumerate(reversed(qubits)):
                self._pauli(q, (outcome >> (2 * position)) & 3, rows)

    def _holds(self, condition: Condition | None) -> np.ndarray:
        if condition is None:
            return np.ones(self.rows, dtype=bool)
        value = np.zeros(self.rows, dtype=np.int64)
        for j, c in enumerate(condition.clbits):
            value |= self.clbits[:, c].astype(np.int64) << j
        return value == condition.value

    def _pauli(self, q: int, which: int, rows: np.ndarray) -> None:
        """Apply X (1), Y (2) or Z (3) on qubit ``q`` of ``rows`` (global phases dropped)."""
        if which == 0 or len(rows) == 0:
            return
        if which in (2, 3):
            self.state[(slice(None),) * q + (1, Ellipsis, rows)] *= -1
        if which in (1, 2):
            self.state[..., rows] = np.flip(self.state[..., rows], axis=q)

    def _collapse(self, q: int, live: np.ndarray) -> np.ndarray:
        """Measure qubit ``q`` of the ``live`` rows (other rows are left alone)."""
        one = np.abs(np.take(self.state, 1, axis=q)) ** 2
        p1 = one.reshape(-1, self.rows).sum(axis=0)
        outcome = self.rng.random(self.rows) < p1
        for bit in (0, 1):
            drop = live & (outcome != bit)
            self.state[(slice(None),) * q + (bit, Ellipsis, drop)] = 0.0
        norms = np.sqrt(np.where(outcome, p1, 1.0 - p1))
        self.state *= np.where(live, 1.0 / np.maximum(norms, 1e-300), 1.0)
        return outcome

    def sample(self, weights: Sequence[int]) -> Counter[str]:
        """Draw ``weights[r]`` outcomes of the final measurements of each row."""
        qubits = sorted({q for q, _, _ in self.finals})
        probs = np.abs(self.state) ** 2
        others = tuple(q for q in range(self.n) if q not in qubits)
        marginal = probs.sum(axis=others).reshape(-1, self.rows).T
        marginal /= marginal.sum(axis=1, keepdims=True)
        width = self.clbits.shape[1]
        tally: Counter[str] = Counter()
        for r, weight in enumerate(weights):
            drawn = self.rng.multinomial(weight, marginal[r])
            base = int(sum(1 << c for c in np.flatnonzero(self.clbits[r])))
            for outcome in np.flatnonzero(drawn).tolist():
                value = base
                for q, c, flips in self.finals:
                    bit = (outcome >> (len(qubits) - 1 - qubits.index(q))) & 1
                    value = (value & ~(1 << c)) | ((bit ^ int(flips[r])) << c)
                tally[counts_key(value, width)] += int(drawn[outcome])
        return tally


def _apply_in_place(state: np.ndarray, matrix: np.ndarray, qubits: Sequence[int]) -> None:
    """Apply ``matrix`` on ``qubits`` of every row, touching only the amplitudes it changes.

    Diagonal gates (``rz``, ``cz``, ...) scale slices; others combine the slices their
    non-zero entries name (``cx`` and ``ecr`` touch few). Global phases are dropped: each
    row is sampled on its own, so they never show.
    """
    k = len(qubits)
    if k > 2:
        state[...] = _apply(state, matrix, qubits)
        return
    slices = [_slice(qubits, index) for index in range(1 << k)]
    diagonal = np.diag(matrix)
    if np.allclose(matrix, np.diag(diagonal), rtol=0.0, atol=1e-12):
        ratios = diagonal / diagonal[0]
        for index in range(1, 1 << k):
            if abs(ratios[index] - 1.0) > 1e-12:
                state[slices[index]] *= ratios[index]
        return
    parts = [state[s].copy() for s in slices]
    for row, target in enumerate(slices):
        columns = np.flatnonzero(np.abs(matrix[row]) > 1e-12)
        view = state[target]
        np.multiply(parts[columns[0]], matrix[row, columns[0]], out=view)
        for col in columns[1:]:
            view += matrix[row, col] * parts[col]


def _slice(qubits: Sequence[int], index: int) -> tuple[slice | int, ...]:
    """The view of the amplitudes whose bits on ``qubits`` spell ``index`` (first qubit high)."""
    bits = {q: (index >> (len(qubits) - 1 - i)) & 1 for i, q in enumerate(qubits)}
    return tuple(bits.get(q, slice(None)) for q in range(max(qubits) + 1))


def _apply(state: np.ndarray, matrix: np.ndarray, qubits: Sequence[int]) -> np.ndarray:
    """``matrix`` (first qubit most significant) applied on ``qubits`` of every row."""
    k = len(qubits)
    gate = matrix.reshape((2,) * (2 * k))
    out = np.tensordot(gate, state, axes=(list(range(k, 2 * k)), list(qubits)))
    return np.moveaxis(out, list(range(k)), list(qubits))
