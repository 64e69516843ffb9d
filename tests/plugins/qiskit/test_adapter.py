"""QiskitPass: Qiskit passes inside qloom pipelines, with the layout tracked."""

from __future__ import annotations

import pytest
from qiskit.transpiler import CouplingMap, PassManager
from qiskit.transpiler.passes import Optimize1qGatesDecomposition, SabreLayout
from qiskit.transpiler.preset_passmanagers import generate_preset_pass_manager
from qiskit_ibm_runtime.fake_provider import FakeManilaV2

import qloom
from qloom import Backend, Circuit, ConfigError, Pass, PassContext, PassError, Pipeline
from qloom.testing import assert_backend_accepts, assert_equivalent, check_pass
from qloom_qiskit import QiskitBackend, QiskitPass
from support import require_distribution

LINE = [(0, 1), (1, 2), (2, 3), (3, 4)]


class SwapsToCx(Pass):
    """A qloom pass: each swap becomes three cx (both directions are coupled on Manila)."""

    kind = "unrollers"

    def run(self, circuit: Circuit, context: PassContext) -> Circuit:
        out = circuit.copy_empty()
        for op in circuit:
            if op.name == "swap":
                a, b = op.qubits
                out.cx(a, b).cx(b, a).cx(a, b)
            else:
                out.append(op.name, op.qubits, op.params, op.clbits, op.condition)
        return out


def far_apart(swap: bool = False) -> Circuit:
    """Gates on every pair of 4 qubits: no placement on a line avoids swaps."""
    circuit = Circuit(4).swap(0, 3) if swap else Circuit(4)
    circuit.h(0).t(1).cx(0, 1).cx(2, 3).cx(0, 3).cx(1, 2).cx(0, 2).cx(1, 3)
    circuit.ry(0.3, 2).measure_all()
    return circuit


def test_a_pipeline_mixing_qiskit_layout_and_routing_with_qloom_passes():
    manila = QiskitBackend(FakeManilaV2())
    pipeline = Pipeline(
        [
            QiskitPass(name="SabreLayout"),
            SwapsToCx(),
            QiskitPass(name="Optimize1qGatesDecomposition"),
        ],
        name="mixed",
    )
    original = far_apart()
    out = qloom.transpile(original, on=manila, transpiler=pipeline, seed=5)
    assert out.num_qubits == 5 and out.layout.routing != tuple(range(5))
    assert set(out.count_ops()) <= {"cx", "rz", "sx", "x", "measure", "barrier"}
    assert_equivalent(original, out, layout=out.layout)
    assert_backend_accepts(out, manila)
    again = qloom.transpile(original, on=manila, transpiler=pipeline, seed=5)
    assert again == out and again.layout == out.layout


def test_stage_labels_follow_the_qiskit_package_of_the_pass():
    assert QiskitPass(name="SabreLayout").label == "placers:qiskit"
    assert QiskitPass(name="SabreSwap").stage == "ROUTING"
    assert QiskitPass(name="BasisTranslator").kind == "unrollers"
    assert QiskitPass(name="Optimize1qGatesDecomposition").kind == "optimizers"
    assert QiskitPass(name="GateDirection").kind == "passes"
    assert QiskitPass(PassManager([])).kind == "passes"


def test_check_pass_on_a_one_qubit_optimisation():
    circuits = [
        Circuit(2).h(0).t(0).h(0).rx(0.4, 1).cx(0, 1).s(1).sdg(1).y(0),
        Circuit(3).u3(0.1, 0.2, 0.3, 0).u2(0.4, 0.5, 0).cx(1, 2).z(2).sx(1),
    ]
    line = Backend("line", 3, [(0, 1), (1, 2)], ["cx", "rz", "sx", "x"])
    report = check_pass(
        QiskitPass(name="Optimize1qGatesDecomposition"),
        [line, "qiskit:fake_manila", "qiskit:generic-3"],
        circuits,
    )
    assert not report.failures


def test_a_pass_by_name_rebuilds_from_its_spec():
    pipeline = Pipeline(
        [QiskitPass(name="SabreLayout", max_iterations=2), QiskitPass(name="SabreSwap")],
        name="qiskit-sabre",
    )
    spec = pipeline.spec()
    assert spec["passes"][0] == {
        "kind": "placers",
        "name": "qiskit",
        "options": {"name": "SabreLayout", "max_iterations": 2},
    }
    rebuilt = Pipeline.from_spec(spec)
    assert rebuilt.spec() == spec
    original, line = far_apart(), Backend("line", 5, LINE)
    a = qloom.transpile(original, on=line, transpiler=pipeline, seed=2)
    b = qloom.transpile(original, on=line, transpiler=spec, seed=2)
    assert a == b and a.layout == b.layout
    assert_equivalent(original, a)


def test_a_spec_entry_with_options_as_in_pipeline_files():
    spec = {
        "name": "one-q",
        "passes": [
            {
                "pass": "optimizers:qiskit",
                "name": "Optimize1qGatesDecomposition",
                "options": {"basis": ["rz", "sx"]},
            }
        ],
    }
    pipeline = Pipeline.from_spec(spec)
    (step,) = pipeline.passes
    assert isinstance(step, QiskitPass) and step.options["basis"] == ["rz", "sx"]
    out = qloom.transpile(Circuit(1).h(0), on="qiskit:aer", transpiler=pipeline, seed=1)
    assert set(out.count_ops()) <= {"rz", "sx"}


