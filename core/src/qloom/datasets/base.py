"""``Dataset``: a named collection of benchmark circuits, loaded one at a time by name.

Research on compilation (tuning a pipeline, training an agent) runs over a family of
circuits, not one. A dataset lists its circuits' names without loading them and parses one
when asked, so a thousand-circuit folder costs nothing until it is used; ``CachedDataset``
(``qloom.datasets.cache``) keeps the parsed ones within a byte budget.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from qloom.circuit import Circuit
from qloom.errors import QloomError

__all__ = ["CircuitList", "Dataset", "DatasetError", "DatasetInfo", "Subset"]


class DatasetError(QloomError):
    """A dataset cannot give what was asked: an unknown or refused circuit name, a folder
    that is not there, too many files."""


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is, for listings: its name, a one-line description, how many
    circuits it holds, and where they come from (a folder, a plugin, memory)."""

    name: str
    description: str
    size: int
    source: str


class Dataset(ABC):
    """A named collection of circuits: ``names()`` lists them, ``load(name)`` parses one.

    Subclasses give ``names`` (sorted, without loading anything) and ``_load`` (one
    circuit); ``load`` checks the name first, so ``_load`` only ever sees listed names.
    Iterating a dataset gives its names; ``len`` is how many it holds.
    """

    name: str = "dataset"
    description: str = ""

    @abstractmethod
    def names(self) -> list[str]:
        """Every circuit's name, sorted."""

    @abstractmethod
    def _load(self, name: str) -> Circuit:
        """The circuit called ``name`` (a listed name)."""

    def load(self, name: str) -> Circuit:
        """The circuit called ``name``, as a new ``Circuit`` the caller may change.

        Raises:
            DatasetError: no circuit has that name (the closest names are suggested).
            QasmError: the circuit's file is not valid OpenQASM 2 (file:line:col).
            QasmLimitError: the file exceeds the dataset's ``QasmLimits``.
        """
        if name not in self:
            raise self._unknown(name)
        circuit = self._load(name)
        if circuit.name is None:
            circuit.name = name
        return circuit

    def circuits(self) -> Iterator[tuple[str, Circuit]]:
        """``(name, circuit)`` for every circuit, loaded one at a time."""
        for name in self.names():
            yield name, self.load(name)

    def subset(self, names: Iterable[str], name: str | None = None) -> Dataset:
        """A view of some of this dataset's circuits (loaded through this dataset).

        Raises:
            DatasetError: a name this dataset does not hold.
        """
        return Subset(self, names, name)

    def split(self, held_out: float, seed: int = 0) -> tuple[Dataset, Dataset]:
        """``(kept, held_out)``: a deterministic split for checking what was tuned or
        learned on circuits it never saw.

        Args:
            held_out: the fraction held out, in ``[0, 1)``; rounded, and at least one
                circuit when it is above 0 and the dataset has two or more.
            seed: the same seed gives the same split, in any process.
        """
        if not 0 <= held_out < 1:
            raise DatasetError(f"held_out must be a fraction in [0, 1), not {held_out}")
        names = self.names()
        count = round(held_out * len(names))
        if held_out > 0 and len(names) >= 2:
            count = min(max(count, 1), len(names) - 1)
        order = np.random.default_rng(seed).permutation(len(names))
        out = {names[int(i)] for i in order[:count]}
        kept = [n for n in names if n not in out]
        return (
            Subset(self, kept, f"{self.name}[kept]"),
            Subset(self, sorted(out), f"{self.name}[held_out]"),
        )

    @property
    def info(self) -> DatasetInfo:
        """Name, description, size and source, for listings."""
        return DatasetInfo(self.name, self.description, len(self), self.source)

    @property
    def source(self) -> str:
        """Where the circuits come from (a folder's path, ``plugin``, ``memory``)."""
        return type(self).__name__

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in set(self.names())

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.name}': {len(self)} circuits>"

    def _unknown(self, name: str) -> DatasetError:
        names = self.names()
        close = difflib.get_close_matches(str(name), names, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        return DatasetError(
            f"dataset '{self.name}' has no circuit '{name}'{hint} "
            f"({len(names)} circuits: {shown or 'none'})"
        )


class CircuitList(Dataset):
    """Circuits given in memory, as a dataset (what ``QloomEnv`` makes of a list).

    Args:
        circuits: a mapping name -> circuit, or circuits (named by their ``name``, else
            ``circuit_<i>``). Each is copied, so changing the originals changes nothing.
        name: the dataset's name.
    """

    def __init__(
        self, circuits: Mapping[str, Circuit] | Iterable[Circuit], name: str = "circuits"
    ) -> None:
        if isinstance(circuits, Mapping):
            items = list(circuits.items())
        else:
            items = [(c.name or f"circuit_{i}", c) for i, c in enumerate(circuits)]
        self._circuits: dict[str, Circuit] = {}
        for key, circuit in items:
            if not isinstance(circuit, Circuit):
                raise DatasetError(f"'{key}' is a {type(circuit).__name__}, not a Circuit")
            if key in self._circuits:
                raise DatasetError(f"two circuits are called '{key}'; give them distinct names")
            self._circuits[str(key)] = circuit.copy()
        self.name = name
        self.description = f"{len(self._circuits)} circuits given in memory"
        self._sorted = sorted(self._circuits)

    @property
    def source(self) -> str:
        return "memory"

    def names(self) -> list[str]:
        return list(self._sorted)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._circuits

    def _load(self, name: str) -> Circuit:
        return self._circuits[name].copy()


class Subset(Dataset):
    """Some of another dataset's circuits, loaded through it (``Dataset.subset``/``split``).

    Args:
        dataset: the dataset the circuits come from.
        names: which of its circuits.
        name: the subset's name (default ``<dataset>[subset]``).

    Raises:
        DatasetError: a name ``dataset`` does not hold.
    """

    def __init__(self, dataset: Dataset, names: Iterable[str], name: str | None = None) -> None:
        chosen = sorted(set(names))
        missing = [n for n in chosen if n not in dataset]
        if missing:
            raise dataset._unknown(missing[0])
        self.dataset = dataset
        self.name = name or f"{dataset.name}[subset]"
        self.description = f"{len(chosen)} circuits of {dataset.name}"
        self._names = chosen
        self._known = frozenset(chosen)

    @property
    def source(self) -> str:
        return self.dataset.source

    def names(self) -> list[str]:
        return list(self._names)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._known

    def _load(self, name: str) -> Circuit:
        return self.dataset.load(name)
