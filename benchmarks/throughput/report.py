"""Tables of the throughput benchmark, as aligned text or markdown, from its JSON figures.

``data`` is what ``bench_throughput.py --json`` writes: ``meta``, one row per executor
(``executors``) and one per Qiskit configuration (``qiskit``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

Data = dict[str, Any]

TEN_MS = 10.0
"""The circuit time against which the cost per task is judged (the issue's 10 ms circuit)."""


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], markdown: bool) -> str:
    """Aligned plain text (first column left, the others right) or a markdown table."""
    body = [[str(cell) for cell in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(headers) + " |"]
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        head = f"{cells[0]:<{widths[0]}}"
        rest = (f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([head, *rest])

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, body)])


def geomean(values: Iterable[float]) -> float:
    vals = list(values)
    return math.exp(sum(math.log(v) for v in vals) / len(vals)) if vals else math.nan


def _f(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


def _rounds(row: dict[str, Any], what: str = "compile") -> str:
    """The best time of ``what`` (compile, start), and every round's when there were several."""
    runs = row.get(f"{what}_runs_s", [])
    digits = 1 if what == "compile" else 2
    best = _f(row[f"{what}_s"])
    return best if len(runs) < 2 else f"{best} ({', '.join(_f(t, digits) for t in runs)})"


def _ok_rows(data: Data) -> list[dict[str, Any]]:
    return [r for r in data["executors"] if "compile_s" in r]


def throughput(data: Data, markdown: bool) -> str:
    """Start, compile time, circuits/s and speed-up of each executor."""
    headers = [
        "executor",
        "workers",
        "start s",
        "compile s",
        "circuits/s",
        "speed-up",
        "per worker",
        "busy",
        "CPU/wall",
        "start+compile+close s",
        "speed-up incl. start",
        "same as serial",
    ]
    rows = []
    for r in data["executors"]:
        if "compile_s" not in r:
            rows.append([r["executor"], *["-"] * 10, "FAILED (see below)"])
            continue
        failed = f", {len(r['failed'])} failed" if r["failed"] else ""
        rows.append(
            [
                r["executor"],
                r["workers"],
                _rounds(r, "start"),
                _rounds(r),
                _f(r["circuits_per_s"]),
                _f(r["speedup"]) + "x",
                _f(r["speedup"] / r["workers"]),
                f"{100 * r['busy_fraction']:.0f}%",
                _f(r.get("cpu_share")),
                _f(r["end_to_end_s"]),
                _f(r["end_to_end_speedup"]) + "x",
                r["identical"] + failed,
            ]
        )
    return table(headers, rows, markdown)


def costs(data: Data, markdown: bool) -> str:
    """What one task costs on each executor, apart from the compilation itself."""
    headers = [
        "executor",
        "no-op task, batch ms",
        "no-op task, round trip ms",
        "trivial request, 1 per task ms",
        "trivial request, 10 per task ms",
        "trivial compile, batch ms",
        "unaccounted in the run ms",
        "start s",
        "close s",
    ]
    rows = [
        [
            r["executor"],
            _f(r["raw_task_ms"], 3),
            _f(r["round_trip_ms"], 3),
            _f(r.get("request_ms"), 3),
            _f(r.get("chunked_request_ms"), 3),
            _f(r["compiler_task_ms"], 3),
            _f(r["unaccounted_ms"], 1),
            _f(r["start_s"]),
            _f(r["close_s"]),
        ]
        for r in _ok_rows(data)
    ]
    return table(headers, rows, markdown)


def task_times(data: Data) -> dict[str, float]:
    """Distribution of the serial run's per-circuit compile times (ms, worker side)."""
    serial = _ok_rows(data)[0]
    times = sorted(1e3 * t for t in serial["task_wall_s"] if t is not None)
    if not times:
        return {}
    return {
        "min": times[0],
        "median": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "max": times[-1],
        "under_10ms": sum(t < TEN_MS for t in times),
        "count": len(times),
    }


def quality(data: Data, markdown: bool) -> str:
    """Time and 2q counts of qloom (serial run, the reference) beside Qiskit's."""
    meta = data["meta"]
    serial = _ok_rows(data)[0]
    ours = serial["n2q"]
    fastest = min(_ok_rows(data), key=lambda r: r["compile_s"])
    headers = ["tool", "compile s", "circuits/s", "gm 2q+1", "qloom/tool 2q", "outputs checked"]
    rows = []

    def ratio(theirs: Sequence[int | None]) -> float:
        pairs = [
            (a, b) for a, b in zip(ours, theirs, strict=True) if a is not None and b is not None
        ]
        return geomean((a + 1) / (b + 1) for a, b in pairs)

    def checked(checks: Sequence[str]) -> str:
        bad = [c for c in checks if c != "ok"]
        return f"{len(checks) - len(bad)}/{len(checks)} ok"

    label = f"qloom `{meta['pipeline']}`, serial"
    rows.append(
        [
            label,
            _f(serial["compile_s"]),
            _f(serial["circuits_per_s"]),
            _f(geomean(v + 1 for v in ours if v is not None), 1),
            "1.00",
            checked(serial["checks"]),
        ]
    )
    if fastest is not serial:
        rows.append(
            [
                f"qloom `{meta['pipeline']}`, {fastest['executor']} ({fastest['workers']})",
                _f(fastest["compile_s"]),
                _f(fastest["circuits_per_s"]),
                "same",
                "1.00",
                "identical" if fastest["identical"] == "yes" else fastest["identical"],
            ]
        )
    for q in data["qiskit"]:
        rows.append(
            [
                q["tool"],
                _f(q["compile_s"]),
                _f(q["circuits_per_s"]),
                _f(geomean(v + 1 for v in q["n2q"]), 1),
                _f(ratio(q["n2q"])),
                checked(q["checks"]),
            ]
        )
    return table(headers, rows, markdown)


def problems(data: Data) -> list[str]:
    """Every failed check, executor or circuit, one line each (empty: all good)."""
    out = []
    for r in data["executors"]:
        if "error" in r:
            out.append(f"executor {r['executor']} failed: {r['error']}")
            continue
        for name, error in r["failed"].items():
            out.append(f"{r['executor']}: {name} failed: {error.splitlines()[0]}")
        if r["identical"] not in ("yes", "reference"):
            out.append(
                f"{r['executor']}: outputs differ from serial: {', '.join(r['differ'][:10])}"
            )
        for name, check in zip(data["meta"]["circuit_names"], r.get("checks", []), strict=False):
            if check not in ("ok", "failed"):
                out.append(f"{r['executor']}: {name}: {check}")
    for q in data["qiskit"]:
        for name, check in zip(data["meta"]["circuit_names"], q["checks"], strict=True):
            if check != "ok":
                out.append(f"{q['tool']}: {name}: {check}")
    return out


def _summary(data: Data) -> list[str]:
    meta = data["meta"]
    lines = [
        f"{meta['circuits']} circuits ({min(meta['input_qubits'])}-{max(meta['input_qubits'])} "
        f"qubits, {min(meta['input_n2q'])}-{max(meta['input_n2q'])} 2q gates) on {meta['device']}",
        f"qloom pipeline `{meta['pipeline']}`, seed {meta['seed']}, {meta['machine']}, "
        f"{meta['date']}; load average {meta.get('load_before', math.nan):.1f} at the start"
        + (
            f"; best of {meta['repeat']} compiles per executor" if meta.get("repeat", 1) > 1 else ""
        ),
    ]
    if "qiskit" in meta:
        q = meta["qiskit"]
        lines.append(
            f"Qiskit {q['version']}: transpile(list); its process parallelism is "
            f"{'on' if q['parallel_by_default'] else 'off'} by default here "
            f"(default_num_processes {q['default_num_processes']})"
        )
    times = task_times(data)
    if times:
        lines.append(
            "serial compile time per circuit (worker side): "
            f"min {times['min']:.1f} ms, median {times['median']:.0f} ms, p90 "
            f"{times['p90']:.0f} ms, max {times['max']:.0f} ms; {times['under_10ms']} of "
            f"{times['count']} under {TEN_MS:g} ms"
        )
    return lines


NOTES = [
    "One executor is alive at a time; with --repeat, each round starts, runs and closes every "
    "executor in turn, and the fastest round counts (every round's time in brackets; start "
    "and close: the fastest too). start: Compiler(executor) plus a warm-up (2 tiny "
    "compilations per worker on the device and "
    "on the trivial path), so workers are up and have imported their plugins; compile: the "
    "timed compiler.compile(circuits); speed-up: serial compile time / this one; busy: the "
    "workers' own compile time (CompileResult.metadata['wall_time']) / (compile time x workers); "
    "CPU/wall: the workers' CPU time / their wall time (below 1: workers waited for a core, "
    "the machine was busy).",
    "no-op task: executor.submit(abs, -1), 'batch' = N submitted at once, wall / N; "
    "'round trip' = median of one submit+result. trivial request: executor.submit("
    "compile_request, request) for N requests of a 2-qubit circuit (identity pipeline, numpy "
    "backend), wall / N; '10 per task': the same requests sent 10 to a task (batching). "
    "trivial compile: compiler.compile of N "
    "2-qubit circuits with the identity pipeline on the numpy backend, wall / N (the "
    "Compiler's own cost per task: request, store, events, result). unaccounted: "
    "(compile time x workers - busy time) / circuits, in the real run (overhead plus idle "
    "workers at the end of the batch).",
    "gm 2q+1: geometric mean of (2q gates + 1) over the circuits; qloom/tool 2q: geometric mean "
    "of per-circuit (qloom 2q + 1) / (tool 2q + 1). outputs checked: gates in the natives, "
    "every 2q gate on a device pair.",
]


def text(data: Data) -> str:
    """The whole report as plain text."""
    parts = _summary(data)
    parts += ["", throughput(data, False), "", costs(data, False)]
    if _ok_rows(data):
        parts += ["", quality(data, False)]
    parts += ["", *NOTES]
    found = problems(data)
    parts += [""] + (found if found else ["checks: all passed"])
    return "\n".join(parts)


def markdown(data: Data) -> str:
    """The whole report as markdown, ready for docs/performance.md."""
    meta = data["meta"]
    parts = ["```bash", meta.get("command", ""), "```", ""]
    parts += [line + "  " for line in _summary(data)]
    parts += ["", throughput(data, True), "", costs(data, True)]
    if _ok_rows(data):
        parts += ["", quality(data, True)]
    parts += [""] + ["- " + note for note in NOTES]
    found = problems(data)
    parts += [""] + ([f"- {line}" for line in found] if found else ["All checks passed."])
    return "\n".join(parts) + "\n"
