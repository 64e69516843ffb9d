"""What to do about each kind of problem, in one line of advice.

Advice names the command to run where there is one (``pip install ...``), who to tell
(the distribution's issue tracker, from its metadata), and how to get by meanwhile
(``QLOOM_DISABLE_PLUGINS``).
"""

from __future__ import annotations

from collections.abc import Sequence

from packaging.utils import canonicalize_name

from qloom.doctor.metadata import requirement_for
from qloom.doctor.report import ERROR, INFO, DistributionReport, PartReport, Problem, plural
from qloom.errors import BrokenPluginError
from qloom.plugins import DISABLE_ENV, BrokenPlugin, PluginInfo, Registry, install_command

__all__ = [
    "broken_advice",
    "conformance_problems",
    "enable_advice",
    "range_advice",
    "range_message",
    "report_to",
    "switch_off",
]


def range_message(dist: DistributionReport) -> str:
    """The installed core is outside the range ``dist`` declares."""
    return (
        f"requires qloom{dist.requires_qloom} but qloom {dist.core_version} is installed, so "
        "its parts are refused"
    )


def range_advice(dist: DistributionReport) -> str:
    """Bring ``dist`` and the core together: upgrade the plugin, or install a core it takes."""
    return (
        f"install a {dist.name} release that supports qloom {dist.core_version} "
        f"({_pip(dist.name, '--upgrade')}), or a qloom it supports "
        f"(pip install 'qloom{dist.requires_qloom}')"
    )


def _pip(distribution: str, flag: str) -> str:
    """``pip install FLAG DIST``, or ``FLAG ./plugins/<dir>`` for this project's own
    distributions run from a checkout (see ``qloom.plugins.install_command``)."""
    return install_command(distribution).replace("pip install ", f"pip install {flag} ", 1)


def enable_advice(info: PluginInfo, registry: Registry) -> str:
    """Which entries of the switch-off list match the part, to remove them."""
    dist = canonicalize_name(info.distribution)
    keys = {info.name, f"{info.kind}:{info.name}", dist, dist.removeprefix("qloom-")}
    matched = sorted(keys & registry.disabled) or ["*"]
    entries = ", ".join(f"'{m}'" for m in matched)
    now = ",".join(sorted(registry.disabled))
    return f"to use it again, remove {entries} from {DISABLE_ENV} (now '{now}')"


def switch_off(kind: str, name: str) -> str:
    """The setting that switches one part off and leaves the rest of its distribution on."""
    return f"{DISABLE_ENV}={kind}:{name}"


def report_to(dist: DistributionReport) -> str:
    """Who to tell, with the best project URL its metadata gives."""
    where = f" ({dist.url})" if dist.url else ""
    return f"report it to the maintainers of {dist.name}{where}"


def broken_advice(broken: BrokenPlugin, dist: DistributionReport, requires: Sequence[str]) -> str:
    """What to do about a part that failed to import or to build, from the exception.

    Args:
        broken: the failure the registry recorded.
        dist: the distribution that ships the part.
        requires: the distribution's ``Requires-Dist`` lines, to name a missing dependency
            with the version range it asks for.
    """
    info = broken.info
    error = broken.error
    cause = error.cause if isinstance(error, BrokenPluginError) else error
    off = f"meanwhile switch it off with {switch_off(info.kind, info.name)}"
    reinstall = _pip(dist.name, "--force-reinstall")
    if isinstance(cause, ModuleNotFoundError) and cause.name:
        module = cause.name.split(".")[0]
        own = info.target.split(":")[0].split(".")[0]
        if module == own:
            return f"its own package '{module}' is missing: reinstall it ({reinstall})"
        requirement = requirement_for(module, requires)
        if requirement is not None:
            return (
                f"pip install '{requirement}' (a dependency of {dist.name} is missing), "
                f"or reinstall it ({reinstall})"
            )
        return (
            f"pip install {module.replace('_', '-')} (a dependency of {dist.name} is missing; "
            f"its package may be named differently), or reinstall it ({reinstall})"
        )
    if isinstance(cause, ImportError):
        return (
            f"a dependency of {dist.name} has a version it does not work with: {reinstall} "
            f"to get the versions it asks for; if that does not help, {report_to(dist)}; {off}"
        )
    attribute = info.target.partition(":")[2].split(".")[0]
    if isinstance(cause, AttributeError) and f"attribute '{attribute}'" in str(cause):
        return (
            f"its entry point '{info.target}' names something its package does not define: "
            f"upgrade or reinstall {dist.name}, else {report_to(dist)}; {off}"
        )
    return f"{report_to(dist)} with this output; {off}"


def conformance_problems(part: PartReport, dist: DistributionReport) -> list[Problem]:
    """The problem a part's conformance outcome raises: a failure, or a note when skipped."""
    result = part.conformance
    if result is None:
        return []
    if result.status == "skipped":
        return [
            Problem(
                INFO,
                f"not checked: {result.detail}",
                f"check it with options in your own tests: qloom.testing "
                f"(check_backend / check_pass) on {part.label} built with them",
            )
        ]
    if result.status == "failed":
        count = plural(len(result.failures), "conformance check")
        return [
            Problem(
                ERROR,
                f"{count} failed",
                f"{report_to(dist)} with this output; meanwhile switch it off with "
                f"{switch_off(part.kind, part.name)}",
            )
        ]
    return []
