"""Text diagrams of circuits (``qloom.drawing.draw_text``, ``Circuit.draw``) and ``qloom draw``."""

from __future__ import annotations

import argparse
import math
import re

import numpy as np
import pytest

import qloom
from qloom import Circuit, Layout
from qloom.drawing import draw_text, format_param
from qloom.drawing.cli import add_draw_command
from qloom.errors import CircuitError, QloomError
from qloom.testing import assert_backend_accepts, assert_equivalent
from support import require_distribution
from support.markdown_blocks import ROOT, blocks

EXAMPLES = ROOT / "examples"


def diagram(text: str) -> str:
    """An expected diagram written as an indented triple-quoted block."""
    return text.strip("\n")


# -- exact diagrams ---------------------------------------------------------------------------


def test_bell():
    assert Circuit(2).h(0).cx(0, 1).draw(width=80) == diagram("""
     ┌───┐
q0: ─┤ H ├─●─
     └───┘ │
q1: ───────⊕─
""")


def test_toffoli_target_in_the_middle_ascii():
    assert Circuit(3).ccx(2, 0, 1).draw(width=80, ascii=True) == diagram("""
q0: --*--
      |
q1: -(+)-
      |
q2: --*--
""")


def test_toffoli_and_swap_cross_the_wire_between():
    assert Circuit(3).ccx(0, 1, 2).draw(width=80) == diagram("""
q0: ─●─
     │
q1: ─●─
     │
q2: ─⊕─
""")
    assert Circuit(3).swap(0, 2).draw(width=80, idle_wires=True) == diagram("""
q0: ─✕─
     │
q1: ─┼─
     │
q2: ─✕─
""")


def test_measure_and_barrier():
    circuit = Circuit(2).h(0).cx(0, 1).barrier().rz(math.pi / 4, 1)
    circuit.measure_all()
    assert circuit.draw(width=80) == diagram("""
         ┌───┐                   ┌───┐
    q0: ─┤ H ├─●─░─────────────░─┤ M ├───────
         └───┘ │ ░ ┌─────────┐ ░ └─╥─┘ ┌───┐
    q1: ───────⊕─░─┤ Rz(π/4) ├─░───╫───┤ M ├─
                   └─────────┘     ║   └─╥─┘
meas: 2/═══════════════════════════╩═════╩═══
                                   0     1
""")


def test_ascii_uses_only_ascii():
    circuit = Circuit(2).h(0).cx(0, 1).barrier().rz(math.pi / 4, 1)
    circuit.measure_all()
    text = circuit.draw(width=80, ascii=True)
    assert text == diagram("""
         +---+                      +---+
    q0: -| H |--*--#--------------#-| M |-------
         +---+  |  # +----------+ # +-+-+ +---+
    q1: -------(+)-#-| Rz(pi/4) |-#---|---| M |-
                     +----------+     |   +-+-+
meas: 2/==============================+=====+===
                                      0     1
""")
    assert text.isascii()


def test_params_are_compact():
    circuit = Circuit(1).rz(math.pi / 2, 0).rx(-3 * math.pi / 4, 0).ry(0.123456, 0)
    circuit.u(math.pi, 0, 2 * math.pi, 0)
    assert circuit.draw(width=80) == diagram("""
     ┌─────────┐ ┌───────────┐ ┌────────────┐ ┌───────────┐
q0: ─┤ Rz(π/2) ├─┤ Rx(-3π/4) ├─┤ Ry(0.1235) ├─┤ U(π,0,2π) ├─
     └─────────┘ └───────────┘ └────────────┘ └───────────┘
""")


@pytest.mark.parametrize(
    ("value", "text", "ascii_text"),
    [
        (0.0, "0", "0"),
        (-0.0, "0", "0"),
        (math.pi, "π", "pi"),
        (-math.pi / 2, "-π/2", "-pi/2"),
        (3 * math.pi / 4, "3π/4", "3pi/4"),
        (2 * math.pi, "2π", "2pi"),
        (math.pi / 12, "π/12", "pi/12"),
        (0.5, "0.5", "0.5"),
        (1.23456, "1.235", "1.235"),
        (1e-5, "1e-05", "1e-05"),
    ],
)
def test_format_param(value, text, ascii_text):
    assert format_param(value) == text
    assert format_param(value, ascii=True) == ascii_text


def test_condition_on_a_bundled_register_and_on_bits():
    circuit = Circuit(2, 2)
    circuit.h(0).measure(0, 0)
    circuit.append("x", [1], condition=("c", 1))
    assert circuit.draw(width=80) == diagram("""
      ┌───┐ ┌───┐
 q0: ─┤ H ├─┤ M ├───────
      └───┘ └─╥─┘ ┌───┐
 q1: ─────────╫───┤ X ├─
              ║   └─╥─┘
c: 2/═════════╩═════■═══
              0    ==1
""")
    assert circuit.draw(width=80, cregbundle=False) == diagram("""
     ┌───┐ ┌───┐
q0: ─┤ H ├─┤ M ├───────
     └───┘ └─╥─┘ ┌───┐
q1: ─────────╫───┤ X ├─
             ║   └─╥─┘
c0: ═════════╩═════■═══
                   ║
c1: ═══════════════○═══
""")


