"""Rewrite the one-qubit synthesis's golden file (``golden/euler.json``) from the installed kernel.

Run this ONLY ON PURPOSE: when a change to the synthesis is meant to change its output (say
why in the commit, and show that gate counts did not grow). Never run it to make a failing
``test_euler_kernel.py`` pass: a difference there means the kernel's output changed. The file
was first written from the pure-Python synthesis the ``qloom-euler`` kernel ported, and
checked equal to the kernel bit for bit on every case (issue 17), before that code was removed.

    .tox/all/bin/python tests/plugins/unrollers/make_golden.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TESTS))

from qloom_unrollers.synthesis import SynthesisError, one_qubit_bases, synthesize_1q  # noqa: E402
from support import euler_golden  # noqa: E402
from support.golden import regenerate  # noqa: E402


def outcomes(group: str) -> dict[str, Any]:
    """Every key of the golden file, from the kernel."""
    return euler_golden.outcomes(synthesize_1q, one_qubit_bases, SynthesisError)


if __name__ == "__main__":
    files, group = euler_golden.FILES, euler_golden.GROUP
    sys.exit(regenerate(__doc__, files, [group], outcomes, unit="keys"))
