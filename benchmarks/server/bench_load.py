"""Load on ``qloom serve``: many small tasks from concurrent clients, over loopback.

Starts a real server process (``python -m qloom_server``, processes executor) on a free
loopback port with a fresh store, makes one user per client, and has ``--clients`` threads
each submit ``--tasks / --clients`` small tasks one request at a time (a 3-qubit circuit
for ``emulator:heavy-hex-27``, distinct seeds), then wait for every one. Reports submit
throughput, end-to-end throughput (first submit to last task done), p50/p99 submit latency,
and checks the accounting: every submitted id ends DONE (lost = 0), each user's listing holds
each id once and nothing else (duplicated = 0), and the store holds exactly one core task
per submitted task.

Run: python benchmarks/server/bench_load.py [--tasks 2000] [--clients 8] [--workers 2]
     [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

QASM = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nh q[0];\ncx q[0],q[2];\ncx q[1],q[2];\n'
BACKEND = "emulator:heavy-hex-27"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _token(store: Path, name: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "qloom", "serve", "token", "create", name, "--store", str(store)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def _client_run(
    url: str, token: str, count: int, first_seed: int, latencies: list[float], ids: list[str]
) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
        for i in range(count):
            body = {"circuits": [{"qasm": QASM}], "backend": BACKEND, "seed": first_seed + i}
            t0 = time.perf_counter()
            answer = c.post("/v1/tasks", json=body)
            latencies.append(time.perf_counter() - t0)
            answer.raise_for_status()
            ids.append(answer.json()["tasks"][0]["id"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qloom-load-"))
    store = folder / "server.sqlite"
    tokens = [_token(store, f"user{i}") for i in range(args.clients)]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(folder / "server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "qloom_server", "--port", str(port), "--store", str(store),
         "--workers", str(args.workers), "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start; see " + str(folder / "server.log"))
            time.sleep(0.1)
        per = args.tasks // args.clients
        latencies: list[list[float]] = [[] for _ in tokens]
        ids: list[list[str]] = [[] for _ in tokens]
        threads = [
            threading.Thread(
                target=_client_run, args=(url, tok, per, 1000 * i, latencies[i], ids[i])
            )
            for i, tok in enumerate(tokens)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        submitted = time.perf_counter() - start
        statuses: dict[str, str] = {}
        duplicated = foreign = 0
        for tok, mine in zip(tokens, ids, strict=True):
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tok}"}) as c:
                for task_id in mine:
                    while True:
                        answer = c.get(f"/v1/tasks/{task_id}/result", params={"wait": 30})
                        if answer.status_code == 200:
                            statuses[task_id] = answer.json()["status"]
                            break
                listed = c.get("/v1/tasks", params={"limit": 1000}).json()["tasks"]
                listed_ids = [t["id"] for t in listed]
                duplicated += len(listed_ids) - len(set(listed_ids))
                foreign += len(set(listed_ids) - set(mine))
        finished = time.perf_counter() - start
        all_ids = [i for mine in ids for i in mine]
        db = sqlite3.connect(store)
        core_rows = db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]
        db.close()
        flat = sorted(x for lat in latencies for x in lat)
        figures: dict[str, Any] = {
            "tasks": len(all_ids),
            "clients": args.clients,
            "workers": args.workers,
            "submit_seconds": round(submitted, 2),
            "submits_per_second": round(len(all_ids) / submitted, 1),
            "end_to_end_seconds": round(finished, 2),
            "tasks_per_second": round(len(all_ids) / finished, 1),
            "submit_p50_ms": round(1000 * statistics.median(flat), 1),
            "submit_p99_ms": round(1000 * flat[int(0.99 * (len(flat) - 1))], 1),
            "lost": sum(1 for i in all_ids if statuses.get(i) != "DONE"),
            "duplicated": duplicated + (len(all_ids) - len(set(all_ids))) + foreign,
            "core_rows": core_rows,
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        }
    finally:
        server.terminate()
        server.wait(60)
        log.close()
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    ok = figures["lost"] == 0 and figures["duplicated"] == 0 and core_rows == len(all_ids)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
