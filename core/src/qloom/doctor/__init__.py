"""``qloom plugins doctor``: diagnose every installed plugin distribution and say what to do.

For each distribution that provides qloom parts: its version, the qloom versions it declares
it works with against the installed core, and every part it provides (``kind:name``) with
whether it loads, is broken (and why), or is switched off. With ``check``, each part also
runs the conformance checks of ``qloom.testing`` (backends, passes, pipelines), a trivial
task (executors), or a hook-name check (hook plugins). Every problem carries advice.
"""

from qloom.doctor.cli import add_doctor_arguments, run_doctor
from qloom.doctor.diagnosis import diagnose
from qloom.doctor.report import (
    Conformance,
    Diagnosis,
    DistributionReport,
    PartReport,
    Problem,
)

__all__ = [
    "Conformance",
    "Diagnosis",
    "DistributionReport",
    "PartReport",
    "Problem",
    "add_doctor_arguments",
    "diagnose",
    "run_doctor",
]
