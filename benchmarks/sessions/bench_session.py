"""What a compilation session costs: step latency per pass kind, and fork cost.

On ``qft_n100`` and ``qft_n10`` (``../shared/benchmarks/circuits``) for an emulated ``hh127``
(the heavy-hex graph of ``../shared/benchmarks/topologies/hh127.json``, natives
{cz, rz, sx, x}, rebuilt by workers from its description file), in process and isolated
(``Session(..., isolated=True)``: the session in a worker process, JSON messages):

- opening a session (isolated: starting the worker and sending the circuit), and, isolated,
  opening one on the spare worker started ahead (``qloom.session.spawner``), the median of
  ``--repeat`` opens each;
- the latency of one step of each kind along a usual flow (placer ``placers:sabre``,
  router ``routers:sabre``, unroller ``unrollers:basis``, optimizer ``optimizers:optimize``)
  and of the whole ``O3`` pipeline as one step from the input: median over ``--repeat``
  step+undo rounds, as the caller sees it, and the pass's own time (``Step.wall``): their
  difference is the session's overhead (isolated: the round trip);
- a step of a pass that does nothing (``padding:none``): the session's own cost per step
  (reward and ``executable`` of a new state; isolated, also the round trip), and reading
  ``session.circuit`` (isolated: fetching it from the worker);
- forking the session after the four steps: time, and extra memory (``tracemalloc``, in
  process) against ``copy.deepcopy`` of the session state and against re-running the
  steps on a new session (what a user does without ``fork``); isolated, the fork's time
  and the worker's resident-memory growth over 50 forks.

Run: python benchmarks/sessions/bench_session.py [--repeat 5] [--circuits qft_n10,qft_n100]
     [--json out.json]
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qloom import Circuit, qasm2
from qloom.session import Session, spawner

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"
FLOW = [
    ("placer", "placers:sabre"),
    ("router", "routers:sabre"),
    ("unroller", "unrollers:basis"),
    ("optimizer", "optimizers:optimize"),
]
NO_OP = "padding:none"
"""A pass that does nothing: its step is the session's own cost (isolated: the round trip)."""
SEED = 7
FORKS = 50
SPARE_READY = 3.0
"""Seconds left for the spare worker to finish importing before an open is timed on it."""


def write_device(folder: Path) -> str:
    """``emulator:<file>`` for hh127 with natives {cz, rz, sx, x}, undirected."""
    topology = json.loads((SHARED / "topologies" / "hh127.json").read_text())
    path = (folder / "hh127-cz.toml").resolve()
    edges = ", ".join(f"[{int(a)}, {int(b)}]" for a, b in topology["edges"])
    path.write_text(
        'description = "hh127 heavy-hex coupling (shared topologies), cz rz sx x"\n'
        'natives = ["cz", "rz", "sx", "x"]\n'
        'virtual = ["rz"]\n\n'
        "[topology]\n"
        f"qubits = {int(topology['n'])}\n"
        "directed = false\n"
        f"edges = [{edges}]\n"
    )
    return f"emulator:{path}"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def step_latency(sessions: list[Session], label: str, repeat: int) -> list[tuple[float, float]]:
    """Per session: median caller-side seconds and median pass seconds of ``label`` stepped
    and undone, the sessions taking turns round by round (a paired comparison on a noisy
    machine)."""
    outside: list[list[float]] = [[] for _ in sessions]
    inside: list[list[float]] = [[] for _ in sessions]
    for _ in range(repeat):
        for k, session in enumerate(sessions):
            seconds, result = timed(lambda s=session: s.step(label))
            outside[k].append(seconds)
            inside[k].append(result.step.wall)
            session.undo()
    return [
        (statistics.median(o), statistics.median(i)) for o, i in zip(outside, inside, strict=True)
    ]


def read_circuit(session: Session) -> float:
    """Seconds to read ``session.circuit`` fresh (isolated: fetched from the worker)."""
    cache = getattr(session, "_cache", None)
    if cache is not None:
        cache.pop("circuit", None)  # what a step does: the next read asks the worker
    return timed(lambda: session.circuit)[0]


