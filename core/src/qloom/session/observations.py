"""Named observations of a session's circuit, and the reward spaces built on them.

An observation is computed when first read and kept for that state of the session, so an
agent that only looks at the two-qubit count never pays for the interaction graph.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import combinations
from typing import Any

import numpy as np

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.errors import ConfigError
from qloom.success import estimated_success

__all__ = ["OBSERVATIONS", "REWARDS", "Observations", "check_reward", "reward_between"]

_Compute = Callable[[Circuit, Backend], Any]


def _native(circuit: Circuit, backend: Backend) -> bool:
    return all(op.name in backend for op in circuit)


def _on_edges(circuit: Circuit, backend: Backend) -> bool:
    return all(
        backend._has_pair(a, b)
        for op in circuit
        if op.name != "barrier" and len(op.qubits) >= 2
        for a, b in combinations(op.qubits, 2)
    )


def _executable(circuit: Circuit, backend: Backend) -> bool:
    return next(iter(backend.violations(circuit)), None) is None


def _interaction_graph(circuit: Circuit, backend: Backend) -> list[tuple[int, int, int]]:
    pairs = Counter(
        (min(op.qubits), max(op.qubits))
        for op in circuit
        if len(op.qubits) == 2 and op.name != "barrier"
    )
    return [(a, b, n) for (a, b), n in sorted(pairs.items())]


def _esp(circuit: Circuit, backend: Backend) -> float | None:
    if backend.calibration is None:
        return None
    virtual = backend.properties.get("virtual_gates", ())
    return estimated_success(circuit, backend.calibration, virtual).probability


def _layout(circuit: Circuit, backend: Backend) -> list[int]:
    layout = circuit.layout
    return list(layout.initial) if layout is not None else list(range(circuit.num_qubits))


_OBSERVERS: dict[str, tuple[str, _Compute]] = {
    "qubits": ("number of qubits of the circuit", lambda c, b: c.num_qubits),
    "ops": ("number of operations", lambda c, b: len(c)),
    "n2q": ("number of two-qubit gates", lambda c, b: c.count_2q()),
    "depth": ("critical-path length (barriers excluded)", lambda c, b: c.depth()),
    "depth2q": (
        "critical-path length counting two-qubit gates only",
        lambda c, b: c.depth(two_qubit_only=True),
    ),
    "swaps": ("number of swap gates", lambda c, b: sum(1 for op in c if op.name == "swap")),
    "op_counts": ("operations of each name, most frequent first", lambda c, b: c.count_ops()),
    "native": ("every gate is one the backend executes", _native),
    "on_edges": ("every two-qubit gate is on a coupled pair of the backend", _on_edges),
    "executable": ("the backend accepts every qubit, pair and gate", _executable),
    "interaction_graph": (
        "sorted (a, b, count) of the pairs two-qubit gates act on",
        _interaction_graph,
    ),
    "esp": (
        "estimated success probability (None without a calibration)",
        _esp,
    ),
    "layout": ("physical qubit each logical qubit starts on", _layout),
}

OBSERVATIONS: dict[str, str] = {name: text for name, (text, _) in _OBSERVERS.items()}
"""Every observation name, with what it measures."""

NUMERIC: tuple[str, ...] = (
    "qubits",
    "ops",
    "n2q",
    "depth",
    "depth2q",
    "swaps",
    "native",
    "on_edges",
    "executable",
    "esp",
)
"""The observations that are one number (booleans as 0/1), for ``Observations.vector``."""


class Observations(Mapping[str, Any]):
    """The named observations of one circuit on one backend, each computed on first read.

    Read-only: ``obs["n2q"]``, ``obs.vector(["n2q", "depth"])``; iterating gives every
    name in ``OBSERVATIONS``.
    """

    def __init__(self, circuit: Circuit, backend: Backend) -> None:
        self._circuit, self._backend = circuit, backend
        self._values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            if name not in _OBSERVERS:
                raise KeyError(_unknown(name, "observation", OBSERVATIONS))
            self._values[name] = _OBSERVERS[name][1](self._circuit, self._backend)
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_OBSERVERS)

    def __len__(self) -> int:
        return len(_OBSERVERS)

    def vector(self, names: Iterable[str] = NUMERIC) -> np.ndarray:
        """The numeric observations ``names`` as a float64 array (``esp`` None -> 0)."""
        out = []
        for name in names:
            if name not in NUMERIC:
                raise ConfigError(_unknown(name, "numeric observation", dict.fromkeys(NUMERIC)))
            value = self[name]
            out.append(0.0 if value is None else float(value))
        return np.asarray(out, dtype=np.float64)

    def __repr__(self) -> str:
        known = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"<Observations {known or '(none computed yet)'}>"


REWARDS: dict[str, str] = {
    "n2q": "two-qubit gates removed by the step (previous count - new count)",
    "depth": "depth removed by the step",
    "depth2q": "two-qubit depth removed by the step",
    "ops": "operations removed by the step",
    "error": "estimated error removed by the step (1 - ESP; 0 without a calibration)",
}
"""Every reward space, with what a step's reward is."""

_ALIASES = {"2q": "n2q", "gates": "ops"}


def check_reward(name: str) -> str:
    """The reward space ``name`` (aliases ``2q``, ``gates`` accepted), or a ``ConfigError``
    naming the valid ones."""
    name = _ALIASES.get(name, name)
    if name not in REWARDS:
        raise ConfigError(_unknown(name, "reward", REWARDS))
    return name


def reward_between(space: str, before: Observations, after: Observations) -> float:
    """The reward of going from ``before`` to ``after`` in reward space ``space``."""
    if space == "error":
        return _error(before) - _error(after)
    return float(before[space] - after[space])


def _error(obs: Observations) -> float:
    esp = obs["esp"]
    return 0.0 if esp is None or math.isnan(esp) else 1.0 - float(esp)


def _unknown(name: str, what: str, valid: Mapping[str, Any]) -> str:
    return f"unknown {what} '{name}'; valid: {', '.join(valid)}"
