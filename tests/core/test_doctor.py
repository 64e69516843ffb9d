"""``qloom plugins doctor``: versions, load status, core range, conformance, advice, output.

Plugins under diagnosis are real distributions: the installed test fixtures, and
distributions held in memory and found through ``sys.meta_path`` (the way importlib.metadata
finds any installed distribution), whose entry points name objects in this module.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from packaging.utils import canonicalize_name

from qloom import Backend, Circuit, PassContext, QloomError, hookimpl
from qloom.doctor import Diagnosis, add_doctor_arguments, diagnose, run_doctor
from qloom.executor import Executor
from qloom.passes import Pass
from qloom.plugins import Registry
from support import require_distribution

HERE = __name__
"""This module's import name, for entry points naming the parts below."""

URL = "https://example.org/qloom-doctor-demo/issues"


# -- parts the in-memory distributions provide --------------------------------------------------


class KeepAll(Pass):
    """A conforming optimizer: changes nothing."""

    kind = "optimizers"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return circuit


class DropFirstGate(Pass):
    """Non-conforming on purpose: loses the circuit's first gate."""

    kind = "optimizers"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        return circuit.copy_with(list(circuit)[1:])


def demo_backend(device: str | None = None) -> Backend:
    """``demo:line-N``: a compilation target that needs a device, like a vendor's."""
    if not device:
        raise QloomError("the demo backend needs a device, e.g. 'demo:line-3'")
    size = int(device.removeprefix("line-"))
    edges = [(q, q + 1) for q in range(size - 1)]
    return Backend(f"demo:{device}", size, edges, ["h", "rz", "cx"])


NEEDS = {"name": "needy", "passes": ["routers:sabre", "optimizers:cancel", "optimizers:keep"]}
"""A pipeline needing two parts of this project that the in-memory registries lack."""


def needy_backend(device: str | None = None) -> Backend:
    """``needy:line-N``: a device backend whose default pipeline needs missing parts."""
    if not device:
        raise QloomError("the needy backend needs a device, e.g. 'needy:line-2'")
    backend = demo_backend(device)
    backend.default_pipeline = NEEDS
    return backend


def needy_pipeline() -> dict[str, Any]:
    """A pipeline entry point whose passes are partly missing."""
    return NEEDS


RELEASE = threading.Event()


class StuckExecutor(Executor):
    """An executor whose tasks never come back (until the test releases them)."""

    @property
    def size(self) -> int:
        return 1

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        RELEASE.wait()
        raise RuntimeError("released by the test")

    def shutdown(self, wait: bool = True) -> None:
        pass


class MisspeltHooks:
    """A hook plugin with one real hook and one misspelt (so never called)."""

    @hookimpl
    def qloom_pass_started(self, pass_label: str) -> None:
        pass

    @hookimpl
    def qloom_pass_finsihed(self, pass_label: str) -> None:
        pass


MISSPELT = MisspeltHooks()


# -- distributions held in memory -------------------------------------------------------------


class MemoryDistribution(md.Distribution):
    """An installed distribution whose METADATA and entry_points.txt are strings."""

    def __init__(
        self,
        name: str,
        version: str = "0.3.0",
        requires: tuple[str, ...] = ("qloom>=0.1,<0.2",),
        entry_points: dict[str, dict[str, str]] | None = None,
        url: str = URL,
    ) -> None:
        meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        meta += ["Summary: a qloom plugin held in memory for the doctor's tests"]
        meta += [f"Requires-Dist: {r}" for r in requires]
        meta += [f"Project-URL: Issues, {url}"] if url else []
        groups = [
            f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in items.items())
            for group, items in (entry_points or {}).items()
        ]
        self._files = {"METADATA": "\n".join(meta) + "\n", "entry_points.txt": "\n".join(groups)}

    def read_text(self, filename: str) -> str | None:
        return self._files.get(filename)

    def locate_file(self, path: Any) -> Path:
        raise FileNotFoundError(f"{path}: this distribution has no files on disk")