def test_named_registers_label_their_bits():
    circuit = Circuit(3, qregs=[("a", 2), ("b", 1)]).h(0).cx(1, 2)
    assert circuit.draw(width=80) == diagram("""
       ┌───┐
a[0]: ─┤ H ├─
       └───┘
a[1]: ───●───
         │
b[0]: ───⊕───
""")


def test_multi_qubit_box_numbers_its_inputs_and_blocks_the_wires_it_covers():
    # h(1) could sit in column 0 by its qubit alone, but the rzz box covers q1 there.
    assert Circuit(3).rzz(0.5, 0, 2).h(1).draw(width=80) == diagram("""
     ┌──────────────┐
q0: ─┤0             ├───────
     │              │ ┌───┐
q1: ─┤   Rzz(0.5)   ├─┤ H ├─
     │              │ └───┘
q2: ─┤1             ├───────
     └──────────────┘
""")


def test_unrelated_gates_never_sit_on_a_connector():
    # x(1) is independent of cx(0, 2) but would sit on its vertical line: it moves right.
    lines = Circuit(3).cx(0, 2).x(1).draw(width=80).splitlines()
    q1 = next(line for line in lines if line.startswith("q1:"))
    assert q1.index("┼") < q1.index("X")


def test_reset_and_controlled_boxes():
    circuit = Circuit(2).cp(math.pi / 4, 0, 1).reset(0).cz(0, 1)
    assert circuit.draw(width=80) == diagram("""
q0: ──────●─────|0⟩─●─
     ┌────┴───┐     │
q1: ─┤ P(π/4) ├─────●─
     └────────┘
""")


# -- folding, idle wires, layouts ---------------------------------------------------------------


def test_folds_at_width_repeating_the_labels():
    circuit = Circuit(1).h(0).x(0).y(0).z(0).s(0).t(0)
    text = circuit.draw(width=22)
    assert text == diagram("""
     ┌───┐ ┌───┐
q0: ─┤ H ├─┤ X ├─»
     └───┘ └───┘

      ┌───┐ ┌───┐
q0: «─┤ Y ├─┤ Z ├─»
      └───┘ └───┘

      ┌───┐ ┌───┐
q0: «─┤ S ├─┤ T ├─
      └───┘ └───┘
""")
    assert max(len(line) for line in text.splitlines()) <= 22
    assert "»" not in circuit.draw(width=0)


def test_default_width_is_the_terminal_width(monkeypatch):
    circuit = Circuit(1)
    for _ in range(30):
        circuit.h(0)
    monkeypatch.setenv("COLUMNS", "50")
    assert max(len(line) for line in circuit.draw().splitlines()) <= 50
    monkeypatch.setenv("COLUMNS", "400")
    assert "»" not in circuit.draw()


def test_idle_wires_are_left_out_unless_asked_for():
    circuit = Circuit(10, 3).h(7).cx(7, 2)
    circuit.measure(2, 0)
    text = circuit.draw(width=80)
    assert re.findall(r"^ *(\w+): ", text, flags=re.MULTILINE) == ["q2", "q7", "c"]
    full = circuit.draw(width=80, idle_wires=True)
    assert sum(1 for line in full.splitlines() if re.match(r"\s*q\d+: ", line)) == 10
    assert Circuit(3).draw() == "q0: ─\n\nq1: ─\n\nq2: ─"  # nothing happens: all wires


def test_layout_labels_physical_wires_with_logical_qubits():
    transpiled = Circuit(6).cx(5, 2).h(5)
    layout = Layout((5, 2), tuple(range(6)))
    assert transpiled.draw(width=80, layout=layout) == diagram("""
q1 -> 2: ─⊕───────
          │ ┌───┐
q0 -> 5: ─●─┤ H ├─
            └───┘
""")
    transpiled.layout = layout  # as qloom.transpile records it: used by default
    assert transpiled.draw(width=80) == transpiled.draw(width=80, layout=layout)
    ancilla = Circuit(3).swap(0, 1).draw(width=80, layout=Layout((0,), (0, 1, 2)))
    assert "q0 -> 0: " in ancilla and "ancilla -> 1: " in ancilla
    with pytest.raises(CircuitError, match="layout is for 4 physical qubits"):
        transpiled.draw(layout=Layout((0, 1), (0, 1, 2, 3)))