def allocated(fn: Callable[[], Any]) -> tuple[int, Any]:
    """Bytes still allocated (traced) after ``fn()``, with what it returned kept alive."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    value = fn()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, value


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def run_circuit(name: str, circuit: Circuit, device: str, repeat: int) -> list[dict[str, Any]]:
    """Rows for ``circuit`` in process and isolated, measured side by side."""
    rows: list[dict[str, Any]] = [
        {"circuit": name, "mode": mode} for mode in ("in process", "isolated")
    ]
    sessions: list[Session] = []
    for row, isolated in zip(rows, (False, True), strict=True):
        row["open_s"], session = timed(
            lambda isolated=isolated: Session(circuit, on=device, seed=SEED, isolated=isolated)
        )
        sessions.append(session)
    local, remote = sessions
    rows[1]["open_s"], rows[1]["open_spare_s"] = opening(circuit, device, repeat)
    try:
        for key, label in [("O3", "pipelines:O3"), *FLOW]:
            for row, (outside, inside) in zip(
                rows, step_latency(sessions, label, repeat), strict=True
            ):
                row[f"{key}_s"], row[f"{key}_pass_s"] = outside, inside
            if key != "O3":
                for session in sessions:
                    session.step(label)
        assert qasm2.dumps(local.circuit) == qasm2.dumps(remote.circuit)
        for row, (outside, inside) in zip(
            rows, step_latency(sessions, NO_OP, repeat * 4), strict=True
        ):
            row["no-op_s"], row["no-op_pass_s"] = outside, inside
        for row, session in zip(rows, sessions, strict=True):
            row["read_s"] = statistics.median(read_circuit(session) for _ in range(repeat))
        for row, session in zip(rows, sessions, strict=True):
            row["n2q"] = session.observation["n2q"]
            row["fork_s"] = statistics.median(timed(session.fork)[0] for _ in range(repeat * 10))
        gc.collect()
        base = rss(remote.pid)  # type: ignore[attr-defined]
        kept = [remote.fork() for _ in range(FORKS)]
        rows[1]["fork_bytes"] = (rss(remote.pid) - base) / FORKS  # type: ignore[attr-defined]
        for fork in kept:
            fork.close()  # type: ignore[attr-defined]
        in_process(rows[0], local, circuit, device, repeat)
    finally:
        remote.close()  # type: ignore[attr-defined]
    return rows


def opening(circuit: Circuit, device: str, repeat: int) -> tuple[float, float]:
    """Median seconds to open an isolated session with no spare worker, and on a ready one."""

    def open_one() -> float:
        seconds, session = timed(lambda: Session(circuit, on=device, seed=SEED, isolated=True))
        session.close()  # type: ignore[attr-defined]
        return seconds

    spawner.keep_spare(False)
    try:
        cold = statistics.median(open_one() for _ in range(repeat))
    finally:
        spawner.keep_spare(True)
    open_one()  # starts a spare

    def on_spare() -> float:
        time.sleep(SPARE_READY)
        return open_one()

    return cold, statistics.median(on_spare() for _ in range(repeat))


def in_process(
    row: dict[str, Any], session: Session, circuit: Circuit, device: str, repeat: int
) -> None:
    """Fork memory, and what a user does without fork: deepcopy, or re-run the steps."""
    row["fork_bytes"], _ = allocated(session.fork)
    memo = {id(session.backend): session.backend}
    row["deepcopy_s"] = statistics.median(
        timed(lambda: copy.deepcopy(session, dict(memo)))[0] for _ in range(repeat)
    )
    row["deepcopy_bytes"], _ = allocated(lambda: copy.deepcopy(session, dict(memo)))

    def rerun() -> Session:
        again = Session(circuit, on=device, seed=SEED)
        for _, label in FLOW:
            again.step(label)
        return again

    row["rerun_s"] = statistics.median(timed(rerun)[0] for _ in range(max(1, repeat // 2)))
    row["rerun_bytes"], again = allocated(rerun)
    assert qasm2.dumps(again.circuit) == qasm2.dumps(session.circuit)


def ms(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.3f}"
    return f"{seconds * 1000:.1f}" if seconds < 1 else f"{seconds * 1000:.0f}"


def kib(count: float) -> str:
    return f"{count / 1024:.1f}"


def print_tables(rows: list[dict[str, Any]]) -> None:
    heads = ["circuit", "mode", "open ms (isolated: no spare / spare)", "O3 ms (pass)"]
    heads += [f"{kind} ms (pass)" for kind, _ in FLOW]
    print("| " + " | ".join(heads) + " |")
    print("|" + " --- |" * len(heads))
    for row in rows:
        opened = ms(row["open_s"])
        if "open_spare_s" in row:
            opened += f" / {ms(row['open_spare_s'])}"
        cells = [row["circuit"], row["mode"], opened]
        cells.append(f"{ms(row['O3_s'])} ({ms(row['O3_pass_s'])})")
        cells += [f"{ms(row[f'{k}_s'])} ({ms(row[f'{k}_pass_s'])})" for k, _ in FLOW]
        print("| " + " | ".join(cells) + " |")
    print()
    keys = ["O3"] + [kind for kind, _ in FLOW] + ["no-op"]
    print(
        "| circuit | "
        + " | ".join(f"{k} round trip ms" for k in keys)
        + " | no-op step ms (in process / isolated) | read circuit ms (in process / isolated) |"
    )
    print("|" + " --- |" * (len(keys) + 3))
    for local, remote in zip(rows[::2], rows[1::2], strict=True):
        extra = [
            (remote[f"{k}_s"] - remote[f"{k}_pass_s"]) - (local[f"{k}_s"] - local[f"{k}_pass_s"])
            for k in keys
        ]
        cells = [f"{e * 1000:.2f}" for e in extra]
        cells.append(f"{ms(local['no-op_s'])} / {ms(remote['no-op_s'])}")
        cells.append(f"{ms(local['read_s'])} / {ms(remote['read_s'])}")
        print(f"| {local['circuit']} | " + " | ".join(cells) + " |")
    print()
    heads = [
        "circuit",
        "mode",
        "2q after flow",
        "fork ms",
        "fork KiB (isolated: worker RSS)",
        "deepcopy ms",
        "deepcopy KiB",
        "re-run steps ms",
        "re-run KiB",
    ]
    print("| " + " | ".join(heads) + " |")
    print("|" + " --- |" * len(heads))
    for row in rows:
        cells = [
            row["circuit"],
            row["mode"],
            str(row["n2q"]),
            ms(row["fork_s"]),
            kib(row["fork_bytes"]),
        ]
        if "deepcopy_s" in row:
            cells += [
                ms(row["deepcopy_s"]),
                kib(row["deepcopy_bytes"]),
                ms(row["rerun_s"]),
                kib(row["rerun_bytes"]),
            ]
        else:
            cells += ["-"] * 4
        print("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--circuits", default="qft_n10,qft_n100")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"shared benchmark data not found at {SHARED}: skipped")
        return 0
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}  cpus: {os.cpu_count()}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        device = write_device(Path(folder))
        for name in args.circuits.split(","):
            circuit = qasm2.load(SHARED / "circuits" / f"{name}.qasm")
            rows += run_circuit(name, circuit, device, args.repeat)
            print(f"  done: {name}", file=sys.stderr)
    print(f"load after: {Path('/proc/loadavg').read_text().strip()}")
    print_tables(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
