"""Tables of the full-transpile benchmark: per circuit, per device, over the whole suite.

Every function takes the result rows (plain dicts, as written by ``--json``) and returns
text, plain (aligned columns) or markdown. The table layout, geometric means and row
indexing are the mapping benchmark's (``report``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import targets18
from report import _fmt, _ratio, _seconds, circuits, geomean, index, labels, table, topologies

Row = dict[str, Any]

REFERENCES = ("qk3", "qk1", "tk2", "tk1", "qibo")
"""The reference of the ratios: Qiskit level 3, or the first of these that ran."""

RATIO_METRICS: list[tuple[str, Callable[[Row], float]]] = [
    ("2q", lambda r: max(r["n2q"], 1)),
    ("2q depth", lambda r: max(r["depth2q"], 1)),
    ("ops", lambda r: max(r["nops"], 1)),
    ("time", lambda r: max(r["t"], 1e-6)),
]
"""Per-circuit ratios averaged geometrically (a count of 0 is taken as 1)."""

NOTE = (
    "2q = two-qubit gates of the final output (every 2q gate counts 1; a `swap` left in the "
    "output fails the natives check), 2q depth = longest chain of 2q gates, ops = every "
    "operation but barriers, time = wall time of the whole transpile call from a parsed "
    "circuit; in 2q = the input's 2q count (after unrolling to 1q + 2q gates)."
)


def _ok(row: Row | None) -> bool:
    return row is not None and row["status"] == "ok"


def reference(rows: Sequence[Row]) -> str | None:
    """The label every tool is compared with."""
    tools = labels(rows)
    return next((r for r in REFERENCES if r in tools), None)


def _jobs(rows: Sequence[Row], topo: str | None) -> list[tuple[str, str]]:
    """(device, circuit) pairs that fit, on one device or (``None``) on every device."""
    topos = topologies(rows) if topo is None else [topo]
    return [(t, c) for t in topos for c in circuits(rows, t)]


def _status(mine: Sequence[Row | None]) -> str:
    status = [r["status"] for r in mine if r is not None]
    other = {s: status.count(s) for s in sorted(set(status)) if s != "ok"}
    return f"{status.count('ok')}/{len(mine)}" + "".join(f" {n} {s}" for s, n in other.items())


def summary(rows: Sequence[Row], topo: str | None, markdown: bool) -> str:
    """Per tool: geometric means and total time over the jobs every tool finished."""
    idx, tools = index(rows), labels(rows)
    jobs = _jobs(rows, topo)
    common = [j for j in jobs if all(_ok(idx.get(("main", *j, t))) for t in tools)]
    body = []
    for tool in tools:
        picked = [idx[("main", *j, tool)] for j in common]
        below = sum(1 for r in picked if r["n2q"] < r["in_n2q"])
        body.append(
            [
                tool,
                _status([idx.get(("main", *j, tool)) for j in jobs]),
                _fmt(geomean(max(r["n2q"], 1) for r in picked), 1),
                _ratio(geomean(max(r["n2q"], 1) / max(r["in_n2q"], 1) for r in picked)),
                f"{below}/{len(picked)}",
                _fmt(geomean(max(r["depth2q"], 1) for r in picked), 1),
                _fmt(geomean(max(r["nops"], 1) for r in picked), 0),
                _seconds(sum(r["t"] for r in picked)),
                _seconds(geomean(max(r["t"], 1e-6) for r in picked)),
            ]
        )
    headers = [
        "tool",
        "ok",
        "gm 2q",
        "gm 2q / in 2q",
        "below in 2q",
        "gm 2q depth",
        "gm ops",
        "total s",
        "gm s",
    ]
    where = f"on {topo}" if topo else "over all devices"
    caption = (
        f"over the {len(common)} circuit/device jobs every tool finished "
        f"(of {len(jobs)} that fit {where})"
    )
    return caption + ("\n\n" if markdown else "\n") + table(headers, body, markdown)


def ratio(rows: Sequence[Row], topo: str | None, a: str, b: str) -> tuple[int, list[float]]:
    """Geometric means of a/b per metric, and total-time ratio, over jobs both finished."""
    idx = index(rows)
    pairs = [
        (idx[("main", *j, a)], idx[("main", *j, b)])
        for j in _jobs(rows, topo)
        if _ok(idx.get(("main", *j, a))) and _ok(idx.get(("main", *j, b)))
    ]
    if not pairs:
        return 0, []
    means = [geomean(f(x) / f(y) for x, y in pairs) for _, f in RATIO_METRICS]
    total = sum(x["t"] for x, _ in pairs) / max(sum(y["t"] for _, y in pairs), 1e-9)
    return len(pairs), [*means, total]


def ratios(rows: Sequence[Row], topo: str | None, markdown: bool) -> str:
    """Every tool against the reference (Qiskit level 3), then each qloom pipeline against
    every other tool."""
    ref = reference(rows)
    tools = labels(rows)
    mine = [t for t in tools if t.startswith("qloom:")]
    wanted = [(t, ref) for t in tools if ref and t != ref]
    wanted += [(q, o) for q in mine for o in tools if o not in (q, ref) and o not in mine]
    body = []
    for a, b in wanted:
        count, values = ratio(rows, topo, a, b)
        if count:
            body.append([f"{a} / {b}", count, *(_ratio(v) for v in values)])
    if not body:
        return "(no pair of tools to compare)"
    headers = ["ratio", "jobs", "gm 2q", "gm 2q depth", "gm ops", "gm time", "total time"]
    caption = (
        "per-job ratios a/b, geometric mean over the jobs both finished; total time = "
        "sum of a's times / sum of b's over those jobs"
    )
    return caption + ("\n\n" if markdown else "\n") + table(headers, body, markdown)


def totals(rows: Sequence[Row], timeout: float, markdown: bool) -> str:
    """Each tool's own total over every job it was given: timeouts counted at the timeout."""
    tools = labels(rows)
    body = []
    for tool in tools:
        mine = [r for r in rows if r["tool"] == tool and r["status"] != "too-wide"]
        done = sum(r["t"] for r in mine if r["status"] == "ok")
        late = sum(1 for r in mine if r["status"] == "timeout")
        failed = sum(1 for r in mine if r["status"] == "error")
        body.append(
            [tool, len(mine), late, failed, _seconds(done), _seconds(done + late * timeout)]
        )
    headers = ["tool", "jobs", "timeouts", "errors", "total s (ok jobs)", "with timeouts"]
    return table(headers, body, markdown)


