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

import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TESTS))

from support import sabre_place_golden  # noqa: E402
from support.golden import regenerate  # noqa: E402


def outcomes(group: str) -> dict[str, Any]:
    """The kernel's outcome of every case of ``group``, by case id."""
    return {case.id: sabre_place_golden.outcome(case) for case in sabre_place_golden.cases(group)}


if __name__ == "__main__":
    files, groups = sabre_place_golden.FILES, sabre_place_golden.GROUPS
    sys.exit(regenerate(__doc__, files, groups, outcomes))