class MemoryFinder(md.DistributionFinder):
    """Finds the ``MemoryDistribution`` objects in ``dists``."""

    def __init__(self) -> None:
        self.dists: list[MemoryDistribution] = []

    def find_distributions(self, context: Any = None) -> Iterator[md.Distribution]:
        name = getattr(context, "name", None)
        wanted = None if name is None else canonicalize_name(name)
        for dist in self.dists:
            if wanted is None or canonicalize_name(dist.metadata["Name"]) == wanted:
                yield dist

    def find_spec(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Callable[..., MemoryDistribution]:
    """``install(name, ...)`` makes a ``MemoryDistribution`` installed for this test."""
    finder = MemoryFinder()
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])

    def add(name: str, **kw: Any) -> MemoryDistribution:
        dist = MemoryDistribution(name, **kw)
        finder.dists.append(dist)
        return dist

    return add


def optimizers(**names: str) -> dict[str, dict[str, str]]:
    return {"qloom.optimizers": {k: f"{HERE}:{v}" for k, v in names.items()}}


def part(diagnosis: Diagnosis, label: str) -> Any:
    [found] = [p for p in diagnosis.parts if p.label == label]
    return found


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="qloom plugins doctor")
    add_doctor_arguments(parser)
    return run_doctor(parser.parse_args(argv))


# -- load status, core version, advice ----------------------------------------------------------


def test_a_good_distribution_is_reported_with_its_metadata(install):
    install("qloom-doctor-demo", entry_points=optimizers(keep="KeepAll"))
    diagnosis = diagnose(only=["qloom-doctor-demo"])
    [dist] = diagnosis.distributions
    assert (dist.name, dist.version, dist.url) == ("qloom-doctor-demo", "0.3.0", URL)
    assert dist.requires_qloom == ">=0.1,<0.2" and dist.in_range is True
    assert part(diagnosis, "optimizers:keep").status == "loads"
    assert diagnosis.ok and diagnosis.exit_code == 0
    text = diagnosis.render()
    assert "qloom-doctor-demo 0.3.0   requires qloom>=0.1,<0.2 (installed" in text
    assert text.splitlines()[-1] == "1 distribution, 1 part: 1 ok, 0 with problems"


def test_a_core_version_out_of_range_is_refused_with_advice():
    require_distribution("qloom-fixture-good")
    diagnosis = diagnose(Registry(core_version="9.0"), only=["qloom-fixture-good"])
    [dist] = diagnosis.distributions
    assert dist.in_range is False and dist.requires_qloom == ">=0.1,<0.2"
    [problem] = dist.problems
    assert "requires qloom>=0.1,<0.2 but qloom 9.0 is installed" in problem.message
    assert "pip install 'qloom>=0.1,<0.2'" in problem.advice
    assert "pip install --upgrade qloom-fixture-good" in problem.advice
    assert {p.status for p in dist.parts} == {"refused"}
    assert diagnosis.exit_code == 1
    assert "(installed 9.0: OUT OF RANGE)" in diagnosis.render()


def test_a_distribution_declaring_no_core_range_gets_a_warning(install):
    install("qloom-doctor-loose", requires=("numpy",), entry_points=optimizers(keep="KeepAll"))
    diagnosis = diagnose(only=["qloom-doctor-loose"])
    [dist] = diagnosis.distributions
    assert dist.requires_qloom is None and dist.in_range is None
    [problem] = dist.problems
    assert problem.severity == "warning" and "declares no qloom requirement" in problem.message
    assert "dependencies = ['qloom>=" in problem.advice
    assert part(diagnosis, "optimizers:keep").ok and diagnosis.exit_code == 1


