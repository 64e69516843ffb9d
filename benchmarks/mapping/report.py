"""Tables of the mapping benchmark: per circuit, geometric means, ratios, QUEKO, anchors.

Every function takes the list of result rows (plain dicts, as written by ``--json``) and
returns text, plain (aligned columns) or markdown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

Row = dict[str, Any]

METRICS: list[tuple[str, str, Callable[[Row], float]]] = [
    ("swaps+1", "swaps", lambda r: r["swaps"] + 1),
    ("2q", "n2q", lambda r: r["n2q"]),
    ("2q depth", "depth2q", lambda r: r["depth2q"]),
    ("time", "t", lambda r: max(r["t"], 1e-6)),
]
"""What the geometric means average: SWAPs + 1 (a count can be 0), 2q count, 2q depth,
transpile wall time in seconds."""

REFERENCES = ("qk3", "qk1", "tk2", "tk1", "qibo")

NOTE_2Q = (
    "qloom 2q count and 2q depth count each `swap` as 3 two-qubit gates (qloom has no "
    "unroller yet, its output is the routed u3/cx/swap circuit); Qiskit, pytket and qibo "
    "figures are for their final output in {cz, rz, sx, x}, after their own optimisation."
)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], markdown: bool) -> str:
    """Aligned plain text (first column left, others right) or a markdown table."""
    body = [[str(c) for c in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(headers) + " |"]
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(str(h)), *(len(r[i]) for r in body)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        first = f"{cells[0]:<{widths[0]}}"
        return "  ".join(
            [first, *(f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))]
        )

    return "\n".join([line(list(headers)), line(["-" * w for w in widths]), *map(line, body)])


def geomean(values: Iterable[float]) -> float:
    vals = list(values)
    return math.exp(sum(math.log(v) for v in vals) / len(vals)) if vals else math.nan


def _fmt(value: float, digits: int = 2) -> str:
    if math.isnan(value):
        return "-"
    if digits == 0 or abs(value) >= 1000:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def _ratio(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.2f}" if 0.1 <= value < 1000 else f"{value:.2g}"


def _seconds(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def index(rows: Sequence[Row]) -> dict[tuple[str, str, str, str], Row]:
    return {(r["set"], r["topo"], r["circuit"], r["tool"]): r for r in rows}


def labels(rows: Sequence[Row]) -> list[str]:
    seen: list[str] = []
    for r in rows:
        if r["tool"] not in seen:
            seen.append(r["tool"])
    return seen


def topologies(rows: Sequence[Row], which: str = "main") -> list[str]:
    seen: list[str] = []
    for r in rows:
        if r["set"] == which and r["topo"] not in seen:
            seen.append(r["topo"])
    return seen


def circuits(rows: Sequence[Row], topo: str, which: str = "main") -> list[str]:
    seen: list[str] = []
    for r in rows:
        fits = r["status"] != "too-wide"
        if r["set"] == which and r["topo"] == topo and fits and r["circuit"] not in seen:
            seen.append(r["circuit"])
    return seen


def _cell(row: Row | None) -> str:
    if row is None:
        return "-"
    if row["status"] != "ok":
        return row["status"]
    flag = "" if row.get("check", "ok").startswith("ok") else " !"
    return f"{row['swaps']}/{row['n2q']}/{row['depth2q']}{flag}"


def per_circuit(rows: Sequence[Row], topo: str, markdown: bool) -> str:
    """One row per circuit: ``swaps/2q/2q depth`` per tool, then each tool's seconds."""
    idx, tools = index(rows), labels(rows)
    body = []
    for name in circuits(rows, topo):
        cells = [idx.get(("main", topo, name, t)) for t in tools]
        first = next(c for c in cells if c is not None)
        times = [_seconds(c["t"]) if c and c["status"] == "ok" else "-" for c in cells]
        body.append([name, first["qubits"], first["in_n2q"], *map(_cell, cells), *times])
    headers = ["circuit", "qubits", "in 2q", *tools, *(f"{t} s" for t in tools)]
    return table(headers, body, markdown)


def _ok(row: Row | None) -> bool:
    return row is not None and row["status"] == "ok"


