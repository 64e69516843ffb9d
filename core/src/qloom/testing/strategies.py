"""Hypothesis strategies: random circuits over the gate library and random coupling maps.

Hypothesis is not a dependency of qloom: it is imported when a strategy is built, with a
clear error when it is missing (``pip install hypothesis``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from qloom.circuit import Circuit
from qloom.gates import GATES

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["circuits", "coupling_maps", "library_gates"]


def _hypothesis() -> Any:
    try:
        from hypothesis import strategies
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "qloom.testing.strategies needs hypothesis, which qloom does not install: "
            "pip install hypothesis"
        ) from exc
    return strategies


def library_gates() -> list[str]:
    """Names of the library's fixed-arity unitary gates (``unitary`` and directives excluded)."""
    return [
        g.name
        for g in GATES.values()
        if g.is_unitary and g.num_qubits is not None and g.num_params is not None
    ]


def circuits(
    max_qubits: int = 5,
    max_ops: int = 30,
    gates: Sequence[str] | None = None,
    *,
    min_qubits: int = 1,
    max_unitary_qubits: int = 2,
) -> SearchStrategy[Circuit]:
    """Random unitary circuits over library gates, with random float parameters.

    Args:
        max_qubits: widest circuit.
        max_ops: most operations.
        gates: gate names to draw from (default: every fixed-arity library gate). Include
            ``"unitary"`` to also draw random unitaries on 1 to ``max_unitary_qubits`` qubits.
        min_qubits: narrowest circuit (raised to the smallest arity among ``gates``).
        max_unitary_qubits: widest random ``unitary``.

    Returns:
        A hypothesis strategy of ``Circuit``.

    Raises:
        ImportError: hypothesis is not installed.
        ValueError: an unknown or variadic gate name other than ``unitary``.
    """
    st = _hypothesis()
    names = list(gates) if gates is not None else library_gates()
    for name in names:
        gate = GATES.get(name)
        fixed = gate is not None and gate.is_unitary and gate.num_qubits is not None
        if not fixed and name != "unitary":
            raise ValueError(f"circuits() draws fixed-arity library gates or 'unitary': {name!r}")
    if not names:
        raise ValueError("circuits() needs at least one gate")
    arity = {n: (1 if n == "unitary" else GATES[n].num_qubits or 1) for n in names}
    low = max(min_qubits, min(arity.values()))
    if low > max_qubits:
        raise ValueError(f"the gates need at least {low} qubits, above max_qubits={max_qubits}")
    angle = st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False, allow_infinity=False)

    @st.composite  # type: ignore[untyped-decorator]
    def build(draw: Any) -> Circuit:
        n = draw(st.integers(low, max_qubits))
        usable = sorted(name for name in names if arity[name] <= n)
        circuit = Circuit(n)
        for _ in range(draw(st.integers(0, max_ops))):
            name = draw(st.sampled_from(usable))
            if name == "unitary":
                k = draw(st.integers(1, min(n, max_unitary_qubits)))
                qubits = draw(st.permutations(list(range(n))))[:k]
                seed = draw(st.integers(0, 2**32 - 1))
                circuit.unitary(_random_unitary(k, seed), qubits)
                continue
            gate = GATES[name]
            qubits = draw(st.permutations(list(range(n))))[: gate.num_qubits]
            params = [draw(angle) for _ in range(gate.num_params or 0)]
            circuit.append(name, qubits, params)
        return circuit

    return build()  # type: ignore[no-any-return]


def _random_unitary(num_qubits: int, seed: int) -> np.ndarray:
    """A Haar-random unitary (QR of a complex Gaussian matrix, phases fixed)."""
    rng = np.random.default_rng(seed)
    dim = 1 << num_qubits
    z = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    q, r = np.linalg.qr(z)
    d = np.diag(r)
    return q * (d / np.abs(d))


def coupling_maps(
    num_qubits: int, *, max_extra_edges: int | None = None
) -> SearchStrategy[nx.Graph]:
    """Random connected coupling graphs on ``range(num_qubits)``.

    A random spanning tree (each qubit, in a random order, joins an earlier one) plus up to
    ``max_extra_edges`` random further edges (default ``num_qubits``).

    Raises:
        ImportError: hypothesis is not installed.
    """
    st = _hypothesis()
    extra = num_qubits if max_extra_edges is None else max_extra_edges

    @st.composite  # type: ignore[untyped-decorator]
    def build(draw: Any) -> nx.Graph:
        graph = nx.Graph()
        graph.add_nodes_from(range(num_qubits))
        order = draw(st.permutations(list(range(num_qubits))))
        for i in range(1, num_qubits):
            parent = order[draw(st.integers(0, i - 1))]
            graph.add_edge(order[i], parent)
        if num_qubits >= 2:
            pair = st.tuples(st.integers(0, num_qubits - 1), st.integers(0, num_qubits - 1))
            for a, b in draw(st.lists(pair, max_size=extra)):
                if a != b:
                    graph.add_edge(a, b)
        return graph

    return build()  # type: ignore[no-any-return]
