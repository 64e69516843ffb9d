"""``qloom.tuning`` without plugins: budgets, the hold-out split, metric names."""

from __future__ import annotations

import pytest

from qloom.errors import ConfigError
from qloom.tuning import parse_budget, split
from qloom.tuning.space import check_metric


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("60s", 60.0),
        ("2m", 120.0),
        ("1m30s", 90.0),
        ("1h", 3600.0),
        ("2.5s", 2.5),
        ("90", 90.0),
        (45, 45.0),
        (" 2M ", 120.0),
    ],
)
def test_parse_budget_reads_the_documented_forms(text: str | int, seconds: float) -> None:
    assert parse_budget(text) == seconds


@pytest.mark.parametrize("text", ["60x", "", "0s", "-5", "m", "30s1m", "1m1m", "inf", "nan", True])
def test_parse_budget_names_the_option_and_the_valid_forms(text: object) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_budget(text, "--budget")  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("--budget:")
    assert "60s" in message and "2m" in message


def test_split_is_seeded_and_holds_at_least_one_back() -> None:
    names = [f"c{i}" for i in range(10)]
    train, held = split(names, 0.01, seed=4)
    assert len(held) == 1 and sorted(train + held) == list(range(10))
    assert split(names, 0.3, seed=4) == split(names, 0.3, seed=4)
    assert len(split(names, 0.3, seed=4)[1]) == 3
    assert len({tuple(split(names, 0.3, seed=s)[1]) for s in range(8)}) > 1
    assert split(names, 0, seed=4) == (list(range(10)), [])


@pytest.mark.parametrize("holdout", [1.0, -0.1, 1.5, True])
def test_split_refuses_fractions_outside_zero_to_one(holdout: float) -> None:
    with pytest.raises(ConfigError, match="holdout"):
        split(["a", "b", "c"], holdout, seed=1)


def test_split_needs_a_circuit_left_to_train_on() -> None:
    with pytest.raises(ConfigError, match="leave none to tune on"):
        split(["only"], 0.25, seed=1)


def test_metric_names_and_their_errors() -> None:
    assert check_metric("n2q") == "2q"
    assert check_metric("depth2q") == "depth2q"
    with pytest.raises(
        ConfigError, match=r"unknown metric 'swaps'; valid: 2q, depth, depth2q, error"
    ):
        check_metric("swaps")


def test_circuits_come_from_files_folders_and_datasets(tmp_path) -> None:
    from qloom import Circuit, qasm2
    from qloom.datasets import FamiliesDataset
    from qloom.tuning.tuner import _load

    qasm2.dump(Circuit(2).h(0).cx(0, 1), tmp_path / "bell.qasm")
    (tmp_path / "sub").mkdir()
    qasm2.dump(Circuit(1).x(0), tmp_path / "sub" / "flip.qasm")
    assert [name for name, _ in _load(tmp_path, {})] == ["bell", "flip"]
    assert [name for name, _ in _load([str(tmp_path / "bell.qasm")], {})] == ["bell"]
    families = FamiliesDataset(("ghz",), (3, 4))
    loaded = _load(families, {})
    assert [name for name, _ in loaded] == families.names()
    assert loaded[0][1] == families.load(families.names()[0])
    assert len(_load("families", {})) == len(FamiliesDataset())  # a dataset plugin by name
    with pytest.raises(ConfigError, match=r"no file, folder or dataset.*families"):
        _load("nosuch.qasm", {})
