"""Load on a compile server: many small tasks from concurrent clients, none lost or doubled.

Starts a ``qloom serve`` process on a free loopback port (its own store and files in a
temporary folder; ``--executor processes --workers W``), makes one token per client, and
runs ``--clients`` threads, each with its own ``qloom.Compiler(url, token=...)``, that
submit ``--tasks / --clients`` small circuits one request each, as fast as the server
takes them. Then every client waits for its results. Reported: submit latency (p50, p99,
max), submit rate, end-to-end throughput (first submit to last result), and the checks:
every submitted id is distinct, listed once for its owner, ``DONE``, its result names it,
the server's table holds exactly the submitted (task, user) pairs and the core store one
``DONE`` task per submitted task. Bounded by ``--deadline``.

    python benchmarks/server/bench_load.py --tasks 2000 --clients 8 --json /tmp/load.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import qloom
from qloom import Circuit
from qloom.remote import RemoteCompiler


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


class Server:
    """A ``qloom serve`` process on loopback over a fresh store in ``folder``."""

    def __init__(self, folder: Path, workers: int, deadline: float) -> None:
        self.folder = folder
        self.store = folder / "server.sqlite"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "qloom", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--store", str(self.store),
                 "--data-dir", str(folder / "files"), "--executor", "processes",
                 "--workers", str(workers), "--max-queued", "100000",
                 "--log-level", "warning"],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        probe = RemoteCompiler(self.url, token="-", request_timeout=2)
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited:\n{self.log.read_text()[-3000:]}")
            try:
                probe.health()
                return
            except qloom.errors.QloomError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start in time") from None
                time.sleep(0.1)

    def token(self, name: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "qloom", "serve", "token", "create", name,
             "--store", str(self.store)],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        return done.stdout.strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(60)


@dataclass
class Client:
    """One user's thread: what it submitted, how long each submit took, what came back."""

    name: str
    compiler: RemoteCompiler
    count: int
    circuit: Circuit
    backend: str
    ids: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    done: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def submit_all(self, start: threading.Barrier) -> None:
        start.wait()
        for i in range(self.count):
            t0 = time.perf_counter()
            try:
                task = self.compiler.submit(self.circuit, self.backend, seed=i)
            except qloom.errors.QloomError as exc:
                self.errors.append(f"submit {i}: {exc}")
                continue
            self.latencies.append(time.perf_counter() - t0)
            self.ids.append(task.id)

    def collect(self, deadline: float) -> None:
        for task_id in self.ids:
            left = deadline - time.monotonic()
            try:
                result = self.compiler.result(task_id, timeout=max(left, 0.001))
            except (qloom.errors.QloomError, TimeoutError) as exc:
                self.errors.append(f"{task_id}: {type(exc).__name__}: {exc}")
                continue
            self.done[task_id] = str(result.metadata.get("task_id"))


