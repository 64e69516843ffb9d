"""``qloom.tune``: search a pipeline for a family of circuits on one device.

The circuits are split (from the seed) into training and held-back ones. The search
(``qloom.tuning.search``) starts from the baseline pipeline (``O3``), scored on the training
circuits, and tries candidate steps (``qloom.tuning.space``) on sessions, in parallel on
an executor, within a wall-time budget. The best pipeline found is then transpiled, with
the baseline beside it, on the held-back circuits it never saw.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from qloom.circuit import Circuit
from qloom.circuit_data import circuit_to_data
from qloom.config import get_backend, get_executor
from qloom.datasets import Dataset, get_dataset
from qloom.datasets.resolve import is_path
from qloom.errors import ConfigError, UnknownPluginError
from qloom.executor import Executor
from qloom.passes import derive_seed
from qloom.plugins import get_registry
from qloom.progress import batch_progress
from qloom.session.actions import installed_actions
from qloom.tuning.budget import parse_budget
from qloom.tuning.choices import MAX_BEAM_WIDTH, MAX_CIRCUITS, MAX_DEPTH, STRATEGIES
from qloom.tuning.evaluate import clear_cache, transpile_metric
from qloom.tuning.result import HeldOut, TuneResult
from qloom.tuning.search import OK, Evaluator, beam, greedy
from qloom.tuning.space import check_metric, search_space

__all__ = ["split", "tune"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")

CircuitSource = Circuit | str | Path | Dataset


def tune(
    circuits: CircuitSource | Sequence[CircuitSource],
    on: str,
    budget: str | float = "60s",
    metric: str = "2q",
    strategy: str = "greedy",
    *,
    name: str = "tuned",
    depth: int = 4,
    beam_width: int = 3,
    holdout: float = 0.25,
    seed: int | None = None,
    baseline: str = "O3",
    candidates: Sequence[Any] | None = None,
    executor: str | Executor = "serial",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | None = False,
    backend_options: Mapping[str, Any] | None = None,
    reader: Mapping[str, Any] | None = None,
) -> TuneResult:
    """Search a pipeline that minimises ``metric`` on ``circuits`` for backend ``on``.

    Args:
        circuits: circuits, OpenQASM 2 files, folders of them (``*.qasm``, recursively),
            ``Dataset``s, or the names of dataset plugins (``"families"``; see
            ``qloom.datasets``).
        on: the backend by name (workers rebuild it from the name), e.g. ``emulator:heavy-hex-27``.
        budget: wall time for the search: seconds or ``"60s"``, ``"2m"``, ``"1m30s"``.
        metric: ``2q`` (``n2q``), ``depth``, ``depth2q`` or ``error`` (1 - estimated
            success probability; needs a calibrated backend), summed over circuits.
        strategy: ``greedy`` or ``beam`` (``qloom.tuning.search``).
        name: the tuned pipeline's name.
        depth: most steps the search adds to the baseline (1 to ``MAX_DEPTH``).
        beam_width: pipelines the beam keeps per depth (1 to ``MAX_BEAM_WIDTH``).
        holdout: fraction of the circuits held back from the search (at least one when
            above 0), in [0, 1).
        seed: root seed of the split and of every transpilation; ``None`` draws one.
        baseline: the named pipeline the search starts from and completes with.
        candidates: the steps to try (pipeline entries) instead of the default ones.
        executor: ``serial``, ``threads``, ``processes``, ``dask`` or an ``Executor``
            (one built here is closed at the end; one given is left open).
        workers: workers of the executor built here (-1: one per CPU).
        address: a Dask scheduler's address.
        progress: show the evaluations' progress on stderr (``None``: on a terminal).
        backend_options: options for building the backend by name.
        reader: ``qasm2.load`` keyword arguments for files.

    Returns:
        The tuned pipeline and what the search tried (``TuneResult``; ``.save()`` writes
        it into ``qloom.toml``).

    Raises:
        ConfigError: a bad argument, naming it and the valid values.
    """
    began = time.monotonic()
    seconds = parse_budget(budget)
    metric = check_metric(metric)
    if strategy not in STRATEGIES:
        raise ConfigError(f"unknown strategy {strategy!r}; valid: {', '.join(STRATEGIES)}")
    _check_int("depth", depth, MAX_DEPTH)
    _check_int("beam_width", beam_width, MAX_BEAM_WIDTH)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(
            f"pipeline name {name!r}: use letters, digits, '_' and '-', starting with a letter"
        )
    if not isinstance(on, str):
        raise ConfigError(
            "tune needs the backend by name (on='emulator:heavy-hex-27'): workers build it"
        )
    options = dict(backend_options or {})
    backend = get_backend(on, **options)
    if metric == "error" and backend.calibration is None:
        raise ConfigError(
            f"metric 'error' needs a calibrated backend; {backend.name} has no calibration "
            "(use 2q, depth or depth2q)"
        )
    root = int(np.random.SeedSequence().generate_state(1)[0] >> 1) if seed is None else int(seed)
    named = _load(circuits, reader or {})
    train, held = split([n for n, _ in named], holdout, root)
    space = search_space(baseline, installed_actions(get_registry()), candidates)
    common = {"backend": on, "backend_options": options, "seed": root, "metric": metric}
    training = [(_key(data), data) for data in (circuit_to_data(named[i][1]) for i in train)]
    clear_cache()  # sessions of an earlier run in this process are of no use to this one
    with (
        _executor(executor, workers, address) as pool,
        batch_progress(show=progress, desc="tuning", unit=("evaluation", "evaluations")),
    ):
        evaluator = Evaluator(pool, space, training, common, began + seconds, 2 * pool.size)
        start = evaluator.score([((), None)], 0, budgeted=False)[0]
        if start.status != OK:
            raise ConfigError(
                f"the baseline '{baseline}' does not work on these circuits "
                f"({start.status}): {start.detail}"
            )
        if strategy == "greedy":
            best = greedy(evaluator, start, depth)
        else:
            best = beam(evaluator, start, depth, beam_width)
        finished = not evaluator.spent
        elapsed = time.monotonic() - began
        steps = best.label if best.steps else "no change"
        spec = space.pipeline(
            name,
            best.steps,
            f"tuned by qloom tune from {baseline} for {on} ({metric}, seed {root}): {steps}",
        )
        held_out = _held_out(pool, [named[i] for i in held], spec, baseline, common)
    clear_cache()
    return TuneResult(
        spec=spec,
        best=best,
        baseline=start,
        tried=tuple(evaluator.tried),
        baseline_name=baseline,
        metric=metric,
        strategy=strategy,
        seed=root,
        training=tuple(named[i][0] for i in train),
        held_out=held_out,
        elapsed=elapsed,
        budget=seconds,
        finished=finished,
    )


def split(names: Sequence[str], holdout: float, seed: int) -> tuple[list[int], list[int]]:
    """Training and held-back positions of ``names``: ``round(holdout * n)`` (at least one
    when ``holdout > 0``) held back, chosen by a generator seeded from ``seed``.

    Raises:
        ConfigError: ``holdout`` outside [0, 1), or no circuit left to train on.
    """
    if (
        isinstance(holdout, bool)
        or not isinstance(holdout, (int, float))
        or not (0.0 <= holdout < 1.0)
    ):
        raise ConfigError(f"holdout {holdout!r}: a fraction in [0, 1), e.g. 0.25")
    n = len(names)
    count = 0 if holdout == 0 else max(1, round(holdout * n))
    if n - count < 1:
        raise ConfigError(
            f"{n} circuit(s) and holdout {holdout:g} leave none to tune on; give more circuits "
            "or holdout 0"
        )
    order = np.random.default_rng(derive_seed(seed, "holdout")).permutation(n)
    held = sorted(int(i) for i in order[:count])
    return [i for i in range(n) if i not in held], held


def _held_out(
    pool: Executor,
    circuits: Sequence[tuple[str, Circuit]],
    spec: Mapping[str, Any],
    baseline: str,
    common: Mapping[str, Any],
) -> tuple[HeldOut, ...]:
    futures = [
        [
            pool.submit(transpile_metric, {**common, "circuit": circuit_to_data(c), "pipeline": p})
            for p in (dict(spec), baseline)
        ]
        for _, c in circuits
    ]
    rows = []
    for (label, _), pair in zip(circuits, futures, strict=True):
        tuned, base = (_held_value(f.result()) for f in pair)
        rows.append(HeldOut(label, tuned[0], base[0], tuned[1] or base[1]))
    return tuple(rows)


def _held_value(result: Mapping[str, Any]) -> tuple[float, str]:
    """The metric of a held-back transpilation, or ``nan`` and why it has none."""
    if "error" in result:
        return math.nan, str(result["error"])
    if not result["executable"]:
        return math.nan, "the output is not executable on the backend"
    return float(result["value"]), ""


def _load(
    circuits: CircuitSource | Sequence[CircuitSource], reader: Mapping[str, Any]
) -> list[tuple[str, Circuit]]:
    from qloom import qasm2

    items = [circuits] if isinstance(circuits, (Circuit, str, Path, Dataset)) else list(circuits)
    out: list[tuple[str, Circuit]] = []
    for item in items:
        if isinstance(item, Circuit):
            out.append((item.name or f"circuit{len(out)}", item))
            continue
        if isinstance(item, Dataset) or not (Path(item).exists() or is_path(item)):
            dataset = _dataset(item)
            out += [(name, dataset.load(name)) for name in dataset.names()[: MAX_CIRCUITS + 1]]
        else:
            path = Path(item)
            if path.is_dir():
                files = sorted(path.rglob("*.qasm"))
                if not files:
                    raise ConfigError(f"no .qasm files in {path}")
            elif path.is_file():
                files = [path]
            else:
                raise ConfigError(f"no such file or folder: {path}")
            out += [(f.stem, qasm2.load(f, **reader)) for f in files]
        if len(out) > MAX_CIRCUITS:
            raise ConfigError(f"more than {MAX_CIRCUITS} circuits; tune on a sample")
    if not out:
        raise ConfigError("no circuits to tune on")
    return out


def _dataset(item: str | Path | Dataset) -> Dataset:
    """``item`` as a dataset: itself, or the dataset plugin of that name."""
    try:
        return get_dataset(item)
    except UnknownPluginError as exc:
        raise ConfigError(
            f"'{item}' is no file, folder or dataset (datasets: {', '.join(exc.installed)})"
        ) from None


@contextmanager
def _executor(
    executor: str | Executor, workers: int | None, address: str | None
) -> Iterator[Executor]:
    if isinstance(executor, Executor):
        yield executor
        return
    options: dict[str, Any] = {}
    if workers is not None:
        options["workers"] = workers
    if address is not None:
        options["address"] = address
    built = get_executor(executor, **options)
    try:
        yield built
    finally:
        built.close()


def _key(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _check_int(option: str, value: Any, most: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise ConfigError(f"{option} {value!r}: an integer from 1 to {most}")
