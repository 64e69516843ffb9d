"""qloom-padding: which qubits of a device a transpilation may use."""

from __future__ import annotations

import pytest

from qloom import (
    Backend,
    Calibration,
    Circuit,
    ConfigError,
    MappingError,
    PassContext,
    PassError,
    Pipeline,
    transpile,
)
from qloom.testing import assert_equivalent
from support import require_distribution
from support.topologies import device, grid, line

pytestmark = pytest.mark.usefixtures("installed")


@pytest.fixture
def installed() -> None:
    require_distribution("qloom-padding")


def run(strategy: str, circuit: Circuit, backend: Backend, **options: object) -> tuple:
    pipeline = Pipeline.from_spec({"passes": [{"pass": f"padding:{strategy}", **options}]})
    context = PassContext(backend=backend)
    out = pipeline(circuit, context)
    return out, context


def chain(n: int) -> Circuit:
    circuit = Circuit(n).h(0)
    for q in range(n - 1):
        circuit.cx(q, q + 1)
    return circuit


@pytest.mark.parametrize("strategy", ["none", "before", "after", "auto"])
def test_unconstrained_backends_are_never_padded(strategy):
    out, context = run(strategy, chain(3), Backend("sim"))
    assert out == chain(3)
    assert context.layout is None
    assert context.backend.name == "sim"


def test_none_keeps_the_circuit_on_its_own_qubits():
    backend = device("line6", line(6))
    out, context = run("none", chain(3), backend)
    assert out.num_qubits == 3 and context.layout is None
    assert context.backend is backend  # restored at the end
    backend.validate(out)


def test_none_restricts_the_passes_after_it_to_the_first_qubits():
    seen = []

    class Spy(Pipeline):
        def run(self, circuit, context):
            seen.append(context.backend)
            return circuit

    backend = device("grid", grid(3, 3))
    pipeline = Pipeline.from_spec({"passes": ["padding:none"]})
    pipeline.passes.append(Spy())
    pipeline(chain(4), PassContext(backend=backend))
    assert seen[0].num_qubits == 4
    assert sorted(seen[0].connectivity.edges) == [(0, 1), (0, 3), (1, 2)]


def test_before_widens_to_the_device_and_keeps_ancillas_in_zero():
    backend = device("line6", line(6))
    out, context = run("before", chain(3), backend)
    assert out.num_qubits == 6
    assert context.layout.initial == (0, 1, 2)
    assert context.layout.ancillas == (3, 4, 5)
    assert_equivalent(chain(3), out, context.layout)


def test_after_transpiles_on_the_best_region_then_widens():
    # Qubits 0-2 are bad: the region of 3 qubits must avoid them.
    calibration = Calibration({q: 0.4 if q < 3 else 0.001 for q in range(8)})
    backend = Backend("line8", 8, line(8), calibration=calibration)
    out, context = run("after", chain(3), backend)
    assert out.num_qubits == 8
    region = list(context.layout.initial)
    assert not set(region) & {0, 1, 2}
    assert sorted(region) == list(range(min(region), min(region) + 3))
    backend.validate(out)
    assert_equivalent(chain(3), out, context.layout)
    assert context.backend is backend


def test_after_prefers_the_best_connected_region():
    # A star (hub 0) with a tail: 4 qubits around the hub beat any 4 on the tail.
    edges = [(0, 1), (0, 2), (0, 3), (3, 4), (4, 5), (5, 6), (1, 2)]
    backend = Backend("kite", 7, edges)
    _, context = run("after", chain(4), backend)
    region = set(context.layout.initial)
    assert region == {0, 1, 2, 3}


def test_after_accepts_a_region_chosen_by_the_user():
    backend = device("line6", line(6))
    out, context = run("after", chain(2), backend, region=[4, 5])
    assert context.layout.initial == (4, 5)
    assert [op.qubits for op in out if op.name == "cx"] == [(4, 5)]


def test_after_reports_a_region_of_the_wrong_size_or_no_room():
    backend = device("line6", line(6))
    with pytest.raises(PassError, match="region \\[4\\] has 1 qubits, the circuit 2"):
        run("after", chain(2), backend, region=[4])
    split = Backend("split", 4, [(0, 1), (2, 3)])
    with pytest.raises(PassError, match="no connected region of 3 qubits"):
        run("after", chain(3), split)


def test_too_wide_circuits_are_refused():
    with pytest.raises(PassError) as info:
        run("before", chain(7), device("line6", line(6)))
    assert isinstance(info.value.__cause__, MappingError)
    assert "the circuit has 7 qubits, backend 'line6' has 6" in str(info.value)


def test_auto_follows_the_backend_then_the_user():
    backend = device("line6", line(6))
    assert backend.default_padding == "before"
    out, _ = run("auto", chain(3), backend)
    assert out.num_qubits == 6
    context = PassContext(backend=backend, padding="none")
    out = Pipeline.from_spec({"passes": ["padding:auto"]})(chain(3), context)
    assert out.num_qubits == 3
    with pytest.raises(PassError, match="cannot choose itself") as info:
        Pipeline.from_spec({"passes": ["padding:auto"]})(
            chain(3), PassContext(backend=backend, padding="auto")
        )
    assert isinstance(info.value.__cause__, ConfigError)


def test_transpile_takes_the_padding_choice():
    backend = Backend("line6", 6, line(6), default_pipeline="identity")
    pipeline = {"name": "pad", "passes": ["padding:auto"]}
    assert transpile(chain(3), on=backend, transpiler=pipeline).num_qubits == 6
    narrow = transpile(chain(3), on=backend, transpiler=pipeline, padding="none")
    assert narrow.num_qubits == 3
    wide = transpile(chain(3), on=backend, transpiler=pipeline, padding="after")
    assert wide.num_qubits == 6
    assert_equivalent(chain(3), wide, wide.layout)