def test_broken_parts_are_reported_with_what_to_do():
    require_distribution("qloom-fixture-broken")
    diagnosis = diagnose(only=["fixture_broken"])
    [dist] = diagnosis.distributions
    assert "without a version range" in dist.problems[0].message  # it requires plain "qloom"
    missing = part(diagnosis, "backends:brokenimport")
    assert missing.status == "broken"
    assert missing.reason == (
        "ModuleNotFoundError: No module named 'qloom_nonexistent_dependency' "
        "(qloom_fixture_broken/missing_dependency.py:3)"
    )
    [problem] = missing.problems
    assert "pip install qloom-nonexistent-dependency" in problem.advice
    assert "pip install --force-reinstall qloom-fixture-broken" in problem.advice
    exploding = part(diagnosis, "routers:brokenbuild")
    assert exploding.reason == "RuntimeError: router failed to initialise its lookup table"
    assert "QLOOM_DISABLE_PLUGINS=routers:brokenbuild" in exploding.problems[0].advice
    assert part(diagnosis, "hooks:fixture_broken").status == "broken"
    assert diagnosis.exit_code == 1
    text = diagnosis.render()
    assert "  routers:brokenbuild     BROKEN    RuntimeError: router failed" in text
    assert "    -> report it to the maintainers of qloom-fixture-broken" in text


def test_a_missing_dependency_it_declares_is_named_with_its_version(install):
    require_distribution("qloom-fixture-broken")
    target = "qloom_fixture_broken.missing_dependency:Backend"
    install(
        "qloom-doctor-needy",
        requires=("qloom>=0.1,<0.2", "qloom-nonexistent-dependency>=2.1"),
        entry_points={"qloom.backends": {"needy": target}},
    )
    [problem] = part(diagnose(only=["needy"]), "backends:needy").problems
    assert problem.advice.startswith("pip install 'qloom-nonexistent-dependency>=2.1'")


def test_disabled_parts_are_listed_with_how_to_switch_them_back_on():
    eps = [
        md.EntryPoint("keep", f"{HERE}:KeepAll", "qloom.optimizers"),
        md.EntryPoint("drop", f"{HERE}:DropFirstGate", "qloom.optimizers"),
    ]
    registry = Registry(entry_points=eps, disabled=["optimizers:drop"], core_version="0.1.0")
    diagnosis = diagnose(registry, entry_points=eps, check=True)
    drop = part(diagnosis, "optimizers:drop")
    assert drop.status == "disabled" and drop.conformance is None  # never loaded nor checked
    assert "remove 'optimizers:drop' from QLOOM_DISABLE_PLUGINS" in drop.problems[0].advice
    assert part(diagnosis, "optimizers:keep").conformance.status == "ok"
    assert diagnosis.exit_code == 0  # switching a part off is a choice, not a problem
    assert diagnosis.summary().endswith("1 ok, 0 with problems, 1 disabled")


def test_the_disable_variable_switches_off_a_whole_distribution(install, monkeypatch):
    install("qloom-doctor-demo", entry_points=optimizers(keep="KeepAll", drop="DropFirstGate"))
    monkeypatch.setenv("QLOOM_DISABLE_PLUGINS", "doctor-demo")
    diagnosis = diagnose(only=["qloom-doctor-demo"], check=True)
    assert {p.status for p in diagnosis.parts} == {"disabled"}
    assert "remove 'doctor-demo'" in diagnosis.render()


def test_a_name_two_distributions_provide_is_a_conflict_until_one_is_chosen(
    install, monkeypatch
):
    monkeypatch.delenv("QLOOM_PREFER", raising=False)
    install("qloom-doctor-first", entry_points=optimizers(same="KeepAll"))
    install("qloom-doctor-second", entry_points=optimizers(same="DropFirstGate"))
    diagnosis = diagnose(only=["optimizers:same"])
    first, second = (d.parts[0] for d in diagnosis.distributions)
    assert first.status == "conflict" and second.status == "conflict"
    assert "qloom-doctor-first also provides optimizers:same" in second.reason
    assert "QLOOM_PREFER=optimizers:same=<distribution>" in second.problems[0].advice
    assert diagnosis.exit_code == 1
    monkeypatch.setenv("QLOOM_PREFER", "optimizers:same=qloom-doctor-second")
    diagnosis = diagnose(only=["optimizers:same"])
    first, second = (d.parts[0] for d in diagnosis.distributions)
    assert first.status == "shadowed" and second.status == "loads"
    assert "qloom-doctor-second is preferred for optimizers:same" in first.reason
    assert first.problems[0].severity != "error", diagnosis.render()
    assert diagnosis.exit_code == 0, diagnosis.render()


