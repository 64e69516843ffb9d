"""Rewrite the optimizer passes' golden files (``golden/*.json``) from the installed kernel.

Run this ONLY ON PURPOSE: when a change to the optimizer passes (or to the 2q synthesis the
resynthesis cases call) is meant to change their output (say why in the commit, and show
that gate counts did not grow). Never run it to make a failing ``test_kernel_golden.py`` or
``test_consolidation_kernel.py`` pass: a difference there means the kernel's output changed.
The files were first written from the pure-Python passes and 2q consolidation the kernel
ported, and checked equal to the kernel on every case (issue 17), before those were removed.
Cases: ``support.optimizer_golden`` (groups passes, optimize, shared) and
``support.consolidation_golden`` (consolidate, consolidate_questions).

    .tox/all/bin/python tests/plugins/optimizers/make_golden.py             # every group
    .tox/all/bin/python tests/plugins/optimizers/make_golden.py passes      # one group

The ``shared`` group needs ``../shared/benchmarks``; without it that file is left as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TESTS))

from support import consolidation_golden, optimizer_golden  # noqa: E402
from support.golden import regenerate  # noqa: E402
from support.shared import SHARED  # noqa: E402


def outcomes(group: str) -> dict[str, Any]:
    """The kernel's output of every case of ``group``, by case id."""
    if group in consolidation_golden.GROUPS:
        return {
            c.id: consolidation_golden.outcome(group, c) for c in consolidation_golden.cases(group)
        }
    cases = optimizer_golden.cases(group, SHARED)
    return {case.id: optimizer_golden.outcome(case) for case in cases}


if __name__ == "__main__":
    files = optimizer_golden.FILES
    groups = optimizer_golden.GROUPS + consolidation_golden.GROUPS
    sys.exit(regenerate(__doc__, files, groups, outcomes, needs_shared={"shared"}))
