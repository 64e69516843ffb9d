"""``Pass``: one transpilation step with one uniform signature, and its ``PassContext``.

Every pass, built-in or third-party, is called as ``pass_(circuit, context) -> circuit``.
Options are plain keyword arguments kept in ``options`` so a pass can be written back as a
JSON spec and rebuilt on another machine from its installed plugins. A pass states the
options it accepts, with their defaults, once (``Pass.option_defaults`` or its ``__init__``
signature); any other option is refused with an ``OptionError`` naming the valid ones.
"""

from __future__ import annotations

import logging
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from qloom.options import check_approximation_degree, check_options, signature_options

if TYPE_CHECKING:
    from qloom.backend import Backend
    from qloom.circuit import Circuit
    from qloom.layout import Layout

__all__ = ["STAGES", "Pass", "PassContext", "PassEvent", "derive_seed"]

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
        approximation_degree: the user's ``approximation_degree`` (in (0, 1]; see
            ``qloom.options.check_approximation_degree``); ``None`` means exact (1.0), and
            a pass's own ``approximation_degree`` option wins over it.
        trace: when a list, pipelines append what each pass did to it instead of calling
            the ``pass_finished`` hook (``Trials`` runs candidates and reports the one it
            keeps); ``pass_started`` is still called, so progress shows and a task's stop
            and time-limit checks still run between passes.
    """

    backend: Backend
    layout: Layout | None = None
    seed: int = 0
    properties: dict[str, Any] = field(default_factory=dict)
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("qloom"))
    pipeline: str | None = None
    placement: str | None = None
    padding: str | None = None
    approximation_degree: float | None = None
    finishers: list[Callable[[Circuit, PassContext], Circuit]] = field(default_factory=list)
    trace: list[PassEvent] | None = None

    def __post_init__(self) -> None:
        self.approximation_degree = check_approximation_degree(self.approximation_degree)

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


@dataclass(frozen=True)
class PassEvent:
    """One leaf pass run while hooks were held back: enough to report it afterwards."""

    label: str
    stage: str
    before: Circuit
    after: Circuit
    wall: float
    cpu: float


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
    option_defaults: ClassVar[Mapping[str, Any] | None] = None
    """Every option the pass accepts, with its default (``qloom.options.REQUIRED`` when it
    must be given). ``None`` (the default) reads them from the keyword parameters of the
    class's own ``__init__``; a pass with neither accepts no options."""

    def __init__(self, **options: Any) -> None:
        check_options(f"pass '{self.label}'", options, self.accepted_options())
        self.options: dict[str, Any] = options

    @classmethod
    def accepted_options(cls) -> dict[str, Any] | None:
        """Every option this pass accepts, name -> default (see ``option_defaults``).

        An adapter whose options are another library's (``qiskit``) overrides this to
        return ``None`` and checks them itself, raising ``OptionError``.
        """
        if cls.option_defaults is not None:
            return dict(cls.option_defaults)
        if cls.__init__ is Pass.__init__:
            return {}
        return signature_options(cls.__init__, skip=1) or {}

    def option(self, name: str) -> Any:
        """The value of option ``name``: the one given, else its declared default."""
        if name in self.options:
            return self.options[name]
        return (self.accepted_options() or {})[name]

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