def test_a_layout_only_pass_places_the_circuit():
    original = Circuit(3).h(0).cx(0, 1).cx(1, 2)
    backend = Backend("line", 5, LINE)
    for name in ("TrivialLayout", "DenseLayout", "VF2Layout"):
        out = qloom.transpile(original, on=backend, transpiler=QiskitPass(name=name), seed=1)
        assert out.num_qubits == 5 and out.layout.num_physical == 5
        assert_equivalent(original, out)
    skip = QiskitPass(name="SabreLayout", skip_routing=True)
    out = qloom.transpile(Circuit(5).cx(0, 4).cx(4, 2), on=backend, transpiler=skip, seed=3)
    assert_equivalent(Circuit(5).cx(0, 4).cx(4, 2), out)
    assert not out.layout.is_trivial()


def test_a_placer_leaves_a_placed_circuit_alone():
    first, second = QiskitPass(name="DenseLayout"), QiskitPass(name="SabreLayout")
    context = PassContext(backend=Backend("line", 5, LINE))
    placed = first(Circuit(3).cx(0, 2), context)
    assert context.placement == "placers:qiskit"
    assert second(placed, context) is placed


def test_routing_alone_records_its_permutation():
    physical = Circuit(5).h(0).cx(0, 4).cx(1, 3).cx(4, 2)
    out = qloom.transpile(
        physical, on=Backend("line", 5, LINE), transpiler=QiskitPass(name="SabreSwap"), seed=4
    )
    assert out.layout.initial == tuple(range(5)) and out.layout.routing != tuple(range(5))
    assert_equivalent(physical, out)


def test_a_whole_qiskit_pass_manager_is_one_pass():
    """Qiskit's level-3 preset lays out, routes, elides swaps and translates: its whole
    layout reaches qloom."""
    fake = FakeManilaV2()
    preset = generate_preset_pass_manager(optimization_level=3, backend=fake, seed_transpiler=1)
    manila = QiskitBackend(fake)
    for circuit in (far_apart(), far_apart(swap=True)):
        out = qloom.transpile(circuit, on=manila, transpiler=QiskitPass(preset), seed=1)
        assert_equivalent(circuit, out, layout=out.layout)
        assert_backend_accepts(out, manila)


def test_an_object_pass_runs_in_process_but_cannot_be_rebuilt():
    step = QiskitPass(Optimize1qGatesDecomposition(basis=["rz", "sx", "x"]))
    assert step.spec() == {
        "kind": "optimizers",
        "name": "qiskit",
        "options": {"object": "Optimize1qGatesDecomposition"},
    }
    out = qloom.transpile(Circuit(1).h(0).t(0), on="qiskit:aer", transpiler=step, seed=1)
    assert set(out.count_ops()) <= {"rz", "sx", "x"}
    with pytest.raises(ConfigError, match="cannot be rebuilt from a spec"):
        Pipeline.from_spec({"passes": [step.spec()]})


def test_bad_names_and_missing_arguments_are_clear():
    with pytest.raises(ConfigError, match="did you mean 'SabreSwap'"):
        QiskitPass(name="SabreSwop")
    with pytest.raises(ConfigError, match="object or name"):
        QiskitPass()
    with pytest.raises(ConfigError, match="object or name"):
        QiskitPass(SabreLayout(CouplingMap(LINE)), name="SabreLayout")
    with pytest.raises(PassError, match=r"needs \['coupling_map'\]"):
        qloom.transpile(
            Circuit(2).cx(0, 1), on="qiskit:aer", transpiler=QiskitPass(name="SabreSwap")
        )


def test_a_coupling_map_given_as_edges():
    step = QiskitPass(name="SabreSwap", coupling_map=[list(e) for e in LINE])
    physical = Circuit(5).cx(0, 4)
    out = qloom.transpile(physical, on="qiskit:aer", transpiler=step, seed=1)
    assert_equivalent(physical, out)
    assert all(abs(op.qubits[0] - op.qubits[1]) == 1 for op in out if len(op.qubits) == 2)


def test_qiskit_and_qloom_placement_and_routing_together():
    require_distribution("qloom-routers")
    manila = QiskitBackend(FakeManilaV2())
    pipeline = Pipeline(
        [
            QiskitPass(name="SabreLayout", skip_routing=True),
            qloom.get_pipeline({"passes": ["routers:sabre"]}),
            SwapsToCx(),
            QiskitPass(name="Optimize1qGatesDecomposition"),
        ]
    )
    original = far_apart()
    out = qloom.transpile(original, on=manila, transpiler=pipeline, seed=8)
    assert_equivalent(original, out)
    assert_backend_accepts(out, manila)
    assert out.layout.routing != tuple(range(5))  # qloom's router moved qubits


def test_a_plain_qloom_backend_is_described_to_qiskit_passes():
    """Its natives become a Qiskit target (gates Qiskit lacks or cannot place on a coupling
    map, here gpi and rccx, are left out of it)."""
    device = Backend("dev", 5, LINE, ["cx", "rz", "sx", "x", "rccx", "gpi"])
    original = Circuit(3).h(0).cx(0, 1).ch(1, 2).t(2).swap(1, 2)
    out = qloom.transpile(original, on=device, transpiler=QiskitPass(name="BasisTranslator"))
    assert_equivalent(original, out)
    assert_backend_accepts(out, device)


def test_an_argument_the_qiskit_class_does_not_take_is_refused_when_built():
    from qloom.errors import OptionError
    from qloom.plugins import get_registry

    with pytest.raises(OptionError) as info:
        get_registry().build("routers", "qiskit", Pass, name="SabreSwap", heurstic="decay")
    message = str(info.value)
    assert "Qiskit pass 'SabreSwap' has no option 'heurstic'" in message
    assert "did you mean 'heuristic'" in message and "heuristic='basic'" in message
    assert get_registry().broken() == []
