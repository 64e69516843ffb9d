"""Small, real passes and backends that the core tests register in memory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from qloom import Backend, Circuit, Layout, Pass, PassContext, Result
from qloom.plugins import Registry


class ReverseQubits(Pass):
    """Place logical i on physical n-1-i (a real, layout-changing placement)."""

    kind = "placers"
    name = "reverse"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        n = circuit.num_qubits
        mapping = [n - 1 - q for q in range(n)]
        context.compose(Layout(tuple(mapping), tuple(range(n))))
        return circuit.remap(mapping)


class AppendIdentity(Pass):
    """Append an ``id`` gate on qubit ``qubit`` (default 0) and record the seed it got."""

    kind = "optimizers"
    name = "append-id"
    option_defaults: ClassVar[Mapping[str, Any]] = {"qubit": 0}

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        out = circuit.copy()
        out.append("id", [self.option("qubit")])
        context.properties.setdefault("seeds", []).append(context.seed)
        context.properties.setdefault("draws", []).append(int(context.rng().integers(1 << 30)))
        return out


class Explode(Pass):
    """Raise, as a buggy pass would."""

    kind = "routers"
    name = "explode"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        raise ZeroDivisionError("lookahead weight")


class BasisStateBackend(Backend):
    """Runs x/cx/swap circuits exactly from |0...0> on a line of ``n`` qubits."""

    def __init__(self, device: str | None = None) -> None:
        n = int(device or 3)
        super().__init__(
            f"basis:{n}",
            n,
            [(q, q + 1) for q in range(n - 1)],
            ["x", "cx", "swap"],
            default_pipeline="identity",
        )

    def run(self, circuit: Circuit, shots: int, seed: int | None) -> Result:
        bits = [0] * circuit.num_qubits
        clbits = [0] * circuit.num_clbits
        for op in circuit:
            if op.name == "x":
                bits[op.qubits[0]] ^= 1
            elif op.name == "cx":
                bits[op.qubits[1]] ^= bits[op.qubits[0]]
            elif op.name == "swap":
                a, b = op.qubits
                bits[a], bits[b] = bits[b], bits[a]
            elif op.name == "measure":
                clbits[op.clbits[0]] = bits[op.qubits[0]]
        return Result({"".join(map(str, reversed(clbits))): shots}, shots, self.name, seed)


def register_parts(registry: Registry, *extra: tuple[str, str, Any]) -> Registry:
    """Register the parts above under the names the tests use (``backends:basis``,
    ``placers:reverse``, ``optimizers:append-id``), plus ``extra`` (kind, name, factory)."""
    shared = [
        ("backends", "basis", BasisStateBackend),
        ("placers", "reverse", ReverseQubits),
        ("optimizers", "append-id", AppendIdentity),
    ]
    for kind, name, factory in [*shared, *extra]:
        registry.register(kind, name, factory)
    return registry
