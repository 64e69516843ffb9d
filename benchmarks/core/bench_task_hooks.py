"""Cost per task of the executor hooks: many tiny tasks on serial, threads and processes.

Each executor runs ``--tasks`` calls of ``operator.neg`` (so the task's own work is nil),
first with only qloom's own hook plugins, then with a plugin observing every task hook
registered too. The figure is wall time per task, best of ``--repeat`` runs; run it on the
tree before and after a change (``PYTHONPATH=OTHER/core/src:OTHER/plugins/executors/src``)
in the same minute, since these machines are noisy.

    python benchmarks/core/bench_task_hooks.py --tasks 2000
"""

from __future__ import annotations

import argparse
import operator
import time
from typing import Any

from qloom import hookimpl
from qloom.config import get_executor
from qloom.plugins import get_registry


class Observer:
    """Counts every task event (what a progress display or a logger does, at least)."""

    def __init__(self) -> None:
        self.seen = 0

    @hookimpl
    def qloom_task_submitted(self) -> None:
        self.seen += 1

    @hookimpl
    def qloom_task_started(self) -> None:
        self.seen += 1

    @hookimpl
    def qloom_task_finished(self) -> None:
        self.seen += 1


def per_task(executor: Any, tasks: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        futures = [executor.submit(operator.neg, i) for i in range(tasks)]
        for future in futures:
            future.result()
        best = min(best, (time.perf_counter() - start) / tasks)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'executor':10} {'plain µs/task':>14} {'observed µs/task':>17} {'events':>7}")
    for name in ("serial", "threads", "processes"):
        options = {} if name == "serial" else {"workers": 2}
        with get_executor(name, **options) as executor:
            if hasattr(executor, "wait_ready"):
                executor.wait_ready(60)
            per_task(executor, min(args.tasks, 200), 1)  # warm up
            plain = per_task(executor, args.tasks, args.repeat)
            observer = Observer()
            get_registry().hook_manager().register(observer)
            try:
                observed = per_task(executor, args.tasks, args.repeat)
            finally:
                get_registry().hook_manager().unregister(observer)
        print(f"{name:10} {plain * 1e6:>14.1f} {observed * 1e6:>17.1f} {observer.seen:>7}")


if __name__ == "__main__":
    main()