def summary(rows: Sequence[Row], topo: str, markdown: bool) -> str:
    """Per tool: how many finished, and geometric means over the circuits every tool finished."""
    idx, tools = index(rows), labels(rows)
    names = circuits(rows, topo)
    common = [c for c in names if all(_ok(idx.get(("main", topo, c, t))) for t in tools)]
    body = []
    for tool in tools:
        mine = [idx.get(("main", topo, c, tool)) for c in names]
        status = [r["status"] for r in mine if r is not None]
        other = {s: status.count(s) for s in sorted(set(status)) if s != "ok"}
        done = f"{status.count('ok')}/{len(names)}" + "".join(f" {n} {s}" for s, n in other.items())
        picked = [idx[("main", topo, c, tool)] for c in common]
        means = [geomean(f(r) for r in picked) for _, _, f in METRICS]
        total = sum(r["t"] for r in picked)
        body.append(
            [tool, done, *(_fmt(m, 1) for m in means[:3]), _seconds(means[3]), _seconds(total)]
        )
    headers = ["tool", "ok", "gm swaps+1", "gm 2q", "gm 2q depth", "gm time s", "total time s"]
    caption = (
        f"geometric means over the {len(common)} circuits every tool finished "
        f"(of {len(names)} that fit on {topo})"
    )
    return caption + ("\n\n" if markdown else "\n") + table(headers, body, markdown)


def ratio(rows: Sequence[Row], topo: str, a: str, b: str) -> tuple[int, list[float]]:
    """Geometric means of a/b for each metric over the circuits both finished."""
    idx = index(rows)
    pairs = [
        (idx[("main", topo, c, a)], idx[("main", topo, c, b)])
        for c in circuits(rows, topo)
        if _ok(idx.get(("main", topo, c, a))) and _ok(idx.get(("main", topo, c, b)))
    ]
    return len(pairs), [geomean(f(x) / f(y) for x, y in pairs) for _, _, f in METRICS]


def ratios(rows: Sequence[Row], topo: str, markdown: bool) -> str:
    """qloom against every other tool, then every tool against the reference (Qiskit level
    3, or the first of ``REFERENCES`` that ran)."""
    tools = labels(rows)
    mine = [t for t in tools if t.startswith("qloom:")]
    others = [t for t in tools if not t.startswith("qloom:")]
    order = [r for r in REFERENCES if r in others] + [t for t in others if t not in REFERENCES]
    wanted = [(q, o) for i, q in enumerate(mine) for o in order + mine[i + 1 :]]
    if order and order[0] in REFERENCES:
        wanted += [(t, order[0]) for t in order[1:]]
    body = []
    for a, b in wanted:
        count, values = ratio(rows, topo, a, b)
        if count:
            body.append([f"{a} / {b}", count, *(_ratio(v) for v in values)])
    if not body:
        return "(no pair of tools to compare)"
    headers = ["ratio", "circuits", "swaps+1", "2q", "2q depth", "time"]
    caption = "geometric mean of per-circuit ratios, over the circuits both tools finished"
    return caption + ("\n\n" if markdown else "\n") + table(headers, body, markdown)


def queko(rows: Sequence[Row], markdown: bool) -> str:
    """SWAPs per QUEKO circuit per tool on its own device (optimal: 0)."""
    idx, tools = index(rows), labels(rows)
    body = []
    seen: set[str] = set()
    for r in rows:
        if r["set"] != "queko" or r["circuit"] in seen:
            continue
        seen.add(r["circuit"])
        cells = []
        for tool in tools:
            row = idx.get(("queko", r["topo"], r["circuit"], tool))
            if row is None:
                cells.append("-")
            elif row["status"] != "ok":
                cells.append(row["status"])
            else:
                flag = "" if row.get("check", "ok").startswith("ok") else " !"
                cells.append(f"{row['swaps']}{' (0)' if row['swaps'] == 0 else ''}{flag}")
        body.append([r["circuit"], r["topo"], r["qubits"], r["in_n2q"], *cells])
    if not body:
        return "(no QUEKO circuit run)"
    zero = []
    for tool in tools:
        done = [idx.get(("queko", t, c, tool)) for c, t in ((b[0], b[1]) for b in body)]
        oks = [d for d in done if _ok(d)]
        zero.append(f"{sum(1 for d in oks if d['swaps'] == 0)}/{len(body)} zero")
    body.append(["(circuits with 0 SWAPs)", "", "", "", *zero])
    return table(["circuit", "device", "qubits", "2q", *tools], body, markdown)


