"""``CircuitCache``: parsed circuits within a byte capacity, least recently used out first."""

from __future__ import annotations

import threading

import pytest

from qloom import Circuit, qasm2
from qloom.datasets import (
    CachedDataset,
    CircuitCache,
    CircuitList,
    DatasetError,
    FamiliesDataset,
    circuit_size_bytes,
    measured_size_bytes,
)


def chain(n: int, name: str = "") -> Circuit:
    circuit = Circuit(n, name=name or f"chain{n}")
    for q in range(n - 1):
        circuit.cx(q, q + 1)
    return circuit


class Loader:
    """Counts how often each key is loaded."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, key: str, n: int = 4):
        def load() -> Circuit:
            self.calls.append(key)
            return chain(n, key)

        return load


def test_size_estimate_is_deterministic_and_follows_the_documented_formula():
    a, b = chain(5), chain(5)
    assert circuit_size_bytes(a) == circuit_size_bytes(b) == circuit_size_bytes(a.copy())
    # 256 + 8 a slot, 80 a distinct operation, 64 a distinct qubit tuple: 4 of each
    assert circuit_size_bytes(a) == 256 + 4 * 8 + 4 * 80 + 4 * 64
    repeated = Circuit(2, 1)
    for _ in range(10):
        repeated.cx(0, 1).rz(0.5, 1)
    repeated.measure(1, 0)
    # 21 slots, 3 distinct operations, 2 qubit tuples and 1 clbit tuple, 1 parameter tuple
    assert circuit_size_bytes(repeated) == 256 + 21 * 8 + 3 * 80 + 3 * 64 + 40 + 32
    assert circuit_size_bytes(chain(50)) > circuit_size_bytes(chain(5))


def test_size_estimate_is_within_a_factor_of_two_of_what_the_circuit_references(
    shared_benchmarks,
):
    files = sorted((shared_benchmarks / "circuits").glob("*.qasm"))
    files += sorted((shared_benchmarks / "batch200").glob("*_qv_*.qasm"))
    assert len(files) > 50
    for path in files:
        circuit = qasm2.load(path)
        estimate, measured = circuit_size_bytes(circuit), measured_size_bytes(circuit)
        assert measured / 2 <= estimate <= measured * 2, (path.name, estimate, measured)


def test_hits_return_copies_and_never_call_the_loader_again():
    cache, loader = CircuitCache(10**6), Loader()
    first = cache.get("a", loader("a"))
    again = cache.get("a", loader("a"))
    assert loader.calls == ["a"] and first == again and first is not again
    again.h(0)  # changing what was handed out changes nothing in the cache
    assert len(cache.get("a", loader("a"))) == 3
    assert "a" in cache and "b" not in cache and len(cache) == 1
    assert cache.size_bytes == circuit_size_bytes(chain(4))
    stats = cache.stats
    assert (stats.hits, stats.misses, stats.entries) == (2, 1, 1)


def test_least_recently_used_is_evicted_first():
    one = circuit_size_bytes(chain(4))
    cache, loader = CircuitCache(3 * one), Loader()
    for key in "abc":
        cache.get(key, loader(key))
    cache.get("a", loader("a"))  # a is now the most recent: b is the least
    cache.get("d", loader("d"))
    assert cache.keys() == ["c", "a", "d"] and "b" not in cache
    assert cache.size_bytes == 3 * one <= cache.capacity
    cache.get("b", loader("b"))
    assert loader.calls == ["a", "b", "c", "d", "b"]
    assert cache.stats.evictions == 2


def test_shrinking_the_capacity_evicts_at_once_and_evict_to_capacity_reports_it():
    one = circuit_size_bytes(chain(4))
    cache, loader = CircuitCache(4 * one), Loader()
    for key in "abcd":
        cache.get(key, loader(key))
    assert cache.evict_to_capacity() == []
    cache.capacity = 2 * one
    assert cache.keys() == ["c", "d"] and cache.size_bytes == 2 * one
    cache._capacity = one  # as if set without evicting: evict_to_capacity catches up
    assert cache.evict_to_capacity() == ["c"]
    assert cache.keys() == ["d"]
    with pytest.raises(ValueError, match=">= 0"):
        cache.capacity = -1
    with pytest.raises(TypeError):
        CircuitCache(1.5)  # type: ignore[arg-type]


def test_a_circuit_larger_than_the_capacity_is_returned_but_not_kept():
    small = circuit_size_bytes(chain(3))
    cache, loader = CircuitCache(small), Loader()
    cache.get("small", loader("small", 3))
    big = cache.get("big", loader("big", 30))
    assert big.num_qubits == 30 and "big" not in cache and "small" in cache
    assert CircuitCache(0).get("x", loader("x")).num_qubits == 4


def test_a_failing_loader_stores_nothing():
    cache = CircuitCache(10**6)

    def broken() -> Circuit:
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        cache.get("a", broken)
    assert "a" not in cache and cache.size_bytes == 0
    with pytest.raises(TypeError, match="returned a str"):
        cache.get("b", lambda: "OPENQASM 2.0;")  # type: ignore[arg-type,return-value]


def test_threads_sharing_a_cache_keep_its_size_consistent():
    one = circuit_size_bytes(chain(4))
    cache = CircuitCache(5 * one)
    keys = [f"k{i % 12}" for i in range(600)]

    def work(offset: int) -> None:
        for key in keys[offset:] + keys[:offset]:
            assert cache.get(key, lambda key=key: chain(4, key)).name == key

    threads = [threading.Thread(target=work, args=(i * 7,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.size_bytes == len(cache) * one <= 5 * one


def test_a_cached_dataset_loads_each_circuit_once_while_it_fits():
    inner = FamiliesDataset(["qft", "ghz"], [3, 4])
    calls: list[str] = []
    original = inner.load

    def counting(name: str) -> Circuit:
        calls.append(name)
        return original(name)

    inner.load = counting  # type: ignore[method-assign]
    data = CachedDataset(inner, 10**6)
    assert data.names() == inner.names() and len(data) == 4
    for _ in range(3):
        for name in data:
            assert data.load(name) == original(name)
    assert sorted(calls) == sorted(inner.names())
    with pytest.raises(DatasetError, match="no circuit"):
        data.load("qft_n5")
    tiny = CachedDataset(inner, 0)
    tiny.load("qft_n3")
    tiny.load("qft_n3")
    assert calls.count("qft_n3") == 3


def test_datasets_can_share_one_cache_without_mixing_circuits():
    shared = CircuitCache(10**6)
    a = CachedDataset(CircuitList({"x": chain(3)}, name="a"), cache=shared)
    b = CachedDataset(CircuitList({"x": chain(5)}, name="b"), cache=shared)
    assert a.load("x").num_qubits == 3 and b.load("x").num_qubits == 5
    assert sorted(shared.keys()) == [("a", "memory", "x"), ("b", "memory", "x")]


def test_two_folders_of_the_same_name_sharing_a_cache_do_not_mix(tmp_path):
    from qloom.datasets import FolderDataset

    for where, n in (("one", 2), ("two", 3)):
        (tmp_path / where / "bench").mkdir(parents=True)
        qasm2.dump(chain(n), tmp_path / where / "bench" / "c.qasm")
    shared = CircuitCache(10**6)
    one = CachedDataset(FolderDataset(tmp_path / "one" / "bench"), cache=shared)
    two = CachedDataset(FolderDataset(tmp_path / "two" / "bench"), cache=shared)
    assert one.name == two.name == "bench"
    assert one.load("c").num_qubits == 2 and two.load("c").num_qubits == 3
