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

import argparse
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TESTS))

from support import sabre_golden  # noqa: E402
from support.shared import SHARED  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help="random, shared (default: both)")
    groups = parser.parse_args().groups or ["random", "shared"]
    if set(groups) - {"random", "shared"}:
        parser.error(f"groups are random and shared, got {groups}")
    if "random" in groups:
        outcomes = {case.id: sabre_golden.outcome(case) for case in sabre_golden.random_cases()}
        print(f"{sabre_golden.dump('random', outcomes)}: {len(outcomes)} cases")
    if "shared" in groups:
        if not SHARED.is_dir():
            print(f"shared benchmark data not found at {SHARED}; shared.json left as it is")
            return 0
        outcomes = {
            case.id: sabre_golden.outcome(case)
            for name, topology in sabre_golden.SHARED_CASES
            for case in sabre_golden.shared_cases(SHARED, name, topology)
        }
        print(f"{sabre_golden.dump('shared', outcomes)}: {len(outcomes)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
