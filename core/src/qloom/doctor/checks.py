"""Conformance checks per kind of part, run by ``qloom plugins doctor --check``.

Backends and passes go through ``qloom.testing`` (``check_backend``, ``check_pass``);
executors run a trivial task within a time limit; hook plugins must implement only hooks
qloom specifies; datasets must list sorted names and load their first circuit.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qloom.backend import Backend
from qloom.circuit import Circuit
from qloom.config import get_pipeline
from qloom.datasets import Dataset
from qloom.doctor.report import Conformance, PartReport
from qloom.errors import QloomError
from qloom.executor import Executor
from qloom.gates import GATES
from qloom.passes import Pass
from qloom.plugins import Registry
from qloom.testing.conformance import Report, check_backend, check_pass
from qloom.testing.datasets import check_dataset

__all__ = [
    "EXECUTOR_TIMEOUT",
    "NOISY_MAX_TVD",
    "SEED",
    "Trials",
    "build_example_backend",
    "check_part",
    "one_line",
]

EXECUTOR_TIMEOUT = 120.0
"""Seconds an executor gets to build, run a trivial task and shut down under ``check``."""

NOISY_MAX_TVD = 0.25
"""Distance from the exact distribution accepted from a backend that publishes a calibration
(it emulates or is a noisy device); others get ``qloom.testing``'s default."""

SEED = 11
"""Seed of the random test circuits and of every conformance check: the same report twice."""


def check_part(
    registry: Registry, part: PartReport, distribution: str, trials: Trials, timeout: float
) -> Conformance:
    """The conformance of one part that loads (a crash of the checks is a failure)."""
    try:
        if part.kind == "backends":
            return _check_backend(registry, part.name)
        if part.kind == "executors":
            return _check_executor(registry, part.name, timeout)
        if part.kind == "hooks":
            return _check_hooks(registry, distribution, part.name)
        if part.kind == "datasets":
            return _check_dataset(registry, part.name)
        return _check_pass(registry, part.kind, part.name, trials)
    except Exception as exc:  # a crash of one part's checks must not stop the others
        return Conformance("failed", 1, (f"the checks crashed: {one_line(exc)}",))


