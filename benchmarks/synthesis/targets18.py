"""Issue 18's 2q-count targets, read off one run's rows against Qiskit level 3.

- ``O3`` <= 0.93x Qiskit level 3's 2q count (geometric mean) on hh127 and grid100, <= 0.97x
  on hh27 and line32;
- no circuit above 1.15x Qiskit level 3 at ``O3``;
- ``O2`` (the default) <= 0.97x on hh127 and grid100;
- 2q depth at ``O3`` <= Qiskit level 3's (geometric mean), on every device.

Every function takes the result rows (plain dicts, as written by ``--json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from report import geomean

Row = dict[str, Any]

O3_LIMITS = {"hh127": 0.93, "grid100": 0.93, "hh27": 0.97, "line32": 0.97}
O2_LIMITS = {"hh127": 0.97, "grid100": 0.97}
WORST = 1.15
REFERENCE = "qk3"


def _pairs(rows: Sequence[Row], tool: str, topo: str) -> list[tuple[Row, Row]]:
    """(tool's row, Qiskit level 3's row) of every circuit both finished on ``topo``."""
    ok = {(r["circuit"], r["tool"]): r for r in rows if r["topo"] == topo and r["status"] == "ok"}
    return [
        (mine, ok[(circuit, REFERENCE)])
        for (circuit, label), mine in sorted(ok.items())
        if label == tool and (circuit, REFERENCE) in ok
    ]


def _ratio(pairs: list[tuple[Row, Row]], key: str) -> float:
    return geomean(max(a[key], 1) / max(b[key], 1) for a, b in pairs)


def verdicts(rows: Sequence[Row]) -> list[str]:
    """One line per target: the figure, the limit and met / not met."""
    tools = {r["tool"] for r in rows}
    if REFERENCE not in tools:
        return ["issue 18 targets: not measured (Qiskit level 3 did not run)"]
    topos = sorted(
        {r["topo"] for r in rows},
        key=lambda t: list(O3_LIMITS).index(t) if t in O3_LIMITS else len(O3_LIMITS),
    )
    out: list[str] = []
    for level, limits in (("O3", O3_LIMITS), ("O2", O2_LIMITS)):
        tool = f"qloom:{level}"
        if tool not in tools:
            out.append(f"issue 18 {level}: not measured ({tool} did not run)")
            continue
        for topo in topos:
            pairs = _pairs(rows, tool, topo)
            if not pairs or topo not in limits:
                continue
            value = _ratio(pairs, "n2q")
            met = "met" if value <= limits[topo] else "NOT met"
            out.append(
                f"issue 18 {level} 2q vs qk3 on {topo} ({len(pairs)} circuits): {value:.3f} "
                f"(limit {limits[topo]:.2f}: {met})"
            )
    tool = "qloom:O3"
    if tool in tools:
        worst: list[str] = []
        count = 0
        for topo in topos:
            pairs = _pairs(rows, tool, topo)
            count += len(pairs)
            worst += [
                f"{a['circuit']}@{topo} {a['n2q']}/{b['n2q']} = {a['n2q'] / max(b['n2q'], 1):.2f}"
                for a, b in pairs
                if a["n2q"] > WORST * max(b["n2q"], 1)
            ]
        met = "met" if not worst else "NOT met"
        listed = f": {', '.join(worst)}" if worst else ""
        out.append(
            f"issue 18 O3 circuits above {WORST}x qk3: {len(worst)} of {count} ({met}){listed}"
        )
        for topo in topos:
            pairs = _pairs(rows, tool, topo)
            if pairs:
                value = _ratio(pairs, "depth2q")
                met = "met" if value <= 1.0 else "NOT met"
                out.append(
                    f"issue 18 O3 2q depth vs qk3 on {topo}: {value:.3f} (limit 1.00: {met})"
                )
    return out
