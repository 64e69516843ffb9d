"""``Pass``: one transpilation step with one uniform signature, and its ``PassContext``.

Every pass, built-in or third-party, is called as ``pass_(circuit, context) -> circuit``.
Options are plain keyword arguments kept in ``options`` so a pass can be written back as a
JSON spec and rebuilt on another machine from its installed plugins.
"""

from __future__ import annotations

import logging
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from qloom.backend import Backend
    from qloom.circuit import Circuit
    from qloom.layout import Layout

__all__ = ["STAGES", "Pass", "PassContext", "derive_seed"]

STAGES: dict[str, str] = {
    "padding": "PADDING",
    "placers": "PLACEMENT",
    "routers": "ROUTING",
    "unrollers": "UNROLLING",
    "optimizers": "OPTIMIZATION",
    "pipelines": "PIPELINE",
    "passes": "PASS",
}
"""Stage label shown in task statuses (``RUNNING: ROUTING``) for each kind of pass."""


@dataclass
class PassContext:
    """What a pass may read and update besides the circuit.

    Attributes:
        backend: the target; passes ask it what it accepts (``(a, b) in backend``).
        layout: the layout so far; placers set it, routers extend its routing, padding
            widens it. ``None`` until a pass sets it (meaning the trivial layout).
        seed: this pass's seed, derived from the root seed of the transpilation.
        properties: free-form data passes share (metrics, analysis results).
        logger: where passes log.
        pipeline: name of the pipeline running the pass, for error messages.
        placement: label of the pass that placed the circuit (``"placers:subgraph"``), or
            ``None``; a placer leaves a circuit that is already placed alone.
        padding: the user's padding strategy name; ``None`` means the backend's default.
    """

    backend: Backend
    layout: Layout | None = None
    seed: int = 0
    properties: dict[str, Any] = field(default_factory=dict)
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("qloom"))
    pipeline: str | None = None
    placement: str | None = None
    padding: str | None = None
    finishers: list[Callable[[Circuit, PassContext], Circuit]] = field(default_factory=list)

    def compose(self, step: Layout) -> None:
        """Record that a pass's output relates to its input by ``step``.

        ``step`` treats the pass's input qubits as logical and its output qubits as
        physical; it is composed with the layout so far, so passes never combine layouts
        themselves.
        """
        self.layout = step if self.layout is None else self.layout.then(step)

    def at_end(self, finisher: Callable[[Circuit, PassContext], Circuit]) -> None:
        """Run ``finisher`` on the output once the outermost pipeline is done.

        For passes that change the context for the passes after them and must undo it
        (padding ``after`` transpiles on a region of the device, then widens the result).
        Finishers run last-registered first.
        """
        self.finishers.append(finisher)

    def rng(self, *salt: int | str) -> np.random.Generator:
        """A generator seeded from this pass's seed (and ``salt``, e.g. a trial number)."""
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=_key(salt)))

    def derive(self, *salt: int | str) -> int:
        """A child seed for a sub-step (a pass inside a pipeline, a trial of a router)."""
        return derive_seed(self.seed, *salt)


def derive_seed(seed: int, *salt: int | str) -> int:
    """A 63-bit seed derived from ``seed`` and ``salt``: same inputs, same seed, anywhere."""
    seq = np.random.SeedSequence(seed, spawn_key=_key(salt))
    return int(seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def _key(salt: tuple[int | str, ...]) -> tuple[int, ...]:
    return tuple(s if isinstance(s, int) else zlib.crc32(s.encode()) for s in salt)


class Pass(ABC):
    """A transpilation step: ``run(circuit, context)`` returns the new circuit.

    Subclasses set ``kind`` (the entry-point group suffix: ``"routers"``, ``"placers"``, ...)
    and implement ``run``. ``name`` is the entry-point name; the registry fills it in when
    the class is loaded by name. Options are keyword arguments, kept in ``options``.
    """

    kind: str = "passes"
    name: str = ""

    def __init__(self, **options: Any) -> None:
        self.options: dict[str, Any] = options

    @abstractmethod
    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        """Transform ``circuit`` for ``context.backend``; may update ``context.layout``."""

    def __call__(self, circuit: Circuit, context: PassContext) -> Circuit:
        return self.run(circuit, context)

    @property
    def label(self) -> str:
        """``kind:name``, how specs, errors and progress reports name this pass."""
        return f"{self.kind}:{self.name or type(self).__name__}"

    @property
    def stage(self) -> str:
        """The stage label for statuses (``ROUTING``, ``PLACEMENT``, ...)."""
        return STAGES.get(self.kind, self.kind.upper())

    def spec(self) -> dict[str, Any]:
        """This pass as plain data: ``{"kind", "name", "options"}``."""
        return {
            "kind": self.kind,
            "name": self.name or type(self).__name__,
            "options": dict(self.options),
        }

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"<{self.label}({opts})>"
