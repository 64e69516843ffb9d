"""Rewrite the SABRE layout search's golden files (``golden/*.json``) from the installed kernel.

Run this ONLY ON PURPOSE: when a change to the layout search is meant to change its output
(say why in the commit, and show that placement quality did not drop). Never run it to make
a failing ``test_sabre_kernel.py`` or ``test_starts.py`` pass: a difference there means the
kernel's output changed. The files were first written from the Python trial loop the kernel
ported, and checked equal to the kernel on every case (issue 17), before that loop was removed.

    .tox/all/bin/python tests/plugins/placers/make_golden.py             # every group
    .tox/all/bin/python tests/plugins/placers/make_golden.py starts      # one group
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TESTS))

from support import sabre_place_golden  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    groups = ", ".join(sabre_place_golden.GROUPS)
    parser.add_argument("groups", nargs="*", help=f"{groups} (default: all)")
    chosen = parser.parse_args().groups or list(sabre_place_golden.GROUPS)
    if set(chosen) - set(sabre_place_golden.GROUPS):
        parser.error(f"groups are {groups}, got {chosen}")
    for group in chosen:
        cases = sabre_place_golden.cases(group)
        outcomes = {case.id: sabre_place_golden.outcome(case) for case in cases}
        print(f"{sabre_place_golden.dump(group, outcomes)}: {len(outcomes)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
