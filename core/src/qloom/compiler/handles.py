"""What a Compiler hands back: ``Task`` and ``Batch`` handles, ``CompileResult`` and
``BatchError``; the local ``Compiler`` and the remote one (``qloom.remote``) share them, so
code written against one works with the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qloom.circuit import Circuit
from qloom.circuit_data import circuit_from_data
from qloom.errors import QloomError
from qloom.layout import Layout

__all__ = ["Batch", "BatchError", "CompileResult", "Task", "result_from_data"]


@dataclass(frozen=True)
class Task:
    """A handle on one submitted compilation; ``id`` is all a later session needs."""

    id: str
    name: str | None = None

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Batch:
    """Tasks submitted together; cancelling the batch cancels every task in it."""

    id: str
    tasks: tuple[Task, ...]

    def __len__(self) -> int:
        return len(self.tasks)

    def __iter__(self) -> Any:
        return iter(self.tasks)

    def __str__(self) -> str:
        return self.id


@dataclass
class CompileResult:
    """A finished compilation: the circuit (with ``layout``) and how it was made.

    Attributes:
        task_id: the task that produced it.
        circuit: the transpiled circuit over physical qubits; ``circuit.layout`` is set.
        layout: where each logical qubit went.
        metadata: backend, pipeline spec, seed, per-pass wall/CPU times, input and output
            metrics, plugin versions, worker, timings: enough to reproduce the run.
    """

    task_id: str
    circuit: Circuit
    layout: Layout
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def provenance(self) -> dict[str, Any] | None:
        """The compilation's provenance record (``qloom.provenance``), which
        ``qloom.replay`` reruns; ``None`` for results stored before records existed."""
        record = self.metadata.get("provenance")
        return record if isinstance(record, dict) else None


class BatchError(QloomError):
    """Some circuits of a batch failed; the others' results are kept.

    Attributes:
        results: one entry per circuit: its ``CompileResult``, or ``None`` where it failed.
        errors: index -> the exception of each failed circuit.
    """

    def __init__(self, results: list[CompileResult | None], errors: dict[int, BaseException]):
        self.results = results
        self.errors = errors
        lines = [f"  circuit {i}: {type(e).__name__}: {e}" for i, e in sorted(errors.items())]
        shown = "\n".join(lines[:10]) + ("\n  ..." if len(lines) > 10 else "")
        super().__init__(
            f"{len(errors)} of {len(results)} circuits failed "
            f"({len(results) - len(errors)} compiled; see .results):\n{shown}"
        )


def result_from_data(task_id: str, data: Mapping[str, Any]) -> CompileResult:
    """The ``CompileResult`` of a result as workers write it (``compile_request``'s plain
    data: ``circuit``, ``layout`` and the metadata).

    Raises:
        LookupError, TypeError, ValueError, AttributeError: ``data`` is not such a result.
    """
    circuit = circuit_from_data(data["circuit"])
    layout = Layout.from_dict(data["layout"])
    circuit.layout = layout
    metadata = {k: v for k, v in data.items() if k not in ("circuit", "layout")}
    if isinstance(metadata.get("provenance"), dict):
        circuit.provenance = metadata["provenance"]
    return CompileResult(task_id, circuit, layout, metadata)