def anchors(rows: Sequence[Row], anchor_rows: Sequence[dict[str, str]], markdown: bool) -> str:
    """How close this run's comparison tools came to ``anchors.csv`` (same configuration?)."""
    known = {(a["circuit"], a["topo"], a["tool"]): a for a in anchor_rows if a["status"] == "ok"}
    body = []
    for tool in labels(rows):
        matched = [
            (r, known[(r["circuit"], r["topo"], tool)])
            for r in rows
            if r["tool"] == tool
            and r["set"] == "main"
            and r["status"] == "ok"
            and (r["circuit"], r["topo"], tool) in known
        ]
        if not matched:
            continue
        same2q = sum(1 for r, a in matched if r["n2q"] == int(a["n2q"]))
        sameswaps = sum(1 for r, a in matched if r["swaps"] == int(a["swaps"]))
        gm2q = geomean(r["n2q"] / int(a["n2q"]) for r, a in matched)
        gmt = geomean(max(r["t"], 1e-6) / max(float(a["t"]), 1e-6) for r, a in matched)
        body.append([tool, len(matched), same2q, sameswaps, f"{gm2q:.3f}", _ratio(gmt)])
    if not body:
        return "(no anchor for these tools)"
    headers = ["tool", "rows", "same 2q", "same swaps", "gm 2q / anchor", "gm time / anchor"]
    return table(headers, body, markdown)


def problems(rows: Sequence[Row]) -> list[str]:
    """One line per failed check or error."""
    out = []
    for r in rows:
        where = f"{r['circuit']} on {r['topo']} by {r['tool']}"
        if r["status"] == "error":
            out.append(f"error: {where}: {r.get('message', '')}")
        elif r["status"] == "ok" and not r["check"].startswith("ok"):
            details = "; ".join(
                f"{k} {r[k]}"
                for k in ("coupling", "natives", "equiv")
                if str(r.get(k, "ok")).startswith("FAIL")
            )
            out.append(f"check FAILED: {where}: {details}")
    return out


def checks_line(rows: Sequence[Row]) -> str:
    done = [r for r in rows if r["status"] == "ok"]
    coupled = sum(1 for r in done if r.get("coupling") == "ok")
    equiv = [r for r in done if r.get("equiv") not in (None, "not run")]
    eq_ok = sum(1 for r in equiv if r["equiv"] == "ok")
    skipped = sum(1 for r in equiv if str(r["equiv"]).startswith("skip"))
    return (
        f"checks: {coupled}/{len(done)} outputs have every 2q gate on a device edge; "
        f"equivalence checked on {len(equiv) - skipped} small outputs, {eq_ok} equivalent"
        + (f" ({skipped} skipped: too many active qubits)" if skipped else "")
    )


def markdown(
    rows: Sequence[Row], meta: dict[str, Any], anchor_rows: Sequence[dict[str, str]]
) -> str:
    """The whole report as markdown, for ``docs/performance.md``."""
    parts = [
        "## Mapping benchmark",
        "",
        f"Run of `{meta['command']}` on {meta['date']} ({meta['machine']}). "
        f"Versions: {', '.join(meta['versions'])}. Seed {meta['seed']}, timeout "
        f"{meta['timeout']:g} s per circuit and tool, every tool run side by side in one run.",
        "",
        "Tools:",
        "",
        *(f"- `{k}`: {v}" for k, v in meta["tools"].items()),
        "",
        NOTE_2Q,
        "",
        checks_line(rows) + ".",
    ]
    for topo in topologies(rows):
        parts += ["", f"### {topo}", "", summary(rows, topo, True), "", ratios(rows, topo, True)]
    if any(r["set"] == "queko" for r in rows):
        parts += ["", "### QUEKO (known optimum: 0 SWAPs)", "", queko(rows, True)]
    parts += ["", "### Per circuit", "", "Cells: SWAPs / 2q gates / 2q depth; `!`: a check failed."]
    for topo in topologies(rows):
        parts += ["", f"#### {topo}", "", per_circuit(rows, topo, True)]
    if anchor_rows:
        parts += ["", "### Against `anchors.csv`", "", anchors(rows, anchor_rows, True)]
    return "\n".join(parts) + "\n"
