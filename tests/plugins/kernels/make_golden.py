"""Rewrite the SABRE golden files (``golden/*.json``) from the installed kernel.

Run this ONLY ON PURPOSE: when a change to the search is meant to change its output (say
why in the commit, and show that routing quality did not drop). Never run it to make a
failing ``test_sabre_kernel.py`` pass: a difference there means the kernel's output
changed. The files were first written from the pure-Python engine the kernel ported, and
checked equal to the kernel on every case (issue 17), before that engine was removed.

    .tox/all/bin/python tests/plugins/kernels/make_golden.py            # every group
    .tox/all/bin/python tests/plugins/kernels/make_golden.py random     # one group

The ``shared`` group needs ``../shared/benchmarks``; without it that file is left as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TESTS))

from support import sabre_golden  # noqa: E402
from support.golden import regenerate  # noqa: E402
from support.shared import SHARED  # noqa: E402


def outcomes(group: str) -> dict[str, Any]:
    """The kernel's outcome of every case of ``group``, by case id."""
    return {case.id: sabre_golden.outcome(case) for case in sabre_golden.cases(group, SHARED)}


if __name__ == "__main__":
    files, groups = sabre_golden.FILES, sabre_golden.GROUPS
    sys.exit(regenerate(__doc__, files, groups, outcomes, needs_shared={"shared"}))
