"""The ``qloom plugins doctor`` command line: its options and how it prints."""

from __future__ import annotations

import argparse
import json
import sys

from qloom.doctor.diagnosis import diagnose

__all__ = ["add_doctor_arguments", "run_doctor"]


def add_doctor_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--check``, ``--json`` and ``--only`` to the ``qloom plugins doctor`` parser."""
    parser.add_argument(
        "--check",
        action="store_true",
        help="also run the qloom.testing conformance checks on every part (slower)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="DIST_OR_NAME",
        help="diagnose only this distribution, name or kind:name (repeatable)",
    )


def run_doctor(args: argparse.Namespace) -> int:
    """Run ``qloom plugins doctor`` with parsed ``args``; 0 when nothing needs acting on."""
    diagnosis = diagnose(
        check=args.check, only=args.only, progress=args.check and sys.stderr.isatty()
    )
    if args.json:
        print(json.dumps(diagnosis.to_json(), indent=2))
    else:
        print(diagnosis.render())
    return diagnosis.exit_code