def goals(rows: Sequence[Row]) -> list[str]:
    """Issue 5's goals, read off for each qloom pipeline against Qiskit level 3."""
    if "qk3" not in labels(rows):
        return ["goals: not measured (Qiskit level 3 did not run)"]
    mine = [t for t in labels(rows) if t.startswith("qloom:")]
    if not mine:
        return ["goals: not measured (no qloom pipeline ran)"]
    out = []
    for tool in mine:
        count, values = ratio(rows, None, tool, "qk3")
        if not count:
            out.append(f"goal {tool}: no job finished by both {tool} and qk3")
            continue
        bad = sum(1 for r in rows if r["tool"] == tool and _failed(r))
        out.append(
            f"goal {tool} vs qk3 over {count} jobs: gm 2q ratio {values[0]:.3f} "
            f"({'met' if values[0] <= 1 else 'not met'}: <= 1), total time ratio "
            f"{values[4]:.2f} ({'faster' if values[4] < 1 else 'slower'})"
            + (f"; {bad} outputs FAIL a check" if bad else "")
        )
    heaviest = mine[-1]
    out.append(f"(the heaviest qloom level is taken as the last pipeline asked for: {heaviest})")
    return out


def anchors(rows: Sequence[Row], anchor_rows: Sequence[dict[str, str]], markdown: bool) -> str:
    """How close this run's comparison tools came to ``anchors.csv`` (same 2q counts?)."""
    known = {(a["circuit"], a["topo"], a["tool"]): a for a in anchor_rows if a["status"] == "ok"}
    body = []
    for tool in labels(rows):
        matched = [
            (r, known[(r["circuit"], r["topo"], tool)])
            for r in rows
            if r["tool"] == tool and _ok(r) and (r["circuit"], r["topo"], tool) in known
        ]
        if matched:
            same = sum(1 for r, a in matched if r["n2q"] == int(a["n2q"]))
            gm2q = geomean(max(r["n2q"], 1) / max(int(a["n2q"]), 1) for r, a in matched)
            gmt = geomean(max(r["t"], 1e-6) / max(float(a["t"]), 1e-6) for r, a in matched)
            body.append([tool, len(matched), same, f"{gm2q:.3f}", _ratio(gmt)])
    if not body:
        return "(no anchor for these tools)"
    headers = ["tool", "rows", "same 2q", "gm 2q / anchor", "gm time / anchor"]
    return table(headers, body, markdown)


def _failed(row: Row) -> bool:
    return row["status"] == "ok" and not str(row.get("check", "ok")).startswith("ok")