def run(args: argparse.Namespace) -> dict[str, Any]:
    deadline = time.monotonic() + args.deadline
    circuit = Circuit(3, name="ghz3").h(0).cx(0, 1).cx(1, 2)
    with tempfile.TemporaryDirectory(prefix="qloom-load-") as folder:
        server = Server(Path(folder), args.workers, deadline)
        try:
            per_client = [args.tasks // args.clients] * args.clients
            for i in range(args.tasks % args.clients):
                per_client[i] += 1
            clients = [
                Client(f"user{i}", RemoteCompiler(server.url, token=server.token(f"user{i}")),
                       n, circuit, args.backend)
                for i, n in enumerate(per_client)
            ]  # fmt: skip
            load_before = loadavg()
            barrier = threading.Barrier(len(clients) + 1)
            threads = [threading.Thread(target=c.submit_all, args=(barrier,)) for c in clients]
            for thread in threads:
                thread.start()
            barrier.wait()
            t0 = time.perf_counter()
            for thread in threads:
                thread.join(max(deadline - time.monotonic(), 0.001))
            submitted_in = time.perf_counter() - t0
            collectors = [threading.Thread(target=c.collect, args=(deadline,)) for c in clients]
            for thread in collectors:
                thread.start()
            for thread in collectors:
                thread.join(max(deadline - time.monotonic(), 0.001))
            finished_in = time.perf_counter() - t0
            load_after = loadavg()
            checks = verify(clients, args.tasks)
        finally:
            server.stop()
        checks.update(verify_store(server.store, clients))
    baseline = local_baseline(circuit, args) if args.baseline else None
    latencies = sorted(x for c in clients for x in c.latencies)
    return {
        "tasks": args.tasks,
        "clients": args.clients,
        "workers": args.workers,
        "backend": args.backend,
        "submit_seconds": submitted_in,
        "submit_rate": len(latencies) / submitted_in,
        "submit_p50_ms": 1000 * statistics.median(latencies),
        "submit_p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "submit_max_ms": 1000 * latencies[-1],
        "total_seconds": finished_in,
        "throughput": sum(len(c.done) for c in clients) / finished_in,
        "local_throughput": baseline,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "cpus": os.cpu_count(),
        "checks": checks,
        "errors": [e for c in clients for e in c.errors][:20],
    }


def local_baseline(circuit: Circuit, args: argparse.Namespace) -> float:
    """Tasks per second of the same tasks on a local ``Compiler("processes")`` with the
    server's worker count (one ``submit`` per task, then every result): what the server
    costs on top."""
    with qloom.Compiler("processes", workers=args.workers, reuse=False) as compiler:
        compiler.compile(circuit, args.backend, seed=0)  # workers started
        t0 = time.perf_counter()
        tasks = [compiler.submit(circuit, args.backend, seed=i) for i in range(args.tasks)]
        for task in tasks:
            compiler.result(task)
        return args.tasks / (time.perf_counter() - t0)


def verify(clients: list[Client], expected: int) -> dict[str, Any]:
    """What the clients saw: every id distinct, DONE, named by its result, listed once."""
    ids = [i for c in clients for i in c.ids]
    listed_ok = True
    for client in clients:
        records = client.compiler.tasks()
        listed = [r.id for r in records]
        listed_ok &= sorted(listed) == sorted(client.ids) and len(set(listed)) == len(listed)
        listed_ok &= all(r.status == "DONE" for r in records)
    return {
        "submitted": len(ids),
        "distinct": len(set(ids)),
        "results": sum(len(c.done) for c in clients),
        "results_name_their_task": all(k == v for c in clients for k, v in c.done.items()),
        "each_listed_once_for_its_owner_and_done": listed_ok,
        "all_ok": len(ids) == len(set(ids)) == expected
        and sum(len(c.done) for c in clients) == expected
        and listed_ok,
    }


def verify_store(store: Path, clients: list[Client]) -> dict[str, Any]:
    """The server's own table, read after it stopped: exactly the submitted tasks."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT id, user FROM server_tasks").fetchall()
        core = db.execute("SELECT status, COUNT(*) FROM tasks GROUP BY status").fetchall()
    finally:
        db.close()
    owners = {i: c.name for c in clients for i in c.ids}
    return {
        "server_rows": len(rows),
        "core_rows_by_status": dict(core),
        "server_rows_match": sorted(rows) == sorted(owners.items())
        and dict(core) == {"DONE": len(owners)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000, help="tasks in all (default 2000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="the server's workers (default 2)")
    parser.add_argument("--backend", default="emulator:heavy-hex-27", help="the tasks' backend")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds for everything")
    parser.add_argument(
        "--baseline", action="store_true", help="also time the same tasks on a local Compiler"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not (1 <= args.clients <= 64 and 1 <= args.tasks <= 100_000):
        parser.error("--clients is 1-64 and --tasks 1-100000")
    figures = run(args)
    for key, value in figures.items():
        print(f"{key:24} {value:.2f}" if isinstance(value, float) else f"{key:24} {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    if not figures["checks"]["all_ok"] or not figures["checks"]["server_rows_match"]:
        raise SystemExit("LOST OR DUPLICATED TASKS: see checks")


if __name__ == "__main__":
    main()
