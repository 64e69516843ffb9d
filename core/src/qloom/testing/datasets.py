"""``check_dataset``: the conformance suite of a dataset plugin.

What every ``Dataset`` promises its users (a ``QloomEnv``, ``qloom tune``, a cache): names
listed sorted and once, ``len`` and iteration agreeing with them, ``load`` giving a new
``Circuit`` each time (equal for equal names, so results are reproducible), and an unknown
name a ``DatasetError``. Only the first ``load`` circuits are read: a dataset may hold
thousands.
"""

from __future__ import annotations

from qloom.circuit import Circuit
from qloom.datasets import Dataset, DatasetError
from qloom.testing.conformance import Report

__all__ = ["check_dataset"]

_UNKNOWN = "\x00not a circuit of this dataset"


def check_dataset(dataset: object, *, load: int = 1, raise_on_failure: bool = True) -> Report:
    """Run the dataset conformance suite.

    Args:
        dataset: the dataset under test (what a plugin's factory returned: anything
            but a ``Dataset`` fails).
        load: how many circuits to load (the first ones by name).
        raise_on_failure: raise when a check fails (tests); False returns the report with
            its ``failures`` (``qloom plugins doctor``).

    Raises:
        AssertionError: listing every failed check, unless ``raise_on_failure`` is False.
    """
    report = Report(f"dataset '{getattr(dataset, 'name', '?')}'")
    if not isinstance(dataset, Dataset):
        report.add("type", False, f"a {type(dataset).__name__}, not a qloom.datasets.Dataset")
        return _done(report, raise_on_failure)
    names = dataset.names()
    typed = isinstance(names, list) and all(isinstance(n, str) for n in names)
    report.add("names are strs", typed, f"names() gave {type(names).__name__} {names[:3]!r}")
    if not typed:
        return _done(report, raise_on_failure)
    report.add(
        "names sorted, each once",
        names == sorted(set(names)),
        f"names() is not sorted or repeats a name: {names[:5]}",
    )
    report.add("len", len(dataset) == len(names), f"len {len(dataset)}, names {len(names)}")
    report.add("iter", list(dataset) == names, "iterating does not give names()")
    report.add("info", dataset.info.size == len(names), f"info.size is {dataset.info.size}")
    if names:
        report.add("contains", names[0] in dataset, f"'{names[0]}' in dataset is False")
    for name in names[:load]:
        _check_load(dataset, name, report)
    try:
        dataset.load(_UNKNOWN)
        report.add("unknown name", False, "load of a name it does not hold gave no DatasetError")
    except DatasetError:
        report.add("unknown name", True)
    report.add("contains unknown", _UNKNOWN not in dataset, "an unknown name is 'in' it")
    return _done(report, raise_on_failure)


def _check_load(dataset: Dataset, name: str, report: Report) -> None:
    first: object = dataset.load(name)
    if not isinstance(first, Circuit):
        report.add(f"load {name}", False, f"a {type(first).__name__}, not a Circuit")
        return
    report.add(f"load {name}", True)
    again = dataset.load(name)
    report.add(f"load {name} twice", again == first, "two loads of one name differ")
    if first.num_qubits:
        size = len(first)
        first.barrier(*range(first.num_qubits))
        third = dataset.load(name)
        report.add(
            f"load {name} gives a new circuit",
            len(third) == size,
            "changing a loaded circuit changed what the next load gives",
        )


def _done(report: Report, raise_on_failure: bool) -> Report:
    if raise_on_failure:
        report.raise_for_failures()
    return report
