"""``CircuitCache``: parsed circuits kept within a byte capacity, least recently used out
first; ``CachedDataset``: a dataset whose circuits go through one.

Parsing is the slow part of loading a benchmark circuit (a 25,000-operation QFT takes a
good fraction of a second), and an agent or a tuner loads the same circuits again and
again. The cache keeps parsed circuits by key up to ``capacity`` bytes, as estimated by
``circuit_size_bytes`` (a deterministic function of the circuit, so the same circuits
always fill the cache the same way), and evicts the least recently used past it.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from qloom.circuit import Circuit
from qloom.datasets.base import Dataset

__all__ = [
    "CacheStats",
    "CachedDataset",
    "CircuitCache",
    "circuit_size_bytes",
    "measured_size_bytes",
]

BASE_BYTES = 256
"""The circuit object and its operation list's header."""
SLOT_BYTES = 8
"""One operation's slot in the list (equal operations share one tuple)."""
OPERATION_BYTES = 80
"""One distinct operation: its five-field tuple."""
TUPLE_BYTES = 64
"""One distinct qubit or clbit tuple (a tuple of one to four entries)."""
PARAMS_BYTES = 40
"""One distinct parameter tuple, less its values."""
PARAM_BYTES = 32
"""One value of a distinct parameter tuple: a float and its slot."""


def circuit_size_bytes(circuit: Circuit) -> int:
    """An estimate of the memory a parsed circuit holds, in bytes.

    ``BASE_BYTES + SLOT_BYTES * operations + OPERATION_BYTES * distinct operations +
    TUPLE_BYTES * (distinct qubit tuples + distinct clbit tuples) + PARAMS_BYTES *
    distinct parameter tuples + PARAM_BYTES * their values``, the sizes of the Python
    objects a circuit read by ``qloom.qasm2`` references: the reader stores each distinct
    operation, qubit tuple and parameter tuple once and shares it (a circuit built
    operation by operation with ``append`` shares less, and is underestimated when it
    repeats operations). Over the circuits of ``../shared/benchmarks`` the estimate is
    0.6 to 1.1 times the ``sys.getsizeof`` total of those objects (median 0.99; a test
    checks the factor of two). Deterministic: equal circuits have equal sizes, whatever
    process or order they were built in. One pass over the operations.
    """
    operations: set[object] = set()
    tuples: set[tuple[int, ...]] = set()
    clbits: set[tuple[int, ...]] = set()
    params: set[tuple[object, ...]] = set()
    for op in circuit:
        operations.add(op)
        tuples.add(op.qubits)
        if op.clbits:
            clbits.add(op.clbits)
        if op.params:
            params.add(op.params)
    values = sum(len(p) for p in params)
    return (
        BASE_BYTES
        + SLOT_BYTES * len(circuit)
        + OPERATION_BYTES * len(operations)
        + TUPLE_BYTES * (len(tuples) + len(clbits))
        + PARAMS_BYTES * len(params)
        + PARAM_BYTES * values
    )


def measured_size_bytes(circuit: Circuit) -> int:
    """What ``circuit_size_bytes`` estimates, measured: ``sys.getsizeof`` of the circuit,
    its operation list and every object its operations reference, each counted once (small
    ints and gate names are the interpreter's). Slower; for checking the estimate."""
    seen: set[int] = set()
    total = sys.getsizeof(circuit) + sys.getsizeof(circuit._ops)
    for op in circuit._ops:
        for obj in (op, op.qubits, op.params, op.clbits, *op.params):
            if id(obj) not in seen:
                seen.add(id(obj))
                total += sys.getsizeof(obj)
    return total


@dataclass(frozen=True)
class CacheStats:
    """How a cache has been used: lookups answered from it (``hits``), circuits loaded
    (``misses``), circuits evicted, and what it holds now."""

    hits: int
    misses: int
    evictions: int
    entries: int
    size_bytes: int
    capacity: int