def test_only_that_matches_nothing_says_what_is_installed():
    with pytest.raises(QloomError, match=r"matches nope;.*Installed distributions: qloom"):
        diagnose(only=["nope"])


# -- conformance --------------------------------------------------------------------------------


def test_check_fails_a_pass_that_drops_a_gate_and_passes_a_good_one(install):
    install("qloom-doctor-demo", entry_points=optimizers(keep="KeepAll", drop="DropFirstGate"))
    diagnosis = diagnose(only=["qloom-doctor-demo"], check=True)
    keep, drop = part(diagnosis, "optimizers:keep"), part(diagnosis, "optimizers:drop")
    assert keep.conformance.status == "ok" and keep.conformance.checks > 0 and keep.ok
    assert drop.status == "loads" and drop.conformance.status == "failed"
    assert all(": equivalent" in f for f in drop.conformance.failures)
    [problem] = drop.problems
    assert URL in problem.advice and "QLOOM_DISABLE_PLUGINS=optimizers:drop" in problem.advice
    assert diagnosis.exit_code == 1
    text = diagnosis.render()
    assert "optimizers:drop         loads     conformance FAILED" in text
    assert "      x circuit 0 (2 qubits) on 'doctor-any': equivalent" in text


def test_a_backend_needing_a_device_is_checked_on_the_one_its_error_names(install):
    install(
        "qloom-doctor-vendor", entry_points={"qloom.backends": {"demo": f"{HERE}:demo_backend"}}
    )
    result = part(diagnose(only=["demo"], check=True), "backends:demo").conformance
    assert result.status == "ok" and "on demo:line-3" in result.detail


def test_executors_run_a_task_and_a_hung_one_is_reported(install):
    executors = {"serial2": "qloom.executor:SerialExecutor", "stuck": f"{HERE}:StuckExecutor"}
    install("qloom-doctor-exec", entry_points={"qloom.executors": executors})
    try:
        diagnosis = diagnose(only=["qloom-doctor-exec"], check=True, executor_timeout=0.5)
    finally:
        RELEASE.set()
    assert part(diagnosis, "executors:serial2").conformance.status == "ok"
    stuck = part(diagnosis, "executors:stuck").conformance
    assert stuck.status == "failed" and "took over 0.5 s" in stuck.failures[0]


def test_a_misspelt_hook_fails_the_check(install):
    install("qloom-doctor-hooks", entry_points={"qloom": {"misspelt": f"{HERE}:MISSPELT"}})
    result = part(diagnose(only=["qloom-doctor-hooks"], check=True), "hooks:misspelt").conformance
    assert result.status == "failed"
    assert result.failures == (
        "'qloom_pass_finsihed' is not a qloom hook (misspelt, or from a newer qloom): "
        "it is never called",
    )


def test_the_installed_good_fixture_passes_every_check():
    require_distribution("qloom-fixture-good")
    diagnosis = diagnose(only=["qloom-fixture-good"], check=True)
    labels = {p.label: p.conformance.status for p in diagnosis.parts}
    assert labels == {
        "backends:toyline": "ok",
        "placers:reverse": "ok",
        "pipelines:reverse": "ok",
        "datasets:fixture_circuits": "ok",
        "hooks:fixture_good": "ok",
    }
    assert diagnosis.exit_code == 0


# -- command line -------------------------------------------------------------------------------


def test_cli_exit_codes(install, capsys):
    install("qloom-doctor-demo", entry_points=optimizers(keep="KeepAll", drop="DropFirstGate"))
    assert cli("--check", "--only", "optimizers:keep") == 0
    assert "conformance ok" in capsys.readouterr().out
    assert cli("--check", "--only", "keep", "--only", "drop") == 1
    out = capsys.readouterr().out
    assert "conformance FAILED" in out and out.strip().endswith("1 ok, 1 with problems")