def one_line(exc: BaseException) -> str:
    """``Type: first line of the message``."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _from_suite(run: Callable[[], Report], detail: str = "") -> Conformance:
    """Run a ``qloom.testing`` suite (with ``raise_on_failure=False``) and summarise it."""
    try:
        report = run()
    except AssertionError as exc:  # a suite that failed outside its own checks
        return Conformance("failed", 1, (str(exc),), detail)
    failures = tuple(f"{c.name}: {c.detail}" for c in report.failures)
    skipped = len(report.skipped)
    note = f"{skipped} skipped" if skipped else ""
    status = "failed" if failures else "ok"
    return Conformance(
        status, len(report.checks), failures, ", ".join(x for x in (detail, note) if x)
    )


# backends


def build_example_backend(registry: Registry, name: str) -> tuple[Any, str]:
    """Build backend ``name`` with no options, else with the first example device its own
    error names; the object built and ``on name:device`` (or ``""``).

    Raises:
        QloomError: it needs options (the error of the build with none).
    """
    factory = registry.load("backends", name)
    try:
        return factory(), ""
    except QloomError as exc:
        for device in _example_devices(name, str(exc)):
            try:
                return factory(device), f"on {name}:{device}"
            except QloomError:
                continue
        raise


def _check_backend(registry: Registry, name: str) -> Conformance:
    """Build it with no options, else with the example devices its own error names."""
    try:
        backend, detail = build_example_backend(registry, name)
    except QloomError as exc:
        return Conformance("skipped", detail=f"needs options ({one_line(exc)})")
    if not isinstance(backend, Backend):
        return Conformance("failed", 1, (f"it builds a {type(backend).__name__}, not a Backend",))
    max_tvd = NOISY_MAX_TVD if backend.calibration is not None else None
    options = {} if max_tvd is None else {"max_tvd": max_tvd}
    return _from_suite(
        lambda: check_backend(backend, seed=SEED, raise_on_failure=False, **options), detail
    )


def _example_devices(name: str, message: str) -> list[str]:
    """Devices a backend's error message offers as examples (``name:device``), in order;
    placeholders (``name:<device>``) and paths (``name:path/to/file.toml``) are left out."""
    pattern = re.compile(rf"(?<![\w.\-]){re.escape(name)}:([\w.\-]+)(?![\w.\-/\\])")
    devices = (device.rstrip(".") for device in pattern.findall(message))
    return list(dict.fromkeys(d for d in devices if d))


# executors


def _double(value: int) -> int:
    """The trivial task executors run under ``check`` (module-level, so it pickles)."""
    return 2 * value


def _check_executor(registry: Registry, name: str, timeout: float) -> Conformance:
    """Build it, submit a trivial task, read the result, shut down: all within ``timeout``."""
    factory = registry.load("executors", name)
    outcome: dict[str, Any] = {"checks": 0, "failures": []}

    def probe() -> None:
        try:
            executor = factory()
        except QloomError as exc:
            outcome["skipped"] = f"needs options ({one_line(exc)})"
            return
        if not isinstance(executor, Executor):
            outcome["failures"].append(f"it builds a {type(executor).__name__}, not an Executor")
            return
        try:
            value = executor.submit(_double, 21).result(timeout=timeout)
            outcome["checks"] += 1
            if value != 42:
                outcome["failures"].append(f"a task doubling 21 returned {value!r}, not 42")
        except BaseException as exc:
            outcome["failures"].append(f"running a trivial task raised {one_line(exc)}")
        finally:
            try:
                executor.shutdown(wait=True)
                outcome["checks"] += 1
            except BaseException as exc:
                outcome["failures"].append(f"shutdown raised {one_line(exc)}")

    thread = threading.Thread(target=probe, name=f"qloom-doctor-{name}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return Conformance(
            "failed",
            1,
            (f"building, running a trivial task and shutting down took over {timeout:g} s",),
        )
    if "skipped" in outcome:
        return Conformance("skipped", detail=outcome["skipped"])
    failures = tuple(outcome["failures"])
    checks = outcome["checks"] + len(failures)
    return Conformance("failed" if failures else "ok", checks, failures)


# hooks


def _check_hooks(registry: Registry, distribution: str, name: str) -> Conformance:
    """Every ``qloom_*`` hook it implements has a spec (a misspelt hook is never called)."""
    manager = registry.hook_manager()
    plugin = manager.get_plugin(f"{distribution}:{name}")
    if plugin is None:
        return Conformance("failed", 1, ("it is not registered with the hook manager",))
    callers = manager.get_hookcallers(plugin) or []
    unknown = sorted(c.name for c in callers if c.spec is None)
    failures = tuple(
        f"'{hook}' is not a qloom hook (misspelt, or from a newer qloom): it is never called"
        for hook in unknown
    )
    return Conformance("failed" if failures else "ok", 1 + len(callers), failures)


# datasets


def _check_dataset(registry: Registry, name: str) -> Conformance:
    """Built with no options, it passes ``qloom.testing.check_dataset`` (one circuit is
    loaded: a dataset may hold thousands)."""
    try:
        dataset = registry.build("datasets", name, None)
    except QloomError as exc:
        return Conformance("skipped", detail=f"needs options ({one_line(exc)})")
    size = len(dataset) if isinstance(dataset, Dataset) else 0
    return _from_suite(lambda: check_dataset(dataset, raise_on_failure=False), f"{size} circuits")


# passes and pipelines


@dataclass(frozen=True)
class _Trial:
    """One ``check_pass`` run: a backend, circuits, and whether outputs must be accepted."""

    backend: Backend
    circuits: tuple[Circuit, ...]
    expect_accepted: bool


_IBM = frozenset({"rz", "sx", "x", "cx"})
_ONE_QUBIT = ("h", "x", "sx", "rz", "ry", "u3")
_TWO_QUBIT = ("cx", "cz", "swap", "cp")


@dataclass(frozen=True)
class Trials:
    """What each kind of pass is checked on, and what it must guarantee there.

    Every kind runs on an unconstrained backend, where any output is accepted. On a
    five-qubit line: placers, padding and pipelines must stay equivalent and deterministic
    (alone they need not route); routers must also leave only coupled pairs; unrollers
    must stay equivalent (some split gates, some translate to natives); optimizers given
    native circuits on coupled pairs must keep them native and coupled. Placers, routers,
    padding and pipelines get gates on one or two qubits, as a mapping stage does (routers
    only bring two qubits together); unrollers and optimizers also get ``ccx``.
    """

    by_kind: dict[str, tuple[_Trial, ...]]

    @classmethod
    def build(cls) -> Trials:
        rng = np.random.default_rng(SEED)
        edges = [(q, q + 1) for q in range(4)]
        free = Backend("doctor-any")
        line = Backend("doctor-line-5", 5, edges)
        native = Backend("doctor-line-5-ibm", 5, edges, _IBM)
        mixed = _circuits(rng, (2, 4, 5), _ONE_QUBIT, _TWO_QUBIT, three=("ccx",))
        two = _circuits(rng, (3, 4, 5), _ONE_QUBIT, _TWO_QUBIT)
        natives = _circuits(rng, (3, 5), ("rz", "sx", "x"), ("cx",), pairs=edges)
        return cls(
            {
                "placers": (_Trial(free, two, True), _Trial(line, two, False)),
                "padding": (_Trial(free, two, True), _Trial(line, two, False)),
                "pipelines": (_Trial(free, two, True), _Trial(line, two, False)),
                "routers": (_Trial(free, two, True), _Trial(line, two, True)),
                "unrollers": (_Trial(free, mixed, True), _Trial(native, mixed, False)),
                "optimizers": (_Trial(free, mixed, True), _Trial(native, natives, True)),
            }
        )


def _circuits(
    rng: np.random.Generator,
    widths: Sequence[int],
    one: Sequence[str],
    two: Sequence[str],
    *,
    three: Sequence[str] = (),
    pairs: Sequence[tuple[int, int]] | None = None,
    size: int = 14,
) -> tuple[Circuit, ...]:
    """Random circuits, one per width; the last is measured on every qubit."""
    made = []
    for width in widths:
        circuit = Circuit(width)
        for _ in range(size):
            roll = rng.random()
            if three and width >= 3 and roll < 0.1:
                name, qubits = str(rng.choice(three)), rng.choice(width, 3, replace=False)
            elif roll < 0.45:
                name = str(rng.choice(two))
                usable = [p for p in pairs if max(p) < width] if pairs is not None else None
                if usable is not None:
                    pair = usable[int(rng.integers(len(usable)))]
                    qubits = np.array(pair if rng.random() < 0.5 else pair[::-1])
                else:
                    qubits = rng.choice(width, 2, replace=False)
            else:
                name, qubits = str(rng.choice(one)), rng.choice(width, 1)
            params = rng.uniform(-math.pi, math.pi, GATES[name].num_params or 0)
            circuit.append(name, [int(q) for q in qubits], params.tolist())
        made.append(circuit)
    made[-1].measure_all()
    return tuple(made)


def _check_pass(registry: Registry, kind: str, name: str, trials: Trials) -> Conformance:
    """Build it with no options and run ``check_pass`` on the trials of its kind."""
    factory = registry.load(kind, name)
    try:
        made = factory()
    except QloomError as exc:
        return Conformance("skipped", detail=f"needs options ({one_line(exc)})")
    step: Pass
    if kind == "pipelines":
        try:
            step = get_pipeline(made, registry)
        except QloomError as exc:
            return Conformance("failed", 1, (f"its pipeline cannot be built: {one_line(exc)}",))
    elif isinstance(made, Pass):
        step = made
        step.name = step.name or name
        if step.kind == "passes":
            step.kind = kind
    else:
        return Conformance("failed", 1, (f"it builds a {type(made).__name__}, not a Pass",))
    checks = 0
    failures: list[str] = []
    for trial in trials.by_kind[kind]:
        suite = functools.partial(
            check_pass,
            step,
            [trial.backend],
            list(trial.circuits),
            seed=SEED,
            expect_accepted=trial.expect_accepted,
            raise_on_failure=False,
        )
        result = _from_suite(suite)
        checks += result.checks
        failures += result.failures
    return Conformance("failed" if failures else "ok", checks, tuple(failures))
