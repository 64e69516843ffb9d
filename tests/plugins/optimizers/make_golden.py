"""Rewrite the optimizer passes' golden files (``golden/*.json``) from the installed kernel.

Run this ONLY ON PURPOSE: when a change to the optimizer passes (or to the 2q synthesis the
resynthesis cases call) is meant to change their output (say why in the commit, and show
that gate counts did not grow). Never run it to make a failing ``test_kernel_golden.py``
pass: a difference there means the kernel's output changed. The files were first written
from the pure-Python passes the kernel ported, and checked equal to the kernel on every case
(issue 17), before those passes were removed.

    .tox/all/bin/python tests/plugins/optimizers/make_golden.py             # every group
    .tox/all/bin/python tests/plugins/optimizers/make_golden.py passes      # one group

The ``shared`` group needs ``../shared/benchmarks``; without it that file is left as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TESTS))

from support import optimizer_golden  # noqa: E402
from support.shared import SHARED  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    groups = ", ".join(optimizer_golden.GROUPS)
    parser.add_argument("groups", nargs="*", help=f"{groups} (default: all)")
    chosen = parser.parse_args().groups or list(optimizer_golden.GROUPS)
    if set(chosen) - set(optimizer_golden.GROUPS):
        parser.error(f"groups are {groups}, got {chosen}")
    for group in chosen:
        if group == "shared" and not SHARED.is_dir():
            print(f"shared benchmark data not found at {SHARED}; shared.json left as it is")
            continue
        cases = optimizer_golden.cases(group, SHARED)
        outcomes = {case.id: optimizer_golden.outcome(case) for case in cases}
        print(f"{optimizer_golden.dump(group, outcomes)}: {len(outcomes)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
