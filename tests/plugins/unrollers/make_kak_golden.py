"""Rewrite the KAK decomposition's golden file (``golden/kak.json``) from the installed kernel.

Run this ONLY ON PURPOSE: when a change to the decomposition is meant to change its output
(say why in the commit, and show that entangler counts did not grow). Never run it to make a
failing ``test_kak_kernel.py`` pass: a difference there means the kernel's coordinates moved
by more than 1e-9 or its counts changed. The file was first written from the Python KAK code
the ``qloom-kak`` kernel ported (its coordinates; the kernel's agreed within 1e-9, the counts
exactly, on every case; issue 17), before that code was removed. A rewrite stores the
kernel's coordinates instead.

    .tox/all/bin/python tests/plugins/unrollers/make_kak_golden.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TESTS))

from qloom_kernels import kak_count_entanglers  # noqa: E402
from qloom_unrollers.synthesis import weyl_coordinates  # noqa: E402
from support import kak_golden  # noqa: E402
from support.golden import regenerate  # noqa: E402


def outcomes(group: str) -> dict[str, Any]:
    """Every key of the golden file, from the kernel."""
    return kak_golden.outcomes(weyl_coordinates, kak_count_entanglers)


if __name__ == "__main__":
    files, group = kak_golden.FILES, kak_golden.GROUP
    sys.exit(regenerate(__doc__, files, [group], outcomes, unit="keys"))
