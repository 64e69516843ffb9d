"""``qloom.tune``: greedy and beam search over sessions, scoring, budget, determinism across
executors, and the written pipeline used by name.

On a 6-qubit heavy-hex-like device without calibration (a description file), so the
outputs are small enough for ``assert_equivalent`` to compare operators.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("qloom_levels")
pytest.importorskip("qloom_hw_emulator")

import qloom
from qloom import Circuit
from qloom.config import get_backend, get_pipeline, load_config
from qloom.errors import ConfigError
from qloom.session import Observations
from qloom.testing import assert_backend_accepts, assert_equivalent
from qloom.tuning import TuneResult, save_pipeline, split, tune
from qloom.tuning.evaluate import clear_cache

CANDIDATES = [
    {"pass": "routers:sabre", "commute": True, "trials": 16},
    {"pass": "placers:line"},
    "optimizers:drop_identity",
    {"pass": "optimizers:optimize", "resynthesize": True},
]


def qft(n: int) -> Circuit:
    circuit = Circuit(n, name=f"qft{n}")
    for i in range(n):
        circuit.h(i)
        for j in range(i + 1, n):
            circuit.cp(math.pi / 2 ** (j - i), j, i)
    return circuit


def mixer(n: int) -> Circuit:
    circuit = Circuit(n, name=f"mixer{n}")
    for layer in range(3):
        for q in range(n):
            circuit.ry(0.3 * (q + 1) + layer, q)
        for q in range(0, n - 1, 2 - layer % 2):
            circuit.cx(q, (q + 2 + layer) % n)
    return circuit


def scramble(n: int, seed: int, gates: int = 24) -> Circuit:
    """Random rotations and CNOTs: circuits whose routing depends on the seed."""
    rng = np.random.default_rng(seed)
    circuit = Circuit(n, name=f"scramble{n}_{seed}")
    for _ in range(gates):
        a, b = (int(q) for q in rng.choice(n, 2, replace=False))
        circuit.ry(float(rng.uniform(0, 3)), a)
        circuit.cx(a, b)
    return circuit


@pytest.fixture
def device(tmp_path: Path) -> str:
    """A ring of 6 qubits with a chord, natives {cz, rz, sx, x}, no calibration."""
    path = tmp_path / "ring6.toml"
    path.write_text(
        'description = "6-qubit ring with a chord, for tuning tests"\n'
        'natives = ["cz", "rz", "sx", "x"]\n'
        'virtual = ["rz"]\n\n'
        "[topology]\nqubits = 6\ndirected = false\n"
        "edges = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 0], [1, 4]]\n"
    )
    return f"emulator:{path}"


@pytest.fixture
def circuits() -> list[Circuit]:
    return [qft(4), qft(5), mixer(5), mixer(6)]


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    clear_cache()


def training_total(result: TuneResult, circuits: list[Circuit], on: str, pipeline: object) -> int:
    named = {c.name: c for c in circuits}
    return sum(
        qloom.transpile(named[n], on=on, transpiler=pipeline, seed=result.seed).count_2q()
        for n in result.training
    )


def test_greedy_starts_from_the_baseline_and_keeps_only_what_beats_it(
    device: str, circuits: list[Circuit]
) -> None:
    result = tune(
        circuits,
        on=device,
        budget="5m",
        seed=11,
        holdout=0,
        baseline="O1",
        candidates=[*CANDIDATES, "pipelines:O3"],
        depth=3,
    )
    # the baseline is O1 pass for pass and seed for seed, and its score is real
    assert result.baseline.score == training_total(result, circuits, device, "O1")
    assert result.tried[0] is result.baseline and result.baseline.round == 0
    assert result.best.steps and result.score < result.baseline.score
    # the chosen pipeline gives its score when run whole, as written
    assert result.score == training_total(result, circuits, device, result.spec)
    assert result.finished
    first = {t.label: t for t in result.tried if t.round == 1}
    assert first["optimizers:drop_identity"].status == "no change"
    # a variant of the final optimisation takes its place, after routing
    variant = first["… -> optimizers:optimize(lookback=24, max_iterations=10, resynthesize=True)"]
    assert variant.status == "ok"
    assert [s["kind"] for s in variant.steps] == [
        "placers",
        "placers",
        "routers",
        "unrollers",
        "optimizers",
    ]
    # each round extends the best of the one before; it stops when nothing beats it
    rounds = max(t.round for t in result.tried)
    for round_ in range(2, rounds + 1):
        earlier = min(t.score for t in result.tried if t.round == round_ - 1 and t.score)
        parent = next(t for t in result.tried if t.round == round_ - 1 and t.score == earlier)
        assert all(
            t.steps[: len(parent.steps)] == parent.steps for t in result.tried if t.round == round_
        )
    last = [t.score for t in result.tried if t.round == rounds and t.score is not None]
    assert rounds == 3 or min(last) >= result.score


def test_beam_keeps_several_partial_pipelines_and_never_loses_to_the_baseline(
    device: str, circuits: list[Circuit]
) -> None:
    result = tune(
        circuits,
        on=device,
        budget="5m",
        strategy="beam",
        beam_width=2,
        depth=2,
        seed=11,
        holdout=0,
        baseline="O1",
        candidates=[*CANDIDATES, "pipelines:O3"],
    )
    assert result.best.steps and result.score < result.baseline.score
    assert result.score == training_total(result, circuits, device, result.spec)
    second = [t for t in result.tried if t.round == 2]
    assert len({t.label.split(" -> ")[0] for t in second}) == 2  # two pipelines expanded
    scored = sorted(t.score for t in result.tried if t.score is not None)
    assert result.score == scored[0]


def test_failing_candidates_are_reported_not_fatal(device: str, circuits: list[Circuit]) -> None:
    pytest.importorskip("qloom_fixture_faulty")
    result = tune(
        circuits,
        on=device,
        budget="5m",
        seed=2,
        holdout=0,
        depth=1,
        candidates=[{"pass": "optimizers:faulty", "mode": "raise"}, "routers:basic"],
    )
    failed = [t for t in result.tried if t.status == "failed"]
    assert len(failed) == 1 and "ZeroDivisionError" in failed[0].detail
    assert any(t.label == "routers:basic" and t.status == "ok" for t in result.tried)


def test_written_pipeline_round_trips_and_transpiles_by_name(
    device: str, circuits: list[Circuit], tmp_path: Path
) -> None:
    result = tune(
        circuits, on=device, budget="5m", seed=3, holdout=0.25, candidates=CANDIDATES, depth=1
    )
    assert len(result.held_out) == 1 and result.held_out_ratio is not None
    assert result.baseline.score == training_total(result, circuits, device, "O3")
    path = result.save(tmp_path / "qloom.toml")
    assert "tuned" in load_config(path)["pipelines"]
    assert get_pipeline("tuned").spec() == get_pipeline(result.spec).spec()
    backend = get_backend(device)
    for circuit in circuits:
        out = qloom.transpile(circuit, on=device, transpiler="tuned", seed=7)
        assert_backend_accepts(out, backend)
        assert_equivalent(circuit, out)
    # the held-back figures are what O3 and the tuned pipeline give on that circuit
    held = result.held_out[0]
    circuit = next(c for c in circuits if c.name == held.name)
    assert held.baseline == qloom.transpile(circuit, on=device, transpiler="O3", seed=3).count_2q()
    assert held.tuned == qloom.transpile(circuit, on=device, transpiler="tuned", seed=3).count_2q()
    assert held.name not in result.training


def test_save_keeps_the_rest_of_the_file_and_refuses_a_different_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "qloom.toml"
    path.write_text(
        '# my device settings\nbackend = "numpy"\n\n[pipelines.other]\npasses = ["routers:basic"]\n'
    )
    spec = {"name": "mine", "passes": ["padding:auto", {"pass": "routers:sabre", "trials": 4}]}
    save_pipeline(spec, path)
    text = path.read_text()
    assert text.startswith('# my device settings\nbackend = "numpy"')
    config = load_config(path)
    assert config["pipelines"]["other"] == {"passes": ["routers:basic"]}
    assert get_pipeline("mine").spec() == get_pipeline(spec).spec()
    save_pipeline(spec, path)  # the same pipeline again: fine
    other = {"name": "mine", "passes": ["padding:auto", "routers:basic"]}
    with pytest.raises(ConfigError, match=r"already has a different pipeline 'mine'.*--force"):
        save_pipeline(other, path)
    assert path.read_text() == text
    save_pipeline(other, path, force=True)
    assert get_pipeline("mine").spec() == get_pipeline(other).spec()


@pytest.mark.parametrize(
    ("executor", "plugin"), [("processes", "qloom_executors"), ("dask", "qloom_dask")]
)
def test_same_seed_same_pipeline_on_serial_and_parallel_executors(
    device: str, executor: str, plugin: str
) -> None:
    pytest.importorskip(plugin)
    circuits = [scramble(6, 1), scramble(5, 2), scramble(6, 3), qft(5)]
    kwargs = {"budget": "10m", "seed": 5, "holdout": 0.25, "candidates": CANDIDATES, "depth": 2}
    serial = tune(circuits, on=device, executor="serial", **kwargs)  # type: ignore[arg-type]
    parallel = tune(circuits, on=device, executor=executor, workers=2, **kwargs)  # type: ignore[arg-type]
    assert serial.finished and parallel.finished
    assert parallel.spec == serial.spec
    assert [(t.label, t.status, t.values) for t in parallel.tried] == [
        (t.label, t.status, t.values) for t in serial.tried
    ]
    assert parallel.held_out == serial.held_out
    # and the seed matters: another one gives other figures on these circuits
    other = tune(circuits, on=device, **{**kwargs, "seed": 6})  # type: ignore[arg-type]
    assert [t.values for t in other.tried] != [t.values for t in serial.tried]


def test_a_tiny_budget_still_returns_a_usable_pipeline(
    device: str, circuits: list[Circuit]
) -> None:
    result = tune(circuits, on=device, budget=0.001, seed=1, holdout=0.25)
    assert not result.finished
    assert result.tried[0] is result.baseline and result.baseline.status == "ok"
    assert result.score <= result.baseline.score
    assert all(t.status == "out of budget" for t in result.tried[1:])
    untried = [
        dataclasses.replace(result.baseline, status="out of budget", score=None, round=1)
    ] * 3
    shown = dataclasses.replace(result, tried=[*result.tried[:1], *untried])
    compact, full = shown.table().splitlines(), shown.table(full=True).splitlines()
    assert len(full) == 5  # the header, then one line per candidate
    assert len(compact) == 3  # the header, the baseline, one line for round 1's untried
    assert compact[2].split()[:5] == ["1", "3", "more", "candidates", "out"]
    out = qloom.transpile(circuits[0], on=device, transpiler=result.spec, seed=1)
    assert_equivalent(circuits[0], out)
    assert result.elapsed < 120  # generous: the baseline always runs in full


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"metric": "swaps"}, "unknown metric 'swaps'; valid: 2q, depth, depth2q, error"),
        ({"metric": "error", "on": "numpy"}, "needs a calibrated backend; numpy has no"),
        ({"strategy": "random"}, "unknown strategy 'random'; valid: greedy, beam"),
        ({"budget": "soon"}, "budget: 'soon' is not a usable duration"),
        ({"depth": 0}, "depth 0: an integer from 1 to 16"),
        ({"name": "bad name"}, "pipeline name 'bad name'"),
        ({"candidates": ["routers:nope"]}, "routers:nope"),
    ],
)
def test_bad_arguments_are_named(
    device: str, circuits: list[Circuit], arguments: dict[str, object], message: str
) -> None:
    arguments = {"on": device, **arguments}
    with pytest.raises(qloom.QloomError, match=message.replace("(", r"\(")):
        tune(circuits, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("metric", ["depth", "depth2q", "error"])
def test_every_metric_scores_o3_as_its_observation_says(
    device: str, circuits: list[Circuit], metric: str
) -> None:
    # the description-file device has a calibration with no errors: error on a catalogue one
    on = "emulator:heavy-hex-27" if metric == "error" else device
    result = tune(
        circuits, on=on, budget="5m", seed=4, holdout=0, metric=metric, candidates=CANDIDATES
    )
    backend = get_backend(on)
    named = {c.name: c for c in circuits}
    expected = []
    for name in result.training:
        out = qloom.transpile(named[name], on=on, transpiler="O3", seed=4)
        observation = Observations(out, backend)
        value = 1 - observation["esp"] if metric == "error" else observation[metric]
        expected.append(float(value))
    assert result.baseline.values == tuple(expected)
    assert result.score <= sum(expected)
    if metric == "error":
        assert all(0 < v < 1 for v in expected)


def test_a_held_back_circuit_that_fails_is_reported_and_the_result_kept(
    device: str, circuits: list[Circuit]
) -> None:
    wide = qft(7)  # one qubit more than the device has
    family = [*circuits, wide]
    names = [c.name for c in family]
    seed = next(s for s in range(100) if split(names, 0.2, s)[1] == [len(family) - 1])
    result = tune(family, on=device, budget="5m", seed=seed, holdout=0.2, candidates=CANDIDATES)
    (held,) = result.held_out
    assert held.name == "qft7" and math.isnan(held.tuned) and "7" in held.error
    assert result.held_out_ratio is None
    assert "qft7 failed:" in result.held_out_table()


def test_save_into_a_pyproject_goes_under_tool_qloom(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "mine"\n\n[tool.ruff]\nline-length = 100\n')
    spec = {"name": "mine", "passes": ["padding:auto", "routers:basic"]}
    save_pipeline(spec, path)
    text = path.read_text()
    assert text.startswith('[project]\nname = "mine"\n\n[tool.ruff]\nline-length = 100\n')
    assert "[tool.qloom.pipelines.mine]" in text
    assert get_pipeline("mine").spec() == get_pipeline(spec).spec()  # found from the cwd