class CircuitCache:
    """Parsed circuits by key, within ``capacity`` bytes, least recently used evicted first.

    ``get(key, loader)`` returns a copy of the cached circuit (the cache's own is never
    handed out, so a caller changing its circuit changes nothing here), calling ``loader``
    to make it on a miss. A circuit larger than the whole capacity is returned but not
    kept. Thread-safe: one lock guards the table (a loader runs outside it; two threads
    missing the same key at once both load, and the first one stored is kept).

    Args:
        capacity_bytes: most bytes kept (``circuit_size_bytes`` of each entry); 0 keeps
            nothing.
    """

    def __init__(self, capacity_bytes: int) -> None:
        self._entries: OrderedDict[Hashable, tuple[Circuit, int]] = OrderedDict()
        self._lock = threading.RLock()
        self._size = 0
        self._capacity = _check_capacity(capacity_bytes)
        self._hits = self._misses = self._evictions = 0

    @property
    def capacity(self) -> int:
        """Most bytes kept; setting it lower evicts at once (``evict_to_capacity``)."""
        return self._capacity

    @capacity.setter
    def capacity(self, capacity_bytes: int) -> None:
        with self._lock:
            self._capacity = _check_capacity(capacity_bytes)
            self.evict_to_capacity()

    @property
    def size_bytes(self) -> int:
        """Bytes held: the sum of ``circuit_size_bytes`` over the entries."""
        return self._size

    @property
    def stats(self) -> CacheStats:
        """Hits, misses, evictions and contents so far."""
        with self._lock:
            return CacheStats(
                self._hits,
                self._misses,
                self._evictions,
                len(self._entries),
                self._size,
                self._capacity,
            )

    def get(self, key: Hashable, loader: Callable[[], Circuit]) -> Circuit:
        """The circuit kept under ``key`` (a copy), loading it with ``loader`` on a miss.

        The entry becomes the most recently used. A loader's exception passes through
        and nothing is stored.
        """
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self._hits += 1
                return found[0].copy()
            self._misses += 1
        circuit = loader()
        if not isinstance(circuit, Circuit):
            raise TypeError(f"the loader of {key!r} returned a {type(circuit).__name__}")
        kept = circuit.copy()
        size = circuit_size_bytes(kept)
        with self._lock:
            if size > self._capacity:
                return circuit  # kept, it would push out everything else and then itself
            if key not in self._entries:
                self._entries[key] = (kept, size)
                self._size += size
            self._entries.move_to_end(key)
            self.evict_to_capacity()
        return circuit

    def peek(self, key: Hashable) -> Circuit | None:
        """The circuit under ``key`` (a copy) without making it recently used, or ``None``."""
        with self._lock:
            found = self._entries.get(key)
            return None if found is None else found[0].copy()

    def evict_to_capacity(self) -> list[Hashable]:
        """Evict least recently used entries until ``size_bytes <= capacity``.

        Returns:
            The keys evicted, least recently used first.
        """
        evicted: list[Hashable] = []
        with self._lock:
            while self._size > self._capacity and self._entries:
                key, (_, size) = self._entries.popitem(last=False)
                self._size -= size
                self._evictions += 1
                evicted.append(key)
        return evicted

    def discard(self, key: Hashable) -> bool:
        """Remove ``key``'s entry; whether there was one."""
        with self._lock:
            found = self._entries.pop(key, None)
            if found is None:
                return False
            self._size -= found[1]
            return True

    def clear(self) -> None:
        """Remove every entry (the statistics are kept)."""
        with self._lock:
            self._entries.clear()
            self._size = 0

    def keys(self) -> list[Hashable]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<CircuitCache {len(self._entries)} circuits, {self._size}/{self._capacity} bytes>"


class CachedDataset(Dataset):
    """``dataset`` with its parsed circuits kept in a ``CircuitCache``.

    Args:
        dataset: the dataset to load from on a miss.
        capacity_bytes: the cache's capacity, when ``cache`` is not given.
        cache: a cache to use. Several datasets may share one: keys are
            ``(dataset name, dataset source, circuit name)``, so two folders of the same
            name do not mix (two in-memory ``CircuitList``s sharing a cache need distinct
            names).
    """

    def __init__(
        self,
        dataset: Dataset,
        capacity_bytes: int = 256 * 1024 * 1024,
        *,
        cache: CircuitCache | None = None,
    ) -> None:
        self.dataset = dataset
        self.cache = CircuitCache(capacity_bytes) if cache is None else cache
        self.name = dataset.name
        self.description = dataset.description

    @property
    def source(self) -> str:
        return self.dataset.source

    def names(self) -> list[str]:
        return self.dataset.names()

    def __contains__(self, name: object) -> bool:
        return name in self.dataset

    def load(self, name: str) -> Circuit:
        """The circuit called ``name``, from the cache or loaded by the wrapped dataset
        (whose errors pass through)."""
        key = (self.name, self.source, name)
        return self.cache.get(key, lambda: self.dataset.load(name))

    def _load(self, name: str) -> Circuit:
        return self.dataset.load(name)


def _check_capacity(capacity_bytes: int) -> int:
    if isinstance(capacity_bytes, bool) or not isinstance(capacity_bytes, int):
        raise TypeError(f"capacity_bytes must be an int, not {type(capacity_bytes).__name__}")
    if capacity_bytes < 0:
        raise ValueError(f"capacity_bytes must be >= 0, not {capacity_bytes}")
    return capacity_bytes