def _cell(row: Row | None) -> str:
    if row is None:
        return "-"
    if row["status"] != "ok":
        return row["status"]
    return f"{row['n2q']}/{row['depth2q']}" + (" !" if _failed(row) else "")


def per_circuit(rows: Sequence[Row], topo: str, markdown: bool) -> str:
    """One row per circuit: ``2q/2q depth`` per tool, then each tool's seconds."""
    idx, tools = index(rows), labels(rows)
    body = []
    for name in circuits(rows, topo):
        cells = [idx.get(("main", topo, name, t)) for t in tools]
        first = next(c for c in cells if c is not None)
        times = [_seconds(c["t"]) if _ok(c) else "-" for c in cells]
        body.append([name, first["qubits"], first["in_n2q"], *map(_cell, cells), *times])
    headers = ["circuit", "qubits", "in 2q", *tools, *(f"{t} s" for t in tools)]
    return table(headers, body, markdown)


def checks_line(rows: Sequence[Row]) -> str:
    """How many outputs passed each check."""
    done = [r for r in rows if r["status"] == "ok"]
    coupled = sum(1 for r in done if r.get("coupling") == "ok")
    native = sum(1 for r in done if r.get("natives") == "ok")
    equiv = [r for r in done if r.get("equiv") not in (None, "not run")]
    eq_ok = sum(1 for r in equiv if r["equiv"] == "ok")
    skipped = sum(1 for r in equiv if str(r["equiv"]).startswith("skip"))
    return (
        f"checks: {native}/{len(done)} outputs only in {{cz, rz, sx, x}}; {coupled}/{len(done)} "
        f"have every 2q gate on a device edge; equivalence checked on {len(equiv) - skipped} "
        f"small outputs, {eq_ok} equivalent"
        + (f" ({skipped} skipped: too many active qubits)" if skipped else "")
    )


def problems(rows: Sequence[Row]) -> list[str]:
    """One line per failed check or error (a tool's timeouts are in the tables)."""
    out = []
    for r in rows:
        where = f"{r['circuit']} on {r['topo']} by {r['tool']}"
        if r["status"] == "error":
            out.append(f"error: {where}: {r.get('message', '')}")
        elif _failed(r):
            details = "; ".join(
                f"{k} {r[k]}"
                for k in ("natives", "coupling", "equiv")
                if str(r.get(k, "ok")).startswith("FAIL")
            )
            out.append(f"check FAILED: {where}: {details}")
    return out


def markdown(
    rows: Sequence[Row], meta: dict[str, Any], anchor_rows: Sequence[dict[str, str]] = ()
) -> str:
    """The whole report as markdown, for ``docs/performance.md``."""
    elapsed = f", {meta['elapsed_s']:g} s in all" if meta.get("elapsed_s") else ""
    parts = [
        "## Synthesis benchmark (full transpile to {cz, rz, sx, x})",
        "",
        f"Run of `{meta['command']}` on {meta['date']} ({meta['machine']}{elapsed}). "
        f"Versions: {', '.join(meta['versions'])}. Seed {meta['seed']}, timeout "
        f"{meta['timeout']:g} s per job, every tool run side by side in one run.",
        "",
        f"Circuits: {meta.get('circuit_set', 'shared: ../shared/benchmarks/circuits')}.",
        "",
        "Tools:",
        "",
        *(f"- `{k}`: {v}" for k, v in meta["tools"].items()),
        "",
        NOTE,
        "",
        checks_line(rows) + ".",
        "",
        "### Goals (issue 5)",
        "",
        *(f"- {line}" for line in goals(rows)),
        "",
        "### Targets (issue 18)",
        "",
        *(f"- {line}" for line in targets18.verdicts(rows)),
        "",
        "### Whole suite",
        "",
        summary(rows, None, True),
        "",
        ratios(rows, None, True),
        "",
        "Each tool's own total (timeouts counted at the timeout):",
        "",
        totals(rows, float(meta["timeout"]), True),
    ]
    for topo in topologies(rows):
        parts += ["", f"### {topo}", "", summary(rows, topo, True), "", ratios(rows, topo, True)]
    parts += [
        "",
        "### Per circuit",
        "",
        "Cells: 2q gates / 2q depth; `!`: a check failed. Then seconds per tool.",
    ]
    for topo in topologies(rows):
        parts += ["", f"#### {topo}", "", per_circuit(rows, topo, True)]
    if anchor_rows:
        parts += ["", "### Against `anchors.csv`", "", anchors(rows, anchor_rows, True)]
    trouble = problems(rows)
    if trouble:
        parts += ["", "### Problems", "", *(f"- {line}" for line in trouble)]
    return "\n".join(parts) + "\n"
