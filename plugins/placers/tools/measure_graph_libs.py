"""Measure networkx against rustworkx on the graph work the placers do.

Times, per circuit and device: the first VF2 monomorphism of the circuit's interaction graph
into the coupling graph (``rustworkx.vf2_mapping`` vs ``networkx`` ``GraphMatcher``), and,
per device, all-pairs shortest-path distances as a numpy matrix. Conversions from the
networkx graph a ``Backend`` holds are included in the rustworkx figures.

Run from the repository root::

    /work/venv/bin/python plugins/placers/tools/measure_graph_libs.py [--timeout 60]

It reads ``../shared/benchmarks`` (or ``--data``); a networkx search that runs past the
timeout is reported as ``>T``.
"""

from __future__ import annotations

import argparse
import csv
import json
import signal
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import rustworkx as rx
from networkx.algorithms.isomorphism import GraphMatcher

from qloom import qasm2
from qloom_placers.base import interactions

HH127_CIRCUITS = [
    "qb_ising_n26",
    "qb_cat_n65",
    "qb_ghz_n78",
    "ghz_n100",
    "qb_ising_n98",
    "qaoa3reg_n16_p2",
    "bv_n100",
]


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _topology(data: Path, name: str) -> nx.Graph:
    spec = json.loads((data / "topologies" / f"{name}.json").read_text())
    graph = nx.Graph()
    graph.add_nodes_from(range(spec["n"]))
    graph.add_edges_from(map(tuple, spec["edges"]))
    return graph


def _pattern(path: Path) -> nx.Graph:
    graph = nx.Graph()
    graph.add_edges_from(interactions(qasm2.load(path)))
    return graph


def _to_rx(graph: nx.Graph) -> rx.PyGraph:
    out = rx.PyGraph(multigraph=False)
    out.add_nodes_from(list(graph.nodes))
    index = {node: i for i, node in enumerate(graph.nodes)}
    out.add_edges_from_no_data([(index[a], index[b]) for a, b in graph.edges])
    return out


def _timed(func: Callable[[], Any], timeout: float) -> tuple[float | None, Any]:
    """Seconds ``func`` took and its result, or ``(None, None)`` past ``timeout``."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        result = func()
    except _Timeout:
        return None, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start, result


def _best(func: Callable[[], Any], timeout: float, repeat: int) -> tuple[float | None, Any]:
    times, result = [], None
    for _ in range(repeat):
        took, result = _timed(func, timeout)
        if took is None:
            return None, None
        times.append(took)
        if took > 1.0:
            break
    return min(times), result


def _rx_first(coupling: nx.Graph, pattern: nx.Graph) -> dict[int, int] | None:
    found = rx.vf2_mapping(
        _to_rx(coupling), _to_rx(pattern), subgraph=True, induced=False, id_order=False
    )
    return next(found, None)


def _nx_first(coupling: nx.Graph, pattern: nx.Graph) -> dict[int, int] | None:
    return next(GraphMatcher(coupling, pattern).subgraph_monomorphisms_iter(), None)


def _rx_distances(graph: nx.Graph) -> np.ndarray:
    return rx.distance_matrix(_to_rx(graph), null_value=np.inf)


def _nx_distances(graph: nx.Graph) -> np.ndarray:
    n = graph.number_of_nodes()
    out = np.full((n, n), np.inf)
    for source, lengths in nx.all_pairs_shortest_path_length(graph):
        for target, length in lengths.items():
            out[source, target] = length
    return out


def _fmt(seconds: float | None, timeout: float) -> str:
    return f">{timeout:g} s" if seconds is None else f"{seconds * 1e3:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks"))
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data, timeout = args.data, args.timeout

    cases: list[tuple[str, str, Path]] = []
    with open(data / "queko" / "manifest.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            qasm = data / "queko" / f"{row['name']}.qasm"
            cases.append((row["name"], f"queko_{row['device']}", qasm))
    for name in HH127_CIRCUITS:
        cases.append((name, "hh127", data / "circuits" / f"{name}.qasm"))

    print(
        "| circuit | device | pattern nodes/edges | rustworkx first VF2 | networkx first VF2 "
        "| found |"
    )
    print("|---|---|---|---|---|---|")
    for name, device, path in cases:
        coupling, pattern = _topology(data, device), _pattern(path)
        rx_time, rx_map = _best(partial(_rx_first, coupling, pattern), timeout, args.repeat)
        nx_time, nx_map = _best(partial(_nx_first, coupling, pattern), timeout, args.repeat)
        found = "yes" if (rx_map or nx_map) else ("no" if rx_time is not None else "?")
        print(
            f"| {name} | {device} | {pattern.number_of_nodes()}/{pattern.number_of_edges()} | "
            f"{_fmt(rx_time, timeout)} | {_fmt(nx_time, timeout)} | {found} |"
        )

    print()
    print("| device | rustworkx distances | networkx distances |")
    print("|---|---|---|")
    for device in ("hh127", "grid100", "queko_Sycamore", "queko_Rochester"):
        graph = _topology(data, device)
        rx_times = [_timed(partial(_rx_distances, graph), timeout)[0] or 0.0 for _ in range(20)]
        nx_times = [_timed(partial(_nx_distances, graph), timeout)[0] or 0.0 for _ in range(20)]
        print(
            f"| {device} | {statistics.median(rx_times) * 1e3:.2f} ms | "
            f"{statistics.median(nx_times) * 1e3:.2f} ms |"
        )


if __name__ == "__main__":
    main()