def test_every_operation_of_a_random_circuit_is_drawn_once():
    rng = np.random.default_rng(12)
    circuit = Circuit(6, 6)
    for _ in range(120):
        kind = rng.choice(["h", "rz", "cx", "ccx", "swap", "cz", "measure"])
        qubits = [int(q) for q in rng.choice(6, size=3, replace=False)]
        if kind == "h":
            circuit.h(qubits[0])
        elif kind == "rz":
            circuit.rz(float(rng.uniform(0.1, 3.0)), qubits[0])
        elif kind == "measure":
            circuit.measure(qubits[0], qubits[1])
        elif kind == "ccx":
            circuit.ccx(*qubits)
        else:
            circuit.append(str(kind), qubits[:2])
    ops = circuit.count_ops()
    for width in (0, 70):  # folding never splits or repeats a column
        text = circuit.draw(width=width)
        assert len(re.findall(r"┤ +H +├", text)) == ops.get("h", 0)
        assert len(re.findall(r"┤ +M +├", text)) == ops.get("measure", 0)
        assert text.count("Rz(") == ops.get("rz", 0)
        assert text.count("⊕") == ops.get("cx", 0) + ops.get("ccx", 0)
        assert text.count("●") == ops.get("cx", 0) + 2 * ops.get("ccx", 0) + 2 * ops.get("cz", 0)
        assert text.count("✕") == 2 * ops.get("swap", 0)
        assert text.count("╩") == ops.get("measure", 0)


def test_transpiled_on_a_127_qubit_device_draws_only_the_qubits_used():
    require_distribution("qloom-hw-emulator")
    circuit = qloom.qasm2.load(EXAMPLES / "ghz.qasm")
    backend = qloom.get_backend("emulator:heavy-hex-127", noise=False)
    out = qloom.transpile(circuit, on=backend, seed=3)
    assert_equivalent(circuit, out)
    assert_backend_accepts(out, backend)
    text = out.draw(width=0)
    labels = re.findall(r"^ *(q\d+) -> (\d+): ", text, flags=re.MULTILINE)
    assert sorted(labels) == sorted((f"q{q}", str(p)) for q, p in enumerate(out.layout.initial))
    wires = [line for line in text.splitlines() if re.match(r"^ *\S.*: ", line)]
    assert len(wires) == len(out.active_qubits()) + 1  # and the classical register
    full = out.draw(width=0, idle_wires=True)
    assert sum(1 for line in full.splitlines() if " -> " in line) == 127


# -- qloom draw ---------------------------------------------------------------------------------


def run_draw(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="qloom")
    add_draw_command(parser.add_subparsers())
    args = parser.parse_args(["draw", *argv])
    return int(args.func(args) or 0)


def test_cli_draws_a_file(capsys):
    assert run_draw([str(EXAMPLES / "ghz.qasm"), "--width", "100"]) == 0
    out = capsys.readouterr().out
    assert out == qloom.qasm2.load(EXAMPLES / "ghz.qasm").draw(width=100) + "\n"
    assert run_draw([str(EXAMPLES / "ghz.qasm"), "--ascii", "--width", "30"]) == 0
    text = capsys.readouterr().out
    assert text.isascii() and ">" in text and max(map(len, text.splitlines())) <= 30


def test_cli_errors_say_what_to_do(tmp_path):
    with pytest.raises(QloomError, match="no such file"):
        run_draw([str(tmp_path / "missing.qasm")])
    with pytest.raises(QloomError, match="add --on BACKEND"):
        run_draw([str(EXAMPLES / "ghz.qasm"), "--coupling", str(tmp_path / "map.png")])


def test_cli_transpiles_with_on_and_labels_the_layout(capsys):
    require_distribution("qloom-hw-emulator")
    argv = [str(EXAMPLES / "ghz.qasm"), "--on", "emulator:heavy-hex-27", "--seed", "4"]
    assert run_draw([*argv, "--width", "0", "--option", "noise=false"]) == 0
    header, *body = capsys.readouterr().out.splitlines()
    assert header.endswith("on emulator:heavy-hex-27 with pipeline 'emulator' (seed 4)")
    circuit = qloom.qasm2.load(EXAMPLES / "ghz.qasm")
    out = qloom.transpile(circuit, on="emulator:heavy-hex-27", seed=4)
    assert_equivalent(circuit, out)
    assert "\n".join(body) == out.draw(width=0)
    for logical, physical in enumerate(out.layout.initial):
        assert f"q{logical} -> {physical}: " in "\n".join(body)


def test_cli_coupling_needs_a_device(tmp_path):
    require_distribution("qloom-sim-numpy")
    with pytest.raises(QloomError, match="has no coupling map"):
        run_draw([str(EXAMPLES / "ghz.qasm"), "--on", "numpy", "--coupling", str(tmp_path / "x")])


# -- the docs page shows real output ------------------------------------------------------------


def test_docs_diagram_is_current():
    page = ROOT / "docs" / "drawing.md"
    if not page.is_file():
        pytest.skip("docs/ is not beside the tests")
    shown = [b.text.rstrip("\n") for b in blocks(page) if b.lang == "text"]
    adder = qloom.qasm2.load(EXAMPLES / "adder.qasm")
    assert adder.draw(width=80) in shown


def test_circuit_draw_is_draw_text():
    circuit = Circuit(2).h(0).cx(0, 1)
    assert circuit.draw(ascii=True, width=40) == draw_text(circuit, ascii=True, width=40)