def test_cli_json_shape(install, capsys):
    install("qloom-doctor-demo", entry_points=optimizers(keep="KeepAll", drop="DropFirstGate"))
    assert cli("--json", "--check", "--only", "qloom-doctor-demo") == 1
    [dist] = json.loads(capsys.readouterr().out)
    assert dist["name"] == "qloom-doctor-demo" and dist["version"] == "0.3.0"
    assert dist["requires_qloom"] == ">=0.1,<0.2" and dist["in_range"] is True
    assert dist["ok"] is False and dist["problems"] == []
    drop, keep = dist["parts"]
    assert (drop["kind"], drop["name"], drop["status"], drop["ok"]) == (
        "optimizers",
        "drop",
        "loads",
        False,
    )
    assert drop["conformance"]["status"] == "failed" and drop["conformance"]["failures"]
    assert set(drop["problems"][0]) == {"severity", "message", "advice"}
    assert keep["ok"] is True and keep["conformance"]["failures"] == []


def test_an_installed_plugin_exiting_at_import_is_reported_not_obeyed():
    require_distribution("qloom-fixture-exits")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "qloom", *args], capture_output=True, text=True, timeout=120
        )

    listing = cli("plugins")
    assert listing.returncode == 0, listing.stderr
    assert "exitsatimport" in listing.stdout and "why: SystemExit(3) at import" in listing.stdout
    doctor = cli("plugins", "doctor", "--only", "qloom-fixture-exits")
    assert doctor.returncode == 1, (doctor.returncode, doctor.stdout, doctor.stderr)
    assert "backends:exitsatimport  BROKEN    SystemExit(3) at import" in doctor.stdout
    assert "QLOOM_DISABLE_PLUGINS=backends:exitsatimport" in doctor.stdout


def test_missing_parts_of_a_default_pipeline_are_reported_without_check():
    eps = [
        md.EntryPoint("needy", f"{HERE}:needy_backend", "qloom.backends"),
        md.EntryPoint("needy", f"{HERE}:needy_pipeline", "qloom.pipelines"),
        md.EntryPoint("keep", f"{HERE}:KeepAll", "qloom.optimizers"),
        md.EntryPoint("demo", f"{HERE}:demo_backend", "qloom.backends"),
    ]
    registry = Registry(entry_points=eps, core_version="0.1.0")
    diagnosis = diagnose(registry, entry_points=eps)
    backend = part(diagnosis, "backends:needy")
    assert backend.status == "incomplete", diagnosis.render()
    assert "backend 'demo:line-2' uses pipeline 'needy' by default" in backend.reason
    assert "routers:sabre (provided by qloom-routers" in backend.reason
    assert "optimizers:cancel (provided by qloom-optimizers" in backend.reason
    advice = backend.problems[0].advice
    assert advice.startswith("pip install ") and "routers" in advice and "optimizers" in advice
    pipeline = part(diagnosis, "pipelines:needy")
    assert pipeline.status == "incomplete" and "pipeline 'needy' needs 2 parts" in pipeline.reason
    demo = part(diagnosis, "backends:demo")  # its default, O2, is not installed at all
    assert demo.status == "incomplete" and "pipelines:O2 (provided by qloom-levels" in demo.reason
    assert part(diagnosis, "optimizers:keep").status == "loads"
    assert diagnosis.exit_code == 1
    assert "INCOMPLETE" in diagnosis.render()


def test_advice_for_this_projects_own_plugins_installs_from_the_checkout(monkeypatch):
    from qloom.doctor.advice import range_advice
    from qloom.doctor.report import DistributionReport

    root = Path(__file__).resolve().parents[2]
    if not (root / "plugins" / "routers" / "pyproject.toml").is_file():
        pytest.skip("not run from a checkout of qloom")
    monkeypatch.chdir(root)
    dist = DistributionReport("qloom-routers", "0.1.0", requires_qloom=">=0.2", core_version="0.1")
    assert "(pip install --upgrade ./plugins/kernels ./plugins/routers)" in range_advice(dist)
    elsewhere = DistributionReport("qloom-acme", "1.0", requires_qloom=">=0.2", core_version="0.1")
    assert "(pip install --upgrade qloom-acme)" in range_advice(elsewhere)
